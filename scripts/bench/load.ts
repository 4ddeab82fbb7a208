/**
 * The load test of `npm run stress`, in a real VS Code: 50 sessions at once, each
 * receiving 1,000 messages/s for 60 s from the flood server (its own process, paced). Checks that
 *  - the extension stays responsive: every 250 ms the agent in the extension host runs the
 *    extension's "Show Session Panel" command (switching to the next session's panel every 2 s, as
 *    a person clicking through the Sessions view) and times it from its scheduled moment to its
 *    answer; target: every answer within 200 ms, for the whole run;
 *  - no message is lost: every session's log holds all its messages, in order, and the panel shown
 *    last counts all of them in its header;
 *  - after every session is closed, the extension host heap (after full garbage collections) is
 *    within 20 MB of where it was before the first session opened.
 * Also reported, without a target: the extension host's CPU during the load, and how long the
 * workbench's renderer took to run an animation frame when asked (sampled every 500 ms).
 * VS Code (code-server and the browser) and the flood server each get a CPU scheduling group, as a
 * desktop VS Code and a server started from a terminal would have (schedulingGroups.ts; as root, with
 * cgroup v1); `--separate-groups` leaves the kernel's own groups (code-server, the browser and this
 * driver with the flood server: three). The arrangement is printed and recorded with the figures.
 *   node out/scripts/bench/load.js [--sessions 50] [--rate 1000] [--seconds 60] [--size 128] [--separate-groups]
 * Exits with 1 when a target is missed. Writes bench/results/load.json. With WSI_BENCH_PROFILE=<folder>,
 * a CPU profile of the extension host during the load is written there (load-host.cpuprofile).
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { startFloodServer, type Flood } from './capture';
import { met, percentile, printTable, type Figure } from './stats';
import { findFrame } from '../../test/fixtures/chromium';
import { arrangeSchedulingGroups, type SchedulingGroups } from './schedulingGroups';
import { withVscodeAgent } from './vscodeHarness';

const root = join(__dirname, '..', '..', '..');
const argv = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  if (!argv.includes(name)) return fallback;
  const value = Number(argv[argv.indexOf(name) + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} needs a positive number, e.g. ${name} ${fallback}`);
  return value;
};
const sessions = option('--sessions', 50);
const perSecond = option('--rate', 1000);
const seconds = option('--seconds', 60);
const size = option('--size', 128);
const separateGroups = argv.includes('--separate-groups');
const log = (line: string): void => console.log(`[load] ${line}`);

const PROBE_EVERY_MS = 250;
const SWITCH_EVERY = 8;
const MB = 1024 * 1024;

/**
 * In a remote window (code-server is one) VS Code's extension host looks for ports to forward every
 * 2 s or more by running `ls -l` over every process's /proc/PID/fd in a shell; with 50 sockets open that
 * spawn blocked the extension host for up to 0.7 s in one profile, which is VS Code's cost, not the
 * extension's, and desktop VS Code does not scan. Off here so the probe measures the extension: the
 * scan runs when auto-forwarding is on or a tunnel provider exists (code-server has one), unless
 * ports are found from terminal output instead of processes.
 */
const VSCODE_SETTINGS = { 'remote.autoForwardPorts': false, 'remote.autoForwardPortsSource': 'output' };

const round1 = (x: number): number => Math.round(x * 10) / 10;

/**
 * Linux's per-session scheduling groups (1 = on, Debian's default): without the test's own groups,
 * code-server, Chromium and this driver with the flood server are three sessions, each given an
 * equal share of the CPU, which changes the answers a lot on two cores (RELIABILITY.md). Recorded
 * with the figures; the setting itself is never changed.
 */
function schedulerAutogroup(): string {
  const file = '/proc/sys/kernel/sched_autogroup_enabled';
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : 'n/a';
}

