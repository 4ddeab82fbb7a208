/**
 * The timeline filter run over the event store. `filterTextOf` says what a filter searches in an
 * event; `FilterScan` finds the events that pass, over millions of events, without building them.
 *
 * The common case, a plain text typed into the filter bar, is searched in the payload bytes: for
 * a needle of ASCII characters, "the decoded text, lower-cased, contains the needle" is the same
 * as "the bytes, ASCII-lower-cased, contain it", because UTF-8 encodes ASCII characters as
 * themselves and no other character as ASCII bytes (RFC 3629 section 3), invalid bytes included
 * (they decode to U+FFFD). The two exceptions are characters that lower-case *to* ASCII (see
 * LOWERS_TO_ASCII); an event holding one of those is searched the slow way. Payload bytes are read
 * a window at a time as Latin-1 (one character per byte) and lower-cased natively, so one native
 * `indexOf` skips over many events. Everything else (a regular expression, a needle with other
 * characters, events whose text is not their payload) is decoded and tested as `compileFilter` does,
 * except that a regular expression is tested in batches through `GuardedRegex`, so a pattern that
 * backtracks catastrophically stops the filter with a RegexFilterTimeoutError instead of hanging
 * the extension host.
 */
import { compileFilter, DIRECTIONS as ALL_DIRECTIONS, kindGroupOf, type RowFilter } from '../shared/rowFilter';
import { SESSION_EVENT_KINDS, type EventDirection, type SessionEventKind } from '../shared/sessionEvent';
import { toEventRow } from './eventRow';
import { END_SCAN, type EventStore, type SessionEvent } from './eventStore';
import { GuardedRegex, MATCHED, REGEX_WINDOW_MS, RegexTooSlowError, UNTESTED } from './guardedRegex';

/** Bytes of a text payload the filter looks at; a 100 MB message is not decoded whole to be searched. */
export const FILTER_TEXT_MAX_BYTES = 64 * 1024;

/** The text a filter searches: a text payload's head, otherwise the row's preview and the event's sentence. */
export function filterTextOf(event: SessionEvent): string {
  if (event.kind === 'text' && event.payload) {
    return event.payload.subarray(0, FILTER_TEXT_MAX_BYTES).toString('utf8');
  }
  const row = toEventRow(event);
  return event.message && event.message !== row.preview ? `${row.preview}\n${event.message}` : row.preview;
}

/**
 * Events (and payload bytes) a regular expression filter tests in one batch: one sandboxed call,
 * unless a window closes first. Starting a call's watchdog costs a little, so batches are large.
 */
const REGEX_BATCH_EVENTS = 65_536;
const REGEX_BATCH_BYTES = 16 * 1024 * 1024;

/**
 * Payload bytes a scan without a regular expression visits between two looks at the clock, each
 * event counted as EVENT_BYTES more than its payload: about a thousand small events, or sixteen
 * payloads of 64 KiB. A look costs some 50 ns, a 64-byte event some 40 ns, a 64 KiB payload decoded
 * for a needle beyond ASCII some 100 µs.
 */
const CLOCK_EVERY_BYTES = 1024 * 1024;
const EVENT_BYTES = 1024;

/** The filter's regular expression took too long on one event: the filter cannot be applied. */
export class RegexFilterTimeoutError extends Error {
  constructor(
    readonly seq: number,
    readonly source: string,
    readonly spentMs: number,
  ) {
    super(
      `The regular expression /${source}/ took longer than ${spentMs} ms on event #${seq}, so it was stopped and rows ` +
        'are not filtered by it: it backtracks catastrophically on that event\'s text. Simplify it, e.g. avoid nested or ' +
        'overlapping quantifiers like (a+)+, (x+x+)+ or (a|a)*, and use [^"]* rather than .* between fixed texts.',
    );
    this.name = 'RegexFilterTimeoutError';
  }
}

/**
 * The only characters outside ASCII whose lower case contains ASCII characters (U+0130 becomes
 * "i" + U+0307, U+212A KELVIN SIGN becomes "k"); a unit test checks this against the running
 * JavaScript engine's Unicode tables.
 */
export const LOWERS_TO_ASCII: readonly string[] = ['\u0130', '\u212a'];

/** Payload bytes lower-cased at a time; a few kilobytes would do, more means fewer native calls. */
const WINDOW_BYTES = 64 * 1024;

/** A byte pattern looked for in the windows, with the next place it occurs. */
interface Probe {
  /** The pattern as Latin-1 text, lower-cased like the window. */
  readonly text: string;
  /**
   * Where in the payload memory the pattern next occurs (window-absolute), or the window's end when
   * it does not. Events come in the order of their bytes within a slab (the store appends), so a
   * position found for one event holds for the following ones until they pass it.
   */
  at: number;
}

