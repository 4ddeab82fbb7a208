/**
 * Benchmark part 4: peers in the same run. Chromium's DevTools capture (a page in headless
 * Chromium opens the socket while a DevTools-protocol client with Network.enable counts
 * Network.webSocketFrameReceived) and wscat with its output sent to /dev/null, each measured in the
 * same rounds as the engine, in rotating order, so every ratio is measured in one run. The floods
 * are the bench's, with fewer messages (see PEER_FLOODS).
 */
import { spawn } from 'node:child_process';
import { closeSync, createReadStream, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../../test/fixtures/chromium';
import { rate, type Flood, type FloodServer, type RateSample } from './capture';
import { median } from './stats';

/** One headless Chromium for every DevTools run; each run gets a fresh page. */
let chromium: Promise<Browser> | undefined;

/**
 * DevTools: timed as the CDP client sees it, from Network.webSocketHandshakeResponseReceived (the
 * counterpart of 'open' for the engine and bare ws) to the n-th data frame event. Every event is
 * checked to carry the whole payload with the expected index, so a truncated or dropped frame fails.
 */
export async function measureDevTools(url: string, flood: Flood): Promise<RateSample> {
  chromium ??= launchChromium();
  const page = await (await chromium).newPage();
  try {
    const cdp = await page.context().newCDPSession(page);
    const elapsed = new Promise<bigint>((resolve, reject) => {
      let started = 0n;
      let count = 0;
      cdp.on('Network.webSocketHandshakeResponseReceived', () => (started = process.hrtime.bigint()));
      cdp.on('Network.webSocketFrameReceived', ({ response }) => {
        if (response.opcode !== 1 && response.opcode !== 2) return;
        const problem = devToolsFrameProblem(response.payloadData, flood, count);
        if (problem) reject(new Error(`DevTools frame ${count}: ${problem}`));
        if (started === 0n) reject(new Error('a frame event came before the handshake response event'));
        if (++count === flood.n) resolve(process.hrtime.bigint() - started);
      });
      cdp.on('Network.webSocketClosed', () => reject(new Error(`the page's socket closed after ${count} of ${flood.n} frame events`)));
    });
    elapsed.catch(() => undefined); // It may fail while the awaits below are pending; the await at the end reports it.
    await cdp.send('Network.enable');
    // Evaluated as text: this file is compiled without the DOM lib. arraybuffer spares the page a Blob per message.
    await page.evaluate(`globalThis.flood = new WebSocket(${JSON.stringify(url)}); globalThis.flood.binaryType = 'arraybuffer';`);
    return rate(flood, await elapsed);
  } finally {
    await page.close();
  }
}

/** Text frames arrive as the text, binary ones as base64; both must be whole and in order. */
function devToolsFrameProblem(payloadData: string, flood: Flood, expected: number): string | undefined {
  const binary = flood.type === 'binary';
  const length = binary ? Buffer.byteLength(payloadData, 'base64') : payloadData.length;
  if (length !== flood.size) return `${length} bytes, expected ${flood.size}`;
  const head = binary ? Buffer.from(payloadData.slice(0, 12), 'base64').toString('latin1') : payloadData;
  const index = Number(head.slice(0, 8));
  return index === expected ? undefined : `carries index ${index}`;
}

const WSCAT = require.resolve('wscat/bin/wscat');
let wscatRun = 0;

/**
 * wscat -c URL with stdout on /dev/null, as the issue asks. It cannot be instrumented, so the flood
 * server times it: from 'connection' until wscat answers the close sent after the n-th message,
 * which a client does only after reading every message before it. wscat exits when its stdin ends,
 * so stdin is a pipe held open until it is done.
 * With countLinesIn, stdout goes to that file instead and must hold one line per message (the
 * payloads hold no newline). A file, not a pipe: wscat calls process.exit() on close, which drops
 * whatever it has still queued for a pipe, while writes to a file (or /dev/null) are synchronous.
 */
export async function measureWscat(url: string, flood: Flood, server: FloodServer, countLinesIn?: string): Promise<RateSample> {
  const closeUrl = `${url}&close=1&run=${++wscatRun}`;
  const { pathname, search } = new URL(closeUrl);
  const stdout = openSync(countLinesIn ?? '/dev/null', 'w');
  const child = spawn(process.execPath, [WSCAT, '-c', closeUrl], { stdio: ['pipe', stdout, 'pipe'] });
  closeSync(stdout);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timeout = setTimeout(() => child.kill('SIGTERM'), 180_000);
  try {
    const exitCode = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (exitCode !== 0) throw new Error(`wscat exited with ${exitCode}: ${stderr.trim()}`);
    const report = await server.closed(pathname + search);
    if (report.closeCode !== 1000) throw new Error(`wscat closed with ${report.closeCode}, expected 1000`);
    if (countLinesIn) {
      const lines = await countNewlines(countLinesIn);
      if (lines !== flood.n) throw new Error(`wscat printed ${lines} of ${flood.n} messages`);
    }
    return rate(flood, BigInt(Math.round(report.seconds * 1e9)));
  } finally {
    clearTimeout(timeout);
    child.stdin?.end();
  }
}

async function countNewlines(path: string): Promise<number> {
  let lines = 0;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) lines++;
  }
  return lines;
}

