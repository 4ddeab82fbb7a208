/**
 * What the webview keeps across being hidden and reloaded (getState/setState; retainContextWhenHidden
 * stays off). The host's snapshot brings the live data; this brings back what the person chose, and
 * the last rows so a panel restored after a window reload shows the ended session's history.
 */
import type { BinaryEncoding } from '../../src/shared/composerInput';
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

/** Rows kept in the state for a restored panel. */
export const PERSISTED_ROWS = 100;

let current: PersistedState = vscodeApi.getState() ?? {};

export function persisted(): PersistedState {
  return current;
}

export function persist(patch: Partial<PersistedState>): void {
  current = { ...current, ...patch };
  vscodeApi.setState(current);
}
