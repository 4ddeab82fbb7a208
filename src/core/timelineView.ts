/**
 * The timeline as one webview shows it: Clear and the filter, mapped onto the log's seq numbers.
 * Lives in core (not in the VS Code adapter) because it needs only the event store, so it can be
 * tested and measured outside VS Code.
 */
import { MAX_ROWS_PER_REQUEST, type ViewState } from '../shared/protocol';
import { isFilterActive, NO_FILTER, type RowFilter } from '../shared/rowFilter';
import type { EventRow } from '../shared/sessionEvent';
import { toEventRow } from './eventRow';
import type { EventStore } from './eventStore';
import { FilterScan, RegexFilterTimeoutError } from './filterScan';

export { MAX_ROWS_PER_REQUEST };
/** Most events one slice of the scan takes before it lets the event loop turn (some 10 ms of 64-byte messages). */
export const SCAN_SLICE_EVENTS = 131_072;
/**
 * Events in the first slice of a filter's scan: few, so that a filter that is slow on every event
 * (a non-ASCII needle over 64 KiB payloads, each decoded) does not block for long before the slice
 * size is adjusted to it; a fast filter grows to SCAN_SLICE_EVENTS within two slices.
 */
export const FIRST_SLICE_EVENTS = 4096;
/**
 * What one slice of the scan may take: its deadline (every scan stops at it, give or take a text or a
 * regular expression's window), and what slices are sized for.
 */
const SLICE_TARGET_MS = 25;

export interface TimelineViewOptions {
  /**
   * Told when a slice of the scan that ran on a later turn of the event loop (not within a call on the
   * view) let more rows into the view: they are there to be sent.
   */
  readonly onRowsScanned?: () => void;
  /** The clock scans' deadlines are read on, in milliseconds; performance.now() by default. */
  readonly now?: () => number;
}

/** A caller waiting until the scan has reached `upTo`. */
interface Waiter {
  readonly upTo: number;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

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

/**
 * The last view version handed out in this process. Versions are unique across views, not only
 * within one: a webview that moves to another session's view (the Message Log follows the focus)
 * must be able to tell a late row or reply of the old view from one of the new.
 */
let lastVersion = 0;
const nextVersion = (): number => ++lastVersion;

export class TimelineView {
  filter: RowFilter = NO_FILTER;
  clearedBefore = 0;
  version = nextVersion();
  /** Seqs that pass the filter, in order; null when nothing is filtered (view index = seq - clearedBefore). */
  private matches: SeqList | null = null;
  private scanner: FilterScan | null = null;
  /** Events before this seq are scanned for the filter; the view shows the matches among them. */
  private scannedUpTo = 0;
  /**
   * Why the filter's text is not applied: its regular expression took too long on an event. The
   * view then shows what the direction and kind toggles pass, and `filter` keeps the user's text.
   */
  filterError: string | undefined;
  private readonly push = (seq: number): void => this.matches!.push(seq);
  /** The scan's next slice, scheduled while the scan is behind the log: one slice a turn of the event loop. */
  private nextSlice: NodeJS.Immediate | undefined;
  /** The most events a slice may take, and the size of the next one, learnt for the view of `version`. */
  private readonly slices = { limit: SCAN_SLICE_EVENTS, next: FIRST_SLICE_EVENTS, version: 0 };
  private readonly waiters: Waiter[] = [];
  private readonly now: () => number;
  private readonly onRowsScanned: (() => void) | undefined;
  private disposed = false;

  /** `onFilterStopped` is told when a scan gives up on the filter's regular expression (the version changes). */
  constructor(
    private readonly store: EventStore,
    private readonly onFilterStopped?: (error: RegexFilterTimeoutError) => void,
    options: TimelineViewOptions = {},
  ) {
    this.now = options.now ?? (() => performance.now());
    this.onRowsScanned = options.onRowsScanned;
  }

  /**
   * Throws with a message for a person when the filter does not compile. The log is scanned a slice
   * at a time from the next read of the view (or catchUpInSlices) on, not here.
   */
  setFilter(filter: RowFilter): void {
    const scanner = new FilterScan(this.store, filter, this.now);
    this.filter = filter;
    this.filterError = undefined;
    this.version = nextVersion();
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
    this.version = nextVersion();
    if (this.matches) {
      this.matches = new SeqList();
      this.scannedUpTo = this.clearedBefore;
    }
  }

  /** Stops the scan; whoever waits for it is told the view is gone. */
  dispose(): void {
    this.disposed = true;
    clearImmediate(this.nextSlice);
    this.nextSlice = undefined;
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('The timeline was closed before its filter was applied.'));
  }

  /** True while events before `upTo` are still to be scanned for the filter. */
  private behind(upTo = this.store.length): boolean {
    return this.scanner !== null && this.scannedUpTo < upTo;
  }

  /**
   * What every read of the view does first: scans one slice of the events not scanned yet, unless a
   * slice is scheduled (the scan then goes on by itself). So no read blocks for longer than a slice,
   * however many events a server logged since the last one, and the view shows what is scanned.
   */
  private catchUp(): number {
    if (this.nextSlice === undefined && this.behind()) this.scanSlice();
    return this.count;
  }

