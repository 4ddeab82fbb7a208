/**
 * Benchmark parts 3, 5, 6 and 7, end to end in a real VS Code: code-server runs the
 * extension (the production bundle in dist/) with hostAgent.ts as its `extensionTestsPath`, the
 * workbench runs in Debian's Chromium through Playwright, and this driver times what the panel's
 * webview shows while the agent opens sessions and reads figures inside the extension host.
 * Nothing here is a mock: the floods come from floodServer.ts in its own process.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CDPSession, Frame, Page } from 'playwright-core';
import type { AgentCommands } from './benchProtocol';
import type { Flood } from './capture';
import { median, percentile } from './stats';
import { findFrame } from '../../test/fixtures/chromium';
import { withVscodeAgent, type Agent } from './vscodeHarness';

export interface VscodeBenchOptions {
  readonly floodUrl: (flood: Flood & { go?: boolean }) => string;
  readonly echoUrl: string;
  readonly runs: number;
  readonly quick: boolean;
  /** The parts to run (all when unset); activation is always measured, first. */
  readonly parts?: readonly VscodePart[];
  readonly log: (line: string) => void;
}

export interface DisplayRun {
  readonly messages: number;
  readonly seconds: number;
  readonly messagesPerSecond: number;
  /** The webview's own longest task ("self"); tasks of the workbench around it are in longTasksByAttribution. */
  readonly longestTaskMs: number;
  readonly longTasks: number;
  readonly longTasksByAttribution: LongTaskTally['byAttribution'];
  readonly followedTail: boolean;
}

export type VscodePart = 'display' | 'scale' | 'cap' | 'latency' | 'idle';
export const VSCODE_PARTS: readonly VscodePart[] = ['display', 'scale', 'cap', 'latency', 'idle'];

export interface VscodeBenchResults {
  readonly vscodeVersion: string;
  readonly activation: AgentCommands['activate']['result'];
  readonly display?: { runs: DisplayRun[]; medianMessagesPerSecond: number; longestTaskMs: number };
  readonly scale?: Record<string, unknown>;
  readonly cap?: Record<string, unknown>;
  readonly latency?: { roundTrips: number; p50Ms: number; p99Ms: number; maxMs: number; sentRowShownP50Ms: number; hostWebviewHostP50Ms: number; breakdownP50Ms: Record<string, number> };
  readonly idle?: Record<string, unknown>;
}

const MB = 1024 * 1024;
const PANEL_OPEN = 'body.mode-panel .session-state[data-state="open"]';

interface LongTaskTally {
  /** Longest task of the webview's own document ("self" attribution), in ms. */
  readonly longest: number;
  readonly count: number;
  /** Longest task by attribution name (self, cross-origin-ancestor: the workbench, ...). */
  readonly byAttribution: Record<string, { longest: number; count: number }>;
}

/** Starts a long-task observer in the webview and proves it sees a deliberate 80 ms task of the page's own. */
async function watchLongTasks(frame: Frame, selfCheck: boolean): Promise<void> {
  await frame.evaluate(() => {
    type Tally = { byAttribution: Record<string, { longest: number; count: number }>; observer: PerformanceObserver };
    const w = window as unknown as { wsiBench?: Tally };
    w.wsiBench?.observer.disconnect();
    const state: Tally = {
      byAttribution: {},
      observer: new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          const tally = (state.byAttribution[entry.name] ??= { longest: 0, count: 0 });
          tally.count++;
          tally.longest = Math.max(tally.longest, entry.duration);
        }
      }),
    };
    state.observer.observe({ type: 'longtask' });
    w.wsiBench = state;
  });
  if (!selfCheck) return;
  // A task of the page's own (a timer), as the webview's work is; work evaluated over the DevTools protocol is not reported as a long task.
  await frame.evaluate(() => {
    setTimeout(() => {
      const started = performance.now();
      while (performance.now() - started < 80) {
        // a deliberate long task
      }
    }, 0);
  });
  await frame.waitForTimeout(200);
  const seen = await longTasks(frame);
  if (seen.count < 1 || seen.longest < 70) throw new Error(`the long-task observer in the webview missed a deliberate 80 ms task (${JSON.stringify(seen)}): the display figures would be meaningless`);
  await watchLongTasks(frame, false);
}

