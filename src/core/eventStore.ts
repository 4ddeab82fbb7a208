/**
 * The session's ordered event log, built for sessions that run for hours and receive millions of
 * messages. Events are numbered here (the order of the log is the order of `append` calls, with
 * no gaps) and stored column-wise in segments: typed arrays for the per-event facts every event
 * has, one payload arena per segment (each payload copied in once, never per consumer), and a
 * sparse map for the rare extras (close details, handshakes, multi-frame wire detail).
 *
 * Memory is capped, whatever the sizes of the messages: a segment is closed early once its payloads
 * take half the cap, so that past the cap whole old segments (the newest one too, once closed) can
 * be spilled to a file (when a spill folder is given; spillFile.ts, itself capped) or their payloads
 * dropped, and an `info` event says which, with counts. Readers address the log by index; a spilled
 * segment is read back on demand.
 */
import { SESSION_EVENT_KINDS, type EventDirection, type SessionEventKind } from '../shared/sessionEvent';
import { minimalHeaderLength, type WireFrame, type WireMessage } from './wire';
import { SpillFile, type SpillRecord } from './spillFile';
import { WarmBufferPool, type WarmingBuffer } from './warmBufferPool';

/** How a close ended; attached to `close` events. */
export interface CloseDetails {
  readonly code: number;
  readonly reason: string;
  /** Who sent the first close frame; `none` when the connection dropped without one. */
  readonly initiatedBy: 'client' | 'server' | 'none';
  /** Both close frames were exchanged before the TCP connection ended (RFC 6455 section 7.1.4). */
  readonly clean: boolean;
  /** The code's meaning in plain words. */
  readonly meaning: string;
  /** For 1006 and failures: what ended the connection (ECONNRESET, timeout, TLS error...). */
  readonly cause?: string;
}

/** One HTTP head of the opening handshake as it went over the wire. */
export interface HandshakeRecord {
  readonly startLine: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  /** Response only: the Sec-WebSocket-Accept check (RFC 6455 section 4.2.2). */
  readonly acceptCheck?: { readonly ok: boolean; readonly expected?: string; readonly message: string };
  /** Response only: what was negotiated. */
  readonly negotiated?: { readonly subprotocol: string; readonly extensions: string };
}

/** Facts few events have; kept out of the per-event columns. */
export interface EventExtras {
  /** A sentence for a person: what an error, info or lifecycle event means. */
  readonly message?: string;
  readonly close?: CloseDetails;
  readonly handshake?: HandshakeRecord;
  /** Pong events answering our ping: round-trip time in milliseconds. */
  readonly rttMs?: number;
  /** The frame was sent by the library on its own (the pong answering a ping). */
  readonly automatic?: boolean;
  /** For decode errors: the RFC 6455 close code a conforming endpoint would use. */
  readonly closeCode?: number;
  /** For decode errors: what was read of the offending frame's header. */
  readonly frame?: Partial<WireFrame>;
}

/** The wire-level facts of a message: its frames as decoded from the socket's bytes. */
export interface EventWire {
  readonly wireBytes: number;
  readonly frameCount: number;
  readonly compressed: boolean;
  readonly frames: readonly WireFrame[];
}

/** What a producer appends. */
export interface NewSessionEvent extends EventExtras {
  readonly kind: SessionEventKind;
  readonly direction: EventDirection;
  /** Monotonic microseconds since the session started. */
  readonly monoUs: number;
  /** Wall-clock milliseconds since the Unix epoch. */
  readonly wallMs: number;
  /** The payload as received or sent (text as its UTF-8 bytes). Copied into the store. */
  readonly payload?: Uint8Array;
  readonly wire?: WireMessage;
}

/**
 * A data message that went over the wire as one plain frame (FIN set, the shortest length encoding,
 * masked exactly when sent): what `append` stores for such an event and its `wire`, as numbers, for
 * the receive path of a flood. The store copies every field (the payload's bytes as `append` does)
 * and keeps no reference to the object, so a producer may fill one object again for every message.
 */
export interface SingleFrameEvent {
  kind: 'text' | 'binary';
  direction: 'sent' | 'received';
  monoUs: number;
  wallMs: number;
  payload: Uint8Array;
  /** RSV1, permessage-deflate (RFC 7692 section 6). */
  compressed: boolean;
  /** Header and payload bytes of the frame. */
  wireBytes: number;
  /** The frame's masking key; 0 when it is not masked. */
  maskKey: number;
  streamOffset: number;
}

