import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { END_SCAN, EventStore, type NewSessionEvent, type SingleFrameEvent } from '../../../src/core/eventStore';
import { MAX_FRAMES_KEPT, singleFrameMessage, type WireFrame, type WireMessage } from '../../../src/core/wire';

const info = (message: string, monoUs = 0): NewSessionEvent => ({ kind: 'info', direction: 'local', monoUs, wallMs: 1_700_000_000_000 + monoUs, message });
const text = (body: string | Buffer, monoUs = 0): NewSessionEvent => ({ kind: 'text', direction: 'received', monoUs, wallMs: 1_700_000_000_000, payload: typeof body === 'string' ? Buffer.from(body) : body });
const nextTick = (): Promise<void> => new Promise((r) => setImmediate(r));
const MIB = 1024 * 1024;
/** The one spill file in `dir`. */
const spillFileIn = (dir: string): string => {
  const names = readdirSync(dir);
  assert.equal(names.length, 1, `one spill file: ${names.join(', ')}`);
  return join(dir, names[0]);
};

describe('EventStore', () => {
  it('numbers events in append order without gaps and reads them back whole', () => {
    const store = new EventStore();
    const seqs = ['a', 'b', 'c'].map((m, i) => store.append(info(m, i)));
    assert.deepEqual(seqs, [0, 1, 2]);
    assert.equal(store.length, 3);
    assert.deepEqual(store.get(1), { seq: 1, kind: 'info', direction: 'local', monoUs: 1, wallMs: 1_700_000_000_001, size: 0, message: 'b' });
    assert.equal(store.get(3), undefined);
    assert.equal(store.get(-1), undefined);
  });

  it('keeps payloads byte for byte, independent of the buffer the producer reuses', () => {
    const store = new EventStore();
    const reused = Buffer.from('first');
    store.append(text(reused));
    reused.write('XXXXX');
    const big = Buffer.alloc(200_000, 7);
    store.append(text(big));
    assert.equal(store.get(0)?.payload?.toString(), 'first');
    assert.equal(store.get(0)?.size, 5);
    assert.equal(store.get(1)?.payload?.length, 200_000);
    assert.ok(store.get(1)?.payload?.every((b) => b === 7));
  });

  it('reads clamped ranges across segments', () => {
    const store = new EventStore({ segmentSize: 4 });
    for (let i = 0; i < 10; i++) store.append(info(String(i), i));
    assert.deepEqual(store.readRange(2, 7).map((e) => e.message), ['2', '3', '4', '5', '6']);
    assert.deepEqual(store.readRange(-5, 100).map((e) => e.seq), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(store.readRange(4, 2), []);
  });

  it('keeps close details, handshakes and multi-frame wire detail, and rebuilds single frames', () => {
    const store = new EventStore();
    const frame = { fin: true, rsv1: true, rsv2: false, rsv3: false, opcode: 1, opcodeName: 'text', masked: true, maskKey: 0xdeadbeef, payloadLength: 300, headerLength: 8, streamOffset: 1234 };
    const single: WireMessage = { kind: 'text', frames: [frame], frameCount: 1, wireBytes: 308, compressed: true };
    store.append({ ...text('x'.repeat(10)), direction: 'sent', wire: single });
    const multi: WireMessage = {
      kind: 'text',
      frames: [
        { ...frame, fin: false, masked: false, maskKey: undefined, payloadLength: 3, headerLength: 2, streamOffset: 0 },
        { ...frame, opcode: 0, opcodeName: 'continuation', rsv1: false, masked: false, maskKey: undefined, payloadLength: 3, headerLength: 2, streamOffset: 5 },
      ],
      frameCount: 2,
      wireBytes: 10,
      compressed: false,
    };
    store.append({ ...text('abcdef'), wire: multi });
    store.append({ kind: 'close', direction: 'local', monoUs: 5, wallMs: 5, close: { code: 4000, reason: 'bye', initiatedBy: 'server', clean: true, meaning: 'private use' }, message: 'closed' });
    assert.deepEqual(store.get(0)?.wire, { wireBytes: 308, frameCount: 1, compressed: true, frames: [frame] });
    assert.deepEqual(store.get(1)?.wire?.frames, multi.frames);
    assert.deepEqual(store.get(2)?.close, { code: 4000, reason: 'bye', initiatedBy: 'server', clean: true, meaning: 'private use' });
  });

  it('rebuilds the header length of single frames for each payload length encoding (RFC 6455 section 5.2)', () => {
    const store = new EventStore();
    for (const [payloadLength, headerLength] of [[125, 2], [126, 4], [65535, 4], [65536, 10]]) {
      const frame = { fin: true, rsv1: false, rsv2: false, rsv3: false, opcode: 2, opcodeName: 'binary', masked: false, payloadLength, headerLength, streamOffset: 0 };
      store.append({ kind: 'binary', direction: 'received', monoUs: 0, wallMs: 0, payload: Buffer.alloc(payloadLength), wire: { kind: 'binary', frames: [frame], frameCount: 1, wireBytes: payloadLength + headerLength, compressed: false } });
    }
    assert.deepEqual(store.readRange(0, 4).map((e) => [e.wire?.frames[0].payloadLength, e.wire?.frames[0].headerLength]), [[125, 2], [126, 4], [65535, 4], [65536, 10]]);
  });

  it('stores a message given as a single-frame event exactly as the same message given with its wire objects', () => {
    const viaObjects = new EventStore();
    const viaNumbers = new EventStore();
    // One object filled anew for every message, as the session does: the store must keep nothing of it.
    const reused: SingleFrameEvent = { kind: 'text', direction: 'received', monoUs: 0, wallMs: 0, payload: Buffer.alloc(0), compressed: false, wireBytes: 0, maskKey: 0, streamOffset: 0 };
    let n = 0;
    let streamOffset = 0;
    for (const direction of ['received', 'sent'] as const) {
      for (const kind of ['text', 'binary'] as const) {
        for (const compressed of [false, true]) {
          for (const payloadLength of [0, 5, 125, 126, 0xffff, 0x10000, 70_000]) {
            const payload = Buffer.alloc(payloadLength, n);
            const maskKey = direction === 'sent' ? (n * 2654435761) >>> 0 : undefined;
            const monoUs = 1000 + n;
            const wallMs = 1_700_000_000_000.5 + n;
            viaObjects.append({ kind, direction, monoUs, wallMs, payload, wire: singleFrameMessage(kind, compressed, payloadLength, streamOffset, maskKey) });
            Object.assign(reused, { kind, direction, monoUs, wallMs, payload, compressed, wireBytes: singleFrameMessage(kind, compressed, payloadLength, streamOffset, maskKey).wireBytes, maskKey: maskKey ?? 0, streamOffset });
            assert.equal(viaNumbers.appendSingleFrame(reused), n);
            streamOffset += payloadLength + 14;
            n++;
          }
        }
      }
    }
    assert.equal(viaNumbers.length, viaObjects.length);
    assert.deepEqual(viaNumbers.readRange(0, n), viaObjects.readRange(0, n));
    // The last one, written out: a compressed binary message of 70,000 bytes that the client sent.
    const last = { fin: true, rsv1: true, rsv2: false, rsv3: false, opcode: 2, opcodeName: 'binary', masked: true, maskKey: ((n - 1) * 2654435761) >>> 0, payloadLength: 70_000, headerLength: 14, streamOffset: streamOffset - 70_014 };
    assert.deepEqual(viaNumbers.get(n - 1)?.wire, { wireBytes: 70_014, frameCount: 1, compressed: true, frames: [last] });
    assert.equal(viaNumbers.get(n - 1)?.payload?.every((b) => b === (n - 1) % 256), true);
  });

  it('keeps the frame of a single frame it could not rebuild: a longer length encoding than needed, or a mask where none belongs', () => {
    const store = new EventStore();
    // 5 bytes announced in a 16-bit length, and a masked frame from the server: RFC 6455 section 5.2 forbids neither being shown as it was.
    const longLength = { fin: true, rsv1: false, rsv2: false, rsv3: false, opcode: 1, opcodeName: 'text', masked: false, maskKey: undefined, payloadLength: 5, headerLength: 4, streamOffset: 10 };
    const masked = { ...longLength, masked: true, maskKey: 0x01020304, headerLength: 6 };
    for (const frame of [longLength, masked]) {
      store.append({ ...text('hello'), wire: { kind: 'text', frames: [frame], frameCount: 1, wireBytes: frame.headerLength + 5, compressed: false } });
    }
    assert.deepEqual(store.get(0)?.wire, { wireBytes: 9, frameCount: 1, compressed: false, frames: [longLength] });
    assert.deepEqual(store.get(1)?.wire, { wireBytes: 11, frameCount: 1, compressed: false, frames: [masked] });
  });

  it('tells subscribers about appends in batches, one per turn of the event loop, until they unsubscribe', async () => {
    const store = new EventStore();
    const seen: Array<[number, number]> = [];
    const unsubscribe = store.subscribe(({ start, end }) => seen.push([start, end]));
    store.append(info('x'));
    store.append(info('y'));
    store.append(info('z'));
    assert.deepEqual(seen, [], 'not synchronously');
    await nextTick();
    assert.deepEqual(seen, [[0, 3]]);
    store.append(info('w'));
    store.flushNotifications();
    assert.deepEqual(seen, [[0, 3], [3, 4]]);
    unsubscribe();
    store.append(info('v'));
    await nextTick();
    assert.equal(seen.length, 2);
  });

  describe('memory cap', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(join(tmpdir(), 'wsi-store-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('spills old segments to a file, says so with counts, and reads them back on demand', () => {
      const store = new EventStore({ memoryCapBytes: 3 * 1024 * 1024, segmentSize: 1024, spillDir: dir });
      const payload = (i: number): Buffer => Buffer.from(`message ${i} `.padEnd(1000, '.'));
      for (let i = 0; i < 10_000; i++) store.append(text(payload(i), i));
      const stats = store.stats;
      assert.ok(stats.spilledSegments > 0, JSON.stringify(stats));
      assert.ok(stats.bytesInMemory <= 3 * 1024 * 1024 + 2 * 1024 * 1024, `bounded: ${JSON.stringify(stats)}`);
      const spillFile = spillFileIn(dir);
      assert.ok(statSync(spillFile).size > 0);
      const notices = store.readRange(0, store.length).filter((e) => e.kind === 'info');
      assert.ok(notices.length > 0);
      assert.match(notices[0].message ?? '', /^Memory cap of 3\.0 MiB reached: events 0-1023 \([\d.]+ (KiB|MiB)\) moved to .*events-[0-9a-f]{8}-\d+-[0-9a-f-]{36}\.spill;/);
      // Every message is still there, in order, with its payload.
      const texts = store.readRange(0, store.length).filter((e) => e.kind === 'text');
      assert.equal(texts.length, 10_000);
      texts.forEach((e, i) => assert.equal(e.payload?.toString(), payload(i).toString()));
      store.dispose();
      assert.equal(existsSync(spillFile), false, 'the spill file is removed with the store');
    });

    it('ends a scan where its visitor returns END_SCAN, without reading a later spilled segment back', () => {
      const store = new EventStore({ memoryCapBytes: 3 * 1024 * 1024, segmentSize: 1024, spillDir: dir });
      for (let i = 0; i < 10_000; i++) store.append(text(Buffer.from(`message ${i} `.padEnd(1000, '.')), i));
      assert.ok(store.stats.spilledSegments >= 3, JSON.stringify(store.stats));
      // The first segment is now read back and kept; the spill file is emptied under the store, so
      // reading any other spilled segment from it would throw.
      assert.equal(store.get(0)?.kind, 'text');
      truncateSync(spillFileIn(dir), 0);
      const visited: number[] = [];
      store.scan(0, store.length, (seq) => {
        visited.push(seq);
        return seq === 100 ? END_SCAN : undefined;
      });
      assert.deepEqual(visited, Array.from({ length: 101 }, (_, i) => i));
      store.dispose();
    });

    it('announces a long run of spills in a few notices whose ranges cover every spilled event, the rest when it is disposed', () => {
      // Half the cap is more than a segment's 1 MiB slab and a notice, so no segment is closed early: each spilled one holds 256 events.
      const store = new EventStore({ memoryCapBytes: 2.25 * 1024 * 1024, segmentSize: 256, spillDir: dir });
      // The notices as a subscriber (the panel) receives them; after dispose the spill file is gone.
      const notices: string[] = [];
      store.subscribe(({ start, end }) => {
        for (let seq = start; seq < end; seq++) {
          const event = store.get(seq);
          if (event?.kind === 'info') notices.push(event.message ?? '');
        }
      });
      for (let i = 0; i < 20_000; i++) {
        store.append(text(Buffer.alloc(1000, 0x61), i));
        if (i % 1000 === 0) store.flushNotifications();
      }
      store.flushNotifications();
      const spilledSegments = store.stats.spilledSegments;
      assert.ok(spilledSegments > 20, `many segments spilled: ${spilledSegments}`);
      assert.ok(notices.length < 5, `not one notice per segment: ${notices.length} notices for ${spilledSegments} segments`);
      store.dispose();
      // After dispose every spilled event is in exactly one announced range, in order.
      let next = 0;
      for (const message of notices) {
        const match = /events (\d+)-(\d+) \(/.exec(message);
        assert.ok(match, message);
        assert.equal(Number(match[1]), next, `ranges follow on: ${message}`);
        next = Number(match[2]) + 1;
      }
      assert.equal(next, spilledSegments * 256, 'the announced ranges cover every spilled event');
    });

    it('encrypts the spill file: a secret in a handshake header is not readable on disk', () => {
      const store = new EventStore({ memoryCapBytes: 2 * 1024 * 1024, segmentSize: 256, spillDir: dir });
      const secret = 'Bearer sk-live-0123456789abcdef';
      store.append({ kind: 'handshake-request', direction: 'sent', monoUs: 0, wallMs: 0, payload: Buffer.from(`GET / HTTP/1.1\r\nAuthorization: ${secret}\r\n\r\n`), handshake: { startLine: 'GET / HTTP/1.1', headers: [['Authorization', secret]] } });
      for (let i = 0; i < 4000; i++) store.append(text(Buffer.alloc(1000, 0x61), i));
      assert.ok(store.stats.spilledSegments > 0);
      const onDisk = readFileSync(spillFileIn(dir));
      assert.equal(onDisk.includes(Buffer.from('sk-live-0123456789abcdef')), false, 'the secret is not in the spill file');
      assert.equal(onDisk.includes(Buffer.from('a'.repeat(64))), false, 'no payload is in the clear');
      assert.deepEqual(store.get(0)?.handshake?.headers, [['Authorization', secret]], 'and it reads back intact');
      assert.match(store.get(0)?.payload?.toString() ?? '', /Authorization: Bearer sk-live/);
      store.dispose();
    });

    it('holds no more than the cap and one message at any step, whatever the mix of message sizes, spilling or dropping', () => {
      const cap = 16 * MIB;
      // Sizes in a cycle: small ones share slabs, large ones keep their own; some are larger than the cap.
      const sizes = [64, 1024, 200 * 1024, 3 * MIB, 20 * MIB, 700, 40 * MIB, 9 * MIB];
      for (const spillDir of [dir, undefined]) {
        const store = new EventStore({ memoryCapBytes: cap, spillDir });
        let most = 0;
        for (let i = 0; i < 3 * sizes.length; i++) {
          const size = sizes[i % sizes.length];
          store.append(text(Buffer.alloc(size, i), i));
          const held = store.stats.bytesInMemory;
          most = Math.max(most, held);
          assert.ok(held <= cap + size, `after message ${i} of ${size} bytes the store holds ${held} bytes, past the cap of ${cap} and this one message (${spillDir ? 'spilling' : 'dropping'})`);
        }
        // Every message is still there with its size; spilled ones read back byte for byte, dropped ones say so.
        const messages = store.readRange(0, store.length).filter((e) => e.kind === 'text');
        assert.deepEqual(messages.map((e) => e.size), Array.from({ length: 3 * sizes.length }, (_, i) => sizes[i % sizes.length]));
        if (spillDir) {
          assert.ok(store.stats.spilledSegments > 0, JSON.stringify(store.stats));
          messages.forEach((e, i) => assert.ok(e.payload?.length === e.size && e.payload.every((b) => b === i % 256), `message ${i} reads back`));
        } else {
          assert.ok(store.stats.droppedPayloads > 0, JSON.stringify(store.stats));
          assert.ok(messages.some((e) => e.payloadDropped === true && e.payload === undefined));
          assert.match(store.readRange(0, store.length).find((e) => e.kind === 'info')?.message ?? '', /^Memory cap of 16\.0 MiB reached and no spill folder is set: dropped the payloads of \d+ events/);
        }
        store.dispose();
      }
    });

    it('counts the frames kept of multi-frame messages and every extra toward the cap: spilled with their message, or dropped with its payload', () => {
      const cap = 2 * MIB;
      const frameCount = MAX_FRAMES_KEPT + 10;
      const framesOf = (i: number): WireFrame[] =>
        Array.from({ length: MAX_FRAMES_KEPT }, (_, k) => ({
          fin: false,
          rsv1: k === 0,
          rsv2: false,
          rsv3: false,
          opcode: k === 0 ? 1 : 0,
          opcodeName: k === 0 ? 'text' : 'continuation',
          masked: true,
          maskKey: (i * 7919 + k) >>> 0,
          payloadLength: k === 1 ? 2 ** 40 : k,
          headerLength: 6,
          streamOffset: i * 2 ** 33 + k * 6,
        }));
      const message = (i: number): NewSessionEvent => ({
        ...text(`m${i}`, i),
        direction: 'sent',
        message: `sent as ${frameCount} frames`,
        wire: { kind: 'text', frames: framesOf(i), frameCount, wireBytes: frameCount * 6 + 2, compressed: true },
      });
      for (const spillDir of [dir, undefined]) {
        const store = new EventStore({ memoryCapBytes: cap, spillDir });
        // 400 messages keep 400 x 1,024 frames, some 10 MiB however they are stored: past the cap.
        for (let i = 0; i < 400; i++) {
          store.append(message(i));
          assert.ok(store.stats.bytesInMemory <= cap + MAX_FRAMES_KEPT * 24, `after message ${i} the store holds ${store.stats.bytesInMemory} bytes`);
        }
        const messages = store.readRange(0, store.length).filter((e) => e.kind === 'text');
        assert.equal(messages.length, 400);
        const last = messages[399];
        assert.deepEqual(last.wire, { wireBytes: frameCount * 6 + 2, frameCount, compressed: true, frames: framesOf(399) });
        assert.equal(last.message, `sent as ${frameCount} frames`);
        if (spillDir) {
          assert.ok(store.stats.spilledSegments > 0, JSON.stringify(store.stats));
          messages.forEach((e, i) => assert.deepEqual([e.payload?.toString(), e.wire?.frames], [`m${i}`, framesOf(i)], `message ${i} reads back whole`));
        } else {
          assert.ok(store.stats.droppedPayloads > 0, JSON.stringify(store.stats));
          // The frames went with the payload; how many there were, their bytes on the wire and the sentence stay.
          assert.deepEqual([messages[0].payloadDropped, messages[0].payload, messages[0].wire], [true, undefined, { wireBytes: frameCount * 6 + 2, frameCount, compressed: true, frames: [] }]);
          assert.equal(messages[0].message, `sent as ${frameCount} frames`);
        }
        store.dispose();
      }
    });

    it('gives each store its own spill file, readable by this user only, even when two start spilling in the same millisecond', () => {
      // Events without payload: a spill of four of them takes microseconds, so both stores spill within the same millisecond.
      const message = (store: number, i: number): string => `store ${store} event ${i}`;
      // A first spill elsewhere readies the cipher and the file system.
      const elsewhere = mkdtempSync(join(tmpdir(), 'wsi-store-warm-'));
      const warm = new EventStore({ memoryCapBytes: 1, segmentSize: 4, spillDir: elsewhere });
      for (let i = 0; i < 10; i++) warm.append(info(message(9, i), i));
      warm.dispose();
      rmSync(elsewhere, { recursive: true, force: true });
      const stores = [new EventStore({ memoryCapBytes: 1, segmentSize: 4, spillDir: dir }), new EventStore({ memoryCapBytes: 1, segmentSize: 4, spillDir: dir })];
      // Right after the clock's millisecond turns.
      const start = Date.now();
      while (Date.now() === start);
      for (let i = 0; i < 40; i++) stores.forEach((store, s) => store.append(info(message(s, i), i)));
      const names = readdirSync(dir);
      assert.equal(names.length, 2, `two spill files: ${names.join(', ')}`);
      for (const name of names) {
        // This process's id (sweepStaleSpillFiles knows whose a file is), then a random UUID.
        assert.match(name, new RegExp(`^events-[0-9a-f]{8}-${process.pid}-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\\.spill$`));
        assert.equal(statSync(join(dir, name)).mode & 0o777, 0o600, `${name} is readable and writable by its owner only`);
      }
      stores.forEach((store, s) => {
        assert.ok(store.stats.spilledSegments > 5, JSON.stringify(store.stats));
        const events = store.readRange(0, store.length).filter((e) => e.message?.startsWith('store '));
        assert.deepEqual(events.map((e) => e.message), Array.from({ length: 40 }, (_, i) => message(s, i)));
        store.dispose();
      });
      assert.deepEqual(readdirSync(dir), []);
    });

    it('keeps the spill file within its cap, then drops payloads past the memory cap and says so once, naming the setting that raises it', () => {
      const spillCapBytes = 3 * MIB;
      const store = new EventStore({ memoryCapBytes: 2 * MIB, segmentSize: 256, spillDir: dir, spillCapBytes, spillCapSetting: 'wsInspector.spillCapMB' });
      const spillFile = (): string => spillFileIn(dir);
      for (let i = 0; i < 20_000; i++) {
        store.append(text(Buffer.from(`message ${i} `.padEnd(1000, '.')), i));
        if (i % 256 === 0 && store.stats.spilledSegments > 0) assert.ok(statSync(spillFile()).size <= spillCapBytes, `spill file at message ${i}: ${statSync(spillFile()).size} bytes`);
      }
      const stats = store.stats;
      assert.ok(statSync(spillFile()).size <= spillCapBytes, `the spill file holds ${statSync(spillFile()).size} bytes`);
      assert.equal(stats.spilledBytes, statSync(spillFile()).size);
      assert.ok(stats.spilledSegments > 0 && stats.droppedPayloads > 0, JSON.stringify(stats));
      const events = store.readRange(0, store.length);
      const capNotices = events.filter((e) => e.kind === 'info' && /Spill cap/.test(e.message ?? ''));
      assert.equal(capNotices.length, 1, capNotices.map((e) => e.message).join('\n'));
      assert.match(
        capNotices[0].message ?? '',
        /^Spill cap of 3\.0 MiB reached: the spill file .*events-[0-9a-f]{8}-\d+-[0-9a-f-]{36}\.spill holds [\d.]+ (?:KiB|MiB) and events (\d+)-\d+ \([\d.]+ (?:KiB|MiB)\) would pass it\. From event \1 on, payloads past the memory cap of 2\.0 MiB are dropped; their sizes and times are kept\. To keep more, raise the setting wsInspector\.spillCapMB\.$/,
      );
      // The spilled events read back; later ones past the memory cap keep their size but not their payload; the newest are in memory.
      const messages = events.filter((e) => e.kind === 'text');
      assert.equal(messages.length, 20_000);
      assert.equal(messages[0].payload?.toString(), 'message 0 '.padEnd(1000, '.'));
      const firstDropped = messages.findIndex((e) => e.payloadDropped);
      assert.ok(firstDropped > 0);
      assert.equal(messages[firstDropped].size, 1000);
      assert.equal(messages.at(-1)?.payload?.toString(), 'message 19999 '.padEnd(1000, '.'));
      // What was dropped is summed up in the next notice (at the latest when the store is disposed).
      store.dispose();
      assert.match(store.get(store.length - 1)?.message ?? '', /reached and the spill file is at its cap of 3\.0 MiB: dropped the payloads of \d+ events/);
    });

    it('past both caps, drops the oldest events whole: a long flood of tiny events stays within the cap, a gap reads as placeholders, scans skip it, and the log says so once', () => {
      // A segment of 16,384 events takes 1.8 MiB while it fills (its columns and a payload slab), 0.8 MiB once its payloads are dropped.
      const cap = 4 * MIB;
      const flood = 1_000_000;
      for (const spillDir of [dir, undefined]) {
        const store = new EventStore({ memoryCapBytes: cap, spillDir, spillCapBytes: MIB, memoryCapSetting: 'wsInspector.memoryCapMB', spillCapSetting: 'wsInspector.spillCapMB' });
        // Every notice as a subscriber (the panel) gets it while it is new, before it could be dropped in turn.
        const notices: string[] = [];
        store.subscribe(({ start, end }) => {
          for (const event of store.readRange(start, end)) if (event.kind === 'info') notices.push(event.message ?? '');
        });
        const event: SingleFrameEvent = { kind: 'text', direction: 'received', monoUs: 0, wallMs: 0, payload: Buffer.from('x'), compressed: false, wireBytes: 3, maskKey: 0, streamOffset: 0 };
        for (let i = 0; i < flood; i++) {
          event.monoUs = i;
          event.streamOffset = 3 * i;
          store.appendSingleFrame(event);
          if (i % 1000 === 0) {
            assert.ok(store.stats.bytesInMemory <= cap, `after ${i} events the store holds ${store.stats.bytesInMemory} bytes, past the cap of ${cap}`);
            store.flushNotifications();
          }
        }
        store.flushNotifications();
        const stats = store.stats;
        assert.ok(stats.bytesInMemory <= cap, JSON.stringify(stats));
        assert.ok(stats.droppedEvents > flood / 2, JSON.stringify(stats));
        const why = spillDir ? 'the spill file is at its cap of 1\\.0 MiB' : 'no spill folder is set';
        const raise = spillDir ? 'raise the settings wsInspector\\.memoryCapMB and wsInspector\\.spillCapMB' : 'raise the setting wsInspector\\.memoryCapMB';
        const gapNotices = notices.filter((m) => /^Memory cap .* dropped whole/.test(m));
        assert.equal(gapNotices.length, 1, gapNotices.join('\n'));
        assert.match(gapNotices[0], new RegExp(`^Memory cap of 4\\.0 MiB reached and ${why}, with the payloads past it already dropped: events (\\d+)-(\\d+) \\(\\d+ events\\) were dropped whole.* To keep more, ${raise}\\.$`));
        assert.equal(store.length, flood + notices.length);
        // A scan visits every event still there and hands over the gap instead of visiting it.
        let visited = 0;
        const gaps: Array<[number, number]> = [];
        const tally: string[] = [];
        store.scan(
          0,
          store.length,
          () => void visited++,
          (gap, start, end) => {
            gaps.push([start, end]);
            gap.forEachTally((kind, direction, events, bytes) => tally.push(`${events} ${direction} ${kind} (${bytes} bytes)`));
          },
        );
        assert.equal(gaps.length, 1, JSON.stringify(gaps));
        const [gapStart, gapEnd] = gaps[0];
        assert.equal(gapEnd - gapStart, stats.droppedEvents);
        assert.equal(visited + stats.droppedEvents, store.length);
        // Spilled events come before the gap; without a spill file it starts at the first event.
        assert.equal(gapStart === 0, spillDir === undefined, `the gap starts at ${gapStart}`);
        // The gap counted what it dropped: the flood's messages with their byte each, and the notices among them.
        const infosKept = [...store.readRange(0, gapStart), ...store.readRange(gapEnd, store.length)].filter((e) => e.kind === 'info').length;
        const texts = stats.droppedEvents - (notices.length - infosKept);
        assert.deepEqual(tally, [`${texts} received text (${texts} bytes)`, `${notices.length - infosKept} local info (0 bytes)`]);
        // Every number still reads: a gapped one as a placeholder that says why, the newest as it came.
        const placeholders = store.readRange(gapStart + 100, gapStart + 110);
        assert.deepEqual(placeholders.map((e) => [e.seq, e.kind, e.direction]), Array.from({ length: 10 }, (_, i) => [gapStart + 100 + i, 'info', 'local']));
        assert.match(
          placeholders[0].message ?? '',
          new RegExp(`^Event ${gapStart + 100} was dropped whole: the memory cap of 4\\.0 MiB was reached and ${why}\\. Events ${gapStart}-${gapEnd - 1} went with it \\(${texts} received text, \\d+ local info; [\\d.]+ KiB of payload\\); only their counts are kept\\. To keep more, ${raise}\\.$`),
        );
        assert.equal(store.get(gapEnd - 1)?.message, store.get(gapStart)?.message?.replace(`Event ${gapStart} `, `Event ${gapEnd - 1} `));
        assert.equal(store.get(gapEnd)?.kind === 'text' || store.get(gapEnd)?.kind === 'info', true);
        assert.equal(store.get(store.length - 1)?.payload?.toString(), 'x');
        store.dispose();
      }
    });

    it('drops payloads when there is nowhere to spill, keeping sizes and saying how many', () => {
      const store = new EventStore({ memoryCapBytes: 2 * 1024 * 1024, segmentSize: 1024 });
      for (let i = 0; i < 5000; i++) store.append(text(Buffer.alloc(1000, 1), i));
      assert.ok(store.stats.droppedPayloads > 0);
      const first = store.get(0);
      assert.equal(first?.payload, undefined);
      assert.equal(first?.payloadDropped, true);
      assert.equal(first?.size, 1000);
      const notice = store.readRange(0, store.length).find((e) => e.kind === 'info');
      assert.match(notice?.message ?? '', /no spill folder is set: dropped the payloads of 1024 events \(1000\.0 KiB\) among events 0-1023/);
      const last = store.get(store.length - 1);
      assert.equal(last?.payload?.length, 1000, 'recent payloads are kept');
      assert.equal(readdirSync(dir).length, 0);
    });
  });
});
