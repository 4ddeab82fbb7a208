/**
 * Every message between the extension host and a session panel's webview, typed. Both sides
 * switch over `type` and end in an exhaustiveness check, so adding a message here without
 * handling it fails to compile.
 */
import type { EventRow, SessionSummary } from './sessionEvent';
import type { ReplyEnvelope, RequestEnvelope } from './requestTracker';

// #region host -> webview

/** The whole visible state, sent in answer to `ready` (first load, or after the webview was reloaded). */
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly session: SessionSummary;
  /** The rows of the log, oldest first, starting at seq `firstSeq`. */
  readonly firstSeq: number;
  readonly rows: readonly EventRow[];
}

/** Rows appended to the log since the last message; batched, never one message per event. */
export interface RowsAppendedMessage {
  readonly type: 'rowsAppended';
  readonly rows: readonly EventRow[];
  /** The log's length after these rows; lets the webview detect a gap instead of showing one. */
  readonly eventCount: number;
}

/** The session's header facts changed (state, counters). */
export interface SessionChangedMessage {
  readonly type: 'sessionChanged';
  readonly session: SessionSummary;
}

/** Requests the host can make of the webview, with their results. */
export type WebviewMethods = {
  /** The text of every timeline row as rendered in the document, top to bottom. */
  renderedRows: { params: Record<string, never>; result: string[] };
};

export type ToWebviewMessage =
  | SnapshotMessage
  | RowsAppendedMessage
  | SessionChangedMessage
  | RequestEnvelope<Extract<keyof WebviewMethods, string>>
  | ReplyEnvelope;

// #endregion

// #region webview -> host

/** The webview has loaded its script and wants a snapshot. */
export interface ReadyMessage {
  readonly type: 'ready';
}

/** Requests the webview can make of the host, with their results. */
export type HostMethods = {
  /** Send a text message on the session; resolves with the number of payload bytes sent. */
  sendText: { params: { text: string }; result: { bytes: number } };
};

export type FromWebviewMessage =
  | ReadyMessage
  | RequestEnvelope<Extract<keyof HostMethods, string>>
  | ReplyEnvelope;

// #endregion

/** How long either side waits for a reply before giving up. */
export const REQUEST_TIMEOUT_MS = 10_000;