/** One event as readers get it. */
export interface SessionEvent extends EventExtras {
  readonly seq: number;
  readonly kind: SessionEventKind;
  readonly direction: EventDirection;
  readonly monoUs: number;
  readonly wallMs: number;
  /** Decoded payload size in bytes, known even when the payload itself was dropped. */
  readonly size: number;
  /** Undefined for events without payload and for dropped payloads (see `payloadDropped`). */
  readonly payload?: Buffer;
  readonly payloadDropped?: boolean;
  readonly wire?: EventWire;
}

export interface EventStoreOptions {
  /** Memory the store may hold, in bytes (payloads and per-event facts); default 256 MiB. */
  readonly memoryCapBytes?: number;
  /** Folder for the spill file; without one, payloads past the cap are dropped. */
  readonly spillDir?: string;
  /** Bytes the spill file may hold; past them, payloads past the memory cap are dropped. Default 1 GiB. */
  readonly spillCapBytes?: number;
  /** What raises the spill cap, named in the notice that says it was reached (the adapter's setting). */
  readonly spillCapSetting?: string;
  /** Events per segment; a power of two keeps index math cheap. */
  readonly segmentSize?: number;
}

/** During a long flood past the memory cap, the spill and drop notices come at most this often. */
const NOTICE_INTERVAL_MS = 5000;

/** A contiguous range of newly appended events, `start <= seq < end`. */
export interface AppendedRange {
  readonly start: number;
  readonly end: number;
}

export type AppendListener = (range: AppendedRange) => void;

/**
 * What `EventStore.scan` hands over for each event, without building the event: its seq, kind and
 * direction, and where its payload's bytes are (`size` bytes of `bytes` from `offset`). `bytes` is
 * the store's own memory, shared with other events: read it during the call, never keep or change
 * it. It is undefined when the event has no payload or its payload was dropped; `get(seq)` tells which.
 * Returning END_SCAN ends the scan there: no later event is visited, and no later segment is read
 * back from the spill file.
 */
export type ScanVisitor = (seq: number, kind: SessionEventKind, direction: EventDirection, bytes: Buffer | undefined, offset: number, size: number) => void | typeof END_SCAN;

/**
 * What a ScanVisitor returns to end the scan. A symbol, not `false`: TypeScript lets a function that
 * returns a boolean stand for one that returns `void`, so `(seq) => seen.delete(seq)` would have
 * ended scans by accident; with the symbol it does not compile.
 */
export const END_SCAN: unique symbol = Symbol('end scan');

export interface EventStoreStats {
  readonly events: number;
  readonly bytesInMemory: number;
  readonly spilledSegments: number;
  readonly spilledBytes: number;
  readonly droppedPayloads: number;
  readonly droppedPayloadBytes: number;
}

const KINDS = SESSION_EVENT_KINDS;
const KIND_CODE = new Map(KINDS.map((k, i) => [k, i]));
const DIRECTIONS: readonly EventDirection[] = ['sent', 'received', 'local'];
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

const SLAB_BYTES = 1 << 20;
/** Payloads this large are kept as their own slab instead of being copied into the shared one. */
const OWN_SLAB_BYTES = 64 * 1024;
/** Bytes of typed-array columns per event (see Segment). */
const COLUMN_BYTES_PER_EVENT = 1 + 1 + 1 + 8 + 8 + 4 + 4 + 4 + 4 + 4 + 8;
const DEFAULT_SEGMENT_EVENTS = 16_384;
const DEFAULT_SEGMENT_COLUMN_BYTES = DEFAULT_SEGMENT_EVENTS * COLUMN_BYTES_PER_EVENT;
/** Pages in every store's next payload slab and next segment's columns, a few pages per turn (see warmBufferPool.ts). */
const warmPool = new WarmBufferPool();

/** A block of consecutive events, stored column by column. */
class Segment {
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
  readonly extras = new Map<number, EventExtras & { wire?: WireMessage }>();
  count = 0;
  /** The slab small payloads are copied into, and how much of it is used. */
  private sharedSlab: Buffer | undefined;
  private sharedSlabIndex = 0;
  private sharedUsed = 0;
  /** Payload bytes held (slab capacity counts: a half-full slab still costs its whole size). */
  payloadBytes = 0;
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

