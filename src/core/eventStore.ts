/**
 * The session's ordered event log, built for sessions that run for hours and receive millions of
 * messages. Events are numbered here (the order of the log is the order of `append` calls, every
 * number taken) and stored column-wise in segments (eventSegment.ts): typed arrays for the per-event facts every event
 * has, one payload arena per segment (each payload copied in once, never per consumer), and a
 * sparse map for the rare extras (close details, handshakes, multi-frame wire detail).
 *
 * Memory is capped, whatever the sizes of the messages: a segment is closed early once its payloads
 * (and packed frames and extras, all counted) take half the cap, so that past the cap whole old
 * segments (the newest one too, once closed) can be spilled to a file (when a spill folder is given;
 * spillFile.ts, itself capped) or their payloads dropped, and past both caps the oldest collapse
 * into a gap of counts (eventGap.ts); an `info` event says which, with counts. Readers address the
 * log by index; a spilled segment is read back on demand, an event in a gap reads as a placeholder.
 */
import { EventGap, type GapReason } from './eventGap';
import { COLUMN_BYTES_PER_EVENT, DEFAULT_SEGMENT_EVENTS, Segment } from './eventSegment';
import { indexOfEntryHolding } from './segmentLookup';
import { SegmentSupply } from './segmentSupply';
import { SpillFile, type SpillRecord } from './spillFile';
import { spillFileOf, whyNotSpilled, type Spill } from './spillState';
import type { NewSessionEvent, ScanVisitor, SessionEvent, SingleFrameEvent } from './storedEvent';
import { droppedNotice, firstGapNotice, spilledNotice, spillFailedNotice, spillFullNotice } from './storeNotices';
import { countMessages, EMPTY_COUNTERS, type CounterTally, type TrafficCounters } from '../shared/sessionCounters';

export { EventGap } from './eventGap';
export { formatBytes } from './storeNotices';
export { END_SCAN } from './storedEvent';
export type { CloseDetails, EventExtras, EventWire, HandshakeRecord, NewSessionEvent, ScanVisitor, SessionEvent, SingleFrameEvent } from './storedEvent';

export interface EventStoreOptions {
  /** Memory the store may hold, in bytes (payloads and per-event facts); default 256 MiB. */
  readonly memoryCapBytes?: number;
  /** Folder for the spill file; without one, payloads past the cap are dropped (and past that, the oldest events whole). */
  readonly spillDir?: string;
  /** Bytes the spill file may hold; past them, payloads past the memory cap are dropped (and past that, the oldest events whole). Default 1 GiB. */
  readonly spillCapBytes?: number;
  /** What raises the spill cap, named in the notice that says it was reached (the adapter's setting). */
  readonly spillCapSetting?: string;
  /** What raises the memory cap, named where events are dropped whole (the adapter's setting). */
  readonly memoryCapSetting?: string;
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
  /** Events dropped whole, past both caps (they read as placeholders). */
  readonly droppedEvents: number;
}

/** What `scan` hands over for a gap in its range instead of visiting its events: the gap, and the part of it in the range. */
export type GapVisitor = (gap: EventGap, start: number, end: number) => void;

/** Where a segment that left memory went. */
interface SpilledSegment extends SpillRecord {
  readonly firstSeq: number;
  readonly count: number;
  /** Its last event's time, for a notice that follows it. */
  readonly lastMonoUs: number;
}

const DEFAULT_MEMORY_CAP_BYTES = 256 * 1024 * 1024;
const DEFAULT_SPILL_CAP_BYTES = 1024 * 1024 * 1024;

export class EventStore {
  private readonly tally: CounterTally = { ...EMPTY_COUNTERS };
  private readonly segments: Array<Segment | SpilledSegment | EventGap> = [];
  private readonly segmentSize: number;
  private readonly supply: SegmentSupply;
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
  private droppedEvents = 0;
  /** The first events dropped whole were announced (that is said once). */
  private gapAnnounced = false;
  private readonly recentlyRead = new Map<number, Segment>();
  /** The last segment while events go into it (in memory, with room); undefined once it is closed early. */
  private appendingTo: Segment | undefined;
  /** Segments before this index are already spilled or stripped of payloads: nothing more to relieve there. */
  private relieveFrom = 0;
  /** Entries before this index are spilled or gaps: none is left to collapse there. */
  private collapseFrom = 0;
  private disposed = false;

