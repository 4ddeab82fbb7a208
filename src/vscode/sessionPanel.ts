/**
 * Adapts one session to one webview panel: sends a snapshot when the webview says it is ready,
 * then appended rows in batches, and carries out the webview's typed requests.
 */
import * as vscode from 'vscode';
import { toEventRow } from '../core/eventRow';
import type { WebSocketSession } from '../core/session';
import {
  REQUEST_TIMEOUT_MS,
  type FromWebviewMessage,
  type HostMethods,
  type ToWebviewMessage,
  type WebviewMethods,
} from '../shared/protocol';
import { answerRequest, RequestTracker } from '../shared/requestTracker';
import type { EventRow, SessionSummary } from '../shared/sessionEvent';
import { renderWebviewHtml } from './webviewHtml';

export const PANEL_VIEW_TYPE = 'wsInspector.sessionPanel';

/** Rows are flushed to the webview at most this often, so a flood costs one message per frame, not per event. */
const FLUSH_INTERVAL_MS = 16;

export class SessionPanel implements vscode.Disposable {
  private readonly panel: vscode.WebviewPanel;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly requests: RequestTracker<WebviewMethods>;
  /** Rows appended since the last flush; undefined until the webview has asked for its snapshot. */
  private pendingRows: EventRow[] | undefined;
  private flushTimer: NodeJS.Timeout | undefined;
  private disposed = false;
  private readonly onDisposeListeners = new Set<() => void>();
  private readonly onActiveListeners = new Set<() => void>();

  constructor(
    private readonly session: WebSocketSession,
    extensionUri: vscode.Uri,
  ) {
    this.panel = vscode.window.createWebviewPanel(
      PANEL_VIEW_TYPE,
      session.title,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus: false },
      {
        enableScripts: true,
        retainContextWhenHidden: false,
        localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')],
      },
    );
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.svg');
    this.requests = new RequestTracker<WebviewMethods>((request) => void this.post(request), { setTimeout, clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) }, REQUEST_TIMEOUT_MS);

    this.disposables.push(
      this.panel.webview.onDidReceiveMessage((message: FromWebviewMessage) => this.onMessage(message)),
      this.panel.onDidDispose(() => this.dispose()),
      this.panel.onDidChangeViewState(({ webviewPanel }) => {
        if (webviewPanel.active) {
          for (const listener of this.onActiveListeners) listener();
        }
        if (!webviewPanel.visible) {
          // A hidden webview loses its document; it sends `ready` again when shown and gets a fresh snapshot.
          this.pendingRows = undefined;
        }
      }),
    );
    const unsubscribeRows = session.store.subscribe(({ start, end }) => this.queueRows(start, end));
    const unsubscribeState = session.onStateChange(() => {
      // Rows logged before the state change go out before it, so the header never runs ahead of the timeline.
      session.store.flushNotifications();
      this.flush();
      void this.post({ type: 'sessionChanged', session: this.summary() });
    });
    this.disposables.push({ dispose: unsubscribeRows }, { dispose: unsubscribeState });

    this.panel.webview.html = renderWebviewHtml(this.panel.webview, extensionUri, { title: session.title, script: 'panel.js', style: 'panel.css' });
  }

  /** The text of each timeline row as the webview's document renders it (asked of the page, not of the host). */
  renderedRows(): Promise<string[]> {
    return this.requests.request('renderedRows', {});
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Calls `listener` whenever this panel becomes the active editor. */
  onDidBecomeActive(listener: () => void): vscode.Disposable {
    this.onActiveListeners.add(listener);
    return { dispose: () => this.onActiveListeners.delete(listener) };
  }

  onDidDispose(listener: () => void): vscode.Disposable {
    this.onDisposeListeners.add(listener);
    return { dispose: () => this.onDisposeListeners.delete(listener) };
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    clearTimeout(this.flushTimer);
    this.requests.close('the panel was closed');
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
    this.panel.dispose();
    for (const listener of this.onDisposeListeners) {
      listener();
    }
  }

  private onMessage(message: FromWebviewMessage): void {
    switch (message.type) {
      case 'ready':
        this.sendSnapshot();
        return;
      case 'request':
        void answerRequest<HostMethods>(message, {
          sendText: ({ text }) => ({ bytes: this.session.sendText(text) }),
        }).then((reply) => this.post(reply));
        return;
      case 'reply':
        this.requests.settle(message);
        return;
      default: {
        const unhandled: never = message;
        console.warn(`[wsInspector] unknown message from webview: ${JSON.stringify(unhandled)}`);
      }
    }
  }

  private sendSnapshot(): void {
    // A reload of the webview starts over from the whole log, so no row is lost or shown twice.
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const rows = this.session.store.readRange(0, this.session.store.length).map(toEventRow);
    this.pendingRows = [];
    void this.post({ type: 'snapshot', session: this.summary(), firstSeq: 0, rows });
  }

  private queueRows(start: number, end: number): void {
    if (!this.pendingRows) {
      return; // the snapshot the webview will ask for includes these rows
    }
    for (const event of this.session.store.readRange(start, end)) {
      this.pendingRows.push(toEventRow(event));
    }
    this.flushTimer ??= setTimeout(() => this.flush(), FLUSH_INTERVAL_MS);
  }

  private flush(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    if (!this.pendingRows || this.pendingRows.length === 0) {
      return;
    }
    const rows = this.pendingRows;
    this.pendingRows = [];
    void this.post({ type: 'rowsAppended', rows, eventCount: this.session.store.length });
  }

  private summary(): SessionSummary {
    return {
      id: this.session.id,
      title: this.session.title,
      url: this.session.url,
      state: this.session.state,
      eventCount: this.session.store.length,
    };
  }

  private async post(message: ToWebviewMessage): Promise<void> {
    if (this.disposed) {
      return;
    }
    const delivered = await this.panel.webview.postMessage(message);
    if (!delivered && message.type === 'rowsAppended') {
      // The webview is gone (hidden without retained context); it will ask for a fresh snapshot when it returns.
      this.pendingRows = undefined;
    }
  }
}
