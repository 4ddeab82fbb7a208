/**
 * Benchmark parts 1 and 2: the ceiling (a bare ws client counting messages) and the
 * capture rate of the session engine (session -> wire decoder -> event store) on the same floods,
 * with every message checked to be stored, in order. Run by scripts/bench/run.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import WebSocket from 'ws';
import { WebSocketSession } from '../../src/core/session';

export interface Flood {
  readonly label: string;
  readonly n: number;
  readonly size: number;
  readonly type: 'text' | 'binary';
}

export interface RateSample {
  readonly seconds: number;
  readonly messagesPerSecond: number;
  readonly megabytesPerSecond: number;
}

/** What the flood server prints when a &close=1 connection has ended (see floodServer.ts). */
export interface CloseReport {
  readonly url: string;
  readonly closeCode: number;
  readonly seconds: number;
}

export interface FloodServer {
  /**
   * A flood of `flood.n` messages; with `go`, it starts when the client sends its first message;
   * with `perSecond`, paced at that rate rather than as fast as the socket takes them.
   */
  url(flood: Flood & { readonly go?: boolean; readonly perSecond?: number }): string;
  /** Echoes every message back. */
  readonly echoUrl: string;
  /** Resolves when the &close=1 connection whose request path is `path` has ended. */
  closed(path: string): Promise<CloseReport>;
  /** The flood server's process. */
  readonly pid: number;
  stop(): void;
}

export async function startFloodServer(): Promise<FloodServer> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'floodServer.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  // The first line is the port; every later line is a CloseReport.
  const lines = createInterface({ input: child.stdout! });
  const reports = new Map<string, CloseReport>();
  const waiting = new Map<string, (report: CloseReport) => void>();
  const port = await new Promise<number>((resolve, reject) => {
    lines.once('line', (line) => resolve(Number(line.trim())));
    child.once('exit', (code) => reject(new Error(`flood server exited with ${code}`)));
  });
  lines.on('line', (line) => {
    const report = JSON.parse(line) as CloseReport;
    const resolve = waiting.get(report.url);
    if (resolve) {
      waiting.delete(report.url);
      resolve(report);
    } else {
      reports.set(report.url, report);
    }
  });
  return {
    url: (f) => `ws://127.0.0.1:${port}/?n=${f.n}&size=${f.size}&type=${f.type}${f.go ? '&go=1' : ''}${f.perSecond ? `&rate=${f.perSecond}` : ''}`,
    echoUrl: `ws://127.0.0.1:${port}/echo`,
    closed: (path) => {
      const report = reports.get(path);
      reports.delete(path);
      return report ? Promise.resolve(report) : new Promise((resolve) => waiting.set(path, resolve));
    },
    pid: child.pid!,
    stop: () => child.kill('SIGTERM'),
  };
}

export function rate(flood: Flood, nanoseconds: bigint): RateSample {
  const seconds = Number(nanoseconds) / 1e9;
  return { seconds, messagesPerSecond: flood.n / seconds, megabytesPerSecond: (flood.n * flood.size) / 1e6 / seconds };
}

/** A bare ws client: counts messages from open to the n-th, nothing else. */
export function measureBareWs(url: string, flood: Flood): Promise<RateSample> {
  return countWithBareWs(url, flood, false);
}

/**
 * The retaining ceiling: a bare ws client that also keeps every payload (as a capture must), in an
 * array. What it loses against measureBareWs is the cost of holding the data at all (fresh pages
 * for every payload, and the collector's work as external memory grows), which no engine avoids.
 */
export function measureBareWsRetaining(url: string, flood: Flood): Promise<RateSample> {
  return countWithBareWs(url, flood, true);
}

function countWithBareWs(url: string, flood: Flood, retain: boolean): Promise<RateSample> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    const kept: WebSocket.RawData[] = [];
    let count = 0;
    let started = 0n;
    ws.on('open', () => (started = process.hrtime.bigint()));
    ws.on('message', (data) => {
      if (retain) kept.push(data);
      if (++count === flood.n) {
        const elapsed = process.hrtime.bigint() - started;
        ws.terminate();
        resolve(rate(flood, elapsed));
      }
    });
    ws.on('error', reject);
  });
}

/** The engine: a session with its wire decoders and event store; checks afterwards that all n messages were stored in order. */
export function measureEngine(url: string, flood: Flood): Promise<RateSample> {
  return new Promise((resolve, reject) => {
    const session = new WebSocketSession({ url, maxPayloadBytes: 64 * 1024 * 1024, proxy: { env: {} }, store: { memoryCapBytes: 8 * 1024 * 1024 * 1024 } });
    let started = 0n;
    let count = 0;
    const kind = flood.type;
    session.onStateChange((state) => {
      if (state === 'open' && started === 0n) started = process.hrtime.bigint();
      if (state === 'closed' && count < flood.n) reject(new Error(`the session closed after ${count} of ${flood.n} messages`));
    });
    // Counting through the store's batched subscription is how the panel learns of new events too.
    session.store.subscribe(({ start, end }) => {
      for (let seq = start; seq < end; seq++) {
        const event = session.store.get(seq);
        if (event?.kind === kind && event.direction === 'received') count++;
      }
      if (count >= flood.n) {
        const elapsed = process.hrtime.bigint() - started;
        try {
          verifyOrder(session, flood);
          resolve(rate(flood, elapsed));
        } catch (err) {
          reject(err);
        } finally {
          session.dispose();
        }
      }
    });
    session.connect();
  });
}

/** Every message is in the store once, in the order it was sent, with its payload intact. */
function verifyOrder(session: WebSocketSession, flood: Flood): void {
  let expected = 0;
  for (const event of session.store.readRange(0, session.store.length)) {
    if (event.kind !== flood.type || event.direction !== 'received') continue;
    if (event.size !== flood.size) throw new Error(`message ${expected} has ${event.size} bytes, expected ${flood.size}`);
    if (flood.size >= 8 && event.payload) {
      const index = Number(event.payload.subarray(0, 8).toString('latin1'));
      if (index !== expected) throw new Error(`message ${expected} carries index ${index}: lost or reordered`);
    }
    expected++;
  }
  if (expected !== flood.n) throw new Error(`stored ${expected} of ${flood.n} messages`);
}