export class FilterScan {
  /** Which directions and kinds pass the toggles; undefined when all of them do (the usual case). */
  private readonly shown: { readonly directions: Readonly<Record<EventDirection, boolean>>; readonly kinds: Readonly<Record<SessionEventKind, boolean>> } | undefined;
  /** The filter's text test as compileFilter compiles it: the reference for everything not searched in bytes. */
  private readonly test: (text: string) => boolean;
  /** The lower-cased ASCII needle searched in bytes, or undefined when events are decoded instead. */
  private readonly needle: Probe | undefined;
  /** The filter's regular expression, tested under a timeout; undefined for a plain text. */
  private readonly regex: GuardedRegex | undefined;
  /**
   * The regular expression's batch, made at its first scan: events' seqs and their texts, or the
   * payload memory that holds them (payload buffers are never rewritten, and spilled segments are
   * read into fresh ones, so they may be held until the batch is tested).
   */
  private batch: { readonly seqs: Float64Array; readonly items: Array<string | Buffer | undefined>; readonly starts: Float64Array; readonly ends: Float64Array } | undefined;
  /** Encodings of LOWERS_TO_ASCII characters that could match the needle: events holding them are decoded. */
  private readonly suspects: Probe[] = [];
  private readonly everyText: boolean;
  private window: { bytes: Buffer | undefined; from: number; to: number; text: string } = { bytes: undefined, from: 0, to: 0, text: '' };

  /** Throws with a message for a person when the filter does not compile. `now` is the clock deadlines are given on. */
  constructor(
    private readonly store: EventStore,
    filter: RowFilter,
    private readonly now: () => number = () => performance.now(),
  ) {
    const compiled = compileFilter(filter);
    if (!compiled.ok) throw new Error(compiled.error);
    this.test = compiled.matchesText;
    const directions = Object.fromEntries(ALL_DIRECTIONS.map((d) => [d, filter.directions.includes(d)])) as Record<EventDirection, boolean>;
    const kinds = Object.fromEntries(SESSION_EVENT_KINDS.map((k) => [k, filter.kinds.includes(kindGroupOf(k))])) as Record<SessionEventKind, boolean>;
    this.shown = Object.values(directions).every(Boolean) && Object.values(kinds).every(Boolean) ? undefined : { directions, kinds };
    this.everyText = filter.text === '';
    // compileFilter accepted it, so the same source and flags compile here too.
    this.regex = filter.regex && !this.everyText ? new GuardedRegex(filter.text, 'iu', REGEX_WINDOW_MS, now) : undefined;
    if (!filter.regex && filter.text !== '' && /^[\x00-\x7f]*$/.test(filter.text)) {
      const needle = filter.text.toLowerCase();
      this.needle = { text: needle, at: -1 };
      for (const char of LOWERS_TO_ASCII) {
        if ([...char.toLowerCase()].some((c) => c < '\x80' && needle.includes(c))) {
          this.suspects.push({ text: Buffer.from(char, 'utf8').toString('latin1').toLowerCase(), at: -1 });
        }
      }
    }
  }

  /**
   * Calls `onMatch` with the seq of each event with `start <= seq < end` that passes, in order, and
   * returns the seq it got to: `end`, or less when the scan ran past `deadline` (on the clock `now`),
   * in which case the events from the returned seq on are still to be scanned. Every call gets past
   * `start`, however late. Throws RegexFilterTimeoutError when the regular expression takes too long
   * on an event (after calling `onMatch` for some of the events before it).
   */
  scan(start: number, end: number, onMatch: (seq: number) => void, deadline = Infinity): number {
    if (this.regex) return this.scanWithRegex(this.regex, start, end, onMatch, deadline);
    // Windows are never reused across scans: the store's newest slab fills up between two scans.
    this.window = { bytes: undefined, from: 0, to: 0, text: '' };
    /** Bytes left before the next look at the clock; the first event is scanned whatever the clock says. */
    let left = CLOCK_EVERY_BYTES;
    let stoppedAt = -1;
    this.store.scan(start, end, (seq, kind, direction, bytes, offset, size) => {
      if (left < 0) {
        if (this.now() >= deadline) {
          stoppedAt = seq;
          return END_SCAN;
        }
        left = CLOCK_EVERY_BYTES;
      }
      // One subtraction an event, so counting costs nothing next to the search; a payload past the
      // 64 KiB the filter reads counts whole, which only brings the next look forward.
      left -= size + EVENT_BYTES;
      const shown = this.shown;
      if (shown !== undefined && !(shown.directions[direction] && shown.kinds[kind])) return;
      if (this.everyText || this.passes(seq, kind, bytes, offset, size)) onMatch(seq);
    });
    return stoppedAt >= 0 ? stoppedAt : end;
  }

