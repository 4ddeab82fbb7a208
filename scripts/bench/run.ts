/**
 * `npm run bench`: the speed figures that do not belong in `npm test`. Each figure is the
 * median of several runs, and each comparison a ratio measured in the same run, because these
 * machines are noisy. Writes bench/results/latest.json and prints a table of figures and targets.
 *   node out/scripts/bench/run.js [--runs 5] [--quick] [--only capture,alloc,filter,peers,vscode,package,activation] [--no-package]
 *                                 [--vscode-parts display,scale,cap,latency,idle] [--baseline <extension folder>]
 * (--no-package: the VS Code parts run whatever is in dist/, e.g. a development build)
 * Parts: 1-2 capture (bare ws vs the engine), 2 alloc (heap bytes allocated per received message, allocation.ts), 5 the filter in plain Node (filter.ts), 4 peers (peers.ts), 3, 5, 6, 7 in VS Code (vscodeBench.ts), 7 package size.
 * `activation` runs only when named in --only: part 7's activation, one fresh code-server per run
 * (activation.ts), alternating with --baseline's build when given (a folder with package.json,
 * dist/ and media/, e.g. an earlier commit built with `--production`).
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { allocationOfBareWs, allocationOfEngine, type AllocationSample } from './allocation';
import { measureActivation, type ActivationBench } from './activation';
import { measureBareWs, measureBareWsRetaining, measureEngine, startFloodServer, type Flood, type FloodServer, type RateSample } from './capture';
import { measureFilter, printFilter, type FilterBench } from './filter';
import { printPeers, runPeers, type PeerRow } from './peers';
import { median, met, printTable, type Figure } from './stats';
import { runVscodeBench, type VscodeBenchResults, type VscodePart } from './vscodeBench';

const root = join(__dirname, '..', '..', '..');
const argv = process.argv.slice(2);
const option = (name: string): string | undefined => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : undefined);
const runs = Number(option('--runs')) || 5;
const quick = argv.includes('--quick');
const only = option('--only')?.split(',');
const wanted = (part: string): boolean => !only || only.includes(part);
/** Parts that only run when named: they repeat what the full run measures once. */
const named = (part: string): boolean => only?.includes(part) ?? false;
const log = (line: string): void => console.log(`[bench] ${line}`);

const floods: Flood[] = [
  { label: '64 B text', n: quick ? 50_000 : 500_000, size: 64, type: 'text' },
  { label: '64 KiB binary', n: quick ? 500 : 5_000, size: 64 * 1024, type: 'binary' },
  { label: '4 MiB binary', n: quick ? 20 : 200, size: 4 * 1024 * 1024, type: 'binary' },
];
/** The allocation part's flood: the load test's message size (scripts/bench/load.ts). */
const allocationFlood: Flood = { label: '128 B text', n: quick ? 50_000 : 200_000, size: 128, type: 'text' };

/** Capture targets, as a share of the bare ws ceiling. */
const captureTargets: Record<string, number> = { '64 B text': 0.7, '64 KiB binary': 0.9 };

interface CaptureRow {
  readonly flood: string;
  readonly messages: number;
  readonly bareWsMessagesPerSecond: number;
  readonly bareWsMBps: number;
  readonly engineMessagesPerSecond: number;
  readonly engineMBps: number;
  readonly ratio: number;
  /** A bare ws client that keeps every payload, as a capture must: the ceiling for anything that retains. */
  readonly retainingWsMessagesPerSecond: number;
  readonly ratioVsRetaining: number;
}

