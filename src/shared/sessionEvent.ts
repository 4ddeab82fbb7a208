/**
 * The session's event model as both sides of the webview boundary see it. The host keeps full
 * payloads; the webview receives rows: a bounded preview of each event, never the whole session.
 */

import { hexString } from './printableText';
import type { TrafficCounters } from './sessionCounters';

/** What happened; mirrors the kinds of RFC 6455 frames plus the connection's own milestones. */
export type SessionEventKind =
  | 'handshake-request'
  | 'handshake-response'
  | 'open'
  | 'text'
  | 'binary'
  | 'ping'
  | 'pong'
  | 'close'
  | 'error'
  | 'reconnect'
  | 'info';

/** Every kind, once, in a fixed order (a record, so that a kind added to the type and not here fails to compile). */
const KIND_ORDER: Record<SessionEventKind, number> = { 'handshake-request': 0, 'handshake-response': 1, open: 2, text: 3, binary: 4, ping: 5, pong: 6, close: 7, error: 8, reconnect: 9, info: 10 };
export const SESSION_EVENT_KINDS: readonly SessionEventKind[] = (Object.keys(KIND_ORDER) as SessionEventKind[]).sort((a, b) => KIND_ORDER[a] - KIND_ORDER[b]);

/** `sent`: client to server. `received`: server to client. `local`: something the inspector observed. */
export type EventDirection = 'sent' | 'received' | 'local';

/** Lifecycle of one connection, as shown in the panel header. */
export type SessionState = 'connecting' | 'open' | 'closing' | 'closed' | 'reconnecting';

/** What every event of a session's log has, on both sides of the webview boundary. */
export interface EventFacts {
  /** Position in the session's event log, 0-based, gapless: row n is the n-th event that happened. */
  readonly seq: number;
  readonly kind: SessionEventKind;
  readonly direction: EventDirection;
  /** Monotonic time since the session started, in microseconds. */
  readonly monoUs: number;
  /** Wall-clock time, milliseconds since the Unix epoch. */
  readonly wallMs: number;
  /** Decoded payload size in bytes (0 for events without a payload), known even when the payload itself was dropped. */
  readonly size: number;
}

/** One row of the timeline, as sent to the webview. */
export interface EventRow extends EventFacts {
  /** A one-line, length-bounded text preview of the payload or of what happened. */
  readonly preview: string;
  /** True when `preview` was cut short of the full payload. */
  readonly truncated: boolean;
}

/** What the panel header shows about a session. */
export interface SessionSummary {
  readonly id: string;
  readonly title: string;
  readonly url: string;
  readonly state: SessionState;
  /** Number of events in the session's log. */
  readonly eventCount: number;
  /** What the opening handshake negotiated, once the connection opened. */
  readonly negotiated?: { readonly subprotocol: string; readonly extensions: string };
  /** Messages and bytes each way, last ping round trip. */
  readonly counters: TrafficCounters;
  /** The .wsprofile it was connected from (a URI string), so a restored panel can reconnect it. */
  readonly profileUri?: string;
  /** The session belongs to an earlier window (restored after a reload): only its history is left. */
  readonly ended?: boolean;
}

/** Longest preview kept in a row, in UTF-16 code units; keeps rows and messages small. */
export const PREVIEW_MAX_CHARS = 200;

/**
 * What a line feed shows as in a preview: ↵ (U+21B5), which Segoe UI, San Francisco, DejaVu Sans and
 * Noto Sans all draw (the control picture U+240A draws as an empty box in most of them).
 */
export const NEWLINE_MARKER = '\u21b5';

/**
 * Turns arbitrary text into a single-line preview: control characters become visible symbols
 * (a newline in a payload must not break the one-row-per-event layout) and the length is bounded.
 */
export function makePreview(text: string, maxChars: number = PREVIEW_MAX_CHARS): { preview: string; truncated: boolean } {
  const truncated = text.length > maxChars;
  let head = truncated ? text.slice(0, maxChars) : text;
  // A cut between the halves of a surrogate pair would leave a lone high surrogate at the end.
  if (truncated && isHighSurrogate(head.charCodeAt(maxChars - 1)) && isLowSurrogate(text.charCodeAt(maxChars))) head = head.slice(0, -1);
  // C0 controls map to the Unicode "control pictures" block (U+2400 + code); DEL to U+2421. The
  // line feed, by far the most common, gets NEWLINE_MARKER instead: U+240A is missing from common UI fonts.
  const preview = head.replace(/[\u0000-\u001f\u007f]/g, (c) => {
    const code = c.charCodeAt(0);
    return code === 0x0a ? NEWLINE_MARKER : String.fromCharCode(code === 0x7f ? 0x2421 : 0x2400 + code);
  });
  return { preview, truncated };
}

const isHighSurrogate = (code: number): boolean => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number): boolean => code >= 0xdc00 && code <= 0xdfff;

/** Hex preview of binary data: "0a 1b ff …", bounded like text previews. */
export function makeHexPreview(bytes: Uint8Array, maxBytes: number = Math.floor(PREVIEW_MAX_CHARS / 3)): { preview: string; truncated: boolean } {
  return { preview: hexString(bytes.subarray(0, maxBytes)), truncated: bytes.length > maxBytes };
}
