/**
 * The side panel, the status bar and the session commands in a real VS Code: what package.json
 * declares, the Profiles and Sessions views' rows (read through their tree data providers over a
 * registry of real sessions), the status bar item, and Disconnect / Reconnect on a real server.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { WebSocketServer, type WebSocket } from 'ws';
import { startDemoServer, type DemoServer } from '../../scripts/demoServer';
import { processEnvResolver } from '../../src/core/variables';
import { connectPickItems, ENTER_URL_LABEL, NEW_PROFILE_LABEL } from '../../src/vscode/connectCommand';
import { ProfilesTreeProvider, type ProfileFileNode, type ProfileFolderNode } from '../../src/vscode/profilesTree';
import type { WsInspectorTestApi } from '../../src/extension';
import type { PanelRestoreState } from '../../src/shared/protocol';
import { EMPTY_COUNTERS } from '../../src/shared/sessionCounters';
import { restoreEndedPanel } from '../../src/vscode/panelSerializer';
import { PANEL_VIEW_TYPE } from '../../src/vscode/panelViewType';
import { SessionRegistry, type SessionHandle } from '../../src/vscode/sessionRegistry';
import { SessionsTreeProvider } from '../../src/vscode/sessionsTree';
import { SessionStatusBar } from '../../src/vscode/sessionStatusBar';
import { findWorkspaceProfiles } from '../../src/vscode/workspaceProfiles';
import { poll } from './poll';

const EXTENSION_ID = 'websocket-inspector.websocket-inspector';

interface Contributes {
  commands: Array<{ command: string; title: string; category?: string; icon?: string }>;
  menus: Record<string, Array<{ command: string; when?: string; group?: string }>>;
  viewsContainers: { activitybar: Array<{ id: string; title: string; icon: string }> };
  views: Record<string, Array<{ id: string; name: string; type?: string }>>;
  languages: Array<{ id: string; icon?: { light: string; dark: string } }>;
}

describe('side panel, status bar and session commands in a real VS Code', () => {
  let extension: vscode.Extension<unknown>;
  let contributes: Contributes;
  let demo: DemoServer;
  let spillDir: string;

  before(async () => {
    const found = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(found, `${EXTENSION_ID} is not loaded`);
    extension = found;
    contributes = (extension.packageJSON as { contributes: Contributes }).contributes;
    demo = await startDemoServer();
    spillDir = mkdtempSync(join(tmpdir(), 'wsi-int-side-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await demo.close();
    rmSync(spillDir, { recursive: true, force: true });
  });

  describe('package.json', () => {
    it('gives every command the WebSocket category and the wsInspector namespace', () => {
      for (const command of contributes.commands) {
        assert.equal(command.category, 'WebSocket', command.command);
        assert.match(command.command, /^wsInspector\./);
      }
      const ids = contributes.commands.map((c) => c.command);
      for (const id of ['wsInspector.connect', 'wsInspector.disconnect', 'wsInspector.reconnect', 'wsInspector.newProfile', 'wsInspector.showMessageLog']) {
        assert.ok(ids.includes(id), `${id} is not contributed`);
      }
    });

    it('hides the session commands from the palette unless a session can take them', () => {
      const palette = new Map(contributes.menus.commandPalette.map((m) => [m.command, m.when]));
      assert.equal(palette.get('wsInspector.disconnect'), 'wsInspector.activeSessionState =~ /^(connecting|open|reconnecting)$/');
      assert.equal(palette.get('wsInspector.reconnect'), 'wsInspector.hasSession');
      assert.equal(palette.get('wsInspector.focusSession'), 'wsInspector.hasSession');
      // Connect and New Profile apply everywhere.
      assert.equal(palette.has('wsInspector.connect'), false);
      assert.equal(palette.has('wsInspector.newProfile'), false);
      // Every command a menu names is a contributed one.
      const ids = new Set(contributes.commands.map((c) => c.command));
      for (const [menu, entries] of Object.entries(contributes.menus)) {
        for (const entry of entries) assert.ok(ids.has(entry.command), `${menu} names ${entry.command}, which is not contributed`);
      }
    });

    it('offers Connect in the editor title of a profile and on .wsprofile files in the Explorer', () => {
      assert.ok(contributes.menus['editor/title'].some((m) => m.command === 'wsInspector.connect' && m.when === 'resourceLangId == wsprofile' && m.group === 'navigation'));
      assert.ok(contributes.menus['explorer/context'].some((m) => m.command === 'wsInspector.connect' && m.when === 'resourceExtname == .wsprofile'));
      assert.ok(contributes.commands.find((c) => c.command === 'wsInspector.connect')?.icon, 'a title-bar button needs an icon');
      const icon = contributes.languages.find((l) => l.id === 'wsprofile')?.icon;
      assert.ok(icon?.light && icon.dark, 'the wsprofile language has a file icon');
    });

    it('declares the WebSocket container with Profiles, Sessions and the Message Log webview view', () => {
      assert.deepEqual(contributes.viewsContainers.activitybar.map((c) => [c.id, c.title]), [['wsInspector', 'WebSocket']]);
      assert.deepEqual(contributes.views.wsInspector.map((v) => [v.id, v.name, v.type ?? 'tree']), [
        ['wsInspector.profiles', 'Profiles', 'tree'],
        ['wsInspector.sessions', 'Sessions', 'tree'],
        ['wsInspector.messageLog', 'Message Log', 'webview'],
      ]);
      const inline = contributes.menus['view/item/context'].filter((m) => m.group === 'inline');
      assert.ok(inline.some((m) => m.command === 'wsInspector.connect' && m.when?.includes('view == wsInspector.profiles')));
      assert.ok(inline.some((m) => m.command === 'wsInspector.disconnect' && m.when?.includes('view == wsInspector.sessions')));
    });
  });

  describe('Profiles', () => {
    const root = (): vscode.Uri => {
      const folder = vscode.workspace.workspaceFolders?.[0];
      assert.ok(folder, 'the integration tests run in test/fixtures/workspace');
      return folder.uri;
    };
    let scratch: string | undefined;
    afterEach(() => {
      if (scratch) rmSync(scratch, { recursive: true, force: true });
      scratch = undefined;
    });

    it('lists the workspace\'s profiles by folder, and follows new files created in VS Code, a good one and a broken one', async () => {
      const provider = new ProfilesTreeProvider();
      try {
        const rows = async (): Promise<Array<{ folder: string; profiles: ProfileFileNode[] }>> => {
          const folders = (await provider.getChildren()) as ProfileFolderNode[];
          return Promise.all(folders.map(async (f) => ({ folder: f.label, profiles: (await provider.getChildren(f)) as ProfileFileNode[] })));
        };
        const before = await rows();
        const top = before.find((g) => g.folder === vscode.workspace.workspaceFolders?.[0].name);
        assert.ok(top, `no group for the workspace's root in ${JSON.stringify(before.map((g) => g.folder))}`);
        const sample = top.profiles.find((p) => p.profile.relativePath === 'sample.wsprofile');
        assert.ok(sample);
        const item = provider.getTreeItem(sample);
        assert.equal(item.label, 'Sample echo');
        assert.equal(item.description, 'ws://127.0.0.1:1/echo');
        assert.equal(item.contextValue, 'wsInspector.profile');

        // A new folder with a good and a broken profile, created the way the Explorer does it
        // (through VS Code's file operations): the view hears of them. Files changed outside VS
        // Code reach it through a FileSystemWatcher, whose latency here varies too much to time.
        const name = `scratch-${Date.now()}`;
        scratch = join(root().fsPath, name);
        const changed = new Promise<void>((resolve) => provider.onDidChangeTreeData(() => resolve()));
        const edit = new vscode.WorkspaceEdit();
        const encode = (text: string): Uint8Array => new TextEncoder().encode(text);
        edit.createFile(vscode.Uri.file(join(scratch, 'good.wsprofile')), { contents: encode('{ "name": "Scratch", "url": "ws://alice:S3cr3t@127.0.0.1:1/scratch" }\n') });
        edit.createFile(vscode.Uri.file(join(scratch, 'bad.wsprofile')), { contents: encode('{\n  "url": 42\n}\n') });
        assert.ok(await vscode.workspace.applyEdit(edit));
        const started = Date.now();
        await changed;
        console.log(`[integration] the Profiles view heard of the new files after ${Date.now() - started} ms`);
        const group = await poll('the scratch folder in the view', async () => {
          const found = (await rows()).find((g) => g.folder === name);
          return found?.profiles.length === 2 ? found : undefined;
        });
        // The workspace folder's own files come first, subfolders after it whatever their names.
        assert.equal((await rows())[0].folder, vscode.workspace.workspaceFolders?.[0].name);
        const good = provider.getTreeItem(group.profiles.find((p) => p.profile.name === 'Scratch')!);
        // A password written into a profile's URL is shown as •••.
        assert.equal(good.description, 'ws://alice:•••@127.0.0.1:1/scratch');
        assert.ok(!String(good.tooltip).includes('S3cr3t'), String(good.tooltip));
        const bad = provider.getTreeItem(group.profiles.find((p) => p.profile.relativePath.endsWith('bad.wsprofile'))!);
        assert.equal(bad.contextValue, 'wsInspector.profile.broken', 'no inline Connect on a broken profile');
        assert.match(String(bad.description), /^cannot connect: line 2, column 10: /);
      } finally {
        provider.dispose();
      }
    });

    it('builds the connect quick pick: profiles with name, URL and path, recent URLs, then Enter URL and New Profile', async () => {
      const items = connectPickItems(await findWorkspaceProfiles(), ['ws://127.0.0.1:9/recent']);
      const sample = items.find((i) => i.label === 'Sample echo');
      assert.ok(sample, JSON.stringify(items.map((i) => i.label)));
      assert.equal(sample.description, 'ws://127.0.0.1:1/echo');
      assert.equal(sample.detail, 'sample.wsprofile');
      assert.equal(sample.choice?.kind, 'profile');
      const labels = items.filter((i) => i.kind !== vscode.QuickPickItemKind.Separator).map((i) => i.label);
      assert.deepEqual(labels.slice(-3), ['ws://127.0.0.1:9/recent', ENTER_URL_LABEL, NEW_PROFILE_LABEL]);
    });
  });

  describe('Sessions and the status bar', () => {
    let registry: SessionRegistry;
    let tree: SessionsTreeProvider;
    let statusBar: SessionStatusBar;

    before(() => {
      // A registry of its own, with real sessions and panels, read through the same providers the extension registers.
      registry = new SessionRegistry(extension.extensionUri, spillDir, () => processEnvResolver);
      tree = new SessionsTreeProvider(registry);
      statusBar = new SessionStatusBar(registry);
    });
    after(() => {
      statusBar.dispose();
      tree.dispose();
      registry.dispose();
    });

    it('shows each session with its state, and the count and active state in the status bar', async () => {
      assert.deepEqual(tree.getChildren(), []);
      assert.equal(statusBar.visible, false, 'hidden while there is no session');
      const first = registry.open({ url: demo.url('echo'), title: 'First echo' });
      const second = registry.open({ url: demo.url('ticker'), title: 'Ticker' });
      await poll('both sessions to open', () => (first.session.state === 'open' && second.session.state === 'open' ? true : undefined));
      assert.deepEqual(tree.getChildren().map((h) => ('session' in h ? h.session.title : h.title)), ['First echo', 'Ticker']);
      const item = tree.getTreeItem(second);
      assert.equal(item.label, 'Ticker');
      assert.equal(item.description, 'open · active');
      assert.equal((item.iconPath as vscode.ThemeIcon).id, 'circle-filled');
      assert.equal(item.contextValue, 'wsInspector.session.open');
      assert.deepEqual(item.command && [item.command.command, item.command.arguments], ['wsInspector.focusSession', [second.session.id]]);
      assert.equal(tree.getTreeItem(first).description, 'open');
      assert.equal(statusBar.visible, true);
      assert.match(statusBar.item.text, /2 WebSockets: open$/);
      assert.equal(statusBar.item.command, 'wsInspector.focusSession');

      const refreshed = new Promise<void>((resolve) => tree.onDidChangeTreeData(() => resolve()));
      second.session.close(1000);
      await refreshed;
      await poll('the ticker to close', () => (second.session.state === 'closed' ? true : undefined));
      const closed = tree.getTreeItem(second);
      assert.equal(closed.contextValue, 'wsInspector.session.closed', 'an ended session keeps its row while its panel is open');
      assert.equal((closed.iconPath as vscode.ThemeIcon).id, 'debug-disconnect');
      assert.match(statusBar.item.text, /2 WebSockets: closed$/);

      second.panel.dispose();
      first.panel.dispose();
      assert.deepEqual(tree.getChildren(), []);
      assert.equal(statusBar.visible, false);
    });

    it('lists a panel restored after a window reload as ended until it is closed; Reconnect on its row starts a new session', async () => {
      // What VS Code hands the serializer after a reload: a panel of our type and the state its webview saved.
      const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Restored echo', vscode.ViewColumn.One, { enableScripts: true });
      const savedId = `saved-${Date.now()}`;
      const state = {
        // A profile outside the workspace's folders is not reconnected from a page's saved state: the URL is.
        session: { id: savedId, title: 'Restored echo', url: demo.url('echo'), state: 'open', eventCount: 0, counters: EMPTY_COUNTERS, profileUri: 'file:///tmp/elsewhere/hostile.wsprofile' },
        lastRows: [],
      } as unknown as PanelRestoreState;
      // The saved state is the page's: the person is asked before it connects anywhere (here, the first answer is no).
      const asked: string[] = [];
      restoreEndedPanel(panel, extension.extensionUri, state, registry, undefined, async (where) => asked.push(where) > 1);
      const rows = tree.getChildren();
      assert.equal(rows.length, 1);
      const item = tree.getTreeItem(rows[0]);
      assert.equal(item.label, 'Restored echo');
      assert.equal(item.description, 'ended (window reloaded) · active', 'VS Code focuses a panel it creates');
      assert.equal(item.contextValue, 'wsInspector.session.closed', 'offers Reconnect as a closed session does');
      assert.deepEqual(item.command && [item.command.command, item.command.arguments], ['wsInspector.focusSession', [savedId]]);
      assert.equal(statusBar.visible, true);
      assert.match(statusBar.item.text, /1 WebSocket: ended$/);

      // Reconnect on its row: a new session for the same URL (in the extension's own registry), and the restored panel goes.
      const restored = registry.findRestored(savedId);
      assert.ok(restored);
      const echoesBefore = demo.connections.filter((c) => c.endpoint === 'echo').length;
      await restored.reconnect();
      assert.deepEqual(asked, [demo.url('echo')], 'the person was asked, naming where it would connect');
      assert.equal(tree.getChildren().length, 1, 'declined: the restored panel stays');
      assert.equal(demo.connections.filter((c) => c.endpoint === 'echo').length, echoesBefore, 'declined: nothing connected');
      await restored.reconnect();
      assert.deepEqual(tree.getChildren(), [], 'the restored panel closed once the new session opened');
      assert.equal(statusBar.visible, false);
      const api = (await vscode.extensions.getExtension<WsInspectorTestApi>('websocket-inspector.websocket-inspector')!.activate());
      const started = api.registry.all.find((h) => h.session.url === demo.url('echo'));
      assert.ok(started, 'a new session for the restored URL');
      started.panel.dispose();
    });

    it('a restored panel, once focused, is the active one: the status bar says so and the palette\'s Reconnect acts on it, not on a live session', async () => {
      // The extension's own registry and commands, as the palette reaches them.
      const api = (await vscode.extensions.getExtension<WsInspectorTestApi>('websocket-inspector.websocket-inspector')!.activate());
      const live = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', demo.url('ticker'));
      assert.ok(live);
      await poll('the ticker to open', () => (live.session.state === 'open' ? true : undefined));
      const tickers = demo.connections.filter((c) => c.endpoint === 'ticker').length;

      // Brought back after a reload, and shown in front of the live panel (VS Code focuses a panel it creates).
      const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Restored echo', vscode.ViewColumn.One, { enableScripts: true });
      const savedId = `saved-active-${Date.now()}`;
      const state = { session: { id: savedId, title: 'Restored echo', url: demo.url('echo'), state: 'open', eventCount: 0, counters: EMPTY_COUNTERS }, lastRows: [] } as unknown as PanelRestoreState;
      restoreEndedPanel(panel, extension.extensionUri, state, api.registry, undefined, async () => true);
      const restored = await poll('the restored panel to be the active one', () => api.registry.activeRestored);
      assert.equal(restored.id, savedId);
      assert.equal(api.registry.activeHandle, undefined, 'the live session is no longer the active one');
      const sessionsView = new SessionsTreeProvider(api.registry);
      try {
        const row = sessionsView.getChildren().find((r) => !('session' in r));
        assert.ok(row);
        assert.equal(sessionsView.getTreeItem(row).description, 'ended (window reloaded) · active');
      } finally {
        sessionsView.dispose();
      }

      // Reconnect from the palette (no argument): a new session for the restored URL; the live ticker is left alone.
      const echoesBefore = demo.connections.filter((c) => c.endpoint === 'echo').length;
      await vscode.commands.executeCommand('wsInspector.reconnect');
      const started = await poll('a new session for the restored URL', () => api.registry.all.find((h) => h.session.url === demo.url('echo')));
      await poll('the server to see it', () => (demo.connections.filter((c) => c.endpoint === 'echo').length === echoesBefore + 1 ? true : undefined));
      await poll('the restored panel to close once the new session opened', () => (api.registry.findRestored(savedId) ? undefined : true));
      assert.equal(demo.connections.filter((c) => c.endpoint === 'ticker').length, tickers, 'the live session was not reconnected');
      assert.equal(live.session.state, 'open');
      started.panel.dispose();
      live.panel.dispose();
    });

    it('closing a restored panel that was the active one returns to the live session focused before it, not the newest', async () => {
      const api = (await vscode.extensions.getExtension<WsInspectorTestApi>('websocket-inspector.websocket-inspector')!.activate());
      const older = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', demo.url('ticker'));
      const newer = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', demo.url('binary'));
      assert.ok(older && newer);
      older.panel.reveal();
      await poll('the older session to be the active one', () => (api.registry.activeHandle === older ? true : undefined));
      const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Restored echo', vscode.ViewColumn.One, { enableScripts: true });
      const state = { session: { id: `saved-close-${Date.now()}`, title: 'Restored echo', url: demo.url('echo'), state: 'open', eventCount: 0, counters: EMPTY_COUNTERS }, lastRows: [] } as unknown as PanelRestoreState;
      restoreEndedPanel(panel, extension.extensionUri, state, api.registry);
      await poll('the restored panel to be the active one', () => api.registry.activeRestored);
      assert.equal(api.messageLog.session, older, 'the Message Log keeps the live session focused last');
      panel.dispose();
      assert.equal(api.registry.activeHandle, older);
      newer.panel.dispose();
      older.panel.dispose();
    });
  });

  describe('Disconnect and Reconnect', () => {
    let server: WebSocketServer;
    const closes: number[] = [];
    let connections = 0;

    before(async () => {
      server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      server.on('connection', (ws: WebSocket) => {
        connections += 1;
        ws.on('close', (code) => closes.push(code));
      });
      await new Promise((r) => server.once('listening', r));
    });
    after(() => server.close());

    it('Disconnect closes the active session with 1000 and Reconnect opens it again', async () => {
      const handle = await vscode.commands.executeCommand<SessionHandle | undefined>('wsInspector.connect', `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      assert.ok(handle);
      await poll('the session to open', () => (handle.session.state === 'open' ? true : undefined));
      await vscode.commands.executeCommand('wsInspector.disconnect');
      await poll('the server to see the close', () => (closes.length === 1 ? true : undefined));
      assert.deepEqual(closes, [1000]);
      await poll('the session to close', () => (handle.session.state === 'closed' ? true : undefined));

      await vscode.commands.executeCommand('wsInspector.reconnect', handle.session.id);
      await poll('the session to open again', () => (handle.session.state === 'open' ? true : undefined));
      assert.equal(connections, 2);
      // A Sessions row is the handle itself; Disconnect on it acts on that session.
      await vscode.commands.executeCommand('wsInspector.disconnect', handle);
      await poll('the second close', () => (closes.length === 2 ? true : undefined));
      assert.deepEqual(closes, [1000, 1000]);
      handle.panel.dispose();
    });
  });
});
