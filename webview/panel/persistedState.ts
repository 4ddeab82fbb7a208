/**
 * What the webview keeps across being hidden and reloaded (getState/setState; retainContextWhenHidden
 * stays off). The host's snapshot brings the live data; this brings back what the person chose, and
 * the last rows so a panel restored after a window reload shows the ended session's history.
 */
import type { BinaryEncoding } from '../../src/shared/binaryText';
import type { ComposerMode, PanelRestoreState } from '../../src/shared/protocol';
import type { RowFilter } from '../../src/shared/rowFilter';
import { vscodeApi } from './hostChannel';

export type TimeMode = 'relative' | 'wall';

export interface PersistedState extends PanelRestoreState {
  readonly timeMode?: TimeMode;
  readonly filter?: RowFilter;
  readonly composerMode?: ComposerMode;
  readonly encoding?: BinaryEncoding;
  readonly history?: readonly string[];
  readonly draft?: string;
}

/** Rows kept in the state for a restored panel (the host reads back no more than these). */
export { PERSISTED_ROWS } from '../../src/shared/restoreState';

let current: PersistedState = vscodeApi.getState() ?? {};

export function persisted(): PersistedState {
  return current;
}

/** How long the session's own updates (state, last rows) may wait before they are saved. */
const SOON_MS = 250;
let soonTimer: number | undefined;

/** Saves at once: what the person chose or typed is never left waiting. */
export function persist(patch: Partial<PersistedState>): void {
  current = { ...current, ...patch };
  window.clearTimeout(soonTimer);
  soonTimer = undefined;
  vscodeApi.setState(current);
}

/**
 * Saves within SOON_MS: during a flood the session changes dozens of times a second, and each save
 * serializes the whole state; the latest one wins.
 */
export function persistSoon(patch: Partial<PersistedState>): void {
  current = { ...current, ...patch };
  soonTimer ??= window.setTimeout(() => {
    soonTimer = undefined;
    vscodeApi.setState(current);
  }, SOON_MS);
}
