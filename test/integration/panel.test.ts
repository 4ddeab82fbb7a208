/**
 * The inspector panel in a real VS Code: what its document shows (asked of the page through the
 * renderedRows / renderedDetails requests) for the demo server's /echo and /reject.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startDemoServer, type DemoServer } from '../../scripts/demoServer';
import type { SessionHandle } from '../../src/vscode/sessionRegistry';
import { poll } from './poll';

describe('the inspector panel in a real VS Code', () => {
  let demo: DemoServer;

  before(async () => {
    demo = await startDemoServer();
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await demo.close();
  });

  it('shows the handshake details with the accept check, and an echo round trip', async () => {
    const handle = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', demo.url('echo'));
    assert.ok(handle);
    await poll('the session to open', () => (handle.session.state === 'open' ? true : undefined));
    const text = `round trip <b>${Date.now()}</b>`;
    handle.session.sendText(text);
    const rows = await poll('the echo row', async () => {
      const rendered = await handle.panel.renderedRows();
      return rendered.some((r) => r.includes('↓ text') && r.includes(text)) ? rendered : undefined;
    });
    assert.ok(rows.some((r) => r.includes('↑ text') && r.includes(text)), JSON.stringify(rows));

    const responseSeq = handle.session.store.readRange(0, handle.session.store.length).find((e) => e.kind === 'handshake-response')?.seq;
    assert.notEqual(responseSeq, undefined);
    handle.panel.revealRow(responseSeq!);
    const details = await poll('the handshake details', async () => {
      const rendered = await handle.panel.renderedDetails();
      return rendered && rendered.seq === responseSeq && rendered.text.includes('Sec-WebSocket-Accept') ? rendered : undefined;
    });
    assert.deepEqual(details.tabs, ['Overview', 'Headers']);
    assert.match(details.text, /HTTP\/1\.1 101 Switching Protocols/);
    assert.match(details.text, /Upgrade websocket/i);
    assert.match(details.text, /Sec-WebSocket-Accept: .*/);

    const echoSeq = handle.session.store.readRange(0, handle.session.store.length).find((e) => e.kind === 'text' && e.direction === 'received')?.seq;
    handle.panel.revealRow(echoSeq!);
    const echo = await poll('the echo details', async () => {
      const rendered = await handle.panel.renderedDetails();
      return rendered && rendered.seq === echoSeq ? rendered : undefined;
    });
    assert.ok(echo.tabs.includes('Text') && echo.tabs.includes('Hex') && echo.tabs.includes('Frames'), JSON.stringify(echo.tabs));
    assert.ok(echo.text.includes(text), echo.text);
    handle.panel.dispose();
  });

  it('shows a refused handshake with its status and body', async () => {
    const handle = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', demo.url('reject'));
    assert.ok(handle);
    const rows = await poll('the refusal rows', async () => {
      const rendered = await handle.panel.renderedRows();
      return rendered.some((r) => r.includes('HTTP 401')) ? rendered : undefined;
    });
    assert.ok(rows.some((r) => /↓ handshake .*HTTP\/1\.1 401 Unauthorized/.test(r)), JSON.stringify(rows));
    const refusal = handle.session.store.readRange(0, handle.session.store.length).find((e) => e.kind === 'error' && e.direction === 'received');
    assert.ok(refusal);
    handle.panel.revealRow(refusal.seq);
    const details = await poll('the refusal details', async () => {
      const rendered = await handle.panel.renderedDetails();
      return rendered && rendered.seq === refusal.seq ? rendered : undefined;
    });
    assert.match(details.text, /refused the WebSocket upgrade with HTTP 401 Unauthorized/);
    assert.ok(details.tabs.includes('JSON'), JSON.stringify(details.tabs));
    assert.match(details.text, /"error": "unauthorized"/);
    handle.panel.dispose();
  });
});
