/** Connecting a saved .wsprofile inside a real VS Code: the engine's events reach the webview's document. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { startDemoServer, type DemoServer } from '../../scripts/demoServer';
import type { SessionHandle } from '../../src/vscode/sessionRegistry';
import { poll } from './poll';

describe('Connect a .wsprofile in a real VS Code', () => {
  let demo: DemoServer;
  let dir: string;

  before(async () => {
    demo = await startDemoServer();
    dir = mkdtempSync(join(tmpdir(), 'wsi-int-profile-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await demo.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('connects the profile, sends its onOpen message, and the panel shows the handshake and the echo', async () => {
    const file = join(dir, 'echo.wsprofile');
    writeFileSync(
      file,
      `{
  // written by the integration test
  "name": "Echo from a profile",
  "url": "${demo.url('echo')}",
  "headers": { "X-From": "\${env:WSI_INTEGRATION_MARK}" },
  "messages": [{ "name": "greet", "type": "text", "data": "hello from onOpen" }],
  "onOpen": ["greet"]
}
`,
    );
    process.env.WSI_INTEGRATION_MARK = 'integration';
    const handle = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', vscode.Uri.file(file));
    assert.ok(handle, 'the command returned no session');
    assert.equal(handle.session.title, 'Echo from a profile');
    const rows = await poll('the onOpen echo in the webview', async () => {
      const rendered = await handle.panel.renderedRows();
      return rendered.some((r) => r.includes('↓ text') && r.includes('hello from onOpen')) ? rendered : undefined;
    });
    assert.ok(rows.some((r) => /↑ handshake .*GET \/echo HTTP\/1\.1/.test(r)), JSON.stringify(rows));
    assert.ok(rows.some((r) => /↓ handshake .*HTTP\/1\.1 101 Switching Protocols/.test(r)), JSON.stringify(rows));
    assert.ok(rows.some((r) => r.includes('↑ text') && r.includes('hello from onOpen')), JSON.stringify(rows));
    const request = handle.session.store.readRange(0, handle.session.store.length).find((e) => e.kind === 'handshake-request');
    assert.ok(request?.handshake?.headers.some(([name, value]) => name.toLowerCase() === 'x-from' && value === 'integration'));
  });

  it('refuses a profile with problems and opens nothing', async () => {
    const file = join(dir, 'broken.wsprofile');
    writeFileSync(file, '{ "url": "http://127.0.0.1:1/" }\n');
    const handle = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', vscode.Uri.file(file));
    assert.equal(handle, undefined);
  });
});
