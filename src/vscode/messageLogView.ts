/**
 * The Message Log webview view: a compact live log of the registry's active session, with the same
 * filter as the panel. It runs the panel's bundle in `log` mode over the same channel, so it lists
 * the same rows in the same order; clicking a row reveals it in the session's panel.
 */
import * as vscode from 'vscode';
import type { FromWebviewMessage, ToWebviewMessage } from '../shared/protocol';
import { loadEngine } from './loadEngine';
import { PageLoadWatchdog } from './pageLoadWatchdog';
import type { SessionChannel } from './sessionPanel';
import type { SessionHandle, SessionRegistry } from './sessionRegistry';
import { renderWebviewHtml, webviewResourceRoots } from './webviewHtml';

export const MESSAGE_LOG_VIEW_ID = 'wsInspector.messageLog';

export class MessageLogViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private channel: SessionChannel | undefined;
  private handle: SessionHandle | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private watchdog: PageLoadWatchdog | undefined;
  private viewListeners: vscode.Disposable[] = [];

  constructor(
    private readonly registry: SessionRegistry,
    private readonly extensionUri: vscode.Uri,
  ) {
    this.disposables.push(registry.onDidChange(() => this.follow()));
  }

  static register(registry: SessionRegistry, extensionUri: vscode.Uri): { provider: MessageLogViewProvider; disposable: vscode.Disposable } {
    const provider = new MessageLogViewProvider(registry, extensionUri);
    return { provider, disposable: vscode.Disposable.from(provider, vscode.window.registerWebviewViewProvider(MESSAGE_LOG_VIEW_ID, provider)) };
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true, localResourceRoots: webviewResourceRoots(this.extensionUri) };
    const load = (): void => {
      // A page (re)loading has nothing yet; its `ready` brings the snapshot.
      this.channel?.markUnsynced();
      view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, { title: 'Message Log', script: 'panel.js', style: 'panel.css', mode: 'log' });
    };
    const watchdog = (this.watchdog = new PageLoadWatchdog('the Message Log', load));
    load();
    watchdog.setVisible(view.visible);
    const listeners = (this.viewListeners = [
      view.webview.onDidReceiveMessage((message: FromWebviewMessage) => {
        watchdog.onMessage(message);
        // Without a session, the page's `ready` is answered here: it shows that nothing is selected.
        if (!this.channel && message.type === 'ready') void this.post({ type: 'detached' });
      }),
      view.onDidChangeVisibility(() => {
        watchdog.setVisible(view.visible);
        if (!view.visible) this.channel?.markUnsynced();
      }),
    ]);
    view.onDidDispose(() => {
      watchdog.dispose();
      for (const l of listeners) l.dispose();
      this.channel?.dispose();
      this.channel = undefined;
      this.handle = undefined;
      this.view = undefined;
    });
    this.attach(this.sessionToShow());
  }

  /** The session the log shows, if any (tests read it). */
  get session(): SessionHandle | undefined {
    return this.handle;
  }

  /** How often the view's page was loaded again because it never said `ready` (tests read it). */
  get pageReloads(): number {
    return this.watchdog?.reloads ?? 0;
  }

  /** Rows as the log's document renders them. */
  renderedRows(): Promise<string[]> {
    return this.channel ? this.channel.renderedRows() : Promise.resolve([]);
  }

  dispose(): void {
    // The view can outlive the extension (deactivate): its page no longer talks to anyone here.
    this.watchdog?.dispose();
    for (const l of this.viewListeners.splice(0)) l.dispose();
    this.channel?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }

  private follow(): void {
    const next = this.sessionToShow();
    if (next !== this.handle) this.attach(next);
  }

  /** The active session; while a restored panel (which has no session to list) is the active one, the live session that was active before it. */
  private sessionToShow(): SessionHandle | undefined {
    return this.registry.activeHandle ?? (this.registry.activeRestored ? this.registry.lastLiveHandle : undefined);
  }

  private attach(handle: SessionHandle | undefined): void {
    this.channel?.dispose();
    this.channel = undefined;
    this.handle = handle;
    if (!this.view) return;
    if (!handle) {
      void this.post({ type: 'detached' });
      return;
    }
    // A session exists, so its engine is loaded already.
    this.channel = new (loadEngine().SessionChannel)(this.view.webview, handle.session, { onRevealInPanel: (seq) => handle.panel.revealRow(seq), view: 'messageLog' });
    this.channel.sendSnapshot();
  }

  private post(message: ToWebviewMessage): Thenable<boolean> {
    return this.view ? this.view.webview.postMessage(message) : Promise.resolve(false);
  }
}