  constructor(private readonly options: EventStoreOptions = {}) {
    this.segmentSize = options.segmentSize ?? DEFAULT_SEGMENT_EVENTS;
    this.supply = new SegmentSupply(this.segmentSize);
    this.memoryCapBytes = options.memoryCapBytes ?? DEFAULT_MEMORY_CAP_BYTES;
    this.segmentShare = this.memoryCapBytes / 2;
    this.spillCapBytes = options.spillCapBytes ?? DEFAULT_SPILL_CAP_BYTES;
    this.spill = options.spillDir ? { state: 'not-opened', dir: options.spillDir } : { state: 'no-folder' };
  }

  /** Starts paging in the next shared slab and/or the next segment's columns while they fit under the cap (segmentSupply.ts). */
  private warmNext(slab: boolean, columns: boolean): void {
    if (!this.disposed) this.supply.warmNext(this.memoryCapBytes - this.bytesInMemory, slab, columns);
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
    this.supply.release();
  }

  /** Appends an event, numbers it, and schedules a (batched) notification of subscribers. */
  append(event: NewSessionEvent): number {
    if (event.kind === 'pong') {
      if (event.rttMs !== undefined) this.tally.lastRttMs = event.rttMs;
    } else {
      countMessages(this.tally, event.kind, event.direction, 1, event.payload?.length ?? 0);
    }
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
    // Counted inline (a data message, sent or received): this is the receive path of a flood.
    const tally = this.tally;
    if (event.direction === 'sent') {
      tally.messagesSent++;
      tally.bytesSent += event.payload.length;
    } else {
      tally.messagesReceived++;
      tally.bytesReceived += event.payload.length;
    }
    const segment = this.segmentToAppendTo();
    const before = segment.heldBytes;
    segment.appendSingleFrame(event);
    return this.appended(segment, before);
  }