async function measureCapture(server: FloodServer): Promise<CaptureRow[]> {
  const rows: CaptureRow[] = [];
  for (const flood of floods) {
    const bare: RateSample[] = [];
    const engine: RateSample[] = [];
    const ratios: number[] = [];
    const retaining: number[] = [];
    const retainingRatios: number[] = [];
    // One unmeasured round each, so JIT warm-up is not charged to whichever side runs first.
    await measureBareWs(server.url(flood), flood);
    await measureEngine(server.url(flood), flood);
    await measureBareWsRetaining(server.url(flood), flood);
    for (let run = 0; run < runs; run++) {
      // The retaining ceiling (a bare client that keeps every payload, as a capture must) runs first or last, by turns.
      const keepFirst = run % 2 === 1 ? await measureBareWsRetaining(server.url(flood), flood) : undefined;
      // Alternate the order so neither side always runs on a warmer machine.
      const first = run % 2 === 0;
      const a = first ? await measureBareWs(server.url(flood), flood) : await measureEngine(server.url(flood), flood);
      const b = first ? await measureEngine(server.url(flood), flood) : await measureBareWs(server.url(flood), flood);
      const [ws, ours] = first ? [a, b] : [b, a];
      bare.push(ws);
      engine.push(ours);
      ratios.push(ours.messagesPerSecond / ws.messagesPerSecond);
      const keep = keepFirst ?? (await measureBareWsRetaining(server.url(flood), flood));
      retaining.push(keep.messagesPerSecond);
      retainingRatios.push(ours.messagesPerSecond / keep.messagesPerSecond);
    }
    const row: CaptureRow = {
      flood: flood.label,
      messages: flood.n,
      bareWsMessagesPerSecond: Math.round(median(bare.map((s) => s.messagesPerSecond))),
      bareWsMBps: Math.round(median(bare.map((s) => s.megabytesPerSecond))),
      engineMessagesPerSecond: Math.round(median(engine.map((s) => s.messagesPerSecond))),
      engineMBps: Math.round(median(engine.map((s) => s.megabytesPerSecond))),
      ratio: Number(median(ratios).toFixed(3)),
      retainingWsMessagesPerSecond: Math.round(median(retaining)),
      ratioVsRetaining: Number(median(retainingRatios).toFixed(3)),
    };
    rows.push(row);
    log(`capture ${JSON.stringify(row)}`);
  }
  return rows;
}

interface AllocationRow {
  readonly flood: string;
  readonly messages: number;
  /** Medians over the runs, in bytes of JavaScript heap per received message. */
  readonly engineBytesPerMessage: number;
  readonly bareWsBytesPerMessage: number;
  /** The median run's biggest allocating functions of the engine, bytes per message. */
  readonly engineTop: ReadonlyArray<readonly [string, number]>;
  readonly bareWsTop: ReadonlyArray<readonly [string, number]>;
}

async function measureAllocation(server: FloodServer): Promise<AllocationRow> {
  const flood = allocationFlood;
  const engine: AllocationSample[] = [];
  const bare: AllocationSample[] = [];
  // One unmeasured round each, so code compiled lazily is not counted.
  await allocationOfEngine(server.url(flood), flood);
  await allocationOfBareWs(server.url(flood), flood);
  for (let run = 0; run < runs; run++) {
    engine.push(await allocationOfEngine(server.url(flood), flood));
    bare.push(await allocationOfBareWs(server.url(flood), flood));
    log(`alloc run ${run + 1}: engine ${engine[run].bytesPerMessage} B/msg, bare ws ${bare[run].bytesPerMessage} B/msg`);
  }
  const sorted = [...engine].sort((a, b) => a.bytesPerMessage - b.bytesPerMessage);
  const row: AllocationRow = {
    flood: flood.label,
    messages: flood.n,
    engineBytesPerMessage: median(engine.map((s) => s.bytesPerMessage)),
    bareWsBytesPerMessage: median(bare.map((s) => s.bytesPerMessage)),
    engineTop: sorted[Math.floor(sorted.length / 2)].top,
    bareWsTop: bare[0].top,
  };
  log(`alloc ${JSON.stringify(row)}`);
  return row;
}

async function packageSize(): Promise<number> {
  const { packageVsix } = (await import(pathToFileURL(join(root, 'scripts', 'package.mjs')).href)) as { packageVsix: (out?: string) => string };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const vsix = packageVsix(join(root, 'bench', 'results', 'bench.vsix'));
  return statSync(vsix).size;
}

