/**
 * Events dropped whole. Past both caps (the memory cap, and a spill file that is full or that there
 * is none of), once the payloads past the memory cap are dropped and their columns alone still pass
 * it, the oldest segments in memory collapse into a gap: it keeps how many events of each kind and
 * direction there were and their payload bytes, and the log keeps its numbering. Reading an event in
 * a gap gives a placeholder that says so; scans skip gaps (the store hands their counts over instead).
 */
import { SESSION_EVENT_KINDS, type EventDirection, type SessionEventKind } from '../shared/sessionEvent';
import { EVENT_DIRECTIONS, type Segment } from './eventSegment';
import { droppedEventMessage } from './storeNotices';
import type { SessionEvent } from './storedEvent';

/** Why a gap's events were dropped, as its placeholders say it. */
export interface GapReason {
  readonly memoryCap: number;
  readonly whyNotSpilled: string;
  /** What keeps more: "raise the settings ...". */
  readonly raise: string;
}

export class EventGap {
  readonly firstSeq: number;
  count = 0;
  /** Payload bytes of its events, as their sizes said. */
  bytes = 0;
  /** Events and their payload bytes per kind and direction, at kind index x directions + direction index. */
  private readonly events = new Float64Array(SESSION_EVENT_KINDS.length * EVENT_DIRECTIONS.length);
  private readonly payloadBytes = new Float64Array(SESSION_EVENT_KINDS.length * EVENT_DIRECTIONS.length);
  private readonly firstMonoUs: number;
  private readonly firstWallMs: number;
  /** Its last event's time, for a notice that follows it. */
  lastMonoUs: number;

  /** A gap made of `segment`, the oldest events it will hold. */
  constructor(
    segment: Segment,
    readonly reason: GapReason,
  ) {
    this.firstSeq = segment.firstSeq;
    this.firstMonoUs = segment.monoUs[0];
    this.firstWallMs = segment.wallMs[0];
    this.lastMonoUs = this.firstMonoUs;
    this.absorb(segment);
  }

  /** Takes in the events of `segment`, which follows on from the last event of this gap. */
  absorb(segment: Segment): void {
    if (segment.firstSeq !== this.firstSeq + this.count) throw new Error(`events ${segment.firstSeq}- do not follow on from the gap ending at ${this.firstSeq + this.count - 1}`);
    this.bytes += segment.countInto(this.events, this.payloadBytes);
    this.count += segment.count;
    if (segment.count > 0) this.lastMonoUs = segment.monoUs[segment.count - 1];
  }

  /** Calls `visit` for each kind and direction the gap held events of. */
  forEachTally(visit: (kind: SessionEventKind, direction: EventDirection, events: number, payloadBytes: number) => void): void {
    this.events.forEach((events, k) => {
      if (events > 0) visit(SESSION_EVENT_KINDS[Math.floor(k / EVENT_DIRECTIONS.length)], EVENT_DIRECTIONS[k % EVENT_DIRECTIONS.length], events, this.payloadBytes[k]);
    });
  }

  /** The placeholder for its `i`-th event: an `info` event, at the time of the gap's first event, that says what was dropped and why. */
  read(i: number): SessionEvent {
    const seq = this.firstSeq + i;
    const held: string[] = [];
    this.forEachTally((kind, direction, events) => held.push(`${events} ${direction} ${kind}`));
    const run = { first: this.firstSeq, last: this.firstSeq + this.count - 1, bytes: this.bytes };
    return { seq, kind: 'info', direction: 'local', monoUs: this.firstMonoUs, wallMs: this.firstWallMs, size: 0, message: droppedEventMessage(seq, this.reason, run, held.join(', ')) };
  }
}
