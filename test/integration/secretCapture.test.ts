/**
 * A `${secret:…}` goes over the wire and nowhere else: connect a profile whose URL and headers use
 * one, exchange messages, open the handshake's details, then read everything the extension could
 * have written (its storage folders, logs, state, the workspace, the user settings, the webview's
 * persisted state, tab titles and console output) and find the value in none of it.
 */
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import * as vscode from 'vscode';
import { WebSocketServer } from 'ws';
import type { WsInspectorTestApi } from '../../src/extension';
import type { SessionHandle } from '../../src/vscode/sessionRegistry';
import { secretStorageKey } from '../../src/vscode/variableResolver';
import { poll } from './poll';

const EXTENSION_ID = 'websocket-inspector.websocket-inspector';
const SECRET_NAME = 'captureToken';
/** URL-safe characters only, so the value on the wire and in any text is the same bytes. */
const SECRET = `wsi-${randomUUID()}`;
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

/** Every file under `root` (any scheme VS Code can read), as [where, text]; a missing folder yields nothing. */
async function readTree(root: vscode.Uri | undefined, found: Array<[string, string]>): Promise<void> {
  if (!root) return;
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(root);
  } catch {
    return; // never created: nothing was written there
  }
  for (const [name, type] of entries) {
    const uri = vscode.Uri.joinPath(root, name);
    if (type & vscode.FileType.Directory) await readTree(uri, found);
    else if (type & vscode.FileType.File) found.push([uri.toString(), Buffer.from(await vscode.workspace.fs.readFile(uri)).toString('latin1')]);
  }
}

function mementoText(memento: vscode.Memento): string {
  return JSON.stringify(memento.keys().map((key) => [key, memento.get(key)]));
}

