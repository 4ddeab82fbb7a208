/**
 * Benchmark part 3: the timeline filter over a big session. A real session on 127.0.0.1
 * captures 1,000,000 text messages of 64 bytes (the same path as any capture: session -> wire
 * decoder -> event store), then the host-side view (src/core/timelineView) is timed filtering them:
 * a text that matches a few percent, a text that matches nothing, a regular expression, and
 * clearing the filter. Then a hostile case: while a regular expression is applied, a server sends
 * messages that take it milliseconds each, and the view is read as the panel reads it when rows
 * are logged. Run by scripts/bench/run.ts; `measureFilter` is its one entry point.
 */
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { WebSocketSession } from '../../src/core/session';
import { TimelineView } from '../../src/core/timelineView';
import { TAIL_ROWS } from '../../src/shared/protocol';
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
  readonly hostile: readonly HostileFlood[];
}

/** A flood of messages slow to filter, logged while the filter is applied. */
export interface HostileFlood {
  /** When the view is read: as rows are logged (a panel on screen), or once after the flood (a panel shown later, a row request). */
  readonly reads: 'as logged' | 'after';
  readonly messages: number;
  readonly bytes: number;
  readonly filter: RowFilter;
  /** Longest stretch in which the event loop could not turn, from the first read until the view had scanned every message. */
  readonly longestTurnMs: number;
  /** Most CPU time used within one such stretch: the part of it the filter's work accounts for, on a busy machine. */
  readonly longestTurnCpuMs: number;
  /** From the first read (connecting, when read as logged) until the view had scanned every message. */
  readonly caughtUpMs: number;
  readonly matches: number;
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
function startServer(n: number, payload: (i: number) => Buffer = payloadOf): Promise<{ url: string; close: () => void }> {
  return new Promise((resolve) => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
    wss.on('connection', (ws: WebSocket) => {
      let i = 0;
      const pump = (): void => {
        while (i < n && ws.bufferedAmount < 1024 * 1024) ws.send(payload(i++), { binary: false });
        // The close frame goes after the last message, so "closed" means every message is in the log.
        if (i < n) setImmediate(pump);
        else ws.close(1000, 'done');
      };
      pump();
    });
    wss.on('listening', () => resolve({ url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/`, close: () => wss.close() }));
  });
}

/** Captures `n` messages into a real session and resolves once all are in its store; `prepare` sees the session before it connects. */
async function fill(n: number, payload?: (i: number) => Buffer, prepare?: (session: WebSocketSession) => void): Promise<WebSocketSession> {
  const server = await startServer(n, payload);
  const session = new WebSocketSession({ url: server.url, proxy: { env: {} }, perMessageDeflate: false });
  prepare?.(session);
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

/** Milliseconds of CPU the process has used (all its threads). */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/**
 * Times the gaps between turns of the event loop (a setImmediate chain) until stopped; `stop`
 * returns the longest, and `stopWithCpu` also the most CPU time the process used within one gap
 * (on a busy machine a gap can be long with little work in it: the process was not scheduled).
 */
function turnProbe(): { stop(): number; stopWithCpu(): { longestMs: number; longestCpuMs: number } } {
  let last = performance.now();
  let lastCpu = cpuMs();
  let longest = 0;
  let longestCpu = 0;
  let running = true;
  const tick = (): void => {
    const now = performance.now();
    const cpu = cpuMs();
    longest = Math.max(longest, now - last);
    longestCpu = Math.max(longestCpu, cpu - lastCpu);
    last = now;
    lastCpu = cpu;
    if (running) setImmediate(tick);
  };
  setImmediate(tick);
  const stopWithCpu = (): { longestMs: number; longestCpuMs: number } => {
    running = false;
    return { longestMs: Math.max(longest, performance.now() - last), longestCpuMs: Math.max(longestCpu, cpuMs() - lastCpu) };
  };
  return { stop: () => stopWithCpu().longestMs, stopWithCpu };
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
  const hostile = [await measureHostileFlood('as logged'), await measureHostileFlood('after')];
  return { events: received, payloadBytes: PAYLOAD_BYTES, runs, fillSeconds: Number(fillSeconds.toFixed(1)), targetMs: 300, timings, hostile };
}

const HOSTILE_MESSAGES = 1000;
/** Runs to the end of the text from every "error" and back, looking for "timeout": quadratic in the text. */
const HOSTILE_FILTER: RowFilter = { ...NO_FILTER, regex: true, text: 'error.*timeout' };

/** 6 to 8 KB of "error " repeated: /error.*timeout/ takes milliseconds on each. One in 50 ends in "timeout". */
function hostilePayload(i: number): Buffer {
  return Buffer.from(`${'error '.repeat(1000 + (i % 3) * 170)}${i % 50 === 0 ? 'timeout' : ''}`, 'latin1');
}

/**
 * The filter is applied to an empty view, then a server sends HOSTILE_MESSAGES messages slow to
 * filter. The view is read as the panel's channel reads it: its state and new rows each time rows
 * are logged (`as logged`), or once the flood is in (`after`: the snapshot of a panel shown later),
 * and each time its scan lets more rows in on a later turn.
 */
async function measureHostileFlood(reads: HostileFlood['reads']): Promise<HostileFlood> {
  let view: TimelineView | undefined;
  let sentUpTo = 0;
  const flush = (): void => {
    const state = view!.state();
    if (state.viewCount <= sentUpTo) return;
    view!.rows(Math.max(sentUpTo, state.viewCount - TAIL_ROWS), state.viewCount);
    sentUpTo = state.viewCount;
  };
  let probe = turnProbe();
  let started = performance.now();
  const session = await fill(HOSTILE_MESSAGES, hostilePayload, (s) => {
    view = new TimelineView(s.store, undefined, { onRowsScanned: flush });
    view.setFilter(HOSTILE_FILTER);
    if (reads === 'as logged') s.store.subscribe(flush);
  });
  if (reads === 'after') {
    probe.stop();
    probe = turnProbe();
    started = performance.now();
  }
  flush();
  await view!.catchUpInSlices();
  flush();
  const caughtUpMs = performance.now() - started;
  const { longestMs, longestCpuMs } = probe.stopWithCpu();
  const matches = view!.state().viewCount;
  session.dispose();
  const expected = Math.ceil(HOSTILE_MESSAGES / 50);
  if (matches !== expected) throw new Error(`the hostile flood passed ${matches} rows, expected ${expected}`);
  let bytes = 0;
  for (let i = 0; i < HOSTILE_MESSAGES; i++) bytes += hostilePayload(i).length;
  const round = (ms: number): number => Number(ms.toFixed(1));
  return { reads, messages: HOSTILE_MESSAGES, bytes, filter: HOSTILE_FILTER, longestTurnMs: round(longestMs), longestTurnCpuMs: round(longestCpuMs), caughtUpMs: round(caughtUpMs), matches };
}

/** The table run.ts prints. */
export function printFilter(bench: FilterBench): void {
  console.log(`\nFilter over ${bench.events} events of ${bench.payloadBytes} B (median of ${bench.runs} runs, the slow regex once; target for text: <= ${bench.targetMs} ms)`);
  for (const t of bench.timings) {
    const verdict = t.label.startsWith('text') ? (t.medianMs <= bench.targetMs ? 'met' : 'MISSED') : '';
    console.log(`${t.label.padEnd(22)} ${String(t.medianMs).padStart(8)} ms  ${String(t.matches).padStart(8)} rows  longest turn ${String(t.longestTurnMs).padStart(6)} ms  ${verdict}`);
  }
  for (const h of bench.hostile) {
    console.log(`hostile flood, read ${h.reads.padEnd(9)}: ${h.messages} messages (${(h.bytes / 1e6).toFixed(1)} MB) under /${h.filter.text}/ scanned in ${h.caughtUpMs} ms, ${h.matches} rows, longest turn ${h.longestTurnMs} ms (${h.longestTurnCpuMs} ms of CPU)`);
  }
}
