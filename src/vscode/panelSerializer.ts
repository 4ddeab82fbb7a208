/**
 * Brings session panels back after a window reload. The session itself did not survive (its socket
 * belonged to the old extension host), so the panel comes back as an ended session: the rows its
 * webview kept in its state, a banner saying so, and a Reconnect button that starts a new session
 * for the same profile or URL. The Sessions view and the status bar list it as ended until it is
 * closed (SessionRegistry.addRestored).
 */
import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import { answerViewRequest } from '../shared/hostRequests';
import { type FromWebviewMessage, type ToWebviewMessage } from '../shared/protocol';
import { checkRestoreState } from '../shared/restoreState';
import { NO_FILTER } from '../shared/rowFilter';
import { EMPTY_COUNTERS } from '../shared/sessionCounters';
import type { EventRow, SessionSummary } from '../shared/sessionEvent';
import { CONNECT_COMMAND } from './connectCommand';
import { loadEngine } from './loadEngine';
import { askModal } from './notify';
import { PageLoadWatchdog } from './pageLoadWatchdog';
import { PANEL_VIEW_TYPE } from './panelViewType';
import type { SessionRegistry } from './sessionRegistry';
import { renderWebviewHtml, webviewResourceRoots } from './webviewHtml';

const RECONNECT = 'Reconnect';

export function registerPanelSerializer(extensionUri: vscode.Uri, registry: SessionRegistry): vscode.Disposable {
  // The restored panels' page-load watchdogs, stopped when the extension is deactivated (the panels may stay).
  const watchdogs = new Set<PageLoadWatchdog>();
  return vscode.Disposable.from(
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, {
      deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Thenable<void> {
        restoreEndedPanel(panel, extensionUri, state, registry, watchdogs);
        return Promise.resolve();
      },
    }),
    {
      dispose: () => {
        for (const watchdog of watchdogs) watchdog.dispose();
        watchdogs.clear();
      },
    },
  );
}

/**
 * The profile a restored panel may reconnect: the saved state is the page's, so its URI counts
 * only when it names a .wsprofile inside one of the workspace's folders.
 */
function trustedProfileUri(saved: string | undefined): string | undefined {
  if (saved === undefined) return undefined;
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(saved, true);
  } catch {
    return undefined;
  }
  return uri.path.toLowerCase().endsWith('.wsprofile') && vscode.workspace.getWorkspaceFolder(uri) ? uri.toString() : undefined;
}

/** Asks the person whether to connect to `where`; the tests inject their answer. */
export type ReconnectQuestion = (where: string) => Thenable<boolean>;

const askBeforeReconnecting: ReconnectQuestion = async (where) =>
  (await askModal(`Reconnect to ${where}?`, 'The session ended when the window was reloaded. Reconnecting starts a new session to the same endpoint.', RECONNECT)) === RECONNECT;

/**
 * Shows `panel` as the ended session its state describes, and lists it in `registry` until it is
 * closed. `savedState` is what the panel's page saved, checked before anything of it is used.
 */
export function restoreEndedPanel(
  panel: vscode.WebviewPanel,
  extensionUri: vscode.Uri,
  savedState: unknown,
  registry: SessionRegistry,
  watchdogs?: Set<PageLoadWatchdog>,
  ask: ReconnectQuestion = askBeforeReconnecting,
): void {
  const { state, dropped } = checkRestoreState(savedState);
  if (dropped > 0) console.warn(`[wsInspector] a restored panel's saved state had ${dropped} part(s) that a panel does not write; they were left out`);
  const rows: readonly EventRow[] = state.lastRows ?? [];
  const saved = state.session;
  const profileUri = trustedProfileUri(saved?.profileUri);
  const session: SessionSummary = {
    // A panel saved before it knew its session has no id; the Sessions view needs one per row.
    id: saved?.id ?? `restored-${randomUUID()}`,
    title: saved?.title ?? panel.title,
    url: saved?.url ?? '',
    state: 'closed',
    eventCount: saved?.eventCount ?? rows.length,
    negotiated: saved?.negotiated,
    counters: saved?.counters ?? EMPTY_COUNTERS,
    profileUri,
    ended: true,
  };
  const view = { filter: NO_FILTER, clearedBefore: 0, viewCount: rows.length, totalCount: rows.length, version: 1 };
  const endedText = 'This session ended when the window was reloaded; only its last rows are kept. Reconnect to start a new session.';
  const ended = (): never => {
    throw new Error(endedText);
  };
  /** A new session for the same profile or URL, once the person agrees; this panel closes once it is open. */
  const reconnect = async (): Promise<void> => {
    const target = session.profileUri ? vscode.Uri.parse(session.profileUri) : session.url;
    if (!target) ended();
    if (!session.profileUri && session.url.includes(loadEngine().HIDDEN_CREDENTIAL)) {
      // The panel kept the URL as shown, without its password or token; connecting to that would send "•••".
      throw new Error('This session\'s URL carried a password or a token, which is never kept; run "Connect WebSocket" and enter the URL again.');
    }
    // What the panel saved came from its page: say where the new connection would go before making it.
    const where = typeof target === 'string' ? target : vscode.workspace.asRelativePath(target);
    if (!(await ask(where))) return;
    const handle = await vscode.commands.executeCommand(CONNECT_COMMAND, target);
    if (handle) panel.dispose();
  };
  panel.webview.options = { enableScripts: true, localResourceRoots: webviewResourceRoots(extensionUri) };
  panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
  const post = (message: ToWebviewMessage): Thenable<boolean> => panel.webview.postMessage(message);
  const load = (): void => {
    panel.webview.html = renderWebviewHtml(panel.webview, extensionUri, { title: session.title, script: 'panel.js', style: 'panel.css' });
  };
  const watchdog = new PageLoadWatchdog(`the restored panel of "${session.title}"`, load);
  watchdogs?.add(watchdog);
  const viewState = panel.onDidChangeViewState(({ webviewPanel }) => watchdog.setVisible(webviewPanel.visible));
  const listener = panel.webview.onDidReceiveMessage((message: FromWebviewMessage) => {
    watchdog.onMessage(message);
    switch (message.type) {
      case 'ready':
        void post({ type: 'snapshot', session, view, firstIndex: 0, rows, savedMessages: [] });
        return;
      case 'request':
        void answerViewRequest('endedPanel', message, {
          rows: ({ start, end }) => ({ firstIndex: Math.min(start, rows.length), rows: rows.slice(start, end), viewCount: rows.length, version: 1 }),
          indexOf: ({ seq }) => {
            const index = rows.findIndex((r) => r.seq === seq);
            return { index: index >= 0 ? index : null };
          },
          reconnect: async () => {
            await reconnect();
            return {};
          },
        }, endedText).then((reply) => post(reply));
        return;
      case 'reply':
        return; // this panel never asks the page anything
      default: {
        const unhandled: never = message;
        console.warn(`[wsInspector] unknown message from a restored panel: ${JSON.stringify(unhandled)}`);
      }
    }
  });
  panel.onDidDispose(() => {
    watchdog.dispose();
    watchdogs?.delete(watchdog);
    viewState.dispose();
    listener.dispose();
  });
  registry.addRestored({ id: session.id, title: session.title, url: session.url, profileUri: session.profileUri, panel, reconnect });
  load();
  watchdog.setVisible(panel.visible);
}
