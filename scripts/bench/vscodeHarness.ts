/**
 * A real VS Code with an agent inside its extension host, for the benchmark (vscodeBench.ts) and the
 * load test (load.ts): code-server runs the extension (the bundle in dist/) with hostAgent.ts as its
 * `extensionTestsPath`, the workbench runs in Debian's Chromium through Playwright, and the agent
 * connects back over a control WebSocket on 127.0.0.1 and carries out typed commands.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { WebSocketServer, type WebSocket } from 'ws';
import { launchChromium } from '../../test/fixtures/chromium';
import { loadCodeServerApi, repoRoot } from '../../test/fixtures/codeServer';
import { BENCH_CONTROL_ENV, type AgentCommands, type AgentReply } from './benchProtocol';

/** The control socket the agent connects back to, with typed calls. */
export class Agent {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (err: Error) => void }>();
  private socket: WebSocket | undefined;
  readonly connected: Promise<void>;
  readonly url: string;

  constructor(server: WebSocketServer) {
    this.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.connected = new Promise((resolve) => {
      server.once('connection', (socket) => {
        this.socket = socket;
        socket.on('message', (data) => {
          const reply = JSON.parse(String(data)) as AgentReply;
          const waiter = this.pending.get(reply.id);
          this.pending.delete(reply.id);
          if (reply.error !== undefined) waiter?.reject(new Error(`agent: ${reply.error}`));
          else waiter?.resolve(reply.result);
        });
        socket.on('close', () => {
          for (const waiter of this.pending.values()) waiter.reject(new Error('the extension host closed the control socket'));
          this.pending.clear();
        });
        resolve();
      });
    });
  }

  call<K extends keyof AgentCommands>(cmd: K, args: AgentCommands[K]['args']): Promise<AgentCommands[K]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.socket!.send(JSON.stringify({ id, cmd, args }));
    });
  }

  done(): void {
    this.socket?.send(JSON.stringify({ id: 0, cmd: 'done' }));
  }
}

/** What runs against a VS Code with its agent (see withVscodeAgent). */
export interface VscodeWithAgent {
  readonly page: Page;
  readonly agent: Agent;
  readonly vscodeVersion: string;
  readonly codeServerVersion: string;
}

/**
 * Starts code-server on a fresh workspace, opens its workbench in Chromium with the agent as the
 * extension tests' entry, waits for the agent to connect, runs `work`, and tears everything down.
 * The extension is not activated: the first thing `work` does is the agent's `activate`.
 */
export async function withVscodeAgent<T>(
  log: (line: string) => void,
  work: (vscode: VscodeWithAgent) => Promise<T>,
  options: {
    /** Go into the user settings. */
    readonly settings?: Record<string, unknown>;
    /** The folder of the extension under test (package.json, dist/, media/): this repository unless a benchmark compares another build with it. */
    readonly extensionPath?: string;
    /** Runs once code-server and the browser are up, before the workbench (and so the extension host) starts. */
    readonly beforeWorkbench?: () => void;
  } = {},
): Promise<T> {
  const { settings, extensionPath = repoRoot } = options;
  const control = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise((resolve) => control.once('listening', resolve));
  const agent = new Agent(control);
  const workspace = mkdtempSync(join(tmpdir(), 'wsi-bench-ws-'));
  const { startCodeServer, ensureCodeServer } = await loadCodeServerApi();
  const install = await ensureCodeServer({ log });
  const server = await startCodeServer({ workspace, log, settings, env: { [BENCH_CONTROL_ENV]: agent.url } });
  let browser: Browser | undefined;
  try {
    browser = await launchChromium();
    options.beforeWorkbench?.();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const authority = `127.0.0.1:${server.port}`;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${extensionPath.replace(/\/$/, '')}`],
      ['extensionTestsPath', `vscode-remote://${authority}${join(repoRoot, 'out', 'scripts', 'bench', 'hostAgent.js')}`],
      ['skipWelcome', 'true'],
    ];
    await page.goto(`${server.url}?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    await Promise.race([agent.connected, new Promise((_, reject) => setTimeout(() => reject(new Error('the agent did not connect from the extension host within 120 s')), 120_000))]);
    log(`agent connected from the extension host of VS Code ${install.vscodeVersion} (code-server ${install.codeServerVersion})`);
    const result = await work({ page, agent, vscodeVersion: install.vscodeVersion, codeServerVersion: install.codeServerVersion });
    agent.done();
    return result;
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop().catch((err: unknown) => log(`stopping code-server: ${String(err)}`));
    control.close();
    rmSync(workspace, { recursive: true, force: true });
  }
}
