/**
 * Nothing lost: a panel that is hidden while messages arrive, then shown again, and a
 * webview that is reloaded mid-stream, show every event the store holds, in order, and the
 * header's counts equal the store's, as the page renders them.
 */
import * as assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { WebSocketServer, type WebSocket } from 'ws';
import type { RenderedHeader } from '../../src/shared/protocol';
import type { SessionHandle } from '../../src/vscode/sessionRegistry';
import { poll } from './poll';

describe('nothing is lost when a panel is hidden or its webview reloaded, in a real VS Code', function () {
  this.timeout(120_000);
  let server: WebSocketServer;
  let peer: WebSocket | undefined;
  let sent = 0;
  let handle: SessionHandle | undefined;

  before(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (ws) => (peer = ws));
    await new Promise((resolve) => server.once('listening', resolve));
  });
  after(async () => {
    handle?.panel.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await new Promise((resolve) => server.close(resolve));
  });

  /** The server sends `count` more numbered text messages, one per turn of its event loop. */
  async function send(count: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      peer!.send(`msg ${++sent}`);
      if (i % 25 === 24) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** Waits until the store holds message `sent`, then until the page's last row is that message; returns what the page shows. */
  async function shown(what: string): Promise<{ rows: string[]; header: RenderedHeader }> {
    const last = `msg ${sent}`;
    await poll(`the store to hold "${last}"`, () => (lastStoredText() === last ? true : undefined));
    const rows = await poll(`${what}: the page's last row to be "${last}"`, async () => {
      const rendered = await handle!.panel.renderedRows();
      return rendered.length > 0 && rendered[rendered.length - 1].endsWith(last) ? rendered : undefined;
    }, 30_000);
    return { rows, header: await handle!.panel.renderedHeader() };
  }

  function lastStoredText(): string | undefined {
    const store = handle!.session.store;
    const [event] = store.readRange(store.length - 1, store.length);
    return event?.kind === 'text' ? (event.payload ?? Buffer.from(event.message ?? '', 'utf8')).toString('utf8') : undefined;
  }

  /** The page's rows are the store's last events, in order, and the header counts them all. */
  function assertMatchesStore({ rows, header }: { rows: string[]; header: RenderedHeader }): void {
    const store = handle!.session.store;
    const total = store.length;
    assert.equal(header.events, `${total} events`);
    assert.equal(header.filterCount, `${total} of ${total}`);
    const received = store.readRange(0, total).filter((e) => e.direction === 'received' && (e.kind === 'text' || e.kind === 'binary')).length;
    assert.equal(received, sent, 'the store holds every message the server sent');
    assert.match(header.counters, new RegExp(`↓ ${sent} msg /`));
    // The rows on screen: consecutive numbers, ending with the last message sent.
    const numbers = rows.map((r) => /msg (\d+)$/.exec(r)?.[1]).filter((n): n is string => n !== undefined).map(Number);
    assert.ok(numbers.length >= 5, JSON.stringify(rows));
    assert.deepEqual(numbers, numbers.map((_, i) => sent - numbers.length + 1 + i), JSON.stringify(rows));
  }

  it('shows every event that arrived while the panel was hidden once it is shown again, and counts them all', async () => {
    handle = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    assert.ok(handle);
    await poll('the session to open', () => (handle!.session.state === 'open' && peer ? true : undefined));
    await send(100);
    assertMatchesStore(await shown('before hiding'));
    const loads = handle.panel.pageLoads;

    // Another editor in front: the panel is hidden and its document goes (no retained context).
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ content: 'in front of the panel' }), { viewColumn: vscode.ViewColumn.Active, preview: false });
    await poll('the panel to be hidden', () => (handle!.panel.visible ? undefined : true));
    await send(300);
    peer!.ping(Buffer.from('while hidden'));
    await poll('the ping and its pong in the store', () => {
      const kinds = handle!.session.store.readRange(0, handle!.session.store.length).map((e) => e.kind);
      return kinds.includes('ping') && kinds.includes('pong') ? true : undefined;
    });
    await send(1); // the last event is a message again, for shown()
    assert.equal(handle.panel.visible, false, 'still hidden while the server sent');

    handle.panel.reveal();
    assertMatchesStore(await shown('shown again'));
    assert.ok(handle.panel.pageLoads > loads, `the page loaded again when shown (${loads} -> ${handle.panel.pageLoads} loads)`);
  });

  it('shows every event after its webview is reloaded while messages keep arriving', async () => {
    assert.ok(handle);
    const loads = handle.panel.pageLoads;
    const reload = vscode.commands.executeCommand('workbench.action.webview.reloadWebviewAction');
    await send(150);
    await reload;
    await poll('the page to load again', () => (handle!.panel.pageLoads > loads ? true : undefined));
    await send(50);
    assertMatchesStore(await shown('after the reload'));
  });
});
