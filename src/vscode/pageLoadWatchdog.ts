/**
 * Loads a webview's page again when it never says `ready`. Once in CI (code-server, headless
 * Chromium) the Message Log's page did not load at all for a whole minute, although VS Code took
 * every message for it: the view stayed blank. Setting the webview's html again makes VS Code load
 * the document anew; the page then says `ready` and gets its snapshot as on any load. A page that is
 * merely slow (a busy machine) gets longer each time, and after the last try the watchdog stops and
 * says so on the console: hiding and showing the view, or reopening the panel, loads it again.
 *
 * No `vscode` import: it needs only timers, so unit tests run it as it is.
 */

/**
 * How long a shown page may take to say `ready`, for each load in turn: the first load, then each
 * reload. So a page that never loads is loaded again 10 s after it was shown and again 20 s after
 * that, and given up on 40 s later (70 s in all).
 */
export const PAGE_LOAD_DEADLINES_MS: readonly number[] = [10_000, 20_000, 40_000];

export class PageLoadWatchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private tries = 0;
  private visible = false;
  private disposed = false;
  /** How often the page was loaded again because it did not say `ready` in time (tests read it). */
  reloads = 0;

  /**
   * `reload` sets the webview's html again; `what` names the webview in the console messages
   * ("the Message Log").
   */
  constructor(
    private readonly what: string,
    private readonly reload: () => void,
    private readonly deadlinesMs: readonly number[] = PAGE_LOAD_DEADLINES_MS,
  ) {}

  /**
   * The webview is on screen or not: a page shown after being hidden loads anew (no webview here
   * retains its context) and is waited for; a hidden one has no document to wait for.
   */
  setVisible(visible: boolean): void {
    if (!visible) this.stop();
    else if (!this.visible) this.expect();
    this.visible = visible;
  }

  /** A message from the page: `ready` says it loaded. */
  onMessage(message: { readonly type: string }): void {
    if (message.type === 'ready') this.loaded();
  }

  /** The page is to load now: its html was set, or the webview was shown after being hidden. */
  expect(): void {
    if (this.disposed) return;
    this.tries = 0;
    this.arm();
  }

  /** The page said `ready`. */
  loaded(): void {
    this.stop();
  }

  /** The webview was hidden: it has no document to wait for. */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** The webview or the extension is gone: no timer now, and none later (a late visibility event is ignored). */
  dispose(): void {
    this.disposed = true;
    this.stop();
  }

  /** Waits for the current load (try number `tries`, from 0); when it runs out, loads again or gives up. */
  private arm(): void {
    clearTimeout(this.timer);
    const wait = this.deadlinesMs[this.tries];
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.tries++;
      if (this.tries >= this.deadlinesMs.length) {
        console.warn(`[wsInspector] ${this.what}: the page did not load after ${this.tries} tries; hide and show it to load it again.`);
        return;
      }
      console.warn(`[wsInspector] ${this.what}: the page did not say it was ready within ${wait} ms; loading it again.`);
      this.reloads++;
      // Armed before the reload: a page that answers at once (a test) finds the timer to clear.
      this.arm();
      this.reload();
    }, wait);
  }
}
