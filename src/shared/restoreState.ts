/**
 * A restored panel's saved state, read back after a window reload. The page wrote it, and a page
 * shows remote content, so it is input like any other: only what has the right shape and size is
 * kept, and whatever was left out is counted so the panel can say so.
 */
import type { PanelRestoreState } from './protocol';
import { DIRECTIONS } from './rowFilter';
import { EMPTY_COUNTERS, type TrafficCounters } from './sessionCounters';
import { PREVIEW_MAX_CHARS, SESSION_EVENT_KINDS, type EventRow, type SessionSummary } from './sessionEvent';

/** Rows a panel keeps in its state (the webview persists its last rows, the tail of the timeline). */
export const PERSISTED_ROWS = 100;
const MAX_TITLE_LENGTH = 500;
const MAX_URL_LENGTH = 8192;

export interface CheckedRestoreState {
  readonly state: PanelRestoreState;
  /** Saved rows or fields left out because they were not what a panel writes. */
  readonly dropped: number;
}

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => typeof value === 'object' && value !== null && !Array.isArray(value);
const count = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const shortText = (value: unknown, max: number): value is string => typeof value === 'string' && value.length <= max;

/** The parts of `saved` a panel could have written, and how many parts were not. */
export function checkRestoreState(saved: unknown): CheckedRestoreState {
  if (!isObject(saved)) return { state: {}, dropped: saved === undefined || saved === null ? 0 : 1 };
  let dropped = 0;
  const session = saved.session === undefined ? undefined : checkSummary(saved.session);
  if (saved.session !== undefined && !session) dropped++;
  const rows: EventRow[] = [];
  if (Array.isArray(saved.lastRows)) {
    for (const row of saved.lastRows.slice(-PERSISTED_ROWS)) {
      const checked = checkRow(row);
      if (checked) rows.push(checked);
      else dropped++;
    }
    dropped += Math.max(0, saved.lastRows.length - PERSISTED_ROWS);
  } else if (saved.lastRows !== undefined) {
    dropped++;
  }
  return { state: { session, lastRows: rows }, dropped };
}

function checkSummary(value: unknown): SessionSummary | undefined {
  if (!isObject(value) || !shortText(value.id, 200) || !shortText(value.title, MAX_TITLE_LENGTH) || !shortText(value.url, MAX_URL_LENGTH) || !count(value.eventCount)) return undefined;
  if (value.profileUri !== undefined && !shortText(value.profileUri, MAX_URL_LENGTH)) return undefined;
  const negotiated = isObject(value.negotiated) && shortText(value.negotiated.subprotocol, 1000) && shortText(value.negotiated.extensions, 1000) ? { subprotocol: value.negotiated.subprotocol, extensions: value.negotiated.extensions } : undefined;
  return {
    id: value.id,
    title: value.title,
    url: value.url,
    state: 'closed',
    eventCount: value.eventCount,
    negotiated,
    counters: checkCounters(value.counters),
    profileUri: value.profileUri as string | undefined,
    ended: true,
  };
}

function checkCounters(value: unknown): TrafficCounters {
  if (!isObject(value)) return EMPTY_COUNTERS;
  const { messagesSent, messagesReceived, bytesSent, bytesReceived, lastRttMs } = value;
  if (!count(messagesSent) || !count(messagesReceived) || !count(bytesSent) || !count(bytesReceived)) return EMPTY_COUNTERS;
  return { messagesSent, messagesReceived, bytesSent, bytesReceived, ...(finite(lastRttMs) && lastRttMs >= 0 ? { lastRttMs } : {}) };
}

function checkRow(value: unknown): EventRow | undefined {
  if (!isObject(value)) return undefined;
  const { seq, kind, direction, monoUs, wallMs, size, preview, truncated } = value;
  if (!count(seq) || !finite(monoUs) || !finite(wallMs) || !count(size) || typeof truncated !== 'boolean') return undefined;
  if (!(SESSION_EVENT_KINDS as readonly unknown[]).includes(kind) || !(DIRECTIONS as readonly unknown[]).includes(direction)) return undefined;
  // A preview is at most PREVIEW_MAX_CHARS, control characters already shown as symbols.
  if (!shortText(preview, PREVIEW_MAX_CHARS) || /[\u0000-\u001f\u007f]/.test(preview)) return undefined;
  return { seq, kind: kind as EventRow['kind'], direction: direction as EventRow['direction'], monoUs, wallMs, size, preview, truncated };
}
