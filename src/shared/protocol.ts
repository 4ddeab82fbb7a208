/**
 * Every message between the extension host and a session webview (the inspector panel, and the
 * message log view in compact mode), typed. Both sides switch over `type` and end in an
 * exhaustiveness check, so adding a message here without handling it fails to compile.
 *
 * Rows are addressed by view index: the position of a row among those the view shows (after
 * Clear and the filter), 0-based. The host maps view indexes to the log's seq numbers, and the
 * webview asks for ranges of them as it scrolls; nobody ever sends the whole log.
 */
import type { BinaryEncoding } from './binaryText';
import type { EventDetails } from './eventDetails';
import type { ReplyEnvelope, RequestEnvelope } from './requestTracker';
import type { RowFilter } from './rowFilter';
import type { EventRow, SessionSummary } from './sessionEvent';

/** What the timeline shows: the filter, where Clear cut the log, and how many rows pass. */
export interface ViewState {
  readonly filter: RowFilter;
  /** Rows with a seq below this were cleared from the view (the log keeps them). */
  readonly clearedBefore: number;
  /** Rows the view shows: view indexes run from 0 to viewCount - 1. */
  readonly viewCount: number;
  /** Rows in the log from clearedBefore on, shown or not ("n of N"). */
  readonly totalCount: number;
  /** Changes with every filter or Clear, so rows addressed under an older view are recognised and dropped. */
  readonly version: number;
  /**
   * Set when the filter's text is not applied because its regular expression took too long on an
   * event (it backtracks catastrophically): what is wrong and how to fix it. The view then shows
   * what the direction and kind toggles pass; `filter` still holds the text the user typed.
   */
  readonly filterError?: string;
}

/** Longest row range one `rows` request may ask for (the webview asks for a screenful at a time). */
export const MAX_ROWS_PER_REQUEST = 1000;

/** Most rows a snapshot or an append carries; anything before them is asked for when scrolled to. */
export const TAIL_ROWS = 200;

// #region host -> webview

/** The whole visible state, sent in answer to `ready` (first load, after the webview was hidden, or after a gap). */
export interface SnapshotMessage {
  readonly type: 'snapshot';
  readonly session: SessionSummary;
  readonly view: ViewState;
  /** The last rows of the view, starting at view index `firstIndex`. */
  readonly firstIndex: number;
  readonly rows: readonly EventRow[];
  /** Names of the profile's saved messages, shown as one-click buttons. */
  readonly savedMessages: readonly string[];
}

/** Rows appended to the view since the last message; batched, never one message per event. */
export interface RowsAppendedMessage {
  readonly type: 'rowsAppended';
  /** View index of rows[0]; rows before it (when a batch was bigger than TAIL_ROWS) are fetched on demand. */
  readonly firstIndex: number;
  readonly rows: readonly EventRow[];
  readonly viewCount: number;
  readonly totalCount: number;
  /** ViewState.version the indexes refer to. */
  readonly version: number;
}

/** The session's header facts changed (state, counters). */
export interface SessionChangedMessage {
  readonly type: 'sessionChanged';
  readonly session: SessionSummary;
}

/** Select this event and show its details (a row was clicked in the message log). */
export interface RevealRowMessage {
  readonly type: 'revealRow';
  readonly seq: number;
}

/** Message log only: no session is selected any more; show an empty log that says so. */
export interface DetachedMessage {
  readonly type: 'detached';
}

/**
 * Requests the host can make of the webview, with their results: test probes, which only the
 * development build of the page answers (what ships does not carry them; scripts/build.mjs).
 */
export type WebviewMethods = {
  /** The text of every timeline row as rendered in the document, top to bottom. */
  renderedRows: { params: Record<string, never>; result: string[] };
  /** The text of the details pane as rendered (undefined when it is closed). */
  renderedDetails: { params: Record<string, never>; result: RenderedDetails | null };
  /** What the webview keeps with setState (tests check that it holds no secret). */
  persistedState: { params: Record<string, never>; result: unknown };
  /** The header's counters and counts as rendered: what a person reads off the panel. */
  renderedHeader: { params: Record<string, never>; result: RenderedHeader };
};

