/**
 * What the event store takes and gives: the events of a session's log, the facts few of them have
 * (close details, handshakes, multi-frame wire detail), and how a scan visits them.
 */
import type { EventDirection, EventFacts, SessionEventKind } from '../shared/sessionEvent';
import type { WireFrame, WireMessage } from './wire';

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
export interface SessionEvent extends EventExtras, EventFacts {
  /** Undefined for events without payload and for dropped payloads (see `payloadDropped`). */
  readonly payload?: Buffer;
  readonly payloadDropped?: boolean;
  readonly wire?: EventWire;
}

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
