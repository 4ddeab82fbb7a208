/**
 * A webview page that never says `ready` is loaded again (PageLoadWatchdog). Once in CI the Message
 * Log's page never loaded for a whole minute while VS Code took every message for it. Here the
 * panel's script is moved out of the extension's folder while a session opens, so its page cannot
 * start; it is put back, and the watchdog's reload must bring the page up with the session's rows.
 */
import * as assert from 'node:assert/strict';
import { existsSync, renameSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { WebSocketServer } from 'ws';
import type { SessionHandle } from '../../src/vscode/sessionRegistry';
import { PAGE_LOAD_DEADLINES_MS } from '../../src/vscode/pageLoadWatchdog';
import { poll } from './poll';

const EXTENSION_ID = 'websocket-inspector.websocket-inspector';

describe('a webview page that never says it is ready, in a real VS Code', function () {
  this.timeout(120_000);
  let server: WebSocketServer;
  let handle: SessionHandle | undefined;

  before(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    server.on('connection', (ws) => ws.send('hello from the server'));
    await new Promise((resolve) => server.once('listening', resolve));
  });
  after(async () => {
    handle?.panel.dispose();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await new Promise((resolve) => server.close(resolve));
  });

  it('is loaded again by the watchdog, and then shows the session', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await extension.activate();
    const script = join(extension.extensionPath, 'dist', 'webview', 'panel.js');
    const moved = `${script}.moved-by-test`;
    assert.ok(existsSync(script), script);
    renameSync(script, moved);
    try {
      handle = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      assert.ok(handle);
      await poll('the message in the store', () => (handle!.session.store.length >= 2 ? true : undefined));
      await new Promise((resolve) => setTimeout(resolve, 2000));
      assert.equal(handle.panel.pageLoads, 0, 'without its script the page never said ready');
      assert.equal(handle.panel.pageReloads, 0, 'not reloaded before its deadline');
    } finally {
      renameSync(moved, script);
    }
    await poll('the watchdog to load the page again', () => (handle!.panel.pageReloads > 0 ? true : undefined), PAGE_LOAD_DEADLINES_MS[0] + 10_000);
    const rows = await poll('the reloaded page to show the message', async () => {
      const rendered = await handle!.panel.renderedRows();
      return rendered.some((r) => r.includes('hello from the server')) ? rendered : undefined;
    }, 30_000);
    assert.ok(handle.panel.pageLoads >= 1, `the page said ready (${handle.panel.pageLoads} load(s); rows: ${JSON.stringify(rows)})`);
    // One reload is enough here; a cold machine may need the second (20 s after the first).
    assert.ok(handle.panel.pageReloads >= 1);
  });
});
