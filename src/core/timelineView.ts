/**
 * The timeline as one webview shows it: Clear and the filter, mapped onto the log's seq numbers.
 * Lives in core (not in the VS Code adapter) because it needs only the event store, so it can be
 * tested and measured outside VS Code.
 */
import type { ViewState } from '../shared/protocol';
import { isFilterActive, NO_FILTER, type RowFilter } from '../shared/rowFilter';
import type { EventRow } from '../shared/sessionEvent';
import { toEventRow } from './eventRow';
import type { EventStore } from './eventStore';
import { FilterScan, RegexFilterTimeoutError } from './filterScan';

/** Most rows one `rows` request may ask for. */
export const MAX_ROWS_PER_REQUEST = 1000;
/** Events `catchUpInSlices` scans before it lets the event loop turn (some 10 ms of 64-byte messages). */
export const SCAN_SLICE_EVENTS = 131_072;
/**
 * Events in the first slice of `catchUpInSlices`: few, so that a filter that is slow on every event
 * (a non-ASCII needle over 64 KiB payloads, each decoded) does not block for long before the slice
 * size is adjusted to it; a fast filter grows to SCAN_SLICE_EVENTS within two slices.
 */
export const FIRST_SLICE_EVENTS = 4096;
/** What one slice of `catchUpInSlices` should take at most; slices shrink when a filter is slower than that. */
const SLICE_TARGET_MS = 25;

/** The seqs that pass a filter, in order, four bytes each (a session of millions of events stays small). */
class SeqList {
  private seqs = new Uint32Array(1024);
  length = 0;

  push(seq: number): void {
    if (this.length === this.seqs.length) {
      const grown = new Uint32Array(this.seqs.length * 2);
      grown.set(this.seqs);
      this.seqs = grown;
    }
    this.seqs[this.length++] = seq;
  }

  at(index: number): number {
    return this.seqs[index];
  }

  /** Position of `seq`, or -1; binary search, as seqs are pushed in increasing order. */
  indexOf(seq: number): number {
    let lo = 0;
    let hi = this.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const value = this.seqs[mid];
      if (value === seq) return mid;
      if (value < seq) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }
}

export class TimelineView {
  filter: RowFilter = NO_FILTER;
  clearedBefore = 0;
  version = 1;
  /** Seqs that pass the filter, in order; null when nothing is filtered (view index = seq - clearedBefore). */
  private matches: SeqList | null = null;
  private scanner: FilterScan | null = null;
  private scannedUpTo = 0;
  /**
   * Why the filter's text is not applied: its regular expression took too long on an event. The
   * view then shows what the direction and kind toggles pass, and `filter` keeps the user's text.
   */
  filterError: string | undefined;
  private readonly push = (seq: number): void => this.matches!.push(seq);
  /** The scan catchUpInSlices runs, while it runs. */
  private slicing: Promise<void> | undefined;

  /** `onFilterStopped` is told when a scan gives up on the filter's regular expression (the version changes). */
  constructor(
    private readonly store: EventStore,
    private readonly onFilterStopped?: (error: RegexFilterTimeoutError) => void,
  ) {}

  /**
   * Throws with a message for a person when the filter does not compile. The log is scanned when
   * the view is next read (or by catchUpInSlices), not here.
   */
  setFilter(filter: RowFilter): void {
    const scanner = new FilterScan(this.store, filter);
    this.filter = filter;
    this.filterError = undefined;
    this.version++;
    this.useScanner(filter, scanner);
  }

  private useScanner(filter: RowFilter, scanner: FilterScan): void {
    if (!isFilterActive(filter)) {
      this.matches = null;
      this.scanner = null;
      return;
    }
    this.scanner = scanner;
    this.matches = new SeqList();
    this.scannedUpTo = this.clearedBefore;
  }

  clear(): void {
    this.clearedBefore = this.store.length;
    this.version++;
    if (this.matches) {
      this.matches = new SeqList();
      this.scannedUpTo = this.clearedBefore;
    }
  }

