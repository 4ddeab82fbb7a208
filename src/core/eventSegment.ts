/**
 * A block of consecutive events of the log, stored column by column (eventStore.ts numbers,
 * caps and spills them): typed arrays for the per-event facts every event has, one payload arena
 * per segment (each payload copied in once, and the frames of multi-frame messages, packed), and a
 * sparse map for the rare extras. Every byte it keeps is counted in `bytes`: the extras by estimate.
 */
import { MAX_7BIT_PAYLOAD_LENGTH } from '../shared/rfc6455';
import { SESSION_EVENT_KINDS, type EventDirection, type SessionEventKind } from '../shared/sessionEvent';
import { estimateHeapBytes } from './heapEstimate';
import { PACKED_FRAME_BYTES, packedFramesLength, packFrames, unpackFrames } from './packedFrames';
import { END_SCAN, type EventExtras, type EventWire, type NewSessionEvent, type ScanVisitor, type SessionEvent, type SingleFrameEvent } from './storedEvent';
import { minimalHeaderLength, type WireFrame } from './wire';

const KINDS = SESSION_EVENT_KINDS;
const KIND_CODE = new Map(KINDS.map((k, i) => [k, i]));
/** The directions in the order of their codes in the direction column. */
export const EVENT_DIRECTIONS: readonly EventDirection[] = ['sent', 'received', 'local'];
const DIRECTIONS = EVENT_DIRECTIONS;
const DIRECTION_CODE = new Map(DIRECTIONS.map((d, i) => [d, i]));
const KIND_TEXT = KIND_CODE.get('text')!;
const KIND_BINARY = KIND_CODE.get('binary')!;
const DIRECTION_SENT = DIRECTION_CODE.get('sent')!;
const DIRECTION_RECEIVED = DIRECTION_CODE.get('received')!;
const OPCODE_OF_KIND: Partial<Record<SessionEventKind, number>> = { text: 1, binary: 2, close: 8, ping: 9, pong: 10 };
const OPCODE_NAME: Record<number, string> = { 1: 'text', 2: 'binary', 8: 'close', 9: 'ping', 10: 'pong' };

/** Flags packed per event. */
const FLAG_HAS_PAYLOAD = 1;
const FLAG_COMPRESSED = 2;
const FLAG_DROPPED = 4;
const FLAG_SINGLE_FRAME = 8;

export const SLAB_BYTES = 1 << 20;
/** Payloads this large are kept as their own slab instead of being copied into the shared one. */
const OWN_SLAB_BYTES = 64 * 1024;
/** Bytes of typed-array columns per event (see Segment). */
export const COLUMN_BYTES_PER_EVENT = 1 + 1 + 1 + 8 + 8 + 4 + 4 + 4 + 4 + 4 + 8;
export const DEFAULT_SEGMENT_EVENTS = 16_384;
/** An entry of the extras map (V8's ordered hash table: key, value, chain link, and room to grow), on top of the extras object. */
const EXTRAS_ENTRY_BYTES = 48;

/** The wire detail of a message the columns cannot describe: its frames packed in a payload slab (packedFrames.ts). */
interface StoredWire {
  readonly wireBytes: number;
  readonly frameCount: number;
  readonly compressed: boolean;
  /** Where the first MAX_FRAMES_KEPT frames are packed: which slab, from which byte, how many. */
  readonly frames: { readonly slab: number; readonly offset: number; readonly count: number };
}

/** An event's extras as a segment keeps them: only the facts it has, and its frames packed. */
type StoredExtras = { -readonly [K in keyof EventExtras]: EventExtras[K] } & { wire?: StoredWire };

/** A block of consecutive events, stored column by column. */
export class Segment {
  readonly kind: Uint8Array;
  readonly direction: Uint8Array;
  readonly flags: Uint8Array;
  readonly monoUs: Float64Array;
  readonly wallMs: Float64Array;
  readonly size: Uint32Array;
  readonly slab: Uint32Array;
  readonly offset: Uint32Array;
  readonly wireBytes: Uint32Array;
  readonly maskKey: Uint32Array;
  readonly streamOffset: Float64Array;
  readonly slabs: Buffer[] = [];
  readonly extras = new Map<number, StoredExtras>();
  count = 0;
  /** The slab small payloads are copied into, and how much of it is used. */
  private sharedSlab: Buffer | undefined;
  private sharedSlabIndex = 0;
  private sharedUsed = 0;
  /** Payload bytes held (slab capacity counts: a half-full slab still costs its whole size); packed frames are in the slabs too. */
  payloadBytes = 0;
  /** The extras' estimated heap bytes (heapEstimate.ts), entries of the map included. */
  extrasBytes = 0;
  payloadsDropped = false;