export interface RenderedHeader {
  /** "↑ 3 msg / 12 B  ↓ 3 msg / 12 B" */
  readonly counters: string;
  /** "N events": the rows the timeline holds. */
  readonly events: string;
  /** "n of N": rows the filter passes of all logged. */
  readonly filterCount: string;
}

export interface RenderedDetails {
  readonly seq: number;
  /** The view tabs offered, e.g. ["Text", "JSON", "Hex", "Frames"]. */
  readonly tabs: string[];
  /** innerText of the details pane, whitespace collapsed per line. */
  readonly text: string;
}

export type ToWebviewMessage =
  | SnapshotMessage
  | RowsAppendedMessage
  | SessionChangedMessage
  | RevealRowMessage
  | DetachedMessage
  | RequestEnvelope<Extract<keyof WebviewMethods, string>>
  | ReplyEnvelope;

// #endregion

// #region webview -> host

/** The webview has loaded its script and wants a snapshot. */
export interface ReadyMessage {
  readonly type: 'ready';
}

export type ComposerMode = 'text' | 'json' | 'binary';
type Empty = Record<string, never>;

/** Requests the webview can make of the host, with their results. */
export type HostMethods = {
  /** Rows of the view, start <= index < end (at most a few hundred at a time). */
  rows: { params: { start: number; end: number }; result: { firstIndex: number; rows: EventRow[]; viewCount: number; version: number } };
  /** Applies a filter; fails with a message for a bad regular expression or a text longer than FILTER_TEXT_MAX_LENGTH, and answers with `filterError` set when one takes too long. */
  setFilter: { params: { filter: RowFilter }; result: ViewState };
  /** Hides every row logged so far from the view; the log keeps them. */
  clear: { params: Empty; result: ViewState };
  /** Where an event is in the view (answered once the filter's scan has reached it); null when it is hidden by Clear or the filter. */
  indexOf: { params: { seq: number }; result: { index: number | null } };
  /** Everything the details pane shows for one event. */
  details: { params: { seq: number }; result: EventDetails };
  /** The real value of a masked handshake header (EventDetails.handshake.maskedHeaders), when the person asks to see it. */
  revealHeader: { params: { seq: number; index: number }; result: { value: string } };
  /** Send a message from the composer; resolves with the number of payload bytes sent. */
  send: { params: { mode: ComposerMode; text: string; encoding: BinaryEncoding }; result: { bytes: number } };
  /** Ask for a file (host dialog) and send its bytes as a binary message; null when the person cancelled. */
  sendFile: { params: Empty; result: { bytes: number; file: string } | null };
  /** Send one of the profile's saved messages by name. */
  sendSaved: { params: { name: string }; result: { bytes: number } };
  /** Send a ping with an optional UTF-8 payload (at most 125 bytes). */
  ping: { params: { payload: string }; result: { bytes: number } };
  /** Start the closing handshake with this code and reason. */
  close: { params: { code: number; reason: string }; result: Empty };
  /** Close normally (1000). */
  disconnect: { params: Empty; result: Empty };
  reconnect: { params: Empty; result: Empty };
  /** Copy an event's payload to the clipboard: as text, pretty JSON, or hex. */
  copy: { params: { seq: number; as: 'text' | 'json' | 'hex' }; result: Empty };
  /** Open an event's payload in an untitled editor (json when it parses, plaintext otherwise). */
  openInEditor: { params: { seq: number }; result: Empty };
  /** Message log only: show this event in the session's panel. */
  revealInPanel: { params: { seq: number }; result: Empty };
};

export type FromWebviewMessage =
  | ReadyMessage
  | RequestEnvelope<Extract<keyof HostMethods, string>>
  | ReplyEnvelope;

// #endregion

/**
 * What a session panel's webview keeps in its state (getState/setState) that the host reads back
 * when VS Code restores the panel after a window reload (WebviewPanelSerializer).
 */
export interface PanelRestoreState {
  readonly session?: SessionSummary;
  /** The last rows the webview held, oldest first. */
  readonly lastRows?: readonly EventRow[];
}

/** How long either side waits for a reply before giving up. */
export const REQUEST_TIMEOUT_MS = 10_000;