  get bytes(): number {
    return this.capacity * COLUMN_BYTES_PER_EVENT + this.payloadBytes;
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
    let extras: (EventExtras & { wire?: WireMessage }) | undefined;
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
        extras = { wire };
      }
    }
    this.flags[i] = flags;
    if (event.message !== undefined || event.close || event.handshake || event.rttMs !== undefined || event.automatic || event.closeCode !== undefined || event.frame) {
      extras = {
        ...extras,
        message: event.message,
        close: event.close,
        handshake: event.handshake,
        rttMs: event.rttMs,
        automatic: event.automatic,
        closeCode: event.closeCode,
        frame: event.frame,
      };
    }
    if (extras) this.extras.set(i, extras);
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
    let shared = this.sharedSlab;
    if (!shared || this.sharedUsed + payload.length > shared.length) {
      shared = this.newSlab();
      this.sharedSlab = shared;
      this.sharedSlabIndex = this.slabs.length;
      this.slabs.push(shared);
      this.sharedUsed = 0;
      this.payloadBytes += SLAB_BYTES;
    }
    shared.set(payload, this.sharedUsed);
    this.slab[i] = this.sharedSlabIndex;
    this.offset[i] = this.sharedUsed;
    this.sharedUsed += payload.length;
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
      wire = { wireBytes: extras.wire.wireBytes, frameCount: extras.wire.frameCount, compressed: extras.wire.compressed, frames: extras.wire.frames };
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
    for (const key of Object.keys(rest) as Array<keyof typeof rest>) {
      if (rest[key] === undefined) delete rest[key];
    }
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
    if (payloadLength > 125) {
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
    return this.slabs.map((slab, k) => slab.subarray(0, used[k]));
  }

  static deserialize(bytes: Buffer): Segment {
    const headerLength = bytes.readUInt32LE(0);
    const header = JSON.parse(bytes.toString('utf8', 4, 4 + headerLength)) as {
      firstSeq: number;
      capacity: number;
      count: number;
      slabs: number[];
      extras: Array<[number, EventExtras & { wire?: WireMessage }]>;
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

/** Where a segment that left memory went. */
interface SpilledSegment extends SpillRecord {
  readonly firstSeq: number;
  readonly count: number;
  /** Its last event's time, for a notice that follows it. */
  readonly lastMonoUs: number;
}

/**
 * Where segments past the memory cap go. The file is made with the first spill. Once it is full, or
 * a write to it failed, what it holds is still read back but nothing more is written to it.
 */
type Spill =
  | { readonly state: 'no-folder' }
  | { readonly state: 'not-opened'; readonly dir: string }
  | { readonly state: 'open'; readonly file: SpillFile }
  | { readonly state: 'full'; readonly file: SpillFile }
  | { readonly state: 'failed'; readonly file: SpillFile | undefined }
  | { readonly state: 'removed' };

const DEFAULT_MEMORY_CAP_BYTES = 256 * 1024 * 1024;
const DEFAULT_SPILL_CAP_BYTES = 1024 * 1024 * 1024;

export class EventStore {
  private readonly segments: Array<Segment | SpilledSegment> = [];
  private readonly segmentSize: number;
  private readonly memoryCapBytes: number;
  /** Payload bytes past which the segment being appended to is closed (see appended). */
  private readonly segmentPayloadShare: number;
  private readonly spillCapBytes: number;
  /** Spilled and dropped since the last notice, and when that notice was logged. */
  private pendingSpill = { first: Number.POSITIVE_INFINITY, last: -1, bytes: 0, segments: 0 };
  private pendingDrop = { first: Number.POSITIVE_INFINITY, last: -1, count: 0, bytes: 0 };
  private lastNoticeAt = Number.NEGATIVE_INFINITY;
  private total = 0;
  private bytesInMemory = 0;
  private readonly listeners = new Set<AppendListener>();
  private notifiedUpTo = 0;
  private notifyScheduled = false;
  private spill: Spill;
  private spilledSegments = 0;
  private droppedPayloads = 0;
  private droppedPayloadBytes = 0;
  private readonly recentlyRead = new Map<number, Segment>();
  /** Segments before this index are already spilled or stripped of payloads: nothing more to relieve there. */
  private relieveFrom = 0;
  private disposed = false;

  constructor(private readonly options: EventStoreOptions = {}) {
    this.segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_EVENTS;
    this.memoryCapBytes = options.memoryCapBytes ?? DEFAULT_MEMORY_CAP_BYTES;
    this.segmentPayloadShare = this.memoryCapBytes / 2;
    this.spillCapBytes = options.spillCapBytes ?? DEFAULT_SPILL_CAP_BYTES;
    this.spill = options.spillDir ? { state: 'not-opened', dir: options.spillDir } : { state: 'no-folder' };
  }

  /** The next shared slab and the next segment's columns, paging in while the current ones fill (see warmBufferPool.ts). */
  private nextSlab: WarmingBuffer | undefined;
  private nextColumns: WarmingBuffer | undefined;
  private readonly takeSlab = (): Buffer => {
    const warmed = this.nextSlab?.take();
    this.nextSlab = undefined;
    return warmed ?? Buffer.allocUnsafeSlow(SLAB_BYTES);
  };

  private newSegment(): Segment {
    const columns = this.nextColumns?.take();
    this.nextColumns = undefined;
    const pooled = this.segmentSize === DEFAULT_SEGMENT_EVENTS;
    return new Segment(this.total, this.segmentSize, columns ?? (pooled ? Buffer.alloc(DEFAULT_SEGMENT_COLUMN_BYTES) : undefined), this.takeSlab);
  }

  /**
   * Starts paging in the next shared slab and/or the next segment's columns, while they still fit
   * under the memory cap (a warming buffer is not counted until it is used).
   */
  private warmNext(slab: boolean, columns: boolean): void {
    if (this.disposed) return;
    const room = this.memoryCapBytes - this.bytesInMemory;
    if (slab && !this.nextSlab && room >= 2 * SLAB_BYTES) this.nextSlab = warmPool.warm(SLAB_BYTES);
    if (columns && !this.nextColumns && this.segmentSize === DEFAULT_SEGMENT_EVENTS && room >= 2 * DEFAULT_SEGMENT_COLUMN_BYTES) {
      this.nextColumns = warmPool.warm(DEFAULT_SEGMENT_COLUMN_BYTES);
    }
  }

  /**
   * Starts warming the next slab (and the first segment, if there is none yet) before events come:
   * a session calls this when its connection opens, so a flood that starts on many sessions at once
   * does not begin in page faults. After that, append() warms what comes next half way through.
   */
  warmUp(): void {
    this.warmNext(true, this.segments.length === 0);
  }

  /** Lets go of buffers warmed for events that will not come (the session has ended; its log stays readable). */
  releaseSpares(): void {
    this.nextSlab?.cancel();
    this.nextColumns?.cancel();
    this.nextSlab = this.nextColumns = undefined;
  }

  /** Appends an event, numbers it, and schedules a (batched) notification of subscribers. */
  append(event: NewSessionEvent): number {
    const segment = this.segmentToAppendTo();
    const before = segment.payloadBytes;
    segment.append(event);
    return this.appended(segment, before);
  }

  /**
   * Appends a data message of one plain frame, as `append` would with its event and wire objects
   * (see SingleFrameEvent): the store keeps nothing of `event` itself, so it can be reused.
   */
  appendSingleFrame(event: SingleFrameEvent): number {
    const segment = this.segmentToAppendTo();
    const before = segment.payloadBytes;
    segment.appendSingleFrame(event);
    return this.appended(segment, before);
  }

  private segmentToAppendTo(): Segment {
    const last = this.segments[this.segments.length - 1];
    if (last instanceof Segment && !last.full) return last;
    const segment = this.newSegment();
    this.segments.push(segment);
    this.bytesInMemory += segment.capacity * COLUMN_BYTES_PER_EVENT;
    return segment;
  }

  /** Accounts for the event just appended to `segment`, which held `before` bytes of payload, and numbers it. */
  private appended(segment: Segment, before: number): number {
    this.bytesInMemory += segment.payloadBytes - before;
    this.warmNext(segment.sharedSlabHalfUsed, segment.count * 2 >= segment.capacity);
    // A segment of large messages could hold many times the cap (one message can be larger than
    // it), and only closed segments leave memory: one whose payloads take half the cap is closed now.
    if (segment.payloadBytes > this.segmentPayloadShare && !segment.full) this.closeNewest(segment);
    const seq = this.total++;
    if (this.bytesInMemory > this.memoryCapBytes) {
      this.relieveMemory();
    }
    this.scheduleNotify();
    return seq;
  }

  /** Replaces the segment being appended to (the last one) by its sealed copy; the next event starts a new one. */
  private closeNewest(segment: Segment): void {
    const sealed = segment.sealed();
    this.segments[this.segments.length - 1] = sealed;
    this.bytesInMemory -= segment.bytes - sealed.bytes;
  }

  get length(): number {
    return this.total;
  }

  get(seq: number): SessionEvent | undefined {
    if (!Number.isInteger(seq) || seq < 0 || seq >= this.total) return undefined;
    const segment = this.segmentAt(seq);
    return segment?.read(seq - segment.firstSeq);
  }

  /** Events with `start <= seq < end`, clamped to the log. */
  readRange(start: number, end: number): SessionEvent[] {
    const from = Math.max(0, Math.floor(start));
    const to = Math.min(Math.floor(end), this.total);
    const events: SessionEvent[] = [];
    for (let seq = from; seq < to; ) {
      const segment = this.segmentAt(seq);
      if (!segment) break;
      const last = Math.min(to, segment.firstSeq + segment.count);
      for (; seq < last; seq++) events.push(segment.read(seq - segment.firstSeq));
    }
    return events;
  }

  /**
   * Visits events with `start <= seq < end` (clamped to the log) in order, without building event
   * objects: for searches over millions of events, where `readRange` would allocate one per event.
   */
  scan(start: number, end: number, visit: ScanVisitor): void {
    const to = Math.min(Math.floor(end), this.total);
    for (let seq = Math.max(0, Math.floor(start)); seq < to; ) {
      const segment = this.segmentAt(seq);
      if (!segment) break;
      const last = Math.min(to, segment.firstSeq + segment.count);
      if (!segment.scan(seq - segment.firstSeq, last - segment.firstSeq, visit)) return;
      seq = last;
    }
  }

  /** Calls `listener` with each batch of appended events until the returned function is called. */
  subscribe(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Delivers pending notifications now (instead of on the next turn of the event loop). */
  flushNotifications(): void {
    this.notifyScheduled = false;
    if (this.notifiedUpTo === this.total) return;
    const range = { start: this.notifiedUpTo, end: this.total };
    this.notifiedUpTo = this.total;
    for (const listener of this.listeners) listener(range);
  }

  get stats(): EventStoreStats {
    return {
      events: this.total,
      bytesInMemory: this.bytesInMemory,
      spilledSegments: this.spilledSegments,
      spilledBytes: this.spillFile()?.size ?? 0,
      droppedPayloads: this.droppedPayloads,
      droppedPayloadBytes: this.droppedPayloadBytes,
    };
  }

  /** Releases the spill file. The store keeps answering for what is still in memory. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.releaseSpares();
    // Nothing spilled or dropped goes unannounced.
    this.announceRelief();
    // Subscribers still get the last events (the close that led here) before they are let go.
    this.flushNotifications();
    this.listeners.clear();
    this.spillFile()?.remove();
    this.spill = { state: 'removed' };
  }

  private scheduleNotify(): void {
    if (this.notifyScheduled || this.listeners.size === 0) {
      if (this.listeners.size === 0) this.notifiedUpTo = this.total;
      return;
    }
    this.notifyScheduled = true;
    setImmediate(this.flushScheduled);
  }

  /**
   * flushNotifications as a function made once. Written as an arrow inside scheduleNotify it cost an
   * allocation on every append, not only when scheduling: V8 makes the context an inner function
   * captures (`this`) as the enclosing function starts (measured: some 90 bytes per received message).
   */
  private readonly flushScheduled = (): void => this.flushNotifications();

  private segmentAt(seq: number): Segment | undefined {
    const entry = this.segments[this.segmentIndex(seq)];
    if (!entry) return undefined;
    if (entry instanceof Segment) return entry;
    return this.readSpilled(entry);
  }

  /** The index of the segment that holds `seq`, for `0 <= seq < length`. */
  private segmentIndex(seq: number): number {
    // No segment holds more than segmentSize events, so the one holding seq is at this index or
    // later: exactly there unless segments were closed early for their bytes, then a search finds it.
    let low = Math.floor(seq / this.segmentSize);
    const next = this.segments[low + 1];
    if (next === undefined || next.firstSeq > seq) return low;
    let high = this.segments.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >>> 1;
      if (this.segments[middle].firstSeq <= seq) low = middle;
      else high = middle - 1;
    }
    return low;
  }

  /** The spill file, while there is one to read from. */
  private spillFile(): SpillFile | undefined {
    const spill = this.spill;
    switch (spill.state) {
      case 'open':
      case 'full':
      case 'failed':
        return spill.file;
      case 'no-folder':
      case 'not-opened':
      case 'removed':
        return undefined;
      default: {
        const unknown: never = spill;
        throw new Error(`unknown spill state ${JSON.stringify(unknown)}`);
      }
    }
  }

  private readSpilled(entry: SpilledSegment): Segment | undefined {
    const cached = this.recentlyRead.get(entry.firstSeq);
    if (cached) return cached;
    const file = this.spillFile();
    if (!file) return undefined;
    const segment = Segment.deserialize(file.read(entry));
    // Keep the last two read back: scrolling across a boundary must not read the file per row.
    this.recentlyRead.set(entry.firstSeq, segment);
    while (this.recentlyRead.size > 2) this.recentlyRead.delete(this.recentlyRead.keys().next().value!);
    return segment;
  }

  /** Moves the oldest closed segments (the newest too, once closed) out of memory until the store is under its cap again. */
  private relieveMemory(): void {
    for (let index = this.relieveFrom; index < this.segments.length && this.bytesInMemory > this.memoryCapBytes; index++) {
      const segment = this.segments[index];
      // The segment still being appended to stays; it is closed once full or once it holds half the cap.
      if (segment instanceof Segment && !segment.full) break;
      this.relieveFrom = index + 1;
      if (!(segment instanceof Segment)) continue;
      const written = this.spillSegment(segment);
      if (written) {
        this.segments[index] = written;
        this.bytesInMemory -= segment.bytes;
        // Read from `this` each time: spillSegment may have announced (and so started) the pending counts.
        const spilled = this.pendingSpill;
        spilled.first = Math.min(spilled.first, segment.firstSeq);
        spilled.last = Math.max(spilled.last, segment.firstSeq + segment.count - 1);
        spilled.bytes += written.byteLength;
        spilled.segments++;
        continue;
      }
      if (segment.payloadsDropped) continue;
      const before = segment.bytes;
      const result = segment.dropPayloads();
      this.bytesInMemory -= before - segment.bytes;
      this.droppedPayloads += result.count;
      this.droppedPayloadBytes += result.bytes;
      const dropped = this.pendingDrop;
      dropped.first = Math.min(dropped.first, segment.firstSeq);
      dropped.last = Math.max(dropped.last, segment.firstSeq + segment.count - 1);
      dropped.count += result.count;
      dropped.bytes += result.bytes;
    }
    // The first time at once; during a long flood, at most one notice per NOTICE_INTERVAL_MS for
    // everything since the last (dispose() announces what is left), not one per segment.
    if (Date.now() - this.lastNoticeAt >= NOTICE_INTERVAL_MS) this.announceRelief();
  }

  /** Logs what was spilled or dropped since the last notice, with counts. */
  private announceRelief(): void {
    const spilled = this.pendingSpill;
    const dropped = this.pendingDrop;
    if (spilled.segments === 0 && dropped.count === 0) return;
    const cap = formatBytes(this.memoryCapBytes);
    const now = { monoUs: 0, wallMs: Date.now() };
    this.lastNoticeAt = now.wallMs;
    if (spilled.segments > 0) {
      this.appendNotice({
        ...now,
        message: `Memory cap of ${cap} reached: events ${spilled.first}-${spilled.last} (${formatBytes(spilled.bytes)}) moved to ${this.spillFile()?.path}; they are read back from there when shown.`,
      });
    }
    if (dropped.count > 0) {
      this.appendNotice({
        ...now,
        message: `Memory cap of ${cap} reached and ${this.whyNotSpilled()}: dropped the payloads of ${dropped.count} events (${formatBytes(dropped.bytes)}) among events ${dropped.first}-${dropped.last}; their sizes and times are kept.`,
      });
    }
    this.pendingSpill = { first: Number.POSITIVE_INFINITY, last: -1, bytes: 0, segments: 0 };
    this.pendingDrop = { first: Number.POSITIVE_INFINITY, last: -1, count: 0, bytes: 0 };
  }

  /** Why payloads past the memory cap are dropped rather than spilled, as the drop notice says it. */
  private whyNotSpilled(): string {
    const spill = this.spill;
    switch (spill.state) {
      case 'no-folder':
        return 'no spill folder is set';
      case 'full':
        return `the spill file is at its cap of ${formatBytes(this.spillCapBytes)}`;
      case 'failed':
        return 'the spill file could not be written';
      case 'removed':
        return 'the log was closed';
      case 'not-opened':
      case 'open':
        return 'the spill file was not written';
      default: {
        const unknown: never = spill;
        throw new Error(`unknown spill state ${JSON.stringify(unknown)}`);
      }
    }
  }

  /** Appends the store's own announcement; it goes into the current (in-memory) segment. */
  private appendNotice(event: { monoUs: number; wallMs: number; message: string }): void {
    const last = this.segments[this.segments.length - 1];
    const monoUs = last === undefined ? event.monoUs : last instanceof Segment ? (last.count > 0 ? last.monoUs[last.count - 1] : event.monoUs) : last.lastMonoUs;
    let segment = last;
    if (!(segment instanceof Segment) || segment.full) {
      segment = this.newSegment();
      this.segments.push(segment);
      this.bytesInMemory += segment.capacity * COLUMN_BYTES_PER_EVENT;
    }
    segment.append({ kind: 'info', direction: 'local', monoUs, wallMs: event.wallMs, message: event.message });
    this.total++;
  }

  /** Writes `segment` to the spill file (made on the first call); undefined when it cannot go there, and then the log says why. */
  private spillSegment(segment: Segment): SpilledSegment | undefined {
    const spill = this.spill;
    if (spill.state !== 'not-opened' && spill.state !== 'open') return undefined;
    let file: SpillFile | undefined;
    try {
      file = spill.state === 'open' ? spill.file : SpillFile.create(spill.dir, this.spillCapBytes);
      this.spill = { state: 'open', file };
      const result = file.append(segment.serialize());
      if (result.outcome === 'over-cap') {
        this.spill = { state: 'full', file };
        this.announceSpillFull(file, segment, result.recordBytes);
        return undefined;
      }
      this.spilledSegments++;
      return { firstSeq: segment.firstSeq, count: segment.count, lastMonoUs: segment.monoUs[segment.count - 1], ...result.record };
    } catch (err) {
      this.spill = { state: 'failed', file };
      this.appendNotice({ monoUs: 0, wallMs: Date.now(), message: `Could not write the spill file ${file?.path ?? this.options.spillDir}: ${String(err)}; payloads past the memory cap will be dropped instead.` });
      return undefined;
    }
  }

  /** Says, once, that the spill file reached its cap: with the numbers, what happens from now on, and what raises it. */
  private announceSpillFull(file: SpillFile, segment: Segment, recordBytes: number): void {
    // What was spilled before is announced first, so the notices read in order.
    this.announceRelief();
    const raise = this.options.spillCapSetting ? `raise the setting ${this.options.spillCapSetting}` : 'raise the spill cap';
    this.appendNotice({
      monoUs: 0,
      wallMs: Date.now(),
      message:
        `Spill cap of ${formatBytes(this.spillCapBytes)} reached: the spill file ${file.path} holds ${formatBytes(file.size)} and events ` +
        `${segment.firstSeq}-${segment.firstSeq + segment.count - 1} (${formatBytes(recordBytes)}) would pass it. From event ${segment.firstSeq} on, ` +
        `payloads past the memory cap of ${formatBytes(this.memoryCapBytes)} are dropped; their sizes and times are kept. To keep more, ${raise}.`,
    });
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}