  private segmentToAppendTo(): Segment {
    const current = this.appendingTo;
    if (current !== undefined && !current.full) return current;
    const segment = this.supply.newSegment(this.total);
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
   * Events dropped whole are not visited: `onGap`, when given, gets their gap instead.
   */
  scan(start: number, end: number, visit: ScanVisitor, onGap?: GapVisitor): void {
    const to = Math.min(Math.floor(end), this.total);
    for (let seq = Math.max(0, Math.floor(start)); seq < to; ) {
      const segment = this.segmentAt(seq);
      if (!segment) break;
      const last = Math.min(to, segment.firstSeq + segment.count);
      if (segment instanceof EventGap) onGap?.(segment, seq, last);
      else if (!segment.scan(seq - segment.firstSeq, last - segment.firstSeq, visit)) return;
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

  /**
   * Messages and bytes each way and the last ping's round trip, counted as events are appended, so
   * they stay exact whatever later leaves memory (spilled, payloads dropped, events dropped whole).
   */
  get traffic(): TrafficCounters {
    return { ...this.tally };
  }

  get stats(): EventStoreStats {
    return {
      events: this.total,
      bytesInMemory: this.bytesInMemory,
      spilledSegments: this.spilledSegments,
      spilledBytes: this.spillFile()?.size ?? 0,
      droppedPayloads: this.droppedPayloads,
      droppedPayloadBytes: this.droppedPayloadBytes,
      droppedEvents: this.droppedEvents,
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

  private segmentAt(seq: number): Segment | EventGap | undefined {
    const entry = this.segments[indexOfEntryHolding(this.segments, seq, this.segmentSize)];
    if (!entry) return undefined;
    if (entry instanceof Segment || entry instanceof EventGap) return entry;
    return this.readSpilled(entry);
  }

  /** The spill file, while there is one to read from. */
  private spillFile(): SpillFile | undefined {
    return spillFileOf(this.spill);
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

  /**
   * Moves the oldest closed segments (the newest too, once closed) out of memory until the store is
   * under its cap again: spilled, or stripped of their payloads, and past that collapsed into a gap.
   */
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
    if (this.bytesInMemory > this.memoryCapBytes) this.collapseOldest();
    // The first time at once; during a long flood, at most one notice per NOTICE_INTERVAL_MS for
    // everything since the last (dispose() announces what is left), not one per segment.
    if (Date.now() - this.lastNoticeAt >= NOTICE_INTERVAL_MS) this.announceRelief();
  }

  /**
   * Past both caps, with the payloads past the memory cap dropped, the columns alone can still pass
   * it (a flood of tiny messages): the oldest segments left in memory collapse into a gap of counts,
   * which takes in the ones after it as they collapse too. The first time, the log says so.
   */
  private collapseOldest(): void {
    let first: EventGap | undefined;
    for (let index = this.collapseFrom; index < this.relieveFrom && this.bytesInMemory > this.memoryCapBytes; this.collapseFrom = index) {
      const segment = this.segments[index];
      if (!(segment instanceof Segment)) {
        index++;
        continue;
      }
      this.bytesInMemory -= segment.bytes;
      this.droppedEvents += segment.count;
      const previous = this.segments[index - 1];
      if (previous instanceof EventGap) {
        previous.absorb(segment);
        // The entries after it move down one, the next to collapse into `index`.
        this.segments.splice(index, 1);
        this.relieveFrom--;
      } else {
        const gap = new EventGap(segment, this.gapReason());
        this.segments[index++] = gap;
        first ??= this.gapAnnounced ? undefined : gap;
      }
    }
    if (!first) return;
    this.gapAnnounced = true;
    // What was spilled or dropped before is announced first, so the notices read in order.
    this.announceRelief();
    const reason = first.reason;
    this.appendNotice({ monoUs: 0, wallMs: Date.now(), message: firstGapNotice(this.memoryCapBytes, reason.whyNotSpilled, { first: first.firstSeq, last: first.firstSeq + first.count - 1, bytes: first.bytes }, reason.raise) });
  }

  /** Why events are dropped whole now, and which caps keep more (the spill cap only while the spill file is full). */
  private gapReason(): GapReason {
    const memory = this.options.memoryCapSetting;
    const spill = this.options.spillCapSetting;
    const raise =
      this.spill.state !== 'full'
        ? memory ? `raise the setting ${memory}` : 'raise the memory cap'
        : memory && spill ? `raise the settings ${memory} and ${spill}` : 'raise the memory cap and the spill cap';
    return { memoryCap: this.memoryCapBytes, whyNotSpilled: whyNotSpilled(this.spill, this.spillCapBytes), raise };
  }

  /** Logs what was spilled or dropped since the last notice, with counts. */
  private announceRelief(): void {
    const spilled = this.pendingSpill;
    const dropped = this.pendingDrop;
    if (spilled.segments === 0 && dropped.count === 0) return;
    const now = { monoUs: 0, wallMs: Date.now() };
    this.lastNoticeAt = now.wallMs;
    if (spilled.segments > 0) {
      this.appendNotice({ ...now, message: spilledNotice(this.memoryCapBytes, spilled, this.spillFile()?.path) });
    }
    if (dropped.count > 0) {
      this.appendNotice({ ...now, message: droppedNotice(this.memoryCapBytes, whyNotSpilled(this.spill, this.spillCapBytes), dropped, dropped.count) });
    }
    this.pendingSpill = { first: Number.POSITIVE_INFINITY, last: -1, bytes: 0, segments: 0 };
    this.pendingDrop = { first: Number.POSITIVE_INFINITY, last: -1, count: 0, bytes: 0 };
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
      this.appendNotice({ monoUs: 0, wallMs: Date.now(), message: spillFailedNotice(file?.path ?? this.options.spillDir, err) });
      return undefined;
    }
  }

  /** Says, once, that the spill file reached its cap: with the numbers, what happens from now on, and what raises it. */
  private announceSpillFull(file: SpillFile, segment: Segment, recordBytes: number): void {
    // What was spilled before is announced first, so the notices read in order.
    this.announceRelief();
    const raise = this.options.spillCapSetting ? `raise the setting ${this.options.spillCapSetting}` : 'raise the spill cap';
    const run = { first: segment.firstSeq, last: segment.firstSeq + segment.count - 1, bytes: recordBytes };
    this.appendNotice({ monoUs: 0, wallMs: Date.now(), message: spillFullNotice({ memory: this.memoryCapBytes, spill: this.spillCapBytes }, file.path, file.size, run, raise) });
  }
}