function figuresOf(capture: CaptureRow[] | undefined, allocation: AllocationRow | undefined, filter: FilterBench | undefined, peers: PeerRow[] | undefined, vscode: VscodeBenchResults | undefined, vsixBytes: number | undefined, activation: ActivationBench | undefined): Figure[] {
  const figures: Figure[] = [];
  if (activation) {
    const { ours, baseline, ratioToBaseline } = activation;
    figures.push(
      { part: '7', figure: `activation, median of ${ours.runs} fresh hosts`, value: round1(ours.medianActivationMs), unit: 'ms', target: { op: '<=', value: 30 } },
      { part: '7', figure: 'activation: loading the code (median)', value: round1(ours.medianCodeLoadingMs), unit: 'ms' },
      { part: '7', figure: 'activation: activate() (median)', value: round1(ours.medianActivateCallMs), unit: 'ms' },
    );
    if (baseline && ratioToBaseline !== undefined) {
      figures.push(
        { part: '7', figure: 'baseline activation (median)', value: round1(baseline.medianActivationMs), unit: 'ms' },
        { part: '7', figure: 'baseline: loading the code (median)', value: round1(baseline.medianCodeLoadingMs), unit: 'ms' },
        { part: '7', figure: 'activation / baseline (median of pairs)', value: round2(ratioToBaseline), unit: 'ratio' },
      );
    }
  }
  for (const row of capture ?? []) {
    figures.push({ part: '1', figure: `bare ws, ${row.flood}`, value: row.bareWsMessagesPerSecond, unit: 'msg/s' });
    figures.push({ part: '1', figure: `bare ws, ${row.flood}`, value: row.bareWsMBps, unit: 'MB/s' });
    figures.push({ part: '2', figure: `engine, ${row.flood}`, value: row.engineMessagesPerSecond, unit: 'msg/s' });
    const target = captureTargets[row.flood];
    figures.push({ part: '2', figure: `engine / bare ws, ${row.flood}`, value: row.ratio, unit: 'ratio', target: target === undefined ? undefined : { op: '>=', value: target } });
    figures.push({ part: '2', figure: `engine / retaining ws, ${row.flood}`, value: row.ratioVsRetaining, unit: 'ratio' });
  }
  if (allocation) {
    figures.push({ part: '2', figure: `engine heap allocated, ${allocation.flood}`, value: allocation.engineBytesPerMessage, unit: 'B/msg' });
    figures.push({ part: '2', figure: `bare ws heap allocated, ${allocation.flood}`, value: allocation.bareWsBytesPerMessage, unit: 'B/msg' });
  }
  for (const timing of filter?.timings ?? []) {
    const text = timing.filter.text !== '' && !timing.filter.regex;
    figures.push({ part: '5', figure: `host filter, ${filter!.events} msgs: ${timing.label}`, value: round1(timing.medianMs), unit: 'ms', target: text ? { op: '<=', value: filter!.targetMs } : undefined });
  }
  if (filter) {
    const longest = Math.max(...filter.timings.map((t) => t.longestTurnMs));
    figures.push({ part: '5', figure: 'host filter: longest turn of the event loop while applying any of them', value: round1(longest), unit: 'ms' });
    for (const h of filter.hostile) {
      figures.push({ part: '5', figure: `host filter: longest turn, ${h.messages} messages slow to filter, read ${h.reads}`, value: round1(h.longestTurnMs), unit: 'ms' });
    }
  }
  for (const row of peers ?? []) {
    figures.push({ part: '4', figure: `engine / wscat, ${row.flood}`, value: row.engineToWscat, unit: 'ratio' });
    figures.push({ part: '4', figure: `engine / DevTools, ${row.flood}`, value: row.engineToDevtools, unit: 'ratio' });
  }
  const peer64 = peers?.find((row) => row.flood === '64 B text');
  if (peer64 && vscode?.display) {
    // Not measured in the same process run as the peers (the display needs VS Code), but in the same bench run.
    figures.push({ part: '4', figure: 'display / wscat, 64 B', value: round2(vscode.display.medianMessagesPerSecond / peer64.wscatMessagesPerSecond), unit: 'ratio' });
    figures.push({ part: '4', figure: 'display / DevTools, 64 B', value: round2(vscode.display.medianMessagesPerSecond / peer64.devtoolsMessagesPerSecond), unit: 'ratio' });
  }
  if (vscode) {
    const { activation: a, display: d, latency: l } = vscode;
    const s = vscode.scale as Record<string, number> | undefined;
    const c = vscode.cap as Record<string, number> | undefined;
    const i = vscode.idle as Record<string, number> | undefined;
    if (d) {
      figures.push(
        { part: '3', figure: 'display, 64 B, counter shows all', value: Math.round(d.medianMessagesPerSecond), unit: 'msg/s', target: { op: '>=', value: 100_000 } },
        { part: '3', figure: 'longest webview task during floods', value: round1(d.longestTaskMs), unit: 'ms', target: { op: '<=', value: 50 } },
      );
    }
    if (s) {
      figures.push(
        { part: '5', figure: `display, ${s.messages} msgs`, value: Math.round(s.displayMessagesPerSecond), unit: 'msg/s' },
        { part: '5', figure: `host heap growth, ${s.messages} msgs`, value: round1(s.hostHeapGrowthMB), unit: 'MB', target: { op: '<=', value: 250 } },
        { part: '5', figure: `host heap + external growth, ${s.messages} msgs`, value: round1(s.hostHeapGrowthMB + s.hostExternalGrowthMB), unit: 'MB' },
        { part: '5', figure: 'webview heap', value: round1(s.webviewHeapMB), unit: 'MB', target: { op: '<=', value: 150 } },
        { part: '5', figure: 'jump to the middle, to painted frame', value: round1(s.jumpMiddleMs), unit: 'ms', target: { op: '<=', value: 50 } },
        { part: '5', figure: 'jump to the end, to painted frame', value: round1(s.jumpEndMs), unit: 'ms', target: { op: '<=', value: 50 } },
        { part: '5', figure: `text filter over ${s.messages} (matches)`, value: round1(s.filterMatchingMs), unit: 'ms', target: { op: '<=', value: 300 } },
        { part: '5', figure: `text filter over ${s.messages} (no match)`, value: round1(s.filterNoMatchMs), unit: 'ms', target: { op: '<=', value: 300 } },
      );
    }
    if (c) {
      figures.push(
        { part: '5', figure: `display, ${c.messages} msgs, cap 64 MB`, value: Math.round(c.displayMessagesPerSecond), unit: 'msg/s' },
        { part: '5', figure: `store memory after ${c.messages} msgs, cap 64 MB`, value: round1(c.storeBytesInMemoryMB), unit: 'MB', target: { op: '<=', value: 64 } },
      );
    }
    if (l) {
      figures.push(
        { part: '6', figure: 'composer -> echo -> painted, p50', value: round1(l.p50Ms), unit: 'ms', target: { op: '<=', value: 15 } },
        { part: '6', figure: 'composer -> echo -> painted, p99', value: round1(l.p99Ms), unit: 'ms', target: { op: '<=', value: 50 } },
      );
    }
    figures.push({ part: '7', figure: 'activation (load code + activate())', value: round1(a.activationMs), unit: 'ms', target: { op: '<=', value: 30 } });
    if (i) {
      figures.push(
        { part: '7', figure: 'host CPU, 20 quiet sessions', value: round1(i.quietCpuPercent), unit: '% of a core' },
        { part: '7', figure: 'host CPU, no session (baseline)', value: round1(i.baselineCpuPercent), unit: '% of a core' },
      );
    }
  }
  if (vsixBytes !== undefined) figures.push({ part: '7', figure: '.vsix size', value: Math.round(vsixBytes / 1024), unit: 'KiB', target: { op: '<=', value: 600 } });
  return figures;
}

