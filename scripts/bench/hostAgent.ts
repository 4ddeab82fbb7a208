/**
 * The extension-host half of the VS Code benchmark (`npm run bench`, parts 3, 5, 6 and 7): loaded
 * by VS Code as `extensionTestsPath`, so `run()` executes inside the real extension host next to
 * the extension. It connects back to the benchmark driver (scripts/bench/vscodeBench.ts) over a
 * WebSocket on 127.0.0.1 and carries out its commands: activate the extension and time it, open
 * sessions through the extension's own registry, read heap and CPU figures of this process, and
 * count what the session stores. The driver times what the webview shows, through Chromium.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as inspector from 'node:inspector';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import WebSocket from 'ws';
import type { WsInspectorTestApi } from '../../src/extension';
import type { SessionHandle } from '../../src/vscode/sessionRegistry';
import { BENCH_CONTROL_ENV, EXTENSION_ID, type AgentCommands, type AgentReply, type AgentRequest } from './benchProtocol';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

let api: WsInspectorTestApi | undefined;
let activeProfile: { stop(name: string): Promise<void> } | undefined;

function handle(id: string): SessionHandle {
  const found = api?.registry.find(id);
  if (!found) throw new Error(`no open session ${id}`);
  return found;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, test: () => boolean, timeoutMs: number, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

function collectGarbage(): NodeJS.MemoryUsage {
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage();
}

const handlers: { [K in keyof AgentCommands]: (args: AgentCommands[K]['args']) => Promise<AgentCommands[K]['result']> } = {
  async activate() {
    const extension = vscode.extensions.getExtension<WsInspectorTestApi>(EXTENSION_ID);
    if (!extension) throw new Error(`${EXTENSION_ID} is not loaded in this host`);
    const wasActive = extension.isActive;
    const profiler = await startProfiler();
    const started = performance.now();
    api = await extension.activate();
    const totalMs = performance.now() - started;
    await profiler?.stop('activation');
    // VS Code marks when it loads the extension's code and when it calls activate(); the rest of
    // totalMs is VS Code's own work (the ExtensionContext: storage, secrets), not the extension's.
    const marks = (globalThis as { MonacoPerformanceMarks?: { getMarks(): Array<{ name: string; startTime: number }> } }).MonacoPerformanceMarks?.getMarks() ?? [];
    const at = (what: string): number => {
      const mark = marks.find((m) => m.name === `code/extHost/${what}/${extension.id}`);
      if (!mark) throw new Error(`VS Code recorded no ${what} mark for ${extension.id}`);
      return mark.startTime;
    };
    const codeLoadingMs = at('didLoadExtensionCode') - at('willLoadExtensionCode');
    const activateCallMs = at('didActivateExtension') - at('willActivateExtension');
    return { wasActive, codeLoadingMs, activateCallMs, activationMs: codeLoadingMs + activateCallMs, totalMs };
  },

  async open({ url, title }) {
    if (!api) throw new Error('activate first');
    // As the bare client of part 1: no compression offered, no proxy from the environment.
    const { session } = api.registry.open({ url, title, perMessageDeflate: false, maxPayloadBytes: 64 * 1024 * 1024, proxy: { env: {} } });
    await until(`${url} to open`, () => session.state === 'open' || session.state === 'closed', 30_000);
    if (session.state !== 'open') throw new Error(`the session to ${url} did not open`);
    return { id: session.id, events: session.store.length };
  },

  async go({ id }) {
    const { session } = handle(id);
    const before = session.store.length;
    session.sendText('go');
    return { atMs: Date.now(), eventsBefore: before + 1 };
  },

  async waitForEvents({ id, events, timeoutMs }) {
    const { session } = handle(id);
    await until(`${events} events in session ${id}`, () => session.store.length >= events, timeoutMs, 50);
    return { atMs: Date.now(), events: session.store.length };
  },

  async verify({ id, kind, expected }) {
    const { session } = handle(id);
    const store = session.store;
    let received = 0;
    let outOfOrder = 0;
    const notices: string[] = [];
    // One pass over the whole log (after the clock stopped): every message once, in order, and the store's notices.
    for (let start = 0; start < store.length; start += 10_000) {
      for (const event of store.readRange(start, Math.min(store.length, start + 10_000))) {
        if (event.kind === 'info' && event.message && notices.length < 20) notices.push(event.message);
        if (event.kind !== kind || event.direction !== 'received') continue;
        // Payloads dropped at the memory cap keep their size but not their bytes; they are counted, and order is checked where bytes remain.
        if (event.payload && Number(event.payload.subarray(0, 8).toString('latin1')) !== received) outOfOrder++;
        received++;
      }
    }
    return { received, outOfOrder, complete: received === expected && outOfOrder === 0, stats: store.stats, notices };
  },

  async transport({ id, rounds }) {
    // Extension host -> webview -> extension host: the panel answers with its rendered rows.
    const { panel } = handle(id);
    const samples: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const started = performance.now();
      await panel.renderedRows();
      samples.push(performance.now() - started);
    }
    return { samples };
  },

  async messageTimes({ id, prefix }) {
    // When the extension host logged each text message starting with `prefix`, by direction: for the latency breakdown.
    const { session } = handle(id);
    const times: Record<string, { sent?: number; received?: number }> = {};
    for (const event of session.store.readRange(0, session.store.length)) {
      if (event.kind !== 'text' || !event.payload) continue;
      const text = event.payload.toString('utf8');
      if (!text.startsWith(prefix)) continue;
      const entry = (times[text] ??= {});
      if (event.direction === 'sent') entry.sent = event.wallMs;
      if (event.direction === 'received') entry.received = event.wallMs;
    }
    return { times };
  },

  async profile({ name, start }) {
    // WSI_BENCH_PROFILE only: a CPU profile of this extension host over a part of the bench.
    if (start) activeProfile = await startProfiler();
    else await activeProfile?.stop(name);
    return {};
  },

  async memory() {
    const usage = collectGarbage();
    return { heapUsed: usage.heapUsed, external: usage.external, arrayBuffers: usage.arrayBuffers, rss: usage.rss };
  },

  async setMemoryCap({ megabytes }) {
    await vscode.workspace.getConfiguration('wsInspector').update('memoryCapMB', megabytes, vscode.ConfigurationTarget.Global);
    return {};
  },

  async closeAll() {
    if (!api) return { closed: 0 };
    const handles = [...api.registry.all];
    for (const h of handles) h.panel.dispose();
    await until('every session to close', () => handles.every((h) => h.session.state === 'closed'), 10_000);
    return { closed: handles.length };
  },

  async probe({ ids, ms, everyMs, switchEvery }) {
    const samples: number[] = [];
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    for (let k = 0; (k + 1) * everyMs <= ms; k++) {
      const scheduled = started + (k + 1) * everyMs;
      await sleep(Math.max(0, scheduled - performance.now()));
      await vscode.commands.executeCommand('wsInspector.focusSession', ids[Math.floor(k / switchEvery) % ids.length]);
      samples.push(performance.now() - scheduled);
    }
    const used = process.cpuUsage(cpuBefore);
    // The monotonic clock (µs) at the probe's start, the clock CPU profiles use: to find a late answer in a profile.
    const startedUs = Number(process.hrtime.bigint() / 1000n) - Math.round((performance.now() - started) * 1000);
    return { samples, cpuMs: (used.user + used.system) / 1000, wallMs: performance.now() - started, startedUs };
  },

  async cpu({ ms }) {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
    const timersBefore = timers();
    const before = process.cpuUsage();
    const started = performance.now();
    await sleep(ms);
    const used = process.cpuUsage(before);
    const wallMs = performance.now() - started;
    return { cpuMs: (used.user + used.system) / 1000, wallMs, timersBefore, timersAfter: timers() };
  },
};

/**
 * With WSI_BENCH_PROFILE=<folder>, a CPU profile of this extension host (node:inspector) is written
 * there as <name>.cpuprofile: for finding out where a figure's time goes (open it in Chrome DevTools).
 */