async function longTasks(frame: Frame): Promise<LongTaskTally> {
  const byAttribution = await frame.evaluate(() => (window as unknown as { wsiBench: { byAttribution: Record<string, { longest: number; count: number }> } }).wsiBench.byAttribution);
  const own = byAttribution.self ?? { longest: 0, count: 0 };
  return { longest: own.longest, count: own.count, byAttribution };
}

/** Resolves with Date.now() of the first animation frame in which the header counts `n` received messages. */
function counterShows(frame: Frame, n: number, timeoutMs: number): Promise<number> {
  return frame.evaluate(
    ([count, timeout]) =>
      new Promise<number>((resolve, reject) => {
        const counters = document.querySelector('.session-counters')!;
        const want = `\u2193 ${count} msg`;
        const deadline = Date.now() + timeout;
        const tick = (): void => {
          if (counters.textContent?.includes(want)) resolve(Date.now());
          else if (Date.now() > deadline) reject(new Error(`after ${timeout} ms the counter shows "${counters.textContent}", not ${want}`));
          else requestAnimationFrame(tick);
        };
        tick();
      }),
    [n, timeoutMs] as const,
  );
}

/** True when the timeline follows the tail: "Jump to latest" is hidden and the last row rendered is the flood's last message. */
function followsTail(frame: Frame, lastIndex: number): Promise<boolean> {
  return frame.evaluate((last) => {
    const jump = document.querySelector<HTMLElement>('.jump-latest');
    const previews = Array.from(document.querySelectorAll('.timeline-layer .row .row-preview'), (p) => p.textContent ?? '');
    return jump?.hidden === true && previews.some((p) => p.startsWith(String(last).padStart(8, '0')));
  }, lastIndex);
}

/**
 * Time from a jump (scrolling to `fraction` of the log, or "Jump to latest" when fraction is 1) to
 * the first painted frame whose rows are all loaded and at the target: the rows settle in the
 * document (MutationObserver), then a task queued behind the frame's paint reads the clock.
 */
function timeJump(frame: Frame, fraction: number): Promise<number> {
  return frame.evaluate(
    (target) =>
      new Promise<number>((resolve, reject) => {
        const timeline = document.querySelector<HTMLElement>('.timeline')!;
        const layer = timeline.querySelector<HTMLElement>('.timeline-layer')!;
        const count = Number(timeline.getAttribute('aria-rowcount'));
        const wanted = target >= 1 ? count - 1 : Math.floor(count * target);
        const settled = (): boolean => {
          const rows = Array.from(layer.querySelectorAll<HTMLElement>('.row'));
          if (rows.some((r) => r.classList.contains('loading'))) return false;
          return rows.some((r) => Math.abs(Number(r.dataset.index) - wanted) <= 40);
        };
        const observer = new MutationObserver(() => {
          if (!settled()) return;
          observer.disconnect();
          clearTimeout(timer);
          setTimeout(() => resolve(performance.now() - started), 0);
        });
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(new Error(`the timeline did not settle at row ${wanted} of ${count} within 10 s`));
        }, 10_000);
        observer.observe(layer, { subtree: true, childList: true, attributes: true, characterData: true });
        const started = performance.now();
        if (target >= 1) document.querySelector<HTMLElement>('.jump-latest')!.click();
        else timeline.scrollTop = (timeline.scrollHeight - timeline.clientHeight) * target;
      }),
    fraction,
  );
}

/** Applies a filter the way a person does (type, Enter) and times it to the painted, settled result. */
function timeFilter(frame: Frame, text: string): Promise<{ ms: number; count: string }> {
  return frame.evaluate(
    (needle) =>
      new Promise<{ ms: number; count: string }>((resolve, reject) => {
        const input = document.querySelector<HTMLInputElement>('.filter-input')!;
        const countEl = document.querySelector<HTMLElement>('.filter-count')!;
        const layer = document.querySelector<HTMLElement>('.timeline-layer')!;
        const before = countEl.textContent;
        const done = (): boolean => {
          if (countEl.textContent === before) return false;
          return Array.from(layer.querySelectorAll('.row')).every((r) => !r.classList.contains('loading'));
        };
        const observer = new MutationObserver(() => {
          if (!done()) return;
          observer.disconnect();
          clearTimeout(timer);
          setTimeout(() => resolve({ ms: performance.now() - started, count: countEl.textContent ?? '' }), 0);
        });
        const timer = setTimeout(() => {
          observer.disconnect();
          reject(new Error(`the filter "${needle}" did not apply within 30 s (count "${countEl.textContent}")`));
        }, 30_000);
        observer.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        input.value = needle;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        const started = performance.now();
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      }),
    text,
  );
}