const round1 = (x: number): number => Math.round(x * 10) / 10;
const round2 = (x: number): number => Math.round(x * 100) / 100;

async function main(): Promise<void> {
  const started = Date.now();
  const server = await startFloodServer();
  let capture: CaptureRow[] | undefined;
  let allocation: AllocationRow | undefined;
  let vscode: VscodeBenchResults | undefined;
  let vsixBytes: number | undefined;
  let peers: PeerRow[] | undefined;
  let filter: FilterBench | undefined;
  let activation: ActivationBench | undefined;
  try {
    if (wanted('capture')) capture = await measureCapture(server);
    if (wanted('alloc')) allocation = await measureAllocation(server);
    // Part 5, the filter alone: 1,000,000 captured messages, the host-side scan timed in plain Node.
    if (wanted('filter')) filter = await measureFilter({ runs });
    // Part 4: Chromium's DevTools and wscat on the same floods (see peers.ts).
    if (wanted('peers')) peers = await runPeers(server, floods, runs, measureEngine);
    // Packaged first: the VS Code parts then run the production bundle that ships.
    if ((wanted('package') || wanted('vscode') || named('activation')) && !argv.includes('--no-package')) vsixBytes = await packageSize();
    if (named('activation')) activation = await measureActivation({ runs, baseline: option('--baseline'), log });
    if (wanted('vscode')) {
      const parts = option('--vscode-parts')?.split(',') as VscodePart[] | undefined;
      vscode = await runVscodeBench({ floodUrl: (flood) => server.url(flood), echoUrl: server.echoUrl, runs: Math.min(runs, 3), quick, parts, log });
    }
  } finally {
    server.stop();
  }
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, vscode: vscode?.vscodeVersion ?? activation?.vscodeVersion, date: new Date().toISOString() };
  const figures = figuresOf(capture, allocation, filter, peers, vscode, vsixBytes, activation);
  const seconds = Math.round((Date.now() - started) / 1000);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'latest.json'), `${JSON.stringify({ machine, runs, quick, seconds, figures: figures.map((f) => ({ ...f, met: met(f) })), capture, allocation, filter, peers, vscode, activation, vsixBytes }, null, 2)}\n`);
  if (filter) printFilter(filter);
  if (peers) printPeers(peers);
  printTable(figures);
  console.log(`\nmachine: ${JSON.stringify(machine)}\n${seconds} s; written: bench/results/latest.json`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
