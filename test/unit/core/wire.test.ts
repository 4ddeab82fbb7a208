import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as net from 'node:net';
import { constants as zlib, inflateRawSync } from 'node:zlib';
import * as fc from 'fast-check';
import WebSocket, { WebSocketServer } from 'ws';
import { HeadReader, checkAccept, headerValues, parseExtensionsHeader, parseHttpHead, type HttpHead } from '../../../src/core/handshake';
import { MAX_FRAMES_KEPT, singleFrameMessage, WireDecoder, type FrameDirection, type WireDecodeError, type WireFrame, type WireMessage } from '../../../src/core/wire';
import { tapSocket } from '../../../src/core/socketTap';

/** One frame to encode by hand. `payload` is the bytes or just their count. */
interface FrameSpec {
  readonly opcode: number;
  readonly fin?: boolean;
  readonly rsv1?: boolean;
  readonly rsv2?: boolean;
  readonly rsv3?: boolean;
  readonly maskKey?: number;
  readonly payload?: Buffer | number;
}

/** RFC 6455 section 5.2 framing, minimal length encoding. The decoder never looks at payload bytes, so they are not masked. */
function encodeFrame(spec: FrameSpec): Buffer {
  const payload = typeof spec.payload === 'number' ? Buffer.alloc(spec.payload, 0x61) : (spec.payload ?? Buffer.alloc(0));
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const masked = spec.maskKey !== undefined;
  const header = Buffer.alloc(2 + lengthBytes + (masked ? 4 : 0));
  header[0] = (spec.fin === false ? 0 : 0x80) | (spec.rsv1 ? 0x40 : 0) | (spec.rsv2 ? 0x20 : 0) | (spec.rsv3 ? 0x10 : 0) | spec.opcode;
  header[1] = (masked ? 0x80 : 0) | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127);
  if (lengthBytes === 2) header.writeUInt16BE(length, 2);
  if (lengthBytes === 8) header.writeBigUInt64BE(BigInt(length), 2);
  if (masked) header.writeUInt32BE(spec.maskKey as number, 2 + lengthBytes);
  return Buffer.concat([header, payload]);
}

const NAMES: Record<number, string> = { 0: 'continuation', 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };

/** Builds a byte stream from specs and, independently of the decoder, the frames and messages it must yield. */
class StreamBuilder {
  readonly frames: WireFrame[] = [];
  /** Each frame's payload as it stands in the stream (masked when the frame is). */
  private readonly payloads: Buffer[] = [];
  private readonly parts: Buffer[] = [];
  private length = 0;

  add(...specs: FrameSpec[]): this {
    for (const spec of specs) {
      const bytes = encodeFrame(spec);
      const payloadLength = typeof spec.payload === 'number' ? spec.payload : (spec.payload?.length ?? 0);
      this.frames.push({
        fin: spec.fin !== false,
        rsv1: spec.rsv1 === true,
        rsv2: false,
        rsv3: false,
        opcode: spec.opcode,
        opcodeName: NAMES[spec.opcode],
        masked: spec.maskKey !== undefined,
        maskKey: spec.maskKey,
        payloadLength,
        headerLength: bytes.length - payloadLength,
        streamOffset: this.length,
      });
      this.parts.push(bytes);
      this.payloads.push(bytes.subarray(bytes.length - payloadLength));
      this.length += bytes.length;
    }
    return this;
  }

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }

  /** Control frames are messages of their own; data frames group up to their FIN frame (RFC 6455 section 5.4). */
  messages(): WireMessage[] {
    const messages: WireMessage[] = [];
    let open: WireFrame[] = [];
    const message = (kind: WireMessage['kind'], frames: WireFrame[]): WireMessage => ({
      kind,
      frames,
      frameCount: frames.length,
      wireBytes: frames.reduce((sum, f) => sum + f.headerLength + f.payloadLength, 0),
      compressed: frames[0].rsv1,
    });
    this.frames.forEach((frame, index) => {
      if (frame.opcode >= 8) {
        // The decoder hands back a control frame's payload unmasked (RFC 6455 section 5.3).
        const key = frame.maskKey;
        const payload = Buffer.from(this.payloads[index].map((b, i) => (key === undefined ? b : b ^ ((key >>> (8 * (3 - (i % 4)))) & 0xff))));
        messages.push({ ...message(frame.opcodeName as WireMessage['kind'], [frame]), payload });
        return;
      }
      open.push(frame);
      if (frame.fin) {
        messages.push(message(open[0].opcode === 1 ? 'text' : 'binary', open));
        open = [];
      }
    });
    return messages;
  }
}

interface Decoded {
  messages: WireMessage[];
  errors: WireDecodeError[];
  failed: boolean;
}