/**
 * Composer -> echo server -> echoed row painted, `rounds` times. Returns each round trip in ms, and
 * when the composer's own sent row showed (the webview -> host -> webview part of it).
 */
function roundTrips(frame: Frame, rounds: number, prefix: string): Promise<{ echoed: number[]; sentShown: number[]; keyAt: Record<string, number>; echoShownAt: Record<string, number> }> {
  return frame.evaluate(
    async ([count, tag]) => {
      const input = document.querySelector<HTMLTextAreaElement>('.composer-input')!;
      const layer = document.querySelector<HTMLElement>('.timeline-layer')!;
      const echoed: number[] = [];
      const sentShown: number[] = [];
      const keyAt: Record<string, number> = {};
      const echoShownAt: Record<string, number> = {};
      const shows = (direction: string, text: string): boolean =>
        Array.from(layer.querySelectorAll(`.row.dir-${direction} .row-preview`)).some((p) => p.textContent === text);
      // Whether the page is inside a frame's animation-frame callbacks: this loop's callback is
      // registered a frame ahead, so it runs before any the page queues, and a task it posts runs
      // once the frame is painted. A row rendered inside the callbacks is painted in that same frame;
      // one rendered outside them (in a message handler) is painted in the next frame.
      let inFrame = false;
      let looping = true;
      const frameEnd = new MessageChannel();
      frameEnd.port1.onmessage = () => (inFrame = false);
      const tick = (): void => {
        if (!looping) return;
        inFrame = true;
        frameEnd.port2.postMessage(0);
        requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
      const afterPaint = (): Promise<void> =>
        inFrame
          ? new Promise<void>((resolve) => {
              const task = new MessageChannel();
              task.port1.onmessage = () => resolve();
              task.port2.postMessage(0);
            })
          : // The next animation frame's callbacks run just before the frame with the row is painted.
            new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
      for (let i = 0; i < count; i++) {
        const text = `${tag}-${i}`;
        let sentAt = 0;
        input.value = text;
        input.dispatchEvent(new Event('input', { bubbles: true }));
        const started = performance.now();
        keyAt[text] = Date.now();
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true, bubbles: true }));
        await new Promise<void>((resolve, reject) => {
          const check = (): boolean => {
            if (!sentAt && shows('sent', text)) sentAt = performance.now();
            return shows('received', text);
          };
          if (check()) return void afterPaint().then(resolve);
          const timer = setTimeout(() => reject(new Error(`"${text}" did not come back within 10 s`)), 10_000);
          const observer = new MutationObserver(() => {
            if (!check()) return;
            observer.disconnect();
            clearTimeout(timer);
            void afterPaint().then(resolve);
          });
          observer.observe(layer, { subtree: true, childList: true, attributes: true, characterData: true });
        });
        echoed.push(performance.now() - started);
        echoShownAt[text] = Date.now();
        sentShown.push((sentAt || performance.now()) - started);
        // The composer empties once the host confirmed the send; the next message waits for that.
        while (input.value !== '') await new Promise((resolve) => setTimeout(resolve, 0));
      }
      looping = false;
      frameEnd.port1.close();
      return { echoed, sentShown, keyAt, echoShownAt };
    },
    [rounds, prefix] as const,
  );
}

/** With WSI_BENCH_PROFILE=<folder>: a CPU profile of the workbench's renderer (the webview's too, when it shares the process). */
async function profileRenderer(page: Page): Promise<{ stop(name: string): Promise<void> } | undefined> {
  const folder = process.env.WSI_BENCH_PROFILE;
  if (!folder) return undefined;
  const session = await page.context().newCDPSession(page);
  await session.send('Profiler.enable');
  await session.send('Profiler.setSamplingInterval', { interval: 200 });
  await session.send('Profiler.start');
  return {
    async stop(name) {
      const { profile } = await session.send('Profiler.stop');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `${name}.cpuprofile`), JSON.stringify(profile));
      await session.detach();
    },
  };
}