/**
 * Message counts a peer finishes in a few seconds; the bench's floods would take minutes.
 * `messages`, for the engine and wscat, is long enough that the engine's run is not all start-up
 * (wscat's UTF-8 printing of binary payloads is what limits it). `devtools` is smaller: DevTools
 * takes about 0.2 ms per 64 B message and over a second per 4 MiB one (its own event timestamps
 * put the bottleneck in Chromium, not in the CDP client).
 */
const PEER_FLOODS = new Map<number, { messages: number; devtools: number }>([
  [64, { messages: 100_000, devtools: 20_000 }],
  [64 * 1024, { messages: 1_000, devtools: 300 }],
  [4 * 1024 * 1024, { messages: 10, devtools: 4 }],
]);

/** At most this many measured rounds: a round of all three sides on all floods takes 15-35 s on a busy 2-core machine. */
const MAX_RUNS = 3;

export interface PeerRow {
  readonly flood: string;
  /** Messages per engine and wscat run. */
  readonly messages: number;
  /** Messages per DevTools run. */
  readonly devtoolsMessages: number;
  /** Why a count is less than the bench's flood, if it is. */
  readonly note: string | null;
  readonly devtoolsMessagesPerSecond: number;
  readonly wscatMessagesPerSecond: number;
  readonly engineMessagesPerSecond: number;
  /** Medians of the per-run ratios engine / peer. */
  readonly engineToDevtools: number;
  readonly engineToWscat: number;
  readonly runs: number;
}

type Measure = (url: string, flood: Flood) => Promise<RateSample>;
type Side = 'engine' | 'devtools' | 'wscat';

/**
 * Part 4: per flood, one unmeasured round, then `runs` (at most MAX_RUNS) rounds of engine, DevTools
 * and wscat, the order rotating each round.
 */
export async function runPeers(server: FloodServer, floods: readonly Flood[], benchRuns: number, measureEngine: Measure): Promise<PeerRow[]> {
  const runs = Math.min(benchRuns, MAX_RUNS);
  const started = Date.now();
  const rows: PeerRow[] = [];
  const scratch = mkdtempSync(join(tmpdir(), 'bench-wscat-'));
  try {
    for (const benchFlood of floods) {
      const counts = PEER_FLOODS.get(benchFlood.size) ?? { messages: benchFlood.n, devtools: benchFlood.n };
      const flood = { ...benchFlood, n: Math.min(benchFlood.n, counts.messages) };
      const devtoolsFlood = { ...benchFlood, n: Math.min(benchFlood.n, counts.devtools) };
      // The unmeasured round also proves wscat prints every message (see measureWscat).
      await measureEngine(server.url(flood), flood);
      await measureDevTools(server.url(devtoolsFlood), devtoolsFlood);
      await measureWscat(server.url(flood), flood, server, join(scratch, 'stdout'));
      const sides: Record<Side, () => Promise<RateSample>> = {
        engine: () => measureEngine(server.url(flood), flood),
        devtools: () => measureDevTools(server.url(devtoolsFlood), devtoolsFlood),
        wscat: () => measureWscat(server.url(flood), flood, server),
      };
      const order: Side[] = ['engine', 'devtools', 'wscat'];
      const rates: Record<Side, number[]> = { engine: [], devtools: [], wscat: [] };
      for (let run = 0; run < runs; run++) {
        for (let i = 0; i < order.length; i++) {
          const side = order[(run + i) % order.length];
          rates[side].push((await sides[side]()).messagesPerSecond);
        }
      }
      const ratio = (peer: Side): number => median(rates.engine.map((engine, run) => engine / rates[peer][run]));
      const row: PeerRow = {
        flood: benchFlood.label,
        messages: flood.n,
        devtoolsMessages: devtoolsFlood.n,
        note: devtoolsFlood.n < benchFlood.n ? `of the bench's ${benchFlood.n} messages, ${flood.n} per engine and wscat run, ${devtoolsFlood.n} per DevTools run, so that each run takes seconds` : null,
        devtoolsMessagesPerSecond: significant(median(rates.devtools)),
        wscatMessagesPerSecond: significant(median(rates.wscat)),
        engineMessagesPerSecond: significant(median(rates.engine)),
        engineToDevtools: significant(ratio('devtools')),
        engineToWscat: significant(ratio('wscat')),
        runs,
      };
      rows.push(row);
      console.log(JSON.stringify(row));
    }
    console.log(`peers: ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    if (chromium) await (await chromium).close();
    chromium = undefined;
  }
  return rows;
}

export function printPeers(rows: readonly PeerRow[]): void {
  console.log('\nPeers (median of %d runs, at most %d to keep the bench short; ratio = engine / peer, per run, then median; the engine runs on the first message count)', rows[0]?.runs ?? 0, MAX_RUNS);
  console.log('flood           messages  engine msg/s  wscat msg/s   ratio  messages  DevTools msg/s   ratio');
  for (const r of rows) {
    console.log(
      `${r.flood.padEnd(15)} ${String(r.messages).padStart(8)} ${String(r.engineMessagesPerSecond).padStart(13)} ${String(r.wscatMessagesPerSecond).padStart(12)} ${String(r.engineToWscat).padStart(7)} ${String(r.devtoolsMessages).padStart(9)} ${String(r.devtoolsMessagesPerSecond).padStart(15)} ${String(r.engineToDevtools).padStart(7)}`,
    );
  }
  for (const r of rows) if (r.note) console.log(`${r.flood}: ${r.note}`);
}


/** Three significant digits: DevTools manages under one 4 MiB message a second. */
const significant = (value: number): number => Number(value.toPrecision(3));