/**
 * With `singleFrames`, the decoder hands data messages of one plain frame to onSingleFrameMessage as
 * numbers, and they are turned back into messages with singleFrameMessage: either way must yield the same.
 */
function decode(direction: FrameDirection, chunks: Iterable<Buffer>, perMessageDeflate = false, singleFrames = false): Decoded {
  const messages: WireMessage[] = [];
  const errors: WireDecodeError[] = [];
  const decoder = new WireDecoder({
    direction,
    onMessage: (m) => messages.push(m),
    ...(singleFrames ? { onSingleFrameMessage: (...facts) => messages.push(singleFrameMessage(...facts)) } : {}),
    onError: (e) => errors.push(e),
  });
  decoder.setPerMessageDeflate(perMessageDeflate);
  for (const chunk of chunks) decoder.push(chunk);
  return { messages, errors, failed: decoder.failed };
}

function* bytewise(bytes: Buffer): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

/** Deterministic pseudo-random chunk sizes from 1 to maxSize (mulberry32). */
function* randomChunks(bytes: Buffer, seed: number, maxSize = 40): Generator<Buffer> {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let at = 0; at < bytes.length; ) {
    const size = 1 + Math.floor(next() * maxSize);
    yield bytes.subarray(at, at + size);
    at += size;
  }
}

/** The same bytes split every way the tests try: whole, byte by byte, in two at every offset, and in random chunks. */
function* everySplit(bytes: Buffer): Generator<[string, Buffer[]]> {
  yield ['whole', [bytes]];
  yield ['byte by byte', [...bytewise(bytes)]];
  for (let i = 1; i < bytes.length; i++) yield [`split at ${i}`, [bytes.subarray(0, i), bytes.subarray(i)]];
  for (let seed = 1; seed <= 20; seed++) yield [`random chunks, seed ${seed}`, [...randomChunks(bytes, seed)]];
}

