/**
 * Closing VS Code: the extension host calls the module's deactivate() and waits (at most 5 s in
 * VS Code 1.100) for the promise it returns. Every session's server must get a close frame with 1001
 * "going away", and nothing the extension started may outlive it: no socket, no timer (keep-alive,
 * reconnect backoff, close and handshake deadlines, panel flushes), no spill file. The extension
 * starts no child process (nothing in src/ uses node:child_process); the test checks that none
 * appeared anyway.
 *
 * This ends the extension's life in this extension host, so index.ts runs this file last.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { WebSocketServer, type WebSocket } from 'ws';
import type * as ExtensionModule from '../../src/extension';
import type { WsInspectorTestApi } from '../../src/extension';
import type { SessionHandle } from '../../src/vscode/sessionRegistry';
import { startPythonPeer, type PythonPeer } from '../fixtures/pythonPeer';
import { childProcessesOf, ExtensionResourceWatch } from './extensionResources';
import { poll } from './poll';

const EXTENSION_ID = 'websocket-inspector.websocket-inspector';

/** A ws server that reports what its first connection ended with, as the server saw it. */
interface RecordingServer {
  readonly server: WebSocketServer;
  readonly url: string;
  /** The close code of the first connection, or why there was none. */
  readonly firstClose: Promise<number | string>;
  /** The server side of the first connection. */
  readonly firstConnection: Promise<WebSocket>;
  /** With `holdHandshake`: resolves once an upgrade request arrived, with the function that lets it complete. */
  readonly handshakeArrived: Promise<() => void>;
}

async function recordingServer(options: { holdHandshake?: boolean } = {}): Promise<RecordingServer> {
  let arrived!: (release: () => void) => void;
  const handshakeArrived = new Promise<() => void>((resolve) => (arrived = resolve));
  let droppedFirst!: (why: string) => void;
  const dropped = new Promise<string>((resolve) => (droppedFirst = resolve));
  let upgraded = false;
  const verifyClient = (info: { req: IncomingMessage }, callback: (accept: boolean) => void): void => {
    // A client that drops the TCP connection before the upgrade completes never becomes a 'connection'.
    info.req.socket.once('close', () => upgraded || droppedFirst('no close frame: the client went before the upgrade completed'));
    if (options.holdHandshake) arrived(() => callback(true));
    else callback(true);
  };
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient });
  await new Promise((resolve) => server.once('listening', resolve));
  const firstConnection = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
  const closeCode = firstConnection.then((ws) => {
    upgraded = true;
    return new Promise<number>((resolve) => ws.once('close', resolve));
  });
  return { server, url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, firstClose: Promise.race([closeCode, dropped]), firstConnection, handshakeArrived };
}

function commandLine(pid: number): string {
  try {
    return `${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim()}`;
  } catch {
    return `${pid}: (ended)`;
  }
}

