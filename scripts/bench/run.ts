/**
 * `npm run bench`: timing figures that do not belong in `npm test`. Each figure is the median of
 * several runs, and each comparison a ratio measured in the same run, because these machines are
 * noisy. Writes bench/results/latest.json and prints a table.
 *   node out/scripts/bench/run.js [--runs 5] [--quick]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { measureBareWs, measureBareWsRetaining, measureEngine, startFloodServer, type Flood, type RateSample } from './capture';
import { measureFilter, printFilter } from './filter';

const root = join(__dirname, '..', '..', '..');
const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1]) || 5;
const quick = argv.includes('--quick');

const floods: Flood[] = [
  { label: '64 B text', n: quick ? 50_000 : 500_000, size: 64, type: 'text' },
  { label: '64 KiB binary', n: quick ? 500 : 5_000, size: 64 * 1024, type: 'binary' },
  { label: '4 MiB binary', n: quick ? 20 : 200, size: 4 * 1024 * 1024, type: 'binary' },
];
/** Capture targets of issue 5, as a share of the bare ws ceiling. */
const targets: Record<string, number> = { '64 B text': 0.7, '64 KiB binary': 0.9 };

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

async function main(): Promise<void> {
  const server = await startFloodServer();
  const results: Array<Record<string, unknown>> = [];
  try {
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
        // The retaining ceiling (a bare client that keeps every payload) runs first or last, by turns.
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
      const row = {
        flood: flood.label,
        messages: flood.n,
        bareWsMessagesPerSecond: Math.round(median(bare.map((s) => s.messagesPerSecond))),
        bareWsMBps: Math.round(median(bare.map((s) => s.megabytesPerSecond))),
        engineMessagesPerSecond: Math.round(median(engine.map((s) => s.messagesPerSecond))),
        engineMBps: Math.round(median(engine.map((s) => s.megabytesPerSecond))),
        ratio: Number(median(ratios).toFixed(3)),
        retainingWsMessagesPerSecond: Math.round(median(retaining)),
        ratioVsRetaining: Number(median(retainingRatios).toFixed(3)),
        target: targets[flood.label] ?? null,
        met: targets[flood.label] === undefined ? null : median(ratios) >= targets[flood.label],
        runs,
      };
      results.push(row);
      console.log(JSON.stringify(row));
    }
  } finally {
    server.stop();
  }
  const filter = await measureFilter({ runs });
  const machine = { cores: cpus().length, cpu: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version, date: new Date().toISOString() };
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', 'latest.json'), `${JSON.stringify({ machine, capture: results, filter }, null, 2)}\n`);
  console.log('\nCapture (median of %d runs; ratio = engine / bare ws, per run, then median)', runs);
  console.log('flood           bare ws msg/s   MB/s   engine msg/s   MB/s   ratio  target       (retaining ws msg/s, engine / it)');
  for (const r of results) {
    console.log(
      `${String(r.flood).padEnd(15)} ${String(r.bareWsMessagesPerSecond).padStart(13)} ${String(r.bareWsMBps).padStart(6)} ${String(r.engineMessagesPerSecond).padStart(14)} ${String(r.engineMBps).padStart(6)} ${String(r.ratio).padStart(7)}  ${(r.target === null ? '-' : `${r.target} ${r.met ? 'met' : 'MISSED'}`).padEnd(11)}  (${r.retainingWsMessagesPerSecond}, ${r.ratioVsRetaining})`,
    );
  }
  printFilter(filter);
  console.log(`\nmachine: ${JSON.stringify(machine)}\nwritten: bench/results/latest.json`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