  /**
   * Tests the events' texts in batches under the guard, which decodes each text payload just before
   * testing it. Past the deadline it stops after the guard's window, or after a whole batch, and
   * returns the first seq not decided.
   */
  private scanWithRegex(regex: GuardedRegex, start: number, end: number, onMatch: (seq: number) => void, deadline: number): number {
    // Filled in place and reused: growing arrays of tens of thousands of elements per batch costs more than the tests.
    const batch = (this.batch ??= {
      seqs: new Float64Array(REGEX_BATCH_EVENTS),
      items: new Array<string | Buffer | undefined>(REGEX_BATCH_EVENTS).fill(undefined),
      starts: new Float64Array(REGEX_BATCH_EVENTS),
      ends: new Float64Array(REGEX_BATCH_EVENTS),
    });
    let count = 0;
    let bytesInBatch = 0;
    /** Where the scan stopped at the deadline (the store's scan ends there), or -1. */
    let stoppedAt = -1;
    /** The deadline passed after a whole batch: the next event visited is where the scan stops. */
    let stopAtNext = false;
    const testBatch = (): void => {
      let results: Uint8Array;
      try {
        results = regex.testAll({ count, items: batch.items, starts: batch.starts, ends: batch.ends }, deadline);
      } catch (err) {
        if (err instanceof RegexTooSlowError) throw new RegexFilterTimeoutError(batch.seqs[err.index], regex.source, err.spentMs);
        throw err;
      } finally {
        batch.items.fill(undefined, 0, count); // no payload slab stays reachable from here
      }
      for (let i = 0; i < count; i++) {
        if (results[i] === MATCHED) onMatch(batch.seqs[i]);
        else if (results[i] === UNTESTED) {
          stoppedAt = batch.seqs[i];
          break;
        }
      }
      if (stoppedAt < 0 && this.now() >= deadline) stopAtNext = true;
      count = 0;
      bytesInBatch = 0;
    };
    this.store.scan(start, end, (seq, kind, direction, bytes, offset, size) => {
      if (stoppedAt >= 0) return END_SCAN;
      if (stopAtNext) {
        stoppedAt = seq;
        return END_SCAN;
      }
      const shown = this.shown;
      if (shown !== undefined && !(shown.directions[direction] && shown.kinds[kind])) return;
      if (kind === 'text' && bytes !== undefined) {
        const length = Math.min(size, FILTER_TEXT_MAX_BYTES);
        batch.items[count] = bytes;
        batch.starts[count] = offset;
        batch.ends[count] = offset + length;
        bytesInBatch += length;
      } else {
        const event = this.store.get(seq);
        if (event === undefined) return;
        const text = filterTextOf(event);
        batch.items[count] = text;
        bytesInBatch += text.length;
      }
      batch.seqs[count++] = seq;
      if (bytesInBatch >= REGEX_BATCH_BYTES || count === REGEX_BATCH_EVENTS) testBatch();
    });
    if (count > 0) testBatch();
    return stoppedAt >= 0 ? stoppedAt : end;
  }

  private passes(seq: number, kind: SessionEventKind, bytes: Buffer | undefined, offset: number, size: number): boolean {
    if (kind !== 'text' || bytes === undefined) {
      // The filter searches the row's preview and sentence here: rare events, built whole.
      const event = this.store.get(seq);
      return event !== undefined && this.test(filterTextOf(event));
    }
    const length = Math.min(size, FILTER_TEXT_MAX_BYTES);
    const needle = this.needle;
    if (needle === undefined) {
      return this.test(bytes.toString('utf8', offset, offset + length));
    }
    if (length < needle.text.length) return false;
    this.moveWindow(bytes, offset, length);
    for (const suspect of this.suspects) {
      if (this.occursIn(suspect, offset, length)) {
        return this.test(bytes.toString('utf8', offset, offset + length));
      }
    }
    return this.occursIn(needle, offset, length);
  }

  /** Makes sure the window holds `length` bytes of `bytes` from `offset`. */
  private moveWindow(bytes: Buffer, offset: number, length: number): void {
    const window = this.window;
    if (window.bytes === bytes && offset >= window.from && offset + length <= window.to) return;
    // Past the last event the window may hold bytes no event owns yet; a pattern found there is never
    // inside an event's range, so it is never taken for a match.
    const to = Math.min(bytes.length, offset + Math.max(length, WINDOW_BYTES));
    this.window = { bytes, from: offset, to, text: bytes.toString('latin1', offset, to).toLowerCase() };
    if (this.needle) this.needle.at = -1;
    for (const suspect of this.suspects) suspect.at = -1;
  }

  /** Whether `probe` occurs within `length` bytes from `offset`, which lie inside the window. */
  private occursIn(probe: Probe, offset: number, length: number): boolean {
    const window = this.window;
    if (probe.at < offset) {
      const found = window.text.indexOf(probe.text, offset - window.from);
      probe.at = found < 0 ? window.to : window.from + found;
    }
    return probe.at + probe.text.length <= offset + length;
  }
}
