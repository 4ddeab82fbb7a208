/**
 * Traffic counters shown in the panel header: messages and payload bytes each way and the last
 * ping round-trip time. Counted from the log's events as they are appended, so both the panel and
 * the message log agree with the timeline.
 */
import type { EventDirection, SessionEventKind } from './sessionEvent';

export interface TrafficCounters {
  readonly messagesSent: number;
  readonly messagesReceived: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  /** Round-trip time of the last ping we sent that got its pong, in milliseconds. */
  readonly lastRttMs?: number;
}

export const EMPTY_COUNTERS: TrafficCounters = { messagesSent: 0, messagesReceived: 0, bytesSent: 0, bytesReceived: 0 };

/** Counters being added up: TrafficCounters, writable. */
export type CounterTally = { -readonly [K in keyof TrafficCounters]: TrafficCounters[K] };

/**
 * Adds one event to the tally, in place (a flood is counted without an object per event). Only data
 * messages (text, binary) count as messages; a pong sets the round trip, asked of `rttMs` only then.
 */
export function countEvent(tally: CounterTally, kind: SessionEventKind, direction: EventDirection, size: number, rttMs: () => number | undefined): void {
  if (kind === 'pong') {
    const rtt = rttMs();
    if (rtt !== undefined) tally.lastRttMs = rtt;
    return;
  }
  countMessages(tally, kind, direction, 1, size);
}

/**
 * Adds `events` events of one kind and direction, with `bytes` of payload between them, as countEvent
 * adds them one at a time (for events the log kept only the counts of; no round trip is among them).
 */
export function countMessages(tally: CounterTally, kind: SessionEventKind, direction: EventDirection, events: number, bytes: number): void {
  if (kind !== 'text' && kind !== 'binary') return;
  if (direction === 'sent') {
    tally.messagesSent += events;
    tally.bytesSent += bytes;
  } else if (direction === 'received') {
    tally.messagesReceived += events;
    tally.bytesReceived += bytes;
  }
}

/** "1.2 KiB" style sizes for the header. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}
