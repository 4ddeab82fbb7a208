/** "Connect WebSocket" end to end inside a real VS Code extension host, against the demo server. */
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as vscode from 'vscode';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { startDemoServer, type DemoServer } from '../../scripts/demoServer';
import type { SessionHandle } from '../../src/vscode/sessionRegistry';
import { poll } from './poll';

const EXTENSION_ID = 'websocket-inspector.websocket-inspector';

describe('Connect WebSocket in a real VS Code', () => {
  let demo: DemoServer;

  before(async () => {
    console.log(`[integration] running inside VS Code ${vscode.version} (${vscode.env.appName}, uiKind ${vscode.env.uiKind === vscode.UIKind.Web ? 'web' : 'desktop'}, appHost ${vscode.env.appHost})`);
    demo = await startDemoServer();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await demo.close();
  });

  it('contributes the command in the WebSocket category and stays inactive until it runs', () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is not loaded`);
    const contributed = (extension.packageJSON as { contributes: { commands: Array<{ command: string; category: string; title: string }> } }).contributes.commands;
    const connect = contributed.find((c) => c.command === 'wsInspector.connect');
    assert.deepEqual(connect && { command: connect.command, title: connect.title, category: connect.category }, { command: 'wsInspector.connect', title: 'Connect WebSocket', category: 'WebSocket' });
    assert.equal(extension.isActive, false, 'the extension activated before any command ran: activation must be lazy');
  });

  it('activates without loading the engine bundle, which the first connect loads', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    await extension.activate();
    // The module cache this extension host loads the extension into (as deactivate.test.ts reads it).
    const main = require.resolve(join(extension.extensionPath, (extension.packageJSON as { main: string }).main));
    const engine = join(dirname(main), 'engine.js');
    assert.ok(require.cache[main], `${main} is not in this host's module cache`);
    assert.ok(existsSync(engine), `${engine} was not built`);
    assert.equal(require.cache[engine], undefined, 'activate() loaded dist/engine.js: registering commands, views and providers must not need the engine');
    const handle = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', demo.url('echo'));
    assert.ok(handle, 'the command returned no session');
    assert.ok(require.cache[engine], 'a session is open, yet dist/engine.js is not in the module cache: is the check above looking at the right file?');
    // The panel is closed only once its page answers: in code-server, a panel closed while its
    // webview still loads left the next panels' webviews unanswering for a while (seen on the
    // code before this test too).
    await poll('the panel to show the open session', async () => ((await handle.panel.renderedRows()).some((r) => r.includes('• open')) ? true : undefined));
    handle.panel.dispose();
  });

  it('connects to /echo and the echoed text shows in the webview\'s document', async () => {
    const handle = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', demo.url('echo'));
    assert.ok(handle, 'the command returned no session');
    assert.ok((await vscode.commands.getCommands(true)).includes('wsInspector.connect'));
    await poll('the session to open', () => (handle.session.state === 'open' ? true : undefined));
    const text = `hello from the extension host ${Date.now()}`;
    handle.session.sendText(text);
    // Read from the page: the webview answers with the text of the rows its document renders.
    const rows = await poll('the echo row in the webview', async () => {
      const rendered = await handle.panel.renderedRows();
      return rendered.some((r) => r.includes('↓ text') && r.includes(text)) ? rendered : undefined;
    });
    assert.ok(rows.some((r) => /• open Connected to ws:\/\/127\.0\.0\.1:\d+\/echo/.test(r)), `no open row in ${JSON.stringify(rows)}`);
    assert.ok(rows.some((r) => r.includes('↑ text') && r.includes(text)), `no sent row in ${JSON.stringify(rows)}`);
  });

  it('refuses a URL that is not ws:// or wss:// without opening a panel', async () => {
    const handle = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', 'http://127.0.0.1:1/');
    assert.equal(handle, undefined);
  });

  it('closing the panel closes its socket with 1001 going away', async () => {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const closed = new Promise<number>((resolve) => server.on('connection', (ws) => ws.on('close', (code) => resolve(code))));
    try {
      const handle = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      assert.ok(handle);
      await poll('the session to open', () => (handle.session.state === 'open' ? true : undefined));
      handle.panel.dispose();
      assert.equal(await closed, 1001);
    } finally {
      server.close();
    }
  });
});