describe('WireDecoder', () => {
  describe('valid streams', () => {
    it('decodes an unmasked server text frame', () => {
      const stream = new StreamBuilder().add({ opcode: 1, payload: Buffer.from('hello') });
      const { messages, errors } = decode('server-to-client', [stream.bytes()]);
      assert.deepEqual(errors, []);
      assert.deepEqual(messages, [
        {
          kind: 'text',
          frames: [{ fin: true, rsv1: false, rsv2: false, rsv3: false, opcode: 1, opcodeName: 'text', masked: false, maskKey: undefined, payloadLength: 5, headerLength: 2, streamOffset: 0 }],
          frameCount: 1,
          wireBytes: 7,
          compressed: false,
        },
      ]);
    });

    it('reads the client\'s mask key and the 16- and 64-bit lengths', () => {
      const stream = new StreamBuilder().add(
        { opcode: 2, maskKey: 0xdeadbeef, payload: 125 },
        { opcode: 2, maskKey: 0x01020304, payload: 126 },
        { opcode: 2, maskKey: 0xffffffff, payload: 0xffff },
        { opcode: 2, maskKey: 0, payload: 0x10000 },
      );
      const { messages, errors } = decode('client-to-server', [stream.bytes()]);
      assert.deepEqual(errors, []);
      const frames = messages.map((m) => m.frames[0]);
      assert.deepEqual(
        frames.map((f) => [f.maskKey, f.payloadLength, f.headerLength, f.streamOffset]),
        [
          [0xdeadbeef, 125, 6, 0],
          [0x01020304, 126, 8, 131],
          [0xffffffff, 0xffff, 8, 265],
          [0, 0x10000, 14, 265 + 8 + 0xffff],
        ],
      );
    });

    it('emits control frames inside a fragmented message as messages of their own (RFC 6455 section 5.4)', () => {
      const stream = new StreamBuilder().add(
        { opcode: 1, fin: false, rsv1: true, payload: 3 },
        { opcode: 9, payload: Buffer.from('are you there') },
        { opcode: 0, fin: false, payload: 4 },
        { opcode: 10, payload: 0 },
        { opcode: 0, fin: true, payload: 5 },
        { opcode: 8, payload: Buffer.from([0x03, 0xe8]) },
      );
      const { messages, errors } = decode('server-to-client', [stream.bytes()], true);
      assert.deepEqual(errors, []);
      assert.deepEqual(messages, stream.messages());
      assert.deepEqual(
        messages.map((m) => [m.kind, m.frameCount, m.compressed, m.frames.map((f) => f.opcodeName)]),
        [
          ['ping', 1, false, ['ping']],
          ['pong', 1, false, ['pong']],
          ['text', 3, true, ['text', 'continuation', 'continuation']],
          ['close', 1, false, ['close']],
        ],
      );
      assert.equal(messages[2].wireBytes, 5 + 6 + 7);
    });

    it('emits a message only when its last byte has arrived', () => {
      const bytes = new StreamBuilder().add({ opcode: 2, payload: 300 }).bytes();
      const messages: WireMessage[] = [];
      const decoder = new WireDecoder({ direction: 'server-to-client', onMessage: (m) => messages.push(m), onError: (e) => assert.fail(e.message) });
      decoder.push(bytes.subarray(0, bytes.length - 1));
      assert.equal(messages.length, 0);
      decoder.push(bytes.subarray(bytes.length - 1));
      assert.equal(messages.length, 1);
    });

    it(`keeps the first ${MAX_FRAMES_KEPT} frames of a message and counts them all`, () => {
      const total = MAX_FRAMES_KEPT * 3;
      const stream = new StreamBuilder().add({ opcode: 2, fin: false, payload: 1 });
      for (let i = 1; i < total; i++) stream.add({ opcode: 0, fin: i === total - 1, payload: i % 3 });
      const { messages, errors } = decode('server-to-client', randomChunks(stream.bytes(), 7));
      assert.deepEqual(errors, []);
      assert.equal(messages.length, 1);
      const [message] = messages;
      assert.equal(message.frameCount, total);
      assert.equal(message.frames.length, MAX_FRAMES_KEPT);
      assert.deepEqual(message.frames, stream.frames.slice(0, MAX_FRAMES_KEPT));
      assert.equal(message.wireBytes, stream.bytes().length);
    });

    it('yields the same messages however the stream is split', () => {
      const stream = new StreamBuilder().add(
        { opcode: 1, payload: Buffer.from('hi') },
        { opcode: 1, payload: 0 },
        { opcode: 2, fin: false, rsv1: true, payload: 130 },
        { opcode: 9, payload: 125 },
        { opcode: 0, fin: false, payload: 0 },
        { opcode: 0, fin: true, payload: 1 },
        { opcode: 2, payload: 0x10000 + 3 },
        { opcode: 10, payload: 0 },
        { opcode: 8, payload: Buffer.from([0x0f, 0xa0, 0x62, 0x79, 0x65]) },
      );
      const bytes = stream.bytes();
      const expected = stream.messages();
      for (const [how, chunks] of everySplit(bytes)) {
        for (const singleFrames of [false, true]) {
          const { messages, errors } = decode('server-to-client', chunks, true, singleFrames);
          assert.deepEqual(errors, [], how);
          assert.deepEqual(messages, expected, `${how}${singleFrames ? ', single frames as numbers' : ''}`);
        }
      }
    });

    it('yields the same masked client messages however the stream is split', () => {
      const stream = new StreamBuilder().add(
        { opcode: 1, maskKey: 0x11223344, payload: 0 },
        { opcode: 2, maskKey: 0xa5a5a5a5, fin: false, payload: 200 },
        { opcode: 10, maskKey: 0x01010101, payload: 3 },
        { opcode: 0, maskKey: 0x80000000, payload: 2 },
        { opcode: 8, maskKey: 0x7fffffff, payload: 0 },
      );
      const expected = stream.messages();
      for (const [how, chunks] of everySplit(stream.bytes())) {
        assert.deepEqual(decode('client-to-server', chunks).messages, expected, how);
        assert.deepEqual(decode('client-to-server', chunks, false, true).messages, expected, `${how}, single frames as numbers`);
      }
    });
  });

  describe('single-frame messages as numbers (onSingleFrameMessage)', () => {
    type Facts = [kind: 'text' | 'binary', compressed: boolean, payloadLength: number, streamOffset: number, maskKey: number | undefined];
    const run = (direction: FrameDirection, bytes: Buffer, perMessageDeflate = false): { facts: Facts[]; objects: WireMessage[] } => {
      const facts: Facts[] = [];
      const objects: WireMessage[] = [];
      const decoder = new WireDecoder({ direction, onMessage: (m) => objects.push(m), onSingleFrameMessage: (...f) => facts.push(f), onError: (e) => assert.fail(e.message) });
      decoder.setPerMessageDeflate(perMessageDeflate);
      decoder.push(bytes);
      return { facts, objects };
    };

    it('hands over every data message of one plain frame with its facts, and nothing else', () => {
      const stream = new StreamBuilder().add(
        { opcode: 1, payload: 5 },
        { opcode: 2, rsv1: true, payload: 126 },
        { opcode: 9, payload: 1 },
        { opcode: 1, fin: false, payload: 2 },
        { opcode: 0, payload: 3 },
        { opcode: 2, payload: 0x10000 },
      );
      const { facts, objects } = run('server-to-client', stream.bytes(), true);
      assert.deepEqual(facts, [
        ['text', false, 5, 0, undefined],
        ['binary', true, 126, 7, undefined],
        ['binary', false, 0x10000, 7 + 130 + 3 + 4 + 5, undefined],
      ]);
      assert.deepEqual(
        objects.map((m) => [m.kind, m.frameCount]),
        [
          ['ping', 1],
          ['text', 2],
        ],
      );
    });

    it('hands over the client\'s mask key', () => {
      const stream = new StreamBuilder().add({ opcode: 1, maskKey: 0xfedcba98, payload: 3 }, { opcode: 2, maskKey: 0, payload: 0 });
      assert.deepEqual(run('client-to-server', stream.bytes()).facts, [
        ['text', false, 3, 0, 0xfedcba98],
        ['binary', false, 0, 9, 0],
      ]);
    });

    it('keeps a frame whose length is not in its shortest encoding as an object, with its real header', () => {
      // 5 bytes announced in a 16-bit length, then 3 in a 64-bit one: the numbers alone would describe other headers.
      const bytes = Buffer.concat([Buffer.from([0x81, 126, 0, 5]), Buffer.from('hello'), Buffer.from([0x82, 127, 0, 0, 0, 0, 0, 0, 0, 3]), Buffer.from('abc')]);
      const { facts, objects } = run('server-to-client', bytes);
      assert.deepEqual(facts, []);
      assert.deepEqual(
        objects.map((m) => [m.kind, m.wireBytes, m.frames[0].headerLength, m.frames[0].payloadLength, m.frames[0].streamOffset]),
        [
          ['text', 9, 4, 5, 0],
          ['binary', 13, 10, 3, 9],
        ],
      );
    });
  });

  describe('broken rules', () => {
    interface ErrorCase {
      readonly title: string;
      readonly direction?: FrameDirection;
      readonly perMessageDeflate?: boolean;
      /** Valid frames before the bad one; their messages must still come out. */
      readonly before?: FrameSpec[];
      readonly bad: Buffer;
      readonly message: RegExp;
      readonly closeCode?: number;
    }
    const server = (spec: FrameSpec): Buffer => encodeFrame(spec);
    const cases: ErrorCase[] = [
      { title: 'reserved opcode 0x3', bad: server({ opcode: 3 }), message: /^The server sent a frame with reserved opcode 0x3; .*\(RFC 6455 section 5\.2\)\.$/ },
      { title: 'reserved opcode 0x7', bad: server({ opcode: 7 }), message: /reserved opcode 0x7/ },
      { title: 'reserved opcode 0xB', bad: server({ opcode: 0xb }), message: /reserved opcode 0xB/ },
      { title: 'reserved opcode 0xF', bad: server({ opcode: 0xf }), message: /reserved opcode 0xF/ },
      {
        title: 'RSV1 without permessage-deflate',
        bad: server({ opcode: 1, rsv1: true, payload: 4 }),
        message: /^The server sent a text frame with RSV1 set, but permessage-deflate was not negotiated.*\(RFC 6455 section 5\.2, RFC 7692 section 6\)\.$/,
      },
      {
        title: 'RSV1 on a continuation frame',
        perMessageDeflate: true,
        before: [{ opcode: 1, fin: false, rsv1: true, payload: 2 }],
        bad: server({ opcode: 0, rsv1: true, payload: 2 }),
        message: /RSV1 \("compressed"\) on a continuation frame.*\(RFC 7692 section 6\.1\)/,
      },
      {
        title: 'RSV1 on a control frame',
        perMessageDeflate: true,
        bad: server({ opcode: 9, rsv1: true }),
        message: /RSV1 \("compressed"\) on a ping frame; control frames are never compressed \(RFC 7692 section 6\.1\)/,
      },
      { title: 'RSV2', bad: server({ opcode: 2, rsv2: true }), message: /^The server sent a binary frame with RSV2 set; .*\(RFC 6455 section 5\.2\)\.$/ },
      { title: 'RSV3', perMessageDeflate: true, bad: server({ opcode: 2, rsv3: true }), message: /binary frame with RSV3 set/ },
      { title: 'RSV2 and RSV3', bad: server({ opcode: 2, rsv2: true, rsv3: true }), message: /with RSV2 and RSV3 set; no negotiated extension defines them/ },
      {
        title: 'a masked server frame',
        before: [{ opcode: 1, payload: 3 }],
        bad: server({ opcode: 1, maskKey: 1, payload: 3 }),
        message: /^The server sent a masked text frame; a server must not mask .*\(RFC 6455 section 5\.1\)\.$/,
      },
      {
        title: 'an unmasked client frame',
        direction: 'client-to-server',
        before: [{ opcode: 1, maskKey: 5, payload: 3 }],
        bad: server({ opcode: 2, payload: 3 }),
        message: /^The client sent an unmasked binary frame; a client must mask every frame .*\(RFC 6455 section 5\.1\)\.$/,
      },
      {
        title: 'a control frame longer than 125 bytes (16-bit length)',
        bad: server({ opcode: 9, payload: 126 }),
        message: /^The server sent a ping frame with a payload longer than 125 bytes \(its length field announces a 16-bit length\).*\(RFC 6455 section 5\.5\)\.$/,
      },
      { title: 'a control frame longer than 125 bytes (64-bit length)', bad: Buffer.from([0x88, 0x7f, 0, 0, 0, 0, 0, 1, 0, 0]), message: /close frame with a payload longer than 125 bytes \(.*64-bit length\)/ },
      {
        title: 'a fragmented control frame',
        before: [{ opcode: 2, fin: false, payload: 1 }],
        bad: server({ opcode: 10, fin: false }),
        message: /^The server sent a pong frame with FIN=0; control frames must not be fragmented \(RFC 6455 section 5\.5\)\.$/,
      },
      {
        title: 'a continuation without a started message',
        before: [{ opcode: 1, fin: false }, { opcode: 0, fin: true }],
        bad: server({ opcode: 0, payload: 1 }),
        message: /^The server sent a continuation frame, but no fragmented message was in progress \(RFC 6455 section 5\.4\)\.$/,
      },
      {
        title: 'a new data frame inside a fragmented message',
        before: [{ opcode: 1, fin: false, payload: 1 }, { opcode: 9 }],
        bad: server({ opcode: 2, payload: 1 }),
        message: /^The server started a new binary message while a fragmented text message was unfinished; .*\(RFC 6455 section 5\.4\)\.$/,
      },
      {
        title: 'a 64-bit length with its most significant bit set',
        bad: Buffer.from([0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0x10]),
        message: /^The server sent a 64-bit payload length with its most significant bit set; that bit must be 0 \(RFC 6455 section 5\.2\)\.$/,
      },
      {
        title: 'a 64-bit length above 2^53 - 1',
        direction: 'client-to-server',
        bad: Buffer.from([0x82, 0xff, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4]),
        message: /^The client sent a frame announcing 9007199254740992 bytes of payload, more than 2\^53 - 1; .*\(close code 1009, message too big, RFC 6455 section 7\.4\.1\)\.$/,
        closeCode: 1009,
      },
      {
        title: 'a close frame with a 1-byte payload',
        bad: server({ opcode: 8, payload: 1 }),
        message: /^The server sent a close frame with a 1-byte payload; .*2-byte status code \(RFC 6455 section 5\.5\.1\)\.$/,
      },
    ];

    for (const c of cases) {
      it(`${c.title}: reports it once, says why, and stops`, () => {
        const direction = c.direction ?? 'server-to-client';
        const before = new StreamBuilder().add(...(c.before ?? []));
        const prefix = before.bytes();
        // A valid frame after the bad one must be ignored: the stream is no longer in step.
        const after = encodeFrame(direction === 'client-to-server' ? { opcode: 1, maskKey: 9, payload: 1 } : { opcode: 1, payload: 1 });
        const bytes = Buffer.concat([prefix, c.bad, after]);
        let reference: WireDecodeError | undefined;
        for (const [how, chunks] of everySplit(bytes)) {
          const { messages, errors, failed } = decode(direction, chunks, c.perMessageDeflate);
          assert.equal(errors.length, 1, `${how}: ${errors.map((e) => e.message).join('; ')}`);
          assert.ok(failed, how);
          assert.deepEqual(messages, before.messages(), how);
          const [error] = errors;
          if (reference === undefined) {
            reference = error;
            assert.match(error.message, c.message);
            assert.equal(error.closeCode, c.closeCode ?? 1002);
            assert.equal(error.streamOffset, prefix.length);
            assert.equal(error.frame?.streamOffset, prefix.length);
            assert.equal(error.frame?.opcode, c.bad[0] & 0x0f);
          } else {
            assert.deepEqual(error, reference, how);
          }
        }
      });
    }

    it('describes what it read of the offending header', () => {
      const { errors } = decode('server-to-client', [encodeFrame({ opcode: 1, rsv1: true, fin: false, payload: 7 })]);
      assert.deepEqual(errors[0].frame, { fin: false, rsv1: true, rsv2: false, rsv3: false, opcode: 1, opcodeName: 'text', masked: false, payloadLength: 7, streamOffset: 0 });
    });

    it('ignores every byte after the first error', () => {
      const errors: WireDecodeError[] = [];
      const decoder = new WireDecoder({ direction: 'server-to-client', onMessage: (m) => assert.fail(`unexpected ${m.kind}`), onError: (e) => errors.push(e) });
      decoder.push(Buffer.from([0x83, 0x00]));
      decoder.push(Buffer.from([0x83, 0x00, 0x81, 0x00]));
      assert.ok(decoder.failed);
      assert.equal(errors.length, 1);
    });
  });

  describe('property-based', () => {
    /** One data message with its control frames interleaved, as the generator draws it. */
    const payloadLength = fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0, max: 140 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0xfff0, max: 0x10010 }) },
    );
    const controlFrame = fc.record({ opcode: fc.constantFrom(8, 9, 10), length: fc.integer({ min: 0, max: 125 }).filter((n) => n !== 1) });
    const dataMessage = fc.record({
      opcode: fc.constantFrom(1, 2),
      compressed: fc.boolean(),
      fragments: fc.array(fc.record({ length: payloadLength, controls: fc.array(controlFrame, { maxLength: 2 }) }), { minLength: 1, maxLength: 4 }),
    });
    const session = fc.record({
      direction: fc.constantFrom<FrameDirection>('client-to-server', 'server-to-client'),
      messages: fc.array(dataMessage, { maxLength: 6 }),
      chunkSeed: fc.integer(),
      maxChunk: fc.integer({ min: 1, max: 300 }),
    });

    it('decodes random valid frame sequences, split anywhere, into the messages that were encoded', () => {
      fc.assert(
        fc.property(session, (s) => {
          const masked = s.direction === 'client-to-server';
          const stream = new StreamBuilder();
          let key = 1;
          const mask = (): number | undefined => (masked ? (key = (key * 2654435761) >>> 0) : undefined);
          for (const m of s.messages) {
            m.fragments.forEach((fragment, i) => {
              stream.add({ opcode: i === 0 ? m.opcode : 0, fin: i === m.fragments.length - 1, rsv1: i === 0 && m.compressed, maskKey: mask(), payload: fragment.length });
              for (const control of fragment.controls) stream.add({ opcode: control.opcode, maskKey: mask(), payload: control.length });
            });
          }
          const chunks = [...randomChunks(stream.bytes(), s.chunkSeed, s.maxChunk)];
          for (const singleFrames of [false, true]) {
            const { messages, errors } = decode(s.direction, chunks, true, singleFrames);
            assert.deepEqual(errors, []);
            assert.deepEqual(messages, stream.messages());
          }
        }),
        { numRuns: 150 },
      );
    });

    it('never throws on random bytes, reports at most one error, and ignores what follows it', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 400 }),
          fc.constantFrom<FrameDirection>('client-to-server', 'server-to-client'),
          fc.boolean(),
          fc.integer(),
          (bytes, direction, perMessageDeflate, seed) => {
            const buffer = Buffer.from(bytes);
            const whole = decode(direction, [buffer], perMessageDeflate);
            const split = decode(direction, randomChunks(buffer, seed, 7), perMessageDeflate);
            assert.ok(whole.errors.length <= 1);
            assert.equal(whole.failed, whole.errors.length === 1);
            assert.deepEqual(split, whole);
            assert.deepEqual(decode(direction, randomChunks(buffer, seed, 7), perMessageDeflate, true), whole, 'single frames as numbers');
          },
        ),
        { numRuns: 2000 },
      );
    });
  });

  describe('bytes from a real ws client and server', () => {
    let wss: WebSocketServer;
    before(async () => {
      // threshold 0: the server compresses even tiny messages, so RSV1 shows up.
      wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: { threshold: 0 } });
      await once(wss, 'listening');
    });
    after(async () => {
      wss.close();
      await once(wss, 'close');
    });

    /** Everything the client wrote and read, tapped by the session's own tap (src/core/socketTap.ts). */
    interface Tap {
      readonly written: Buffer[];
      readonly read: Buffer[];
    }
    function tappedConnection(tap: Tap): typeof net.createConnection {
      const connect = (options: net.TcpNetConnectOpts): net.Socket => {
        const socket = net.connect({ host: options.host, port: Number(options.port) });
        // Copies: the tap hands out views of chunks the socket may reuse.
        tapSocket(socket, { outgoing: (chunk) => tap.written.push(Buffer.from(chunk)), incoming: (chunk) => tap.read.push(Buffer.from(chunk)), ended: () => undefined });
        return socket;
      };
      return connect as typeof net.createConnection;
    }

    /** Splits a direction's tapped bytes into its HTTP head and the frame stream after it. */
    function splitHead(chunks: Buffer[]): { head: HttpHead; frames: Buffer } {
      const reader = new HeadReader();
      const frames: Buffer[] = [];
      let head: Buffer | undefined;
      for (const chunk of chunks) {
        if (head) {
          frames.push(chunk);
          continue;
        }
        const found = reader.push(chunk);
        if (found) {
          head = found.head;
          frames.push(found.rest);
        }
      }
      assert.ok(head, `no HTTP head in ${chunks.length} chunks${reader.error ? `: ${reader.error.message}` : ''}`);
      const parsed = parseHttpHead(head);
      assert.ok(!(parsed instanceof Error), parsed instanceof Error ? parsed.message : '');
      return { head: parsed, frames: Buffer.concat(frames) };
    }

    const frame = (f: Partial<WireFrame> & Pick<WireFrame, 'opcode' | 'payloadLength'>): Omit<WireFrame, 'maskKey' | 'streamOffset'> => ({
      fin: true,
      rsv1: false,
      rsv2: false,
      rsv3: false,
      opcodeName: NAMES[f.opcode],
      masked: false,
      headerLength: 2,
      ...f,
    });
    const withoutMaskAndOffset = (frames: readonly WireFrame[]): Array<Omit<WireFrame, 'maskKey' | 'streamOffset'>> =>
      frames.map(({ maskKey: _key, streamOffset: _offset, ...rest }) => rest);
    const payloadOf = (stream: Buffer, f: WireFrame): Buffer => {
      const payload = Buffer.from(stream.subarray(f.streamOffset + f.headerLength, f.streamOffset + f.headerLength + f.payloadLength));
      if (f.maskKey !== undefined) {
        const key = Buffer.alloc(4);
        key.writeUInt32BE(f.maskKey);
        for (let i = 0; i < payload.length; i++) payload[i] ^= key[i & 3];
      }
      return payload;
    };

    /** Inflates compressed messages of one direction in order: with context takeover they continue one deflate stream (RFC 7692 section 7.2.2). */
    const inflateMessages = (stream: Buffer, messages: readonly WireMessage[]): string => {
      const parts = messages.flatMap((m) => [...m.frames.map((f) => payloadOf(stream, f)), Buffer.from([0, 0, 0xff, 0xff])]);
      return inflateRawSync(Buffer.concat(parts), { finishFlush: zlib.Z_SYNC_FLUSH }).toString();
    };

    it('decodes both directions of a compressed session frame by frame', async function () {
      this.timeout(10_000);
      const binary = Buffer.alloc(300, 7);
      const big = Buffer.alloc(70_000, 9);
      wss.once('connection', (peer) => {
        peer.send('frag-one ', { fin: false });
        peer.send('frag-two', { fin: true });
        peer.send(binary, { binary: true, compress: false });
        peer.ping('srv-ping');
      });
      const tap: Tap = { written: [], read: [] };
      const { port } = wss.address() as net.AddressInfo;
      const client = new WebSocket(`ws://127.0.0.1:${port}/inspect`, { createConnection: tappedConnection(tap) });
      const received: string[] = [];
      client.on('message', (data, isBinary) => received.push(isBinary ? `binary ${(data as Buffer).length}` : data.toString()));
      client.on('ping', () => {
        // ws has already answered the ping with a pong of its own (autoPong).
        client.send('c-one', { fin: false });
        client.send('c-two', { fin: true });
        client.send('hello from client');
        client.send(big, { binary: true, compress: false });
        client.ping('cli-ping');
        client.pong('unsolicited');
      });
      client.on('pong', () => client.close(4000, 'done here'));
      const [code, reason] = (await once(client, 'close')) as [number, Buffer];
      assert.deepEqual([code, reason.toString()], [4000, 'done here']);
      assert.deepEqual(received, ['frag-one frag-two', 'binary 300']);

      // The handshake: the request's key and the server's accept, and the negotiated extension.
      const request = splitHead(tap.written);
      const response = splitHead(tap.read);
      assert.equal(request.head.startLine, 'GET /inspect HTTP/1.1');
      assert.equal(response.head.startLine, 'HTTP/1.1 101 Switching Protocols');
      const [key] = headerValues(request.head, 'sec-websocket-key');
      const [accept] = headerValues(response.head, 'Sec-WebSocket-Accept');
      assert.ok(checkAccept(key, accept).ok, checkAccept(key, accept).message);
      assert.deepEqual(parseExtensionsHeader(headerValues(request.head, 'Sec-WebSocket-Extensions').join(', ')), [
        { name: 'permessage-deflate', params: { client_max_window_bits: true } },
      ]);
      assert.deepEqual(parseExtensionsHeader(headerValues(response.head, 'Sec-WebSocket-Extensions').join(', ')), [{ name: 'permessage-deflate', params: {} }]);

      const decodeStream = (direction: FrameDirection, bytes: Buffer): WireMessage[] => {
        const { messages, errors } = decode(direction, [bytes], true);
        assert.deepEqual(errors, []);
        // Frames are back to back and the last one ends where the stream ends.
        const frames = messages.flatMap((m) => m.frames).sort((a, b) => a.streamOffset - b.streamOffset);
        let offset = 0;
        for (const f of frames) {
          assert.equal(f.streamOffset, offset);
          offset += f.headerLength + f.payloadLength;
        }
        assert.equal(offset, bytes.length);
        return messages;
      };

      const fromServer = decodeStream('server-to-client', response.frames);
      assert.deepEqual(
        fromServer.map((m) => [m.kind, m.frameCount, m.compressed]),
        [
          ['text', 2, true],
          ['binary', 1, false],
          ['ping', 1, false],
          ['pong', 1, false],
          ['close', 1, false],
        ],
      );
      const [text, bin, ping, pong, close] = fromServer;
      const [first, second] = text.frames;
      assert.deepEqual(withoutMaskAndOffset(text.frames), [
        frame({ opcode: 1, fin: false, rsv1: true, payloadLength: first.payloadLength }),
        frame({ opcode: 0, payloadLength: second.payloadLength }),
      ]);
      // The lengths are right if the payloads they delimit inflate to the text (RFC 7692 section 7.2.2).
      assert.equal(inflateMessages(response.frames, [text]), 'frag-one frag-two');
      assert.deepEqual(withoutMaskAndOffset(bin.frames), [frame({ opcode: 2, payloadLength: 300, headerLength: 4 })]);
      assert.deepEqual(withoutMaskAndOffset(ping.frames), [frame({ opcode: 9, payloadLength: 8 })]);
      assert.equal(payloadOf(response.frames, ping.frames[0]).toString(), 'srv-ping');
      assert.deepEqual(withoutMaskAndOffset(pong.frames), [frame({ opcode: 10, payloadLength: 8 })]);
      assert.equal(payloadOf(response.frames, pong.frames[0]).toString(), 'cli-ping');
      assert.deepEqual(withoutMaskAndOffset(close.frames), [frame({ opcode: 8, payloadLength: 11 })]);
      assert.equal(payloadOf(response.frames, close.frames[0]).readUInt16BE(0), 4000);
      assert.ok(fromServer.every((m) => m.frames.every((f) => f.maskKey === undefined)));

      const fromClient = decodeStream('client-to-server', request.frames);
      // With context takeover, ws compresses every data message whatever its threshold (only compress: false opts out).
      assert.deepEqual(
        fromClient.map((m) => [m.kind, m.frameCount, m.compressed]),
        [
          ['pong', 1, false],
          ['text', 2, true],
          ['text', 1, true],
          ['binary', 1, false],
          ['ping', 1, false],
          ['pong', 1, false],
          ['close', 1, false],
        ],
      );
      const clientFrames = fromClient.flatMap((m) => m.frames);
      const masked = (f: Partial<WireFrame> & Pick<WireFrame, 'opcode' | 'payloadLength'>) => frame({ masked: true, headerLength: 6, ...f });
      assert.deepEqual(withoutMaskAndOffset(clientFrames), [
        masked({ opcode: 10, payloadLength: 8 }),
        masked({ opcode: 1, fin: false, rsv1: true, payloadLength: clientFrames[1].payloadLength }),
        masked({ opcode: 0, payloadLength: clientFrames[2].payloadLength }),
        masked({ opcode: 1, rsv1: true, payloadLength: clientFrames[3].payloadLength }),
        masked({ opcode: 2, payloadLength: 70_000, headerLength: 14 }),
        masked({ opcode: 9, payloadLength: 8 }),
        masked({ opcode: 10, payloadLength: 11 }),
        masked({ opcode: 8, payloadLength: 11 }),
      ]);
      assert.deepEqual(
        fromClient.map((m) => m.wireBytes),
        fromClient.map((m) => m.frames.reduce((sum, f) => sum + f.headerLength + f.payloadLength, 0)),
      );
      // The mask keys are the real ones: unmasking with them gives back what was sent (RFC 6455 section 5.3).
      assert.equal(inflateMessages(request.frames, fromClient.filter((m) => m.compressed)), 'c-onec-twohello from client');
      assert.deepEqual(
        [0, 5, 6, 7].map((i) => payloadOf(request.frames, clientFrames[i]).toString('latin1')),
        ['srv-ping', 'cli-ping', 'unsolicited', '\x0f\xa0done here'],
      );
      assert.ok(payloadOf(request.frames, clientFrames[4]).equals(big));
    });
  });
});