  /**
   * Scans one slice, stopped at its deadline, and schedules the next while the scan is behind the log
   * (newer events, a newer filter, Clear, or the toggles alone after a regular expression was stopped).
   */
  private scanSlice(): void {
    const slices = this.slices;
    if (slices.version !== this.version) {
      // Another filter: its cost per event is not known yet.
      slices.version = this.version;
      slices.next = Math.min(slices.limit, FIRST_SLICE_EVENTS);
    }
    if (this.behind()) {
      const start = this.scannedUpTo;
      const end = Math.min(this.store.length, start + slices.next);
      const started = this.now();
      // The deadline holds within a slice: a filter's cost per event can differ a thousandfold from one
      // stretch of the log to the next (a server chooses what it sends).
      const reached = this.scanGuarded(start, end, started + SLICE_TARGET_MS);
      // undefined: the regular expression was stopped, and the view starts over with the toggles alone.
      if (reached !== undefined) {
        this.scannedUpTo = reached;
        // A slow filter (a heavy regular expression, big payloads) gets smaller slices, so that one turn
        // of the event loop stays near SLICE_TARGET_MS; a fast one goes back up to the limit. A slice
        // cut short by the log's end only says the filter is at least that fast.
        const took = this.now() - started;
        const fits = Math.floor((Math.max(1, reached - start) * SLICE_TARGET_MS) / Math.max(took, 1));
        const whole = reached < end || end - start === slices.next;
        slices.next = Math.max(1, Math.min(slices.limit, whole ? fits : Math.max(fits, slices.next)));
      }
    }
    for (let i = this.waiters.length - 1; i >= 0; i--) {
      if (!this.behind(this.waiters[i].upTo)) this.waiters.splice(i, 1)[0].resolve();
    }
    if (!this.behind()) slices.limit = SCAN_SLICE_EVENTS;
    else if (!this.disposed) this.nextSlice ??= setImmediate(this.continueScan);
  }

  /** A slice on a later turn: whoever sends rows is told when it let more in. */
  private readonly continueScan = (): void => {
    this.nextSlice = undefined;
    const { version, count } = this;
    try {
      this.scanSlice();
    } catch (err) {
      // Those waiting are told; the next read scans the same events again (and meets the error if it stays).
      for (const waiter of this.waiters.splice(0)) waiter.reject(err);
      return;
    }
    if (this.version === version && this.count > count) this.onRowsScanned?.();
  };

  /**
   * Scans `start..end` into the matches and returns the seq it got to (before `end` when the scan ran
   * past the deadline); undefined when the regular expression took too long on one event, in which
   * case the filter's text is dropped (the toggles stay), the version changes and the view starts over.
   */
  private scanGuarded(start: number, end: number, deadline: number): number | undefined {
    const matched = this.matches!.length;
    try {
      return this.scanner!.scan(start, end, this.push, deadline);
    } catch (err) {
      if (!(err instanceof RegexFilterTimeoutError)) {
        // Scanned again from `start` next time: the matches it found so far would be counted twice.
        this.matches!.length = matched;
        throw err;
      }
      const toggles: RowFilter = { ...this.filter, text: '', regex: false };
      this.filterError = err.message;
      this.version = nextVersion();
      // Without text nothing can take long, so this scanner never fails.
      this.useScanner(toggles, new FilterScan(this.store, toggles, this.now));
      this.onFilterStopped?.(err);
      return undefined;
    }
  }

  /** Resolves once the scan has reached `upTo`, scanning a slice now unless one is scheduled (then a slice a turn). */
  private async scanned(upTo: number): Promise<void> {
    if (this.disposed) throw new Error('The timeline is closed.');
    if (this.nextSlice === undefined) this.scanSlice();
    if (!this.behind(upTo)) return;
    await new Promise<void>((resolve, reject) => this.waiters.push({ upTo, resolve, reject }));
  }

  /**
   * Resolves once the events logged before the call are scanned for the view's filter (or a newer
   * one, or Clear), a slice a turn of the event loop: the first now, unless one is scheduled. The
   * scan goes on by itself with events logged meanwhile, telling `onRowsScanned` as rows pass.
   * `sliceEvents` caps the events of a slice until the scan has caught up with the log.
   */
  catchUpInSlices(sliceEvents = SCAN_SLICE_EVENTS): Promise<void> {
    this.slices.limit = sliceEvents;
    this.slices.next = Math.min(this.slices.next, sliceEvents);
    return this.scanned(this.store.length);
  }

  /** Rows the view shows, from what is scanned so far. */
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

  /** Where `seq` is in the view, or null when hidden; waits while the scan has not reached it yet. */
  async indexOf(seq: number): Promise<number | null> {
    while (seq < this.store.length && this.behind(seq + 1)) await this.scanned(seq + 1);
    if (seq < this.clearedBefore || seq >= this.store.length) return null;
    if (!this.matches) return seq - this.clearedBefore;
    const index = this.matches.indexOf(seq);
    return index < 0 ? null : index;
  }
}