/** The webview's JavaScript heap: its own renderer target when it has one (site isolation), else the page's. */
async function webviewHeap(page: Page, frame: Frame): Promise<{ usedBytes: number; scope: string }> {
  let session: CDPSession;
  let scope = 'webview frame target';
  try {
    session = await page.context().newCDPSession(frame);
  } catch {
    session = await page.context().newCDPSession(page);
    scope = 'whole workbench renderer (the webview shares its process)';
  }
  try {
    await session.send('HeapProfiler.collectGarbage');
    const usage = (await session.send('Runtime.getHeapUsage')) as { usedSize: number };
    return { usedBytes: usage.usedSize, scope };
  } finally {
    await session.detach().catch(() => undefined);
  }
}

export async function runVscodeBench(options: VscodeBenchOptions): Promise<VscodeBenchResults> {
  return withVscodeAgent(options.log, async ({ page, agent, vscodeVersion }) => {
    // Part 7a: nothing ran before this; the extension activates now, and that is timed.
    const activation = await agent.call('activate', {});
    options.log(`activation: ${JSON.stringify(activation)}`);
    const ctx: PartContext = { page, agent, options };
    const wantedPart = (part: VscodePart): boolean => !options.parts || options.parts.includes(part);
    return {
      vscodeVersion,
      activation,
      display: wantedPart('display') ? await measureDisplay(ctx) : undefined,
      scale: wantedPart('scale') ? await measureScale(ctx) : undefined,
      cap: wantedPart('cap') ? await measureCap(ctx) : undefined,
      latency: wantedPart('latency') ? await measureLatency(ctx) : undefined,
      idle: wantedPart('idle') ? await measureIdle(ctx) : undefined,
    };
  });
}

interface PartContext {
  readonly page: Page;
  readonly agent: Agent;
  readonly options: VscodeBenchOptions;
}

/** Part 3: display of the 64 B flood, the panel following the tail. */
async function measureDisplay({ page, agent, options }: PartContext): Promise<NonNullable<VscodeBenchResults['display']>> {
  const flood: Flood = { label: '64 B text', n: options.quick ? 50_000 : 500_000, size: 64, type: 'text' };
  const runs: DisplayRun[] = [];
  for (let run = 0; run < options.runs; run++) {
    runs.push(await displayOnce(page, agent, options, flood, run === 0));
    await agent.call('closeAll', {});
    options.log(`display run ${run + 1}: ${JSON.stringify(runs[runs.length - 1])}`);
  }
  return { runs, medianMessagesPerSecond: median(runs.map((r) => r.messagesPerSecond)), longestTaskMs: Math.max(...runs.map((r) => r.longestTaskMs)) };
}

/** Part 5: a session of 1,000,000 messages: heaps, jumps, filter. */
async function measureScale({ page, agent, options }: PartContext): Promise<Record<string, unknown>> {
  const flood: Flood = { label: '64 B text', n: options.quick ? 200_000 : 1_000_000, size: 64, type: 'text' };
  const hostBefore = await agent.call('memory', {});
  const run = await displayOnce(page, agent, options, flood, false, async (frame, id) => {
    const verified = await agent.call('verify', { id, kind: 'text', expected: flood.n });
    if (!verified.complete) throw new Error(`the session stored ${verified.received} of ${flood.n} messages (${verified.outOfOrder} out of order)`);
    const hostAfter = await agent.call('memory', {});
    const heap = await webviewHeap(page, frame);
    const jumpsMiddle: number[] = [];
    const jumpsEnd: number[] = [];
    // Five different places, so each jump asks the host for rows the webview does not hold.
    for (const fraction of [0.3, 0.4, 0.5, 0.6, 0.7]) {
      jumpsMiddle.push(await timeJump(frame, fraction));
      jumpsEnd.push(await timeJump(frame, 1));
    }
    const expectedMatches = countMatches(flood.n, '12345');
    const filterSome: number[] = [];
    const filterNone: number[] = [];
    const filterClear: number[] = [];
    let someCount = '';
    for (let i = 0; i < 3; i++) {
      const some = await timeFilter(frame, '12345');
      someCount = some.count;
      filterSome.push(some.ms);
      filterClear.push((await timeFilter(frame, '')).ms);
      filterNone.push((await timeFilter(frame, 'no such text')).ms);
      filterClear.push((await timeFilter(frame, '')).ms);
    }
    if (!someCount.startsWith(`${expectedMatches} of `)) throw new Error(`the filter "12345" shows "${someCount}"; ${expectedMatches} messages contain it`);
    return {
      messages: flood.n,
      hostHeapGrowthMB: (hostAfter.heapUsed - hostBefore.heapUsed) / MB,
      hostExternalGrowthMB: (hostAfter.external - hostBefore.external) / MB,
      hostRssGrowthMB: (hostAfter.rss - hostBefore.rss) / MB,
      webviewHeapMB: heap.usedBytes / MB,
      webviewHeapScope: heap.scope,
      jumpMiddleMs: median(jumpsMiddle),
      jumpEndMs: median(jumpsEnd),
      jumpMiddleSamples: jumpsMiddle.map(round1),
      jumpEndSamples: jumpsEnd.map(round1),
      filterMatchingMs: median(filterSome),
      filterMatches: someCount,
      filterNoMatchMs: median(filterNone),
      filterClearMs: median(filterClear),
    };
  });
  await agent.call('closeAll', {});
  const scale = { displayMessagesPerSecond: run.messagesPerSecond, longestTaskMs: run.longestTaskMs, ...run.extra };
  options.log(`scale: ${JSON.stringify(scale)}`);
  return scale;
}

