/**
 * A user's regular expression, tested so that it cannot hang the extension host. JavaScript's
 * regular expressions backtrack: a pattern such as `(a+)+$` takes exponential time on a text of a
 * few dozen "a"s that then fails to match, and one `RegExp.test` call never returns; in the
 * extension host that stops every extension. Tests run inside a `node:vm` context with a timeout:
 * when it expires V8 terminates the execution, irregexp's backtracking included, and `vm` turns
 * that into an ordinary error (the script only calls a function of this realm; termination reaches
 * it all the same). Each call starts a watchdog thread (a tenth of a millisecond, up to a millisecond
 * on a busy machine), so texts are tested in large batches, and progress is read from the results
 * (a terminated script runs no `finally`).
 */
import * as vm from 'node:vm';

/**
 * Longest one run of regular expression tests may block the host. A text that stops the filter
 * blocks it for three in a row (the window it started in, then REGEX_WINDOWS_PER_TEXT alone),
 * about 75 ms, or longer on a machine too busy to give the process half of each window (at most
 * 1 + REGEX_MAX_WINDOWS_PER_TEXT windows); a linear expression over a 64 KiB text takes well under
 * a millisecond.
 */
export const REGEX_WINDOW_MS = 25;
/**
 * Windows of REGEX_WINDOW_MS that one text may use up on its own, working, before it is given up
 * on. Two, not one, so that a pause that is not the expression's fault (a garbage collection, the
 * host's thread not being scheduled on a busy machine) does not fail a harmless expression.
 */
export const REGEX_WINDOWS_PER_TEXT = 2;
/** Windows one text may have alone, busy or not, before it is given up on. */
const REGEX_MAX_WINDOWS_PER_TEXT = 8;

/** A text that used up its windows: `index` is its place in the batch passed to `testAll`. */
export class RegexTooSlowError extends Error {
  constructor(
    readonly index: number,
    readonly spentMs: number,
  ) {
    super(`The regular expression took longer than ${spentMs} ms on one text.`);
    this.name = 'RegexTooSlowError';
  }
}

/** Results of `testAll`, one per text. */
export const UNTESTED = 0;
export const MATCHED = 1;
export const NOT_MATCHED = 2;

/**
 * What `testAll` tests: a text, or a stretch of payload bytes decoded as UTF-8 just before it is
 * tested (one at a time, so each string dies young instead of a batch of them being kept).
 */
export interface TextBatch {
  /** Texts tested: `items[0..count)`. */
  readonly count: number;
  /** A text, or a buffer whose bytes `starts[i]..ends[i]` hold the text. */
  readonly items: ReadonlyArray<string | Buffer | undefined>;
  readonly starts: ArrayLike<number>;
  readonly ends: ArrayLike<number>;
}

/**
 * Texts, or characters of text, tested between two looks at the clock when `testAll` has a
 * deadline: often enough that a merely slow expression stops near it (a window cuts a text that is
 * slow on its own), seldom enough to cost nothing next to the tests (a look costs some 50 ns).
 */
const CLOCK_EVERY_TEXTS = 32;
const CLOCK_EVERY_CHARS = 4096;

interface Job {
  re: RegExp;
  batch: TextBatch;
  results: Uint8Array;
  from: number;
  deadline: number;
  now: () => number;
}

/**
 * Tests the job's texts from `job.from` on, writing each answer as it goes (so that a run cut short
 * shows how far it got). A function of this realm, not of the sandbox: the watchdog terminates
 * whatever runs during `runInContext`, and here the expression and `toString` are of the realm
 * that runs the loop (measured no slower, and nothing is compiled from a string).
 */
