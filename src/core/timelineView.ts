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
import { FilterScan } from './filterScan';

/** Most rows one `rows` request may ask for. */
export const MAX_ROWS_PER_REQUEST = 1000;
/** Events `catchUpInSlices` scans before it lets the event loop turn (some 10 ms of 64-byte messages). */
export const SCAN_SLICE_EVENTS = 131_072;

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
  private readonly push = (seq: number): void => this.matches!.push(seq);

  constructor(private readonly store: EventStore) {}

  /**
   * Throws with a message for a person when the filter does not compile. The log is scanned when
   * the view is next read (or by catchUpInSlices), not here.
   */
  setFilter(filter: RowFilter): void {
    const scanner = new FilterScan(this.store, filter);
    this.filter = filter;
    this.version++;
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
        this.scanner.scan(this.scannedUpTo, length, this.push);
        this.scannedUpTo = length;
      }
      return this.matches.length;
    }
    return Math.max(0, this.store.length - this.clearedBefore);
  }

  /**
   * Scans what catchUp would, a slice at a time, letting the event loop turn between slices, so a
   * filter over millions of events does not stall the extension host. Whatever reads the view
   * meanwhile (rows, state) finishes the scan itself; a newer filter or Clear ends this one.
   */
  async catchUpInSlices(sliceEvents = SCAN_SLICE_EVENTS): Promise<void> {
    const version = this.version;
    const target = this.store.length;
    while (this.version === version && this.scanner && this.scannedUpTo < target) {
      const end = Math.min(target, this.scannedUpTo + sliceEvents);
      this.scanner.scan(this.scannedUpTo, end, this.push);
      this.scannedUpTo = end;
      if (end < target) await new Promise<void>((resolve) => setImmediate(resolve));
    }
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
