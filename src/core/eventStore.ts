/**
 * The session's ordered event log. Events get their sequence number here, so the order of the log
 * is the order of `append` calls and there are no gaps. Readers address it by index.
 */
import type { EventDirection, SessionEventKind } from '../shared/sessionEvent';

/** One event as the host keeps it, payload included. */
export interface SessionEvent {
  readonly seq: number;
  readonly kind: SessionEventKind;
  readonly direction: EventDirection;
  /** Monotonic microseconds since the session started. */
  readonly monoUs: number;
  /** Wall-clock milliseconds since the Unix epoch. */
  readonly wallMs: number;
  /** The payload as received or sent (text payloads as their UTF-8 bytes). */
  readonly payload?: Buffer;
  /** For close events: the close code and reason. */
  readonly close?: { readonly code: number; readonly reason: string };
  /** A sentence for a person: what an error, info or lifecycle event means. */
  readonly message?: string;
}

export type NewSessionEvent = Omit<SessionEvent, 'seq'>;

export type AppendListener = (event: SessionEvent) => void;

export class EventStore {
  private readonly events: SessionEvent[] = [];
  private readonly listeners = new Set<AppendListener>();

  /** Appends an event, numbers it, and tells subscribers. */
  append(event: NewSessionEvent): SessionEvent {
    const stored: SessionEvent = { ...event, seq: this.events.length };
    this.events.push(stored);
    for (const listener of this.listeners) {
      listener(stored);
    }
    return stored;
  }

  get length(): number {
    return this.events.length;
  }

  get(seq: number): SessionEvent | undefined {
    return this.events[seq];
  }

  /** Events with `start <= seq < end`, clamped to the log. */
  readRange(start: number, end: number): SessionEvent[] {
    return this.events.slice(Math.max(0, start), Math.min(end, this.events.length));
  }

  /** Calls `listener` for every appended event until the returned function is called. */
  subscribe(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