describe('a ${secret:…} is written nowhere', function () {
  this.timeout(120_000);
  let api: WsInspectorTestApi;
  let server: WebSocketServer;
  let port: number;
  let dir: string;
  const received: Array<{ url: string; headers: IncomingHttpHeaders; messages: string[] }> = [];
  const consoleLines: string[] = [];
  const originalConsole = new Map<string, (...args: unknown[]) => void>();

  before(async () => {
    const extension = vscode.extensions.getExtension<WsInspectorTestApi>(EXTENSION_ID);
    assert.ok(extension);
    api = await extension.activate();
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
    server.on('connection', (ws, request) => {
      const entry = { url: request.url ?? '', headers: request.headers, messages: [] as string[] };
      received.push(entry);
      ws.on('message', (data, isBinary) => {
        entry.messages.push(data.toString());
        ws.send(data, { binary: isBinary });
      });
    });
    dir = mkdtempSync(join(tmpdir(), 'wsi-int-secret-'));
    // Everything the extension host prints during the session (the extension shares this console).
    for (const method of CONSOLE_METHODS) {
      const original = console[method].bind(console) as (...args: unknown[]) => void;
      originalConsole.set(method, original);
      console[method] = (...args: unknown[]) => {
        consoleLines.push(format(...args));
        original(...args);
      };
    }
  });
  after(async () => {
    for (const [method, original] of originalConsole) console[method as (typeof CONSOLE_METHODS)[number]] = original;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.storage.secrets.delete(secretStorageKey(SECRET_NAME));
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the secret in the URL and headers, masks it on screen, and leaves it in no file, state, log or title', async () => {
    await api.storage.secrets.store(secretStorageKey(SECRET_NAME), SECRET);
    const file = join(dir, 'secret.wsprofile');
    writeFileSync(
      file,
      `{
  "name": "Secret capture",
  "url": "ws://127.0.0.1:${port}/echo?token=\${secret:${SECRET_NAME}}",
  "headers": { "Authorization": "Bearer \${secret:${SECRET_NAME}}", "X-Api-Key": "\${secret:${SECRET_NAME}}", "X-Plain": "visible" },
  "messages": [{ "name": "greet", "type": "text", "data": "hello from onOpen" }],
  "onOpen": ["greet"]
}
`,
    );
    const handle = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', vscode.Uri.file(file));
    assert.ok(handle, 'the command returned no session');
    await poll('the session to open', () => (handle.session.state === 'open' ? true : undefined));
    handle.session.sendText('a message typed by a person');
    await poll('both echoes in the webview', async () => {
      const rows = await handle.panel.renderedRows();
      return rows.some((r) => r.includes('↓ text') && r.includes('hello from onOpen')) && rows.some((r) => r.includes('↓ text') && r.includes('typed by a person')) ? rows : undefined;
    });

    // The wire carries it: without this the test could pass by never sending the secret at all.
    const request = received[received.length - 1];
    assert.ok(request, 'the server saw no connection');
    assert.equal(request.url, `/echo?token=${SECRET}`);
    assert.equal(request.headers.authorization, `Bearer ${SECRET}`);
    assert.equal(request.headers['x-api-key'], SECRET);
    const logged = handle.session.store.readRange(0, handle.session.store.length);
    const handshake = logged.find((e) => e.kind === 'handshake-request');
    assert.ok(handshake?.handshake, 'no handshake request in the log');
    assert.ok(handshake.handshake.startLine.includes(SECRET), 'the event log keeps what went over the wire');

    // The details pane shows the handshake with the credentials hidden.
    handle.panel.revealRow(handshake.seq);
    const details = await poll('the handshake details', async () => {
      const rendered = await handle.panel.renderedDetails();
      return rendered && rendered.seq === handshake.seq && rendered.text.includes('X-Plain') ? rendered : undefined;
    });

    // The webview saves its state within 250 ms of a change; wait until it holds the echoes.
    const state = await poll('the webview state with the last rows', async () => {
      const text = JSON.stringify(await handle.panel.persistedState());
      return text.includes('typed by a person') ? text : undefined;
    });

    const sources: Array<[string, string]> = [
      ['the rendered rows', JSON.stringify(await handle.panel.renderedRows())],
      ['the rendered details', JSON.stringify(details)],
      ['the webview state', state],
      ['the tab titles', JSON.stringify(vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)))],
    ];
    // Closing the session may write too (spill files, state): read the storage after it.
    handle.panel.dispose();
    await new Promise((r) => setTimeout(r, 500));
    const storage = api.storage;
    sources.push(['globalState', mementoText(storage.globalState)], ['workspaceState', mementoText(storage.workspaceState)], ['console output', consoleLines.join('\n')]);
    const files: Array<[string, string]> = [];
    await readTree(storage.globalStorageUri, files);
    await readTree(storage.storageUri, files);
    await readTree(storage.logUri, files);
    await readTree(vscode.Uri.file(dir), files);
    for (const folder of vscode.workspace.workspaceFolders ?? []) await readTree(folder.uri, files);
    // globalStorage is <user data>/User/globalStorage/<extension id>; the user settings sit in User/.
    await readTree(vscode.Uri.joinPath(storage.globalStorageUri, '..', '..'), files).catch(() => undefined);
    const settings = files.filter(([where]) => where.endsWith('/User/settings.json'));
    // Not the rest of User/: VS Code keeps SecretStorage (encrypted or not, per platform) in User/globalStorage/state.vscdb.
    // Its workspaceStorage is checked, though: that is where a webview's saved state lands.
    const ours = ([where]: [string, string]): boolean => !where.includes('/User/') || where.endsWith('/User/settings.json') || where.includes('/User/workspaceStorage/') || where.includes(EXTENSION_ID);
    sources.push(...files.filter(ours));
    assert.ok(files.some(([where]) => where.endsWith('secret.wsprofile')), 'the profile itself was read');
    console.log(`[secretCapture] checked ${sources.length} sources (${files.length} files, settings.json ${settings.length > 0 ? 'found' : 'absent'})`);

    const leaks = sources.filter(([, text]) => text.includes(SECRET)).map(([where]) => where);
    assert.deepEqual(leaks, [], `the secret's value was found in: ${leaks.join(', ')}`);
    // Masked, not just missing: the credentials are hidden behind a reveal button, the URL shows its variable.
    assert.match(details.text, /Authorization\s+•+ \(hidden, click to reveal\)/);
    assert.match(details.text, /X-Api-Key\s+•+ \(hidden, click to reveal\)/);
    assert.match(details.text, /X-Plain\s+visible/);
    assert.match(details.text, /token=\$\{secret:captureToken\}/);
    assert.match(state, /token=\$\{secret:captureToken\}/, 'the persisted URL keeps the variable instead of its value');
  });

  it('a token in a typed URL\'s query is sent, but the recent URLs keep the URL without it', async () => {
    const token = `tok-${randomUUID()}`;
    const typed = `ws://127.0.0.1:${port}/query?room=7&access_token=${token}`;
    const handle = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', typed);
    assert.ok(handle, 'the command returned no session');
    await poll('the session to open', () => (handle.session.state === 'open' ? true : undefined));
    assert.equal(received[received.length - 1].url, `/query?room=7&access_token=${token}`, 'the server got the token');
    const state = mementoText(api.storage.globalState);
    const pageState = await poll('the webview state with the open row', async () => {
      const text = JSON.stringify(await handle.panel.persistedState());
      return text.includes('Connected to') ? text : undefined;
    });
    const tabs = JSON.stringify(vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)));
    handle.panel.dispose();
    assert.ok(!state.includes(token), `the token was kept in globalState: ${state}`);
    assert.ok(!pageState.includes(token) && !tabs.includes(token), 'the panel shows and keeps the URL without the token');
    assert.match(pageState, /access_token=•••/);
    assert.ok(state.includes(`ws://127.0.0.1:${port}/query?room=7&access_token=`), `the URL without its token is offered again: ${state}`);
  });

  it('a password typed into a URL goes over the wire as Basic credentials and shows nowhere, nor is it kept', async () => {
    const password = `pw-${randomUUID()}`;
    const handle = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', `ws://alice:${password}@127.0.0.1:${port}/typed`);
    assert.ok(handle, 'the command returned no session');
    await poll('the session to open', () => (handle.session.state === 'open' ? true : undefined));
    const request = received[received.length - 1];
    assert.equal(request.url, '/typed');
    assert.equal(request.headers.authorization, `Basic ${Buffer.from(`alice:${password}`).toString('base64')}`);
    await poll('the open row in the webview', async () => {
      const rows = await handle.panel.renderedRows();
      return rows.some((r) => r.includes('Connected to ws://alice:•••@127.0.0.1')) ? rows : undefined;
    });
    const state = await poll('the webview state with the open row', async () => {
      const text = JSON.stringify(await handle.panel.persistedState());
      return text.includes('Connected to') ? text : undefined;
    });
    const sources: Array<[string, string]> = [
      ['the rendered rows', JSON.stringify(await handle.panel.renderedRows())],
      ['the webview state', state],
      ['the tab titles', JSON.stringify(vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label)))],
      ['globalState (recent URLs)', mementoText(api.storage.globalState)],
    ];
    handle.panel.dispose();
    const leaks = sources.filter(([, text]) => text.includes(password)).map(([where]) => where);
    assert.deepEqual(leaks, [], `the password was found in: ${leaks.join(', ')}`);
    assert.match(state, /ws:\/\/alice:•••@127\.0\.0\.1:\d+\/typed/, 'the persisted URL shows the password as •••');
  });
});

