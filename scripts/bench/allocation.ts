/**
 * Bytes of JavaScript heap the extension host allocates per received message: the session engine
 * (tap -> wire decoder -> session -> event store) and, for comparison, a bare ws client, on the same
 * flood. Every young-generation collection of the load test's saturated host is paid for in these
 * bytes, so they are counted rather than timed: V8's sampling heap profiler, keeping the samples of
 * objects already collected, attributes each sampled allocation to the function that made it.
 * Run by scripts/bench/run.ts (`--only alloc`); the flood server is a process of its own, so its
 * allocations are not counted.
 */
import { Session } from 'node:inspector';
import WebSocket from 'ws';
import { WebSocketSession } from '../../src/core/session';
import type { Flood } from './capture';

/** One profiled flood: bytes per message, and the biggest allocating functions. */
export interface AllocationSample {
  readonly bytesPerMessage: number;
  /** "function file:line" -> bytes per message, largest first (the first few). */
  readonly top: ReadonlyArray<readonly [string, number]>;
}

/** Small enough that a flood of 200,000 messages yields hundreds of thousands of samples. */
const SAMPLING_INTERVAL_BYTES = 256;

interface SamplingHeapProfileNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: SamplingHeapProfileNode[];
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))));
}

/** Runs `flood` under the sampling heap profiler; `run` resolves once all its messages are in. */
async function profiled(flood: Flood, run: () => Promise<void>): Promise<AllocationSample> {
  const inspector = new Session();
  inspector.connect();
  try {
    await post(inspector, 'HeapProfiler.enable');
    await post(inspector, 'HeapProfiler.startSampling', {
      samplingInterval: SAMPLING_INTERVAL_BYTES,
      // Without these the profile lists only what is still alive at the end; a message's garbage is what matters here.
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
    await run();
    const { profile } = await post<{ profile: { head: SamplingHeapProfileNode } }>(inspector, 'HeapProfiler.stopSampling');
    const bySite = new Map<string, number>();
    let total = 0;
    const walk = (node: SamplingHeapProfileNode): void => {
      total += node.selfSize;
      if (node.selfSize > 0) {
        const { functionName, url, lineNumber } = node.callFrame;
        const site = `${functionName || '(anonymous)'} ${url.replace(/^.*[\\/](node_modules[\\/])?/, '')}:${lineNumber + 1}`;
        bySite.set(site, (bySite.get(site) ?? 0) + node.selfSize);
      }
      for (const child of node.children) walk(child);
    };
    walk(profile.head);
    const top = [...bySite]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([site, bytes]) => [site, Math.round(bytes / flood.n)] as const);
    return { bytesPerMessage: Math.round(total / flood.n), top };
  } finally {
    await post(inspector, 'HeapProfiler.disable').catch(() => undefined);
    inspector.disconnect();
  }
}

/** The engine on `url`: resolves once the store holds all `flood.n` received messages, then checks they are all there, in order, byte for byte. */
export function allocationOfEngine(url: string, flood: Flood): Promise<AllocationSample> {
  const session = new WebSocketSession({ url, maxPayloadBytes: 64 * 1024 * 1024, proxy: { env: {} }, store: { memoryCapBytes: 8 * 1024 * 1024 * 1024 } });
  let count = 0;
  // Counted with scan(), which builds no event object: reading events back is the panel's cost, not the receive path's.
  const countReceived = (_seq: number, kind: string, direction: string): void => {
    if (kind === flood.type && direction === 'received') count++;
  };
  const sample = profiled(flood, () => {
    return new Promise<void>((resolve, reject) => {
      session.onStateChange((state) => {
        if (state === 'closed' && count < flood.n) reject(new Error(`the session closed after ${count} of ${flood.n} messages`));
      });
      const unsubscribe = session.store.subscribe(({ start, end }) => {
        session.store.scan(start, end, countReceived);
        if (count >= flood.n) {
          unsubscribe();
          resolve();
        }
      });
      session.connect();
    });
  });
  return sample.then(
    (result) => {
      try {
        verifyStored(session, flood);
      } finally {
        void session.dispose();
      }
      return result;
    },
    (err: unknown) => {
      void session.dispose();
      throw err;
    },
  );
}

/** A bare ws client counting messages: what ws itself allocates per message, for comparison. */
export function allocationOfBareWs(url: string, flood: Flood): Promise<AllocationSample> {
  return profiled(flood, () => {
    return new Promise<void>((resolve, reject) => {
      const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
      let count = 0;
      ws.on('message', () => {
        if (++count === flood.n) {
          ws.terminate();
          resolve();
        }
      });
      ws.on('error', reject);
    });
  });
}

/** Every message in the store once, in order, with the flood server's exact bytes (see floodServer.ts) and its one frame. */
function verifyStored(session: WebSocketSession, flood: Flood): void {
  const filler = flood.type === 'binary' ? 0xab : 0x61;
  const digits = Math.min(8, flood.size);
  let expected = 0;
  for (let seq = 0; seq < session.store.length; seq++) {
    const event = session.store.get(seq)!;
    if (event.kind !== flood.type || event.direction !== 'received') continue;
    const payload = event.payload;
    if (!payload || payload.length !== flood.size) throw new Error(`message ${expected} has ${payload?.length} bytes, expected ${flood.size}`);
    const index = String(expected).padStart(8, '0').slice(-digits);
    if (payload.toString('latin1', 0, digits) !== index) throw new Error(`message ${expected} starts with ${payload.toString('latin1', 0, digits)}: lost or reordered`);
    for (let i = digits; i < payload.length; i++) {
      if (payload[i] !== filler) throw new Error(`message ${expected}: byte ${i} is ${payload[i]}`);
    }
    const frame = event.wire?.frames[0];
    if (event.wire?.frameCount !== 1 || !frame || !frame.fin || frame.masked || frame.payloadLength !== flood.size) {
      throw new Error(`message ${expected}: unexpected wire detail ${JSON.stringify(event.wire)}`);
    }
    expected++;
  }
  if (expected !== flood.n) throw new Error(`stored ${expected} of ${flood.n} messages`);
}