/** Part 5b: 5,000,000 messages under a 64 MB cap, set in the settings as a person would. */
async function measureCap({ page, agent, options }: PartContext): Promise<Record<string, unknown>> {
  await agent.call('setMemoryCap', { megabytes: 64 });
  const flood: Flood = { label: '64 B text', n: options.quick ? 1_000_000 : 5_000_000, size: 64, type: 'text' };
  const before = await agent.call('memory', {});
  const run = await displayOnce(page, agent, options, flood, false, async (frame, id) => {
    const verified = await agent.call('verify', { id, kind: 'text', expected: flood.n });
    const after = await agent.call('memory', {});
    // The notice is in the timeline: filtered for, as a person would look for it.
    const shown = await timeFilter(frame, 'memory cap');
    const noticeRows = await frame.$$eval('.timeline-layer .row .row-preview', (els) => els.map((e) => e.textContent ?? ''));
    return {
      messages: flood.n,
      stored: verified.received,
      outOfOrder: verified.outOfOrder,
      storeBytesInMemoryMB: verified.stats.bytesInMemory / MB,
      spilledSegments: verified.stats.spilledSegments,
      spilledMB: verified.stats.spilledBytes / MB,
      droppedPayloads: verified.stats.droppedPayloads,
      hostHeapGrowthMB: (after.heapUsed - before.heapUsed) / MB,
      hostExternalGrowthMB: (after.external - before.external) / MB,
      underCap: verified.stats.bytesInMemory <= 64 * MB,
      notices: verified.notices.length,
      firstNotices: verified.notices.slice(0, 3),
      noticeRowsShown: shown.count,
      firstNoticeRowShown: noticeRows.find((t) => /memory cap/i.test(t)) ?? null,
    };
  });
  await agent.call('closeAll', {});
  await agent.call('setMemoryCap', { megabytes: 256 });
  const cap = { displayMessagesPerSecond: run.messagesPerSecond, longestTaskMs: run.longestTaskMs, ...run.extra };
  options.log(`cap: ${JSON.stringify(cap)}`);
  return cap;
}