  /** Scans events appended since the last call; returns the view's count. */
  catchUp(): number {
    if (this.matches && this.scanner) {
      const length = this.store.length;
      if (this.scannedUpTo < length) {
        const reached = this.scanGuarded(this.scannedUpTo, length, Infinity);
        if (reached === undefined) return this.catchUp();
        this.scannedUpTo = reached;
      }
      return this.matches.length;
    }
    return Math.max(0, this.store.length - this.clearedBefore);
  }

  /**
   * Scans `start..end` into the matches and returns the seq it got to (before `end` when a regular
   * expression's test ran past the deadline); undefined when the regular expression took too long on
   * one event, in which case the filter's text is dropped (the toggles stay), the version changes and
   * the view starts over.
   */
  private scanGuarded(start: number, end: number, deadline: number): number | undefined {
    try {
      return this.scanner!.scan(start, end, this.push, deadline);
    } catch (err) {
      if (!(err instanceof RegexFilterTimeoutError)) throw err;
      const toggles: RowFilter = { ...this.filter, text: '', regex: false };
      this.filterError = err.message;
      this.version++;
      // Without text nothing can take long, so this scanner never fails.
      this.useScanner(toggles, new FilterScan(this.store, toggles));
      this.onFilterStopped?.(err);
      return undefined;
    }
  }

  /**
   * Scans what catchUp would, a slice at a time, letting the event loop turn between slices, so a
   * filter over millions of events does not stall the extension host. There is one such scan at a
   * time: a call while one runs gets the same promise, and the scan follows whatever the view's
   * filter is now (a newer filter, Clear, or the toggles alone after a regular expression was
   * stopped) and the events logged meanwhile, until it has caught up with the log. So whoever awaits
   * it (each setFilter request) then reads the view without a long scan of its own. Whatever reads
   * the view meanwhile (rows, state) finishes the scan itself.
   */
  catchUpInSlices(sliceEvents = SCAN_SLICE_EVENTS): Promise<void> {
    this.slicing ??= this.scanInSlices(sliceEvents).finally(() => (this.slicing = undefined));
    return this.slicing;
  }

  private async scanInSlices(sliceEvents: number): Promise<void> {
    let version = this.version;
    let slice = Math.min(sliceEvents, FIRST_SLICE_EVENTS);
    while (this.scanner && this.scannedUpTo < this.store.length) {
      if (this.version !== version) {
        // Another filter: its cost per event is not known yet.
        version = this.version;
        slice = Math.min(sliceEvents, FIRST_SLICE_EVENTS);
      }
      const start = this.scannedUpTo;
      const end = Math.min(this.store.length, start + slice);
      const started = performance.now();
      // A regular expression stops at the deadline even within a slice: its cost per event can
      // differ a thousandfold from one stretch of the log to the next.
      const reached = this.scanGuarded(start, end, started + SLICE_TARGET_MS);
      // undefined: the regular expression was stopped, and the view starts over with the toggles alone.
      if (reached !== undefined) {
        this.scannedUpTo = reached;
        // A slow filter (a heavy regular expression, big payloads) gets smaller slices, so that one turn
        // of the event loop stays near SLICE_TARGET_MS; a fast one goes back up to `sliceEvents`.
        const took = performance.now() - started;
        slice = Math.max(1, Math.min(sliceEvents, Math.floor((Math.max(1, reached - start) * SLICE_TARGET_MS) / Math.max(took, 1))));
      }
      if (this.scanner && this.scannedUpTo < this.store.length) await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  get count(): number {
    return this.matches ? this.matches.length : Math.max(0, this.store.length - this.clearedBefore);
  }

  state(): ViewState {
    const viewCount = this.catchUp();
    const state: ViewState = { filter: this.filter, clearedBefore: this.clearedBefore, viewCount, totalCount: Math.max(0, this.store.length - this.clearedBefore), version: this.version };
    return this.filterError === undefined ? state : { ...state, filterError: this.filterError };
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
      const event = this.store.get(this.matches.at(i));
      if (event) rows.push(toEventRow(event));
    }
    return rows;
  }

  indexOf(seq: number): number | null {
    this.catchUp();
    if (seq < this.clearedBefore || seq >= this.store.length) return null;
    if (!this.matches) return seq - this.clearedBefore;
    const index = this.matches.indexOf(seq);
    return index < 0 ? null : index;
  }
}