async function main(): Promise<void> {
  const started = Date.now();
  const server = await startFloodServer();
  const flood: Flood = { label: `${size} B text`, n: perSecond * seconds, size, type: 'text' };
  let groups: SchedulingGroups | undefined;
  let scheduling = "the kernel's own groups (--separate-groups)";
  /** Once code-server and the browser run, before the extension host starts (it joins code-server's group). */
  const arrangeGroups = (): void => {
    if (!separateGroups) {
      groups = arrangeSchedulingGroups(server.pid);
      scheduling = groups.arranged;
      if (!groups.ok) log('WARNING: the figures below are taken under the kernel\'s own scheduling groups, not those of a desktop VS Code (see RELIABILITY.md)');
    }
    log(`scheduling: ${scheduling}`);
  };
  try {
    const result = await withVscodeAgent(log, async ({ page, agent, vscodeVersion }) => {
      await agent.call('activate', {});
      const heapBefore = await agent.call('memory', {});
      log(`extension host heap before: ${round1(heapBefore.heapUsed / MB)} MB`);

      const ids: string[] = [];
      for (let i = 0; i < sessions; i++) {
        const { id } = await agent.call('open', { url: server.url({ ...flood, go: true, perSecond }), title: `load ${i + 1}` });
        ids.push(id);
      }
      log(`${sessions} sessions open; each now receives ${perSecond} messages/s for ${seconds} s`);
      await agent.call('profile', { name: 'load-host', start: true });
      const goes = await Promise.all(ids.map((id) => agent.call('go', { id })));

      // While the load runs: the command probe in the extension host, and the renderer's frames from here.
      const probe = agent.call('probe', { ids, ms: seconds * 1000, everyMs: PROBE_EVERY_MS, switchEvery: SWITCH_EVERY });
      const frameSamples: number[] = [];
      let probing = true;
      void probe.finally(() => (probing = false)).catch(() => undefined);
      while (probing) {
        const at = performance.now();
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
        frameSamples.push(performance.now() - at);
        await page.waitForTimeout(500);
      }
      const { samples, cpuMs, wallMs, startedUs } = await probe;
      const expectedSamples = Math.floor((seconds * 1000) / PROBE_EVERY_MS);
      if (samples.length !== expectedSamples) throw new Error(`the command probe answered ${samples.length} times, not ${expectedSamples}: its figures would be meaningless`);
      await agent.call('profile', { name: 'load-host', start: false });
      // Every process VS Code started during the load (the extension host, the webviews' renderers) inherited its group.
      const strays = groups?.strays() ?? [];
      if (strays.length) {
        scheduling += `; ${strays.length} of VS Code's processes were outside its group (${strays.join(', ')})`;
        log(`WARNING: ${scheduling}`);
      }
      log(`command probe: ${samples.length} answers, p50 ${round1(percentile(samples, 50))} ms, p99 ${round1(percentile(samples, 99))} ms, max ${round1(Math.max(...samples))} ms`);

      // Every message of every session, in order; the flood server paces, so the last ones arrive right after the probe ends.
      const verified = [];
      for (const [i, id] of ids.entries()) {
        await agent.call('waitForEvents', { id, events: goes[i].eventsBefore + flood.n, timeoutMs: 120_000 });
        verified.push(await agent.call('verify', { id, kind: 'text', expected: flood.n }));
      }
      const complete = verified.filter((v) => v.complete).length;
      const lost = verified.reduce((sum, v) => sum + Math.max(0, flood.n - v.received), 0);
      const outOfOrder = verified.reduce((sum, v) => sum + v.outOfOrder, 0);
      log(`${complete} of ${sessions} sessions hold all ${flood.n} messages in order (${lost} missing, ${outOfOrder} out of order)`);

      // The panel on screen counts them all too.
      // The panel on screen may have just been re-created (hidden panels keep no state): give it a few seconds to catch up.
      const frame = await findFrame(page, 'body.mode-panel .session-counters', 60_000);
      const want = `\u2193 ${flood.n} msg`;
      let counters = '';
      for (const deadline = Date.now() + 10_000; Date.now() < deadline && !counters.includes(want); await page.waitForTimeout(200)) {
        counters = await frame.evaluate(() => document.querySelector('.session-counters')?.textContent ?? '');
      }
      const panelCounts = counters.includes(want);

      const heapLoaded = await agent.call('memory', {});
      const closed = await agent.call('closeAll', {});
      const heapAfter = await agent.call('memory', {});
      log(`closed ${closed.closed} sessions; heap ${round1(heapBefore.heapUsed / MB)} -> ${round1(heapLoaded.heapUsed / MB)} (all open) -> ${round1(heapAfter.heapUsed / MB)} MB, external +${round1((heapAfter.external - heapBefore.external) / MB)} MB`);
      // The same, once a second for 10 s more: memory still held at the first reading and let go
      // later is not a leak, but it says that something kept a closed session for a while.
      const heapLater: Array<{ afterMs: number; heapUsed: number; external: number }> = [];
      const closedAt = Date.now();
      for (let i = 1; i <= 10; i++) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const usage = await agent.call('memory', {});
        heapLater.push({ afterMs: Date.now() - closedAt, heapUsed: usage.heapUsed, external: usage.external });
      }
      log(`external memory growth in the 10 s after closing: ${heapLater.map((h) => round1((h.external - heapBefore.external) / MB)).join(', ')} MB`);
      return { vscodeVersion, samples, probeStartedUs: startedUs, probeEveryMs: PROBE_EVERY_MS, cpuMs, wallMs, frameSamples, verified, complete, lost, outOfOrder, counters, panelCounts, heapBefore, heapLoaded, heapAfter, heapLater };
    }, { settings: VSCODE_SETTINGS, beforeWorkbench: arrangeGroups });

    const settled = result.heapLater[result.heapLater.length - 1];
    const figures: Figure[] = [
      { part: 'load', figure: 'command answer, max', value: round1(Math.max(...result.samples)), unit: 'ms', target: { op: '<=', value: 200 } },
      { part: 'load', figure: 'command answer, p99', value: round1(percentile(result.samples, 99)), unit: 'ms' },
      { part: 'load', figure: 'command answer, p50', value: round1(percentile(result.samples, 50)), unit: 'ms' },
      { part: 'load', figure: `sessions with all ${flood.n} messages in order`, value: result.complete, unit: `of ${sessions}`, target: { op: '>=', value: sessions } },
      { part: 'load', figure: 'messages missing or out of order', value: result.lost + result.outOfOrder, unit: 'msg', target: { op: '<=', value: 0 } },
      { part: 'load', figure: 'panel on screen counts them all', value: result.panelCounts ? 1 : 0, unit: 'yes=1', target: { op: '>=', value: 1 } },
      // The target is on the reading 10 s after the last session closed ("returns to within 20 MB"):
      // the reading right after it was once +206 MB and 0 a second later (RELIABILITY.md).
      { part: 'load', figure: 'host heap 10 s after closing all, growth', value: round1((settled.heapUsed - result.heapBefore.heapUsed) / MB), unit: 'MB', target: { op: '<=', value: 20 } },
      { part: 'load', figure: 'host external memory 10 s after closing, growth', value: round1((settled.external - result.heapBefore.external) / MB), unit: 'MB', target: { op: '<=', value: 20 } },
      { part: 'load', figure: 'host heap right after closing all, growth', value: round1((result.heapAfter.heapUsed - result.heapBefore.heapUsed) / MB), unit: 'MB' },
      { part: 'load', figure: 'host external memory right after closing, growth', value: round1((result.heapAfter.external - result.heapBefore.external) / MB), unit: 'MB' },
      { part: 'load', figure: 'host heap with all sessions open, growth', value: round1((result.heapLoaded.heapUsed - result.heapBefore.heapUsed) / MB), unit: 'MB' },
      { part: 'load', figure: 'host external memory with all open, growth', value: round1((result.heapLoaded.external - result.heapBefore.external) / MB), unit: 'MB' },
      { part: 'load', figure: 'host CPU during the load', value: round1((100 * result.cpuMs) / result.wallMs), unit: '% of a core' },
      { part: 'load', figure: 'workbench animation frame, p50', value: round1(percentile(result.frameSamples, 50)), unit: 'ms' },
      { part: 'load', figure: 'workbench animation frame, max', value: round1(Math.max(...result.frameSamples)), unit: 'ms' },
    ];
    const machine = { cores: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, vscode: result.vscodeVersion, autogroup: schedulerAutogroup(), scheduling, date: new Date().toISOString() };
    const runSeconds = Math.round((Date.now() - started) / 1000);
    mkdirSync(join(root, 'bench', 'results'), { recursive: true });
    const { samples, frameSamples, verified, ...rest } = result;
    writeFileSync(
      join(root, 'bench', 'results', 'load.json'),
      `${JSON.stringify({ machine, sessions, perSecond, seconds, size, runSeconds, figures: figures.map((f) => ({ ...f, met: met(f) })), ...rest, samples, frameSamples, verified: verified.map(({ received, outOfOrder, complete, notices }) => ({ received, outOfOrder, complete, notices })) }, null, 2)}\n`,
    );
    printTable(figures);
    if (!result.panelCounts) console.log(`the panel's header shows "${result.counters}"`);
    console.log(`\nmachine: ${JSON.stringify(machine)}\n${runSeconds} s; written: bench/results/load.json`);
    const missed = figures.filter((f) => met(f) === false);
    if (missed.length) {
      console.error(`load test FAILED: ${missed.map((f) => f.figure).join('; ')}`);
      process.exitCode = 1;
    } else {
      console.log('load test passed');
    }
  } finally {
    server.stop();
    groups?.dispose();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
