/**
 * The timeline as one webview shows it: Clear and the filter, mapped onto the log's seq numbers.
 * Lives in core (not in the VS Code adapter) because it needs only the event store, so it can be
 * tested and measured outside VS Code.
 */
import { compileFilter, NO_FILTER, type RowFilter } from '../shared/rowFilter';
import type { ViewState } from '../shared/protocol';
import type { EventRow } from '../shared/sessionEvent';
import { toEventRow } from './eventRow';
import type { EventStore, SessionEvent } from './eventStore';

/** Most rows one `rows` request may ask for. */
export const MAX_ROWS_PER_REQUEST = 1000;
/** Bytes of a text payload the filter looks at; a 100 MB message is not decoded whole to be searched. */
export const FILTER_TEXT_MAX_BYTES = 64 * 1024;
/** Events read from the store at a time while scanning for the filter. */
const SCAN_CHUNK = 4096;

export class TimelineView {
  filter: RowFilter = NO_FILTER;
  clearedBefore = 0;
  version = 1;
  /** Seqs that pass the filter, in order; null when nothing is filtered (view index = seq - clearedBefore). */
  private matches: number[] | null = null;
  private matcher: ((event: SessionEvent) => boolean) | null = null;
  private scannedUpTo = 0;

  constructor(private readonly store: EventStore) {}

  /** Throws with a message for a person when the filter does not compile. */
  setFilter(filter: RowFilter): void {
    const compiled = compileFilter(filter);
    if (!compiled.ok) throw new Error(compiled.error);
    this.filter = filter;
    this.version++;
    if (!compiled.active) {
      this.matches = null;
      this.matcher = null;
      return;
    }
    this.matcher = (event) => compiled.matches({ kind: event.kind, direction: event.direction, text: filterTextOf(event) });
    this.matches = [];
    this.scannedUpTo = this.clearedBefore;
    this.catchUp();
  }

  clear(): void {
    this.clearedBefore = this.store.length;
    this.version++;
    if (this.matches) {
      this.matches = [];
      this.scannedUpTo = this.clearedBefore;
    }
  }

  /** Scans events appended since the last call; returns the view's count. */
  catchUp(): number {
    if (this.matches && this.matcher) {
      const length = this.store.length;
      while (this.scannedUpTo < length) {
        const end = Math.min(length, this.scannedUpTo + SCAN_CHUNK);
        for (const event of this.store.readRange(this.scannedUpTo, end)) {
          if (this.matcher(event)) this.matches.push(event.seq);
        }
        this.scannedUpTo = end;
      }
      return this.matches.length;
    }
    return Math.max(0, this.store.length - this.clearedBefore);
  }

  get count(): number {
    return this.matches ? this.matches.length : Math.max(0, this.store.length - this.clearedBefore);
  }

  state(): ViewState {
    const viewCount = this.catchUp();
    return { filter: this.filter, clearedBefore: this.clearedBefore, viewCount, totalCount: Math.max(0, this.store.length - this.clearedBefore), version: this.version };
  }

  rows(start: number, end: number): EventRow[] {
    const count = this.catchUp();
    start = Math.max(0, Math.min(start, count));
    end = Math.max(start, Math.min(end, count, start + MAX_ROWS_PER_REQUEST));
    if (!this.matches) {
      return this.store.readRange(this.clearedBefore + start, this.clearedBefore + end).map(toEventRow);
    }
    const rows: EventRow[] = [];
    for (let i = start; i < end; i++) {
      const event = this.store.get(this.matches[i]);
      if (event) rows.push(toEventRow(event));
    }
    return rows;
  }

  indexOf(seq: number): number | null {
    this.catchUp();
    if (seq < this.clearedBefore || seq >= this.store.length) return null;
    if (!this.matches) return seq - this.clearedBefore;
    // Binary search: matches is sorted because seqs are appended in order.
    let lo = 0;
    let hi = this.matches.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const value = this.matches[mid];
      if (value === seq) return mid;
      if (value < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  }
}

/** The text a filter searches: a text payload's head, otherwise the row's preview and the event's sentence. */
export function filterTextOf(event: SessionEvent): string {
  if (event.kind === 'text' && event.payload) {
    return event.payload.subarray(0, FILTER_TEXT_MAX_BYTES).toString('utf8');
  }
  const row = toEventRow(event);
  return event.message && event.message !== row.preview ? `${row.preview}\n${event.message}` : row.preview;
}