describe('Closing VS Code (deactivate)', function () {
  this.timeout(60_000);
  let peer: PythonPeer;
  const wsServers: WebSocketServer[] = [];
  let silent: Server;
  let watch: ExtensionResourceWatch | undefined;

  before(async () => {
    peer = await startPythonPeer();
  });
  after(async () => {
    watch?.stop();
    for (const server of wsServers) {
      for (const client of server.clients) client.terminate();
      server.close();
    }
    silent?.close();
    await peer?.stop();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('closes every socket with 1001 and leaves no socket, timer, spill file or child process behind', async () => {
    const extension = vscode.extensions.getExtension<WsInspectorTestApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    const api = await extension.activate();
    // The module instance the extension host loaded (package.json "main"), not a fresh copy.
    const bundlePath = require.resolve(join(extension.extensionPath, (extension.packageJSON as { main: string }).main));
    const loaded = require.cache[bundlePath]?.exports as typeof ExtensionModule | undefined;
    assert.ok(loaded && typeof loaded.deactivate === 'function', `${bundlePath} is not in this host's module cache`);

    // Servers: plain ws, one that answers keep-alive pings, one that holds the handshake until told,
    // one that never answers the upgrade, one that drops every connection (the session backs off),
    // and the Python peer.
    const plain = await recordingServer();
    const keepAlive = await recordingServer();
    const pinged = keepAlive.firstConnection.then((ws) => new Promise<void>((resolve) => ws.once('ping', () => resolve())));
    const held = await recordingServer({ holdHandshake: true });
    const dropper = await recordingServer();
    let drops = 0;
    dropper.server.on('connection', (ws) => {
      drops++;
      ws.terminate();
    });
    wsServers.push(plain.server, keepAlive.server, held.server, dropper.server);
    // Sends a burst (5 MiB in 80 messages) so that the session's log spills past its (small) memory cap.
    plain.firstConnection.then((ws) => {
      for (let i = 0; i < 80; i++) ws.send(`burst ${i} `.padEnd(64 * 1024, '.'));
    }, () => undefined);
    let silentSocket: Socket | undefined;
    silent = createServer((socket) => {
      silentSocket = socket;
      socket.resume(); // reads the upgrade request and never answers it
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const silentClosed = new Promise<void>((resolve) => silent.once('connection', (socket: Socket) => socket.once('close', () => resolve())));

    const spillDir = join(api.storage.globalStorageUri.fsPath, 'spill');
    const spillFiles = (): string[] => (existsSync(spillDir) ? readdirSync(spillDir) : []);
    const spillBefore = new Set(spillFiles());
    const childrenBefore = childProcessesOf(process.pid);
    // The sessions, their timers and ws live in the engine bundle beside the main one.
    const enginePath = join(dirname(bundlePath), 'engine.js');
    assert.ok(existsSync(enginePath), `${enginePath} was not built`);
    watch = new ExtensionResourceWatch([bundlePath, enginePath]);
    watch.start();

    const registry = api.registry;
    const sessions: Record<string, SessionHandle> = {
      // A cap that the burst passes, so older segments spill, while the newest (with the close) stays in
      // memory: each segment takes a 1 MiB payload slab, and one that takes half the cap is moved out too.
      plain: registry.open({ url: plain.url, title: 'plain ws', store: { memoryCapBytes: 4 * 1024 * 1024, segmentSize: 8 } }),
      python: registry.open({ url: peer.url('/hold-deactivate'), title: 'python' }),
      keepAlive: registry.open({ url: keepAlive.url, title: 'keep-alive', keepAlive: { pingIntervalMs: 50, pongTimeoutMs: 30_000 } }),
      backoff: registry.open({ url: dropper.url, title: 'backoff', reconnect: { enabled: true, maxAttempts: 5, initialDelayMs: 600_000, maxDelayMs: 600_000 } }),
      handshakeHeld: registry.open({ url: held.url, title: 'handshake held' }),
      handshakeSilent: registry.open({ url: `ws://127.0.0.1:${(silent.address() as AddressInfo).port}/`, title: 'handshake never answered', handshakeTimeoutMs: 60_000 }),
    };
    const describeStates = (): string => Object.entries(sessions).map(([name, h]) => `${name}: ${h.session.state}`).join(', ');

    for (const name of ['plain', 'python', 'keepAlive'] as const) {
      await poll(`${name} to open (${describeStates()})`, () => (sessions[name].session.state === 'open' ? true : undefined));
    }
    await pinged;
    await poll('the plain session to spill', () => (sessions.plain.session.store.stats.spilledSegments > 0 ? true : undefined));
    await poll('the backoff session to wait for its reconnect', () => (sessions.backoff.session.state === 'reconnecting' && drops === 1 ? true : undefined));
    const releaseHandshake = await held.handshakeArrived;
    await poll('the silent server to get the upgrade request', () => silentSocket);
    assert.equal(sessions.handshakeHeld.session.state, 'connecting');
    assert.equal(sessions.handshakeSilent.session.state, 'connecting');
    assert.ok(spillFiles().some((name) => !spillBefore.has(name)), 'the plain session wrote no spill file');

    const deactivating = loaded.deactivate();
    // A handshake that completes while VS Code closes still gets its close frame.
    releaseHandshake();
    await deactivating;

    // When deactivate() resolves, the extension host may exit at once: everything must be done by then.
    assert.equal(registry.size, 0, 'deactivate() did not act on the registry the tests hold: another module instance?');
    const lastClose = (handle: SessionHandle): string => {
      // The tail only: the spilled part of a log is gone with its spill file.
      const store = handle.session.store;
      const close = store.readRange(Math.max(0, store.length - 4), store.length).reverse().find((e) => e.kind === 'close' && e.direction === 'local')?.close;
      return close ? `${close.code} by ${close.initiatedBy}, ${close.clean ? 'clean' : 'not clean'}` : 'no close';
    };
    assert.deepEqual(
      Object.fromEntries(Object.entries(sessions).map(([name, h]) => [name, `${h.session.state}: ${lastClose(h)}`])),
      {
        plain: 'closed: 1001 by client, clean',
        python: 'closed: 1001 by client, clean',
        keepAlive: 'closed: 1001 by client, clean',
        backoff: 'closed: 1006 by none, not clean', // its connection had been dropped by the server before
        handshakeHeld: 'closed: 1001 by client, clean',
        handshakeSilent: 'closed: 1006 by none, not clean', // dropped after the grace period: no WebSocket to close yet
      },
    );
    const alive = await watch.stillAlive();
    watch.stop();
    // The watch saw the extension's timers and sockets being made, so an empty list means something.
    assert.ok((watch.created.get('Timeout') ?? 0) > 0 && (watch.created.get('TCPWRAP') ?? 0) >= 6, `the watch saw too little: ${JSON.stringify([...watch.created])}`);
    assert.deepEqual(alive, [], 'timers or sockets the extension created are still alive');
    assert.deepEqual(spillFiles().filter((name) => !spillBefore.has(name)), [], 'spill files left behind');

    // What the servers saw.
    assert.deepEqual(
      { plain: await plain.firstClose, keepAlive: await keepAlive.firstClose, handshakeHeld: await held.firstClose, python: (await peer.closeSeen('/hold-deactivate')).code },
      { plain: 1001, keepAlive: 1001, handshakeHeld: 1001, python: 1001 },
    );
    await silentClosed;
    assert.equal(drops, 1, 'the backoff session reconnected after deactivate');
    for (const server of wsServers) assert.equal(server.clients.size, 0, 'a server still has a client');
    const childrenAfter = childProcessesOf(process.pid);
    if (childrenBefore && childrenAfter) {
      // VS Code runs processes of its own from the extension host on its own schedule (ripgrep for
      // workspace.findFiles, language servers): they live under its appRoot and are not the extension's.
      const appeared = [...childrenAfter].filter((pid) => !childrenBefore.has(pid)).map(commandLine).filter((line) => !line.includes(vscode.env.appRoot));
      assert.deepEqual(appeared, [], 'child processes of the extension host appeared');
    }
  });
});