async function startProfiler(): Promise<{ stop(name: string): Promise<void> } | undefined> {
  const folder = process.env.WSI_BENCH_PROFILE;
  if (!folder) return undefined;
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))));
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: 100 });
  await post('Profiler.start');
  return {
    async stop(name) {
      const { profile } = (await post('Profiler.stop')) as { profile: unknown };
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, `${name}.cpuprofile`), JSON.stringify(profile));
      session.disconnect();
    },
  };
}

/** VS Code calls this (extensionTestsPath); it resolves when the driver says it is done. */
export function run(): Promise<void> {
  const address = process.env[BENCH_CONTROL_ENV];
  if (!address) return Promise.reject(new Error(`${BENCH_CONTROL_ENV} is not set: this module is run by scripts/bench/vscodeBench.ts`));
  const control = new WebSocket(address);
  return new Promise((resolve, reject) => {
    control.on('error', reject);
    control.on('close', () => resolve());
    control.on('message', (data) => {
      const request = JSON.parse(String(data)) as AgentRequest;
      if (request.cmd === 'done') {
        control.close();
        return;
      }
      const run = handlers[request.cmd] as (args: unknown) => Promise<unknown>;
      run(request.args).then(
        (result) => control.send(JSON.stringify({ id: request.id, result } satisfies AgentReply)),
        (err: unknown) => control.send(JSON.stringify({ id: request.id, error: err instanceof Error ? (err.stack ?? err.message) : String(err) } satisfies AgentReply)),
      );
    });
  });
}
