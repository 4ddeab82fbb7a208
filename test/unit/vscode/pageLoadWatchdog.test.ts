/**
 * The page-load watchdog with real timers and short deadlines: a page that never says `ready` is
 * loaded again, each time with a longer wait, then given up on; one that says it in time, or is
 * hidden, is left alone.
 */
import * as assert from 'node:assert/strict';
import { PageLoadWatchdog } from '../../../src/vscode/pageLoadWatchdog';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until `check` holds, for up to 5 s (timers can run late on a busy machine). */
async function until(what: string, check: () => boolean): Promise<void> {
  for (const deadline = Date.now() + 5000; !check(); await sleep(5)) {
    if (Date.now() > deadline) assert.fail(`gave up waiting for ${what}`);
  }
}

describe('PageLoadWatchdog', () => {
  const warn = console.warn;
  let warnings: string[];
  beforeEach(() => {
    warnings = [];
    console.warn = (...args: unknown[]) => void warnings.push(args.join(' '));
  });
  afterEach(() => {
    console.warn = warn;
  });

  it('loads a page that never says ready again, once per deadline after the first, then gives up and says so', async () => {
    let loads = 0;
    const watchdog = new PageLoadWatchdog('the test page', () => loads++, [20, 40, 60]);
    watchdog.expect();
    await until('two reloads', () => loads === 2);
    await until('the message that it gave up', () => warnings.some((w) => w.includes('did not load after 3 tries')));
    await sleep(100);
    assert.equal(loads, 2, 'no third load after the last deadline');
    assert.equal(watchdog.reloads, 2);
    assert.ok(warnings.some((w) => w.includes('the test page: the page did not say it was ready within 20 ms')), warnings.join('\n'));
  });

  it('stops once the reloaded page says ready', async () => {
    let loads = 0;
    const watchdog = new PageLoadWatchdog('the test page', () => {
      loads++;
      watchdog.loaded();
    }, [20, 40, 80]);
    watchdog.expect();
    await until('a reload', () => loads === 1);
    await sleep(200);
    assert.equal(loads, 1);
  });

  it('leaves alone a page that says ready in time, or that is hidden before its deadline', async () => {
    let loads = 0;
    const ready = new PageLoadWatchdog('a ready page', () => loads++, [30]);
    ready.expect();
    ready.loaded();
    const hidden = new PageLoadWatchdog('a hidden page', () => loads++, [30]);
    hidden.expect();
    hidden.stop();
    // Shown again (here at its first reload, so that no timing decides it): a new wait with the whole
    // list of deadlines, so two more reloads; without the fresh start there would be one.
    const shown: PageLoadWatchdog = new PageLoadWatchdog('a page shown again', () => {
      loads++;
      if (loads === 1) shown.expect();
    }, [30, 30, 30]);
    shown.expect();
    await until('the message that it gave up', () => warnings.some((w) => w.includes('a page shown again: the page did not load after 3 tries')));
    await sleep(100);
    assert.equal(loads, 3, 'only the page never ready was loaded again, twice after being shown again');
  });

  it('does nothing once disposed, even when the webview is shown again', async () => {
    let loads = 0;
    const watchdog = new PageLoadWatchdog('a disposed page', () => loads++, [20, 20]);
    watchdog.setVisible(true);
    watchdog.dispose();
    watchdog.setVisible(false);
    watchdog.setVisible(true);
    watchdog.expect();
    await sleep(100);
    assert.equal(loads, 0);
  });

  it('waits when the webview is shown after being hidden, not while it stays shown, and hears ready among the page\'s messages', async () => {
    let loads = 0;
    const watchdog = new PageLoadWatchdog('a panel', () => loads++, [30, 30]);
    watchdog.setVisible(true);
    watchdog.onMessage({ type: 'request' });
    watchdog.onMessage({ type: 'ready' });
    watchdog.setVisible(true); // still shown (another panel became active): nothing to load
    watchdog.setVisible(false);
    await sleep(100);
    assert.equal(loads, 0, 'a page that said ready, then was hidden, is not loaded again');
    watchdog.setVisible(true); // shown again: it loads anew and must say ready
    await until('a reload of the page shown again', () => loads === 1);
    watchdog.setVisible(false);
    await sleep(100);
    assert.equal(loads, 1, 'hidden: no more reloads');
  });
});
