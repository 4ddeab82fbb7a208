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

/** The facts of an event the counters need. */
export interface CountedEvent {
  readonly kind: SessionEventKind;
  readonly direction: EventDirection;
  readonly size: number;
  readonly rttMs?: number;
}

/** Counters after one more event. Only data messages (text, binary) count as messages. */
export function countEvent(counters: TrafficCounters, event: CountedEvent): TrafficCounters {
  if (event.kind === 'pong' && event.rttMs !== undefined) {
    return { ...counters, lastRttMs: event.rttMs };
  }
  if (event.kind !== 'text' && event.kind !== 'binary') return counters;
  if (event.direction === 'sent') {
    return { ...counters, messagesSent: counters.messagesSent + 1, bytesSent: counters.bytesSent + event.size };
  }
  if (event.direction === 'received') {
    return { ...counters, messagesReceived: counters.messagesReceived + 1, bytesReceived: counters.bytesReceived + event.size };
  }
  return counters;
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