function testFrom(job: Job): void {
  const { re, results, deadline, now } = job;
  const { items, starts, ends, count } = job.batch;
  let texts = 0;
  let chars = 0;
  for (let i = job.from; i < count; i++) {
    const item = items[i]!;
    const text = typeof item === 'string' ? item : item.toString('utf8', starts[i], ends[i]);
    re.lastIndex = 0;
    results[i] = re.test(text) ? MATCHED : NOT_MATCHED;
    chars += text.length;
    // After a test, never before the first: every call gets somewhere, however late it starts.
    if (++texts >= CLOCK_EVERY_TEXTS || chars >= CLOCK_EVERY_CHARS) {
      if (now() >= deadline) return;
      texts = 0;
      chars = 0;
    }
  }
}

/** One context for every guarded expression; it only calls testFrom, under a timeout. */
let sandbox: { readonly context: vm.Context; readonly run: vm.Script } | undefined;

function theSandbox(): NonNullable<typeof sandbox> {
  sandbox ??= { context: vm.createContext({ testFrom, job: undefined }), run: new vm.Script('testFrom(job)', { filename: 'wsInspector-regex-filter' }) };
  return sandbox;
}

export class GuardedRegex {
  private readonly re: RegExp;

  /** Throws a SyntaxError when `source` does not compile. `now` is the clock deadlines are given on. */
  constructor(
    readonly source: string,
    flags: string,
    private readonly windowMs = REGEX_WINDOW_MS,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.re = new RegExp(source, flags);
  }

  /**
   * Tests every text; each synchronous run is cut after the window, and the texts after the one it
   * was cut in are tested in the next run. Throws RegexTooSlowError for a text that used up
   * REGEX_WINDOWS_PER_TEXT whole windows alone, working.
   *
   * Past `deadline` (on the clock `now`) the call returns early, at the first look at the clock after
   * it (every CLOCK_EVERY_TEXTS texts or CLOCK_EVERY_CHARS characters) or when a window in which some
   * texts were tested closes after it: the answers from the first UNTESTED one on are not there yet,
   * and the caller tests them later, after letting the event loop turn. So an expression that is
   * merely slow (microseconds a text over a batch of tens of thousands, or milliseconds a text over
   * a few hundred) blocks the host for about the time left to the deadline plus a text, or a window,
   * not for the whole batch. A text that is slow on its own is still given its windows in one go.
   */
  testAll(batch: TextBatch | readonly string[], deadline = Infinity): Uint8Array {
    const { context, run } = theSandbox();
    const texts: TextBatch = 'items' in batch ? batch : { count: batch.length, items: batch, starts: [], ends: [] };
    const count = texts.count;
    const results = new Uint8Array(count);
    let from = 0;
    let windowsAlone = 0;
    let windowsTried = 0;
    while (from < count) {
      const job: Job = { re: this.re, batch: texts, results, from, deadline, now: this.now };
      context.job = job;
      const cpuBefore = process.cpuUsage();
      try {
        run.runInContext(context, { timeout: this.windowMs });
        return results;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw err;
        const stoppedAt = results.indexOf(UNTESTED, from);
        // The watchdog may fire just after the last test, before the script returned.
        if (stoppedAt < 0) return results;
        // The text being tested when the window closed starts over in a fresh window. The window is
        // wall-clock time: one in which the process got less than half of it on a CPU (a busy
        // machine) is not held against the text.
        // A machine that starved the process that long (REGEX_MAX_WINDOWS_PER_TEXT) ends it all the same.
        const cpu = process.cpuUsage(cpuBefore);
        const worked = (cpu.user + cpu.system) / 1000 >= this.windowMs / 2;
        if (stoppedAt !== from) {
          if (this.now() >= deadline) return results;
          windowsAlone = 0;
          windowsTried = 0;
        } else {
          windowsTried++;
          if (worked) windowsAlone++;
        }
        if (windowsAlone >= REGEX_WINDOWS_PER_TEXT || windowsTried >= REGEX_MAX_WINDOWS_PER_TEXT) {
          throw new RegexTooSlowError(stoppedAt, this.windowMs * windowsTried);
        }
        from = stoppedAt;
      } finally {
        context.job = undefined;
      }
    }
    return results;
  }
}
