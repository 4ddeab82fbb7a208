/**
 * Benchmark part 3 (issue 5): the timeline filter over a big session. A real session on 127.0.0.1
 * captures 1,000,000 text messages of 64 bytes (the same path as any capture: session -> wire
 * decoder -> event store), then the host-side view (src/core/timelineView) is timed filtering them:
 * a text that matches a few percent, a text that matches nothing, a regular expression, and
 * clearing the filter. Run by scripts/bench/run.ts; `measureFilter` is its one entry point.
 */
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { WebSocketSession } from '../../src/core/session';
import { TimelineView } from '../../src/core/timelineView';
import { NO_FILTER, type RowFilter } from '../../src/shared/rowFilter';

export interface FilterTiming {
  readonly label: string;
  readonly filter: RowFilter;
  /** Median milliseconds from setFilter to the view's new state, scanned in slices as the panel does before it answers the webview. */
  readonly medianMs: number;
  readonly allMs: readonly number[];
  /** Rows that passed. */
  readonly matches: number;
  /**
   * Longest stretch, in milliseconds, in which the event loop could not turn while the filter was
   * applied (the longest of all runs): what a command or a socket waits at worst meanwhile.
   */
  readonly longestTurnMs: number;
}

export interface FilterBench {
  readonly events: number;
  readonly payloadBytes: number;
  readonly runs: number;
  readonly fillSeconds: number;
  /** The target for the text filters, in milliseconds. */
  readonly targetMs: number;
  readonly timings: readonly FilterTiming[];
}

const PAYLOAD_BYTES = 64;
/** One message in this many is an order fill; the rest are price ticks. */
const FILL_EVERY = 25;

/** 64 bytes of JSON-like text; every FILL_EVERY-th one is a "fill", the rest "tick"s. */
function payloadOf(i: number): Buffer {
  const kind = i % FILL_EVERY === 0 ? 'Fill' : 'tick';
  const body = `{"i":${String(i).padStart(8, '0')},"type":"${kind}","px":${(100 + (i % 997) / 100).toFixed(2)}`;
  return Buffer.from(`${body.padEnd(PAYLOAD_BYTES - 1, ' ')}}`, 'latin1');
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Serves `n` messages to whoever connects, as fast as the socket takes them. */
function startServer(n: number): Promise<{ url: string; close: () => void }> {
  return new Promise((resolve) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    wss.on('connection', (ws: WebSocket) => {
      let i = 0;
      const pump = (): void => {
        while (i < n && ws.bufferedAmount < 1024 * 1024) ws.send(payloadOf(i++), { binary: false });
        // The close frame goes after the last message, so "closed" means every message is in the log.
        if (i < n) setImmediate(pump);
        else ws.close(1000, 'done');
      };
      pump();
    });
    wss.on('listening', () => resolve({ url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`, close: () => wss.close() }));
  });
}

/** Captures `n` messages into a real session and resolves once all are in its store. */
async function fill(n: number): Promise<WebSocketSession> {
  const server = await startServer(n);
  const session = new WebSocketSession({ url: server.url, proxy: { env: {} }, perMessageDeflate: false });
  try {
    await new Promise<void>((resolve) => {
      session.onStateChange((state) => {
        if (state === 'closed') resolve();
      });
      session.connect();
    });
  } finally {
    server.close();
  }
  return session;
}

/** Times the gaps between turns of the event loop (a setImmediate chain) until stopped; returns the longest. */
function turnProbe(): { stop(): number } {
  let last = performance.now();
  let longest = 0;
  let running = true;
  const tick = (): void => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  return {
    stop: () => {
      running = false;
      return Math.max(longest, performance.now() - last);
    },
  };
}

export async function measureFilter(options: { events?: number; runs?: number } = {}): Promise<FilterBench> {
  const events = options.events ?? 1_000_000;
  const runs = options.runs ?? 5;
  const started = process.hrtime.bigint();
  const session = await fill(events);
  const fillSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  let received = 0;
  for (let seq = 0; seq < session.store.length; seq++) if (session.store.get(seq)?.kind === 'text') received++;
  if (received !== events) throw new Error(`the session logged ${received} of ${events} text messages`);
  const base = { regex: false, directions: NO_FILTER.directions, kinds: NO_FILTER.kinds };
  const cases: Array<{ label: string; filter: RowFilter; expected?: number; before?: RowFilter; runs?: number }> = [
    { label: 'text, matches 4%', filter: { ...base, text: 'FILL' }, expected: Math.ceil(events / FILL_EVERY) },
    { label: 'text, matches none', filter: { ...base, text: 'no such order' }, expected: 0 },
    { label: 'regex', filter: { ...base, regex: true, text: '"type":"fill",.*px":10\\d\\.00' } },
    // Backtracks over every comma-separated field of every payload (some 5 µs a text, not
    // catastrophic): seconds in all, applied in slices that must each stay short. Run once.
    { label: 'slow regex', filter: { ...base, regex: true, text: '([^,]+,)*zz' }, expected: 0, runs: 1 },
    { label: 'clear the filter', filter: NO_FILTER, before: { ...base, text: 'FILL' } },
  ];
  const timings: FilterTiming[] = [];
  for (const c of cases) {
    const allMs: number[] = [];
    let matches = 0;
    let longestTurnMs = 0;
    for (let run = 0; run < (c.runs ?? runs); run++) {
      const view = new TimelineView(session.store);
      if (c.before) {
        view.setFilter(c.before);
        await view.catchUpInSlices();
      }
      // What the panel's setFilter handler does before it answers: the scan in slices, then the view's state.
      const probe = turnProbe();
      const t0 = process.hrtime.bigint();
      view.setFilter(c.filter);
      await view.catchUpInSlices();
      matches = view.state().viewCount;
      allMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      longestTurnMs = Math.max(longestTurnMs, probe.stop());
    }
    if (c.expected !== undefined && matches !== c.expected) throw new Error(`filter "${c.label}" passed ${matches} rows, expected ${c.expected}`);
    timings.push({ label: c.label, filter: c.filter, medianMs: Number(median(allMs).toFixed(1)), allMs: allMs.map((ms) => Number(ms.toFixed(1))), matches, longestTurnMs: Number(longestTurnMs.toFixed(1)) });
  }
  session.dispose();
  return { events: received, payloadBytes: PAYLOAD_BYTES, runs, fillSeconds: Number(fillSeconds.toFixed(1)), targetMs: 300, timings };
}

/** The table run.ts prints. */
export function printFilter(bench: FilterBench): void {
  console.log(`\nFilter over ${bench.events} events of ${bench.payloadBytes} B (median of ${bench.runs} runs, the slow regex once; target for text: <= ${bench.targetMs} ms)`);
  for (const t of bench.timings) {
    const verdict = t.label.startsWith('text') ? (t.medianMs <= bench.targetMs ? 'met' : 'MISSED') : '';
    console.log(`${t.label.padEnd(22)} ${String(t.medianMs).padStart(8)} ms  ${String(t.matches).padStart(8)} rows  longest turn ${String(t.longestTurnMs).padStart(6)} ms  ${verdict}`);
  }
}
