/**
 * The session's ordered event log, built for sessions that run for hours and receive millions of
 * messages. Events are numbered here (the order of the log is the order of `append` calls, with
 * no gaps) and stored column-wise in segments (eventSegment.ts): typed arrays for the per-event facts every event
 * has, one payload arena per segment (each payload copied in once, never per consumer), and a
 * sparse map for the rare extras (close details, handshakes, multi-frame wire detail).
 *
 * Memory is capped, whatever the sizes of the messages: a segment is closed early once its payloads
 * (and packed frames and extras, all counted) take half the cap, so that past the cap whole old segments (the newest one too, once closed) can
 * be spilled to a file (when a spill folder is given; spillFile.ts, itself capped) or their payloads
 * dropped, and an `info` event says which, with counts. Readers address the log by index; a spilled
 * segment is read back on demand.
 */
import { COLUMN_BYTES_PER_EVENT, DEFAULT_SEGMENT_EVENTS, Segment, SLAB_BYTES } from './eventSegment';
import { SpillFile, type SpillRecord } from './spillFile';
import type { NewSessionEvent, ScanVisitor, SessionEvent, SingleFrameEvent } from './storedEvent';
import { WarmBufferPool, type WarmingBuffer } from './warmBufferPool';

export { END_SCAN } from './storedEvent';
export type { CloseDetails, EventExtras, EventWire, HandshakeRecord, NewSessionEvent, ScanVisitor, SessionEvent, SingleFrameEvent } from './storedEvent';

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

export interface EventStoreStats {
  readonly events: number;
  readonly bytesInMemory: number;
  readonly spilledSegments: number;
  readonly spilledBytes: number;
  readonly droppedPayloads: number;
  readonly droppedPayloadBytes: number;
}

const DEFAULT_SEGMENT_COLUMN_BYTES = DEFAULT_SEGMENT_EVENTS * COLUMN_BYTES_PER_EVENT;
/** Pages in every store's next payload slab and next segment's columns, a few pages per turn (see warmBufferPool.ts). */
const warmPool = new WarmBufferPool();

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
  /** Bytes besides its columns past which the segment being appended to is closed (see appended). */
  private readonly segmentShare: number;
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
  /** The last segment while events go into it (in memory, with room); undefined once it is closed early. */
  private appendingTo: Segment | undefined;
  /** Segments before this index are already spilled or stripped of payloads: nothing more to relieve there. */
  private relieveFrom = 0;
  private disposed = false;

  constructor(private readonly options: EventStoreOptions = {}) {
    this.segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_EVENTS;
    this.memoryCapBytes = options.memoryCapBytes ?? DEFAULT_MEMORY_CAP_BYTES;
    this.segmentShare = this.memoryCapBytes / 2;
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
    const before = segment.heldBytes;
    segment.append(event);
    return this.appended(segment, before);
  }

  /**
   * Appends a data message of one plain frame, as `append` would with its event and wire objects
   * (see SingleFrameEvent): the store keeps nothing of `event` itself, so it can be reused.
   */
  appendSingleFrame(event: SingleFrameEvent): number {
    const segment = this.segmentToAppendTo();
    const before = segment.heldBytes;
    segment.appendSingleFrame(event);
    return this.appended(segment, before);
  }

  private segmentToAppendTo(): Segment {
    const current = this.appendingTo;
    if (current !== undefined && !current.full) return current;
    const segment = this.newSegment();
    this.segments.push(segment);
    this.bytesInMemory += segment.capacity * COLUMN_BYTES_PER_EVENT;
    this.appendingTo = segment;
    return segment;
  }

  /** Accounts for the event just appended to `segment`, which held `before` bytes besides its columns, and numbers it. */
  private appended(segment: Segment, before: number): number {
    const held = segment.heldBytes;
    this.bytesInMemory += held - before;
    this.warmNext(segment.sharedSlabHalfUsed, segment.count * 2 >= segment.capacity);
    // A segment of large messages could hold many times the cap (one message can be larger than
    // it), and only closed segments leave memory: one whose payloads take half the cap is closed now.
    if (held > this.segmentShare && !segment.full) this.closeNewest(segment);
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
    this.appendingTo = undefined;
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
    const segment = this.segmentToAppendTo();
    const before = segment.heldBytes;
    segment.append({ kind: 'info', direction: 'local', monoUs, wallMs: event.wallMs, message: event.message });
    this.bytesInMemory += segment.heldBytes - before;
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