/** Part 6: composer -> echo server -> echoed row painted. */
async function measureLatency({ page, agent, options }: PartContext): Promise<NonNullable<VscodeBenchResults['latency']>> {
  const { id } = await agent.call('open', { url: options.echoUrl, title: 'bench echo' });
  const frame = await findFrame(page, PANEL_OPEN, 60_000);
  const transport = (await agent.call('transport', { id, rounds: 50 })).samples;
  await roundTrips(frame, 50, 'warm');
  const rounds = options.quick ? 200 : 1000;
  const profiler = await profileRenderer(page);
  const trace = process.env.WSI_BENCH_TRACE;
  if (trace) await page.context().browser()!.startTracing(page, { path: trace, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel'] });
  const { echoed, sentShown, keyAt, echoShownAt } = await roundTrips(frame, rounds, 'rtt');
  if (trace) await page.context().browser()!.stopTracing();
  await profiler?.stop('latency-renderer');
  // Where the time goes, by the wall clock all three processes share: webview -> host, the echo, host -> painted.
  const { times } = await agent.call('messageTimes', { id, prefix: 'rtt-' });
  const toHost: number[] = [];
  const echoMs: number[] = [];
  const toPainted: number[] = [];
  for (const [text, at] of Object.entries(times)) {
    if (at.sent === undefined || at.received === undefined || keyAt[text] === undefined) continue;
    toHost.push(at.sent - keyAt[text]);
    echoMs.push(at.received - at.sent);
    toPainted.push(echoShownAt[text] - at.received);
  }
  await agent.call('closeAll', {});
  const latency = {
    roundTrips: rounds,
    p50Ms: percentile(echoed, 50),
    p99Ms: percentile(echoed, 99),
    maxMs: Math.max(...echoed),
    sentRowShownP50Ms: percentile(sentShown, 50),
    hostWebviewHostP50Ms: percentile(transport, 50),
    breakdownP50Ms: { webviewToHostLogged: percentile(toHost, 50), echo: percentile(echoMs, 50), hostToPainted: percentile(toPainted, 50) },
  };
  options.log(`latency: ${JSON.stringify(latency)}`);
  return latency;
}

/** Part 7c: 20 open, quiet sessions cost the extension host no CPU and start no timers. */
async function measureIdle({ agent, options }: PartContext): Promise<Record<string, unknown>> {
  const idleMs = options.quick ? 3000 : 10_000;
  const baseline = await agent.call('cpu', { ms: idleMs });
  for (let i = 0; i < 20; i++) {
    await agent.call('open', { url: options.floodUrl({ label: 'quiet', n: 0, size: 64, type: 'text' }), title: `quiet ${i + 1}` });
  }
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const quiet = await agent.call('cpu', { ms: idleMs });
  const closed = await agent.call('closeAll', {});
  const idle = {
    sessions: closed.closed,
    baselineCpuPercent: (100 * baseline.cpuMs) / baseline.wallMs,
    quietCpuPercent: (100 * quiet.cpuMs) / quiet.wallMs,
    timersBefore: baseline.timersAfter,
    timersWith20Sessions: quiet.timersAfter,
  };
  options.log(`idle: ${JSON.stringify(idle)}`);
  return idle;
}

/**
 * Opens a flood session with its panel, starts the flood once the panel shows the open session,
 * and times it until the header counts every message; `then` measures more on the full session.
 */
async function displayOnce<T = undefined>(
  page: Page,
  agent: Agent,
  options: VscodeBenchOptions,
  flood: Flood,
  selfCheck: boolean,
  then?: (frame: Frame, id: string) => Promise<T>,
): Promise<DisplayRun & { extra: T }> {
  const { id } = await agent.call('open', { url: options.floodUrl({ ...flood, go: true }), title: `bench ${flood.n} x ${flood.size} B` });
  const frame = await findFrame(page, PANEL_OPEN, 60_000);
  await watchLongTasks(frame, selfCheck);
  const shown = counterShows(frame, flood.n, 600_000);
  const profileName = `display-${flood.n}`;
  await agent.call('profile', { name: profileName, start: true });
  const renderer = await profileRenderer(page);
  const { atMs } = await agent.call('go', { id });
  const shownAt = await shown;
  await renderer?.stop(`${profileName}-renderer`);
  await agent.call('profile', { name: `${profileName}-host`, start: false });
  const tasks = await longTasks(frame);
  const seconds = (shownAt - atMs) / 1000;
  const run: DisplayRun = {
    messages: flood.n,
    seconds,
    messagesPerSecond: flood.n / seconds,
    longestTaskMs: tasks.longest,
    longTasks: tasks.count,
    longTasksByAttribution: tasks.byAttribution,
    followedTail: await followsTail(frame, flood.n - 1),
  };
  const extra = then ? await then(frame, id) : (undefined as T);
  return { ...run, extra };
}

/** How many of the flood's payloads (index as 8 digits, then "a"s) contain `needle`. */
function countMatches(n: number, needle: string): number {
  let count = 0;
  for (let i = 0; i < n; i++) if (String(i).padStart(8, '0').includes(needle)) count++;
  return count;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