  /** `memory`, when given, holds every column (zero-filled, capacity x COLUMN_BYTES_PER_EVENT bytes); otherwise each column gets its own. */
  constructor(
    readonly firstSeq: number,
    readonly capacity: number,
    memory?: Buffer,
    /** Where new shared slabs come from (the store's warmed one); a new buffer when not given. */
    private readonly newSlab: () => Buffer = () => Buffer.allocUnsafeSlow(SLAB_BYTES),
  ) {
    if (memory) {
      // Widest columns first, so every view starts on a multiple of its element size.
      let at = memory.byteOffset;
      const take = <T>(make: (buffer: ArrayBufferLike, offset: number, length: number) => T, bytesPerEvent: number): T => {
        const column = make(memory.buffer, at, capacity);
        at += capacity * bytesPerEvent;
        return column;
      };
      const f64 = (b: ArrayBufferLike, o: number, n: number): Float64Array => new Float64Array(b, o, n);
      const u32 = (b: ArrayBufferLike, o: number, n: number): Uint32Array => new Uint32Array(b, o, n);
      const u8 = (b: ArrayBufferLike, o: number, n: number): Uint8Array => new Uint8Array(b, o, n);
      this.monoUs = take(f64, 8);
      this.wallMs = take(f64, 8);
      this.streamOffset = take(f64, 8);
      this.size = take(u32, 4);
      this.slab = take(u32, 4);
      this.offset = take(u32, 4);
      this.wireBytes = take(u32, 4);
      this.maskKey = take(u32, 4);
      this.kind = take(u8, 1);
      this.direction = take(u8, 1);
      this.flags = take(u8, 1);
      return;
    }
    this.kind = new Uint8Array(capacity);
    this.direction = new Uint8Array(capacity);
    this.flags = new Uint8Array(capacity);
    this.monoUs = new Float64Array(capacity);
    this.wallMs = new Float64Array(capacity);
    this.size = new Uint32Array(capacity);
    this.slab = new Uint32Array(capacity);
    this.offset = new Uint32Array(capacity);
    this.wireBytes = new Uint32Array(capacity);
    this.maskKey = new Uint32Array(capacity);
    this.streamOffset = new Float64Array(capacity);
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** True once the shared slab is half used: time to warm the next one. */
  get sharedSlabHalfUsed(): boolean {
    return this.sharedSlab !== undefined && this.sharedUsed * 2 >= this.sharedSlab.length;
  }

  /** What the segment holds besides its columns: payloads, packed frames and extras. */
  get heldBytes(): number {
    return this.payloadBytes + this.extrasBytes;
  }

  get bytes(): number {
    return this.capacity * COLUMN_BYTES_PER_EVENT + this.payloadBytes + this.extrasBytes;
  }

  /** The columns in one fixed order, for copying them whole. */
  private columns(): ReadonlyArray<Uint8Array | Uint32Array | Float64Array> {
    return [this.kind, this.direction, this.flags, this.monoUs, this.wallMs, this.size, this.slab, this.offset, this.wireBytes, this.maskKey, this.streamOffset];
  }

  /**
   * This segment closed at its current count, in columns just long enough for its events: a segment
   * closed early (for its bytes) must not keep a whole segment's columns, neither while it waits to
   * be spilled nor for good once its payloads are dropped. Its payloads and extras are handed over.
   */
  sealed(): Segment {
    const copy = new Segment(this.firstSeq, this.count);
    const into = copy.columns();
    this.columns().forEach((column, c) => {
      new Uint8Array(into[c].buffer, into[c].byteOffset, into[c].byteLength).set(new Uint8Array(column.buffer, column.byteOffset, into[c].byteLength));
    });
    for (const slab of this.slabs) copy.slabs.push(slab);
    for (const [i, extras] of this.extras) copy.extras.set(i, extras);
    copy.count = this.count;
    copy.payloadBytes = this.payloadBytes;
    copy.extrasBytes = this.extrasBytes;
    copy.payloadsDropped = this.payloadsDropped;
    return copy;
  }

  append(event: NewSessionEvent): void {
    const i = this.count++;
    this.kind[i] = KIND_CODE.get(event.kind) ?? KIND_CODE.get('info')!;
    this.direction[i] = DIRECTION_CODE.get(event.direction) ?? 2;
    this.monoUs[i] = event.monoUs;
    this.wallMs[i] = event.wallMs;
    let flags = 0;
    const payload = event.payload;
    if (payload) {
      flags |= FLAG_HAS_PAYLOAD;
      this.size[i] = payload.length;
      this.storePayload(i, payload);
    }
    const wire = event.wire;
    let extras: StoredExtras | undefined;
    if (wire) {
      this.wireBytes[i] = wire.wireBytes;
      if (wire.compressed) flags |= FLAG_COMPRESSED;
      const frame = wire.frames[0];
      // The common case, one plain frame, is rebuilt from three columns; anything else keeps its frames. The
      // rebuilt header takes the shortest length encoding and masks what was sent, so a frame that differs keeps its object.
      if (
        wire.frameCount === 1 &&
        frame &&
        !frame.rsv2 &&
        !frame.rsv3 &&
        frame.fin &&
        frame.opcode === OPCODE_OF_KIND[event.kind] &&
        frame.masked === (event.direction === 'sent') &&
        frame.headerLength === minimalHeaderLength(frame.payloadLength, frame.masked)
      ) {
        flags |= FLAG_SINGLE_FRAME;
        this.maskKey[i] = frame.maskKey ?? 0;
        this.streamOffset[i] = frame.streamOffset;
      } else {
        extras = { wire: this.storeWire(wire.wireBytes, wire.frameCount, wire.compressed, wire.frames) };
      }
    }
    this.flags[i] = flags;
    if (event.message !== undefined || event.close || event.handshake || event.rttMs !== undefined || event.automatic || event.closeCode !== undefined || event.frame) {
      // Only the facts the event has: a key per fact it lacks would cost a slot each, for every such event.
      extras ??= {};
      if (event.message !== undefined) extras.message = event.message;
      if (event.close !== undefined) extras.close = event.close;
      if (event.handshake !== undefined) extras.handshake = event.handshake;
      if (event.rttMs !== undefined) extras.rttMs = event.rttMs;
      if (event.automatic !== undefined) extras.automatic = event.automatic;
      if (event.closeCode !== undefined) extras.closeCode = event.closeCode;
      if (event.frame !== undefined) extras.frame = event.frame;
    }
    if (extras) {
      this.extras.set(i, extras);
      this.extrasBytes += EXTRAS_ENTRY_BYTES + estimateHeapBytes(extras);
    }
  }

  /** The wire detail of a message the columns cannot describe, its frames packed into the shared slab. */
  private storeWire(wireBytes: number, frameCount: number, compressed: boolean, frames: readonly WireFrame[]): StoredWire {
    const offset = this.reserveShared(packedFramesLength(frames));
    const count = packFrames(frames, this.sharedSlab!, offset);
    return { wireBytes, frameCount, compressed, frames: { slab: this.sharedSlabIndex, offset, count } };
  }

  /** What append() stores for a data event of one plain frame, without the objects (see SingleFrameEvent). */
  appendSingleFrame(event: SingleFrameEvent): void {
    const i = this.count++;
    this.kind[i] = event.kind === 'text' ? KIND_TEXT : KIND_BINARY;
    this.direction[i] = event.direction === 'sent' ? DIRECTION_SENT : DIRECTION_RECEIVED;
    this.monoUs[i] = event.monoUs;
    this.wallMs[i] = event.wallMs;
    const payload = event.payload;
    this.size[i] = payload.length;
    this.storePayload(i, payload);
    this.wireBytes[i] = event.wireBytes;
    this.maskKey[i] = event.maskKey;
    this.streamOffset[i] = event.streamOffset;
    this.flags[i] = FLAG_HAS_PAYLOAD | FLAG_SINGLE_FRAME | (event.compressed ? FLAG_COMPRESSED : 0);
  }

  private storePayload(i: number, payload: Uint8Array): void {
    if (payload.length >= OWN_SLAB_BYTES) {
      // Large payloads keep their own buffer. A buffer that owns its whole memory (ws allocates one
      // per large message) is kept as it is; a view into a bigger buffer is copied once, so the
      // store never pins memory it does not account for.
      const own = payload.byteOffset === 0 && payload.buffer.byteLength === payload.length && Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
      this.slab[i] = this.slabs.length;
      this.offset[i] = 0;
      this.slabs.push(own);
      this.payloadBytes += own.length;
      return;
    }
    const offset = this.reserveShared(payload.length);
    this.sharedSlab!.set(payload, offset);
    this.slab[i] = this.sharedSlabIndex;
    this.offset[i] = offset;
  }

  /** Takes `length` bytes (less than a slab) of the shared slab, starting a new one when they do not fit; returns where they start. */
  private reserveShared(length: number): number {
    const shared = this.sharedSlab;
    if (!shared || this.sharedUsed + length > shared.length) {
      this.sharedSlab = this.newSlab();
      this.sharedSlabIndex = this.slabs.length;
      this.slabs.push(this.sharedSlab);
      this.sharedUsed = 0;
      this.payloadBytes += SLAB_BYTES;
    }
    const offset = this.sharedUsed;
    this.sharedUsed += length;
    return offset;
  }

  read(i: number): SessionEvent {
    const kind = KINDS[this.kind[i]];
    const direction = DIRECTIONS[this.direction[i]];
    const flags = this.flags[i];
    const extras = this.extras.get(i);
    const size = this.size[i];
    let payload: Buffer | undefined;
    if (flags & FLAG_HAS_PAYLOAD && !(flags & FLAG_DROPPED)) {
      const slab = this.slabs[this.slab[i]];
      payload = slab.subarray(this.offset[i], this.offset[i] + size);
    }
    let wire: EventWire | undefined;
    if (extras?.wire) {
      const stored = extras.wire;
      // The packed frames leave with the payloads: what is left says how many there were.
      const packed = stored.frames;
      const frames = this.payloadsDropped || packed.count === 0 ? [] : unpackFrames(this.slabs[packed.slab], packed.offset, packed.count);
      wire = { wireBytes: stored.wireBytes, frameCount: stored.frameCount, compressed: stored.compressed, frames };
    } else if (flags & FLAG_SINGLE_FRAME) {
      wire = { wireBytes: this.wireBytes[i], frameCount: 1, compressed: (flags & FLAG_COMPRESSED) !== 0, frames: [this.singleFrame(i, kind, direction)] };
    }
    const event: SessionEvent = {
      seq: this.firstSeq + i,
      kind,
      direction,
      monoUs: this.monoUs[i],
      wallMs: this.wallMs[i],
      size,
      ...(payload ? { payload } : {}),
      ...(flags & FLAG_DROPPED ? { payloadDropped: true } : {}),
      ...(wire ? { wire } : {}),
    };
    if (!extras) return event;
    const { wire: _wire, ...rest } = extras;
    return { ...event, ...rest };
  }

  /** Visits events `from <= i < to` of this segment with their columns and payload location; false when the visitor returned END_SCAN. */
  scan(from: number, to: number, visit: ScanVisitor): boolean {
    for (let i = from; i < to; i++) {
      const flags = this.flags[i];
      const kept = (flags & FLAG_HAS_PAYLOAD) !== 0 && (flags & FLAG_DROPPED) === 0;
      if (visit(this.firstSeq + i, KINDS[this.kind[i]], DIRECTIONS[this.direction[i]], kept ? this.slabs[this.slab[i]] : undefined, this.offset[i], this.size[i]) === END_SCAN) return false;
    }
    return true;
  }

  /** Rebuilds the one frame of a single-frame message: its header length follows from RFC 6455 section 5.2. */
  private singleFrame(i: number, kind: SessionEventKind, direction: EventDirection): WireFrame {
    const masked = direction === 'sent';
    const total = this.wireBytes[i];
    const maskBytes = masked ? 4 : 0;
    let headerLength = 2 + maskBytes;
    let payloadLength = total - headerLength;
    if (payloadLength > MAX_7BIT_PAYLOAD_LENGTH) {
      headerLength = 4 + maskBytes;
      payloadLength = total - headerLength;
      if (payloadLength > 0xffff) {
        headerLength = 10 + maskBytes;
        payloadLength = total - headerLength;
      }
    }
    const opcode = OPCODE_OF_KIND[kind] ?? 0;
    return {
      fin: true,
      rsv1: (this.flags[i] & FLAG_COMPRESSED) !== 0,
      rsv2: false,
      rsv3: false,
      opcode,
      opcodeName: OPCODE_NAME[opcode] ?? 'continuation',
      masked,
      ...(masked ? { maskKey: this.maskKey[i] } : {}),
      payloadLength,
      headerLength,
      streamOffset: this.streamOffset[i],
    };
  }

  /**
   * Adds each event to `events` and its payload's size to `payloadBytes` at kind code x 3 + direction
   * code (the kinds as SESSION_EVENT_KINDS lists them, the directions as EVENT_DIRECTIONS); returns the sizes' sum.
   */
  countInto(events: Float64Array, payloadBytes: Float64Array): number {
    let total = 0;
    for (let i = 0; i < this.count; i++) {
      const k = this.kind[i] * DIRECTIONS.length + this.direction[i];
      events[k]++;
      payloadBytes[k] += this.size[i];
      total += this.size[i];
    }
    return total;
  }

  /** Lets go of the payload slabs, and with them the packed frames; sizes, times and frame counts stay. */
  dropPayloads(): { count: number; bytes: number } {
    let count = 0;
    let bytes = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.flags[i] & FLAG_HAS_PAYLOAD && !(this.flags[i] & FLAG_DROPPED)) {
        this.flags[i] |= FLAG_DROPPED;
        count++;
        bytes += this.size[i];
      }
    }
    this.slabs.length = 0;
    this.sharedSlab = undefined;
    this.payloadBytes = 0;
    this.payloadsDropped = true;
    return { count, bytes };
  }

  /** Serializes the segment for the spill file: a JSON header, then the columns, then the slabs. */
  serialize(): Buffer {
    const columns = this.columns();
    const slabs = this.usedSlabs();
    const header = Buffer.from(
      JSON.stringify({
        firstSeq: this.firstSeq,
        capacity: this.capacity,
        count: this.count,
        slabs: slabs.map((s) => s.length),
        extras: [...this.extras],
      }),
    );
    const prefix = Buffer.alloc(4);
    prefix.writeUInt32LE(header.length);
    return Buffer.concat([prefix, header, ...columns.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)), ...slabs]);
  }

  /** Each slab up to its last payload byte: a shared slab's unused tail (up to SLAB_BYTES) is not worth writing to disk. */
  private usedSlabs(): Buffer[] {
    const used = new Array<number>(this.slabs.length).fill(0);
    for (let i = 0; i < this.count; i++) {
      if ((this.flags[i] & (FLAG_HAS_PAYLOAD | FLAG_DROPPED)) !== FLAG_HAS_PAYLOAD) continue;
      const k = this.slab[i];
      used[k] = Math.max(used[k], this.offset[i] + this.size[i]);
    }
    for (const extras of this.extras.values()) {
      const frames = extras.wire?.frames;
      if (frames) used[frames.slab] = Math.max(used[frames.slab], frames.offset + frames.count * PACKED_FRAME_BYTES);
    }
    return this.slabs.map((slab, k) => slab.subarray(0, used[k]));
  }

  static deserialize(bytes: Buffer): Segment {
    const headerLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.toString('utf8', 4, 4 + headerLength)) as {
      firstSeq: number;
      capacity: number;
      count: number;
      slabs: number[];
      extras: Array<[number, StoredExtras]>;
    };
    const segment = new Segment(header.firstSeq, header.capacity);
    segment.count = header.count;
    let at = 4 + headerLength;
    for (const column of segment.columns()) {
      new Uint8Array(column.buffer, column.byteOffset, column.byteLength).set(bytes.subarray(at, at + column.byteLength));
      at += column.byteLength;
    }
    for (const length of header.slabs) {
      segment.slabs.push(bytes.subarray(at, at + length));
      at += length;
    }
    for (const [i, extras] of header.extras) segment.extras.set(i, extras);
    return segment;
  }
}
