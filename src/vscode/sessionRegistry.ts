/** Owns every session and its panel, so views can list them and deactivation can close them all. */
import { mkdirSync } from 'node:fs';
import * as vscode from 'vscode';
import type { ReadFile } from '../core/profile';
import type { SessionOptions, WebSocketSession } from '../core/session';
import type { ResolverFactory } from './variableResolver';
import { loadEngine } from './loadEngine';
import type { SessionPanel } from './sessionPanel';
import { storeLimits } from './storeLimits';

/** A session with its panel; what `wsInspector.connect` returns to its caller. */
export interface SessionHandle {
  readonly session: WebSocketSession;
  readonly panel: SessionPanel;
  /** The profile file it was connected from, if any. */
  readonly profileUri?: vscode.Uri;
}

/**
 * A panel brought back after a window reload (panelSerializer.ts). Its session ended with the old
 * extension host; the Sessions view and the status bar list it as ended until the panel is closed.
 */
export interface RestoredPanel {
  /** The ended session's id, as its panel saved it. */
  readonly id: string;
  /** As the panel saved them: secrets and passwords already hidden. */
  readonly title: string;
  readonly url: string;
  readonly profileUri?: string;
  readonly panel: vscode.WebviewPanel;
  /** Starts a new session for the same profile or URL, as the panel's Reconnect button does. */
  reconnect(): Promise<void>;
}

export class SessionRegistry implements vscode.Disposable {
  private readonly handles: SessionHandle[] = [];
  private readonly restoredPanels: RestoredPanel[] = [];
  /** The panel focused last (or opened last): a live session's, or one restored after a reload. */
  private active: SessionHandle | RestoredPanel | undefined;
  /** The live session that was active last, to return to when a restored panel that took over closes. */
  private lastLive: SessionHandle | undefined;
  private readonly changed = new vscode.EventEmitter<void>();
  /** The spill folder was swept of files left by extension hosts that crashed (once per registry). */
  private swept = false;
  /** Fires when a session is added or removed, changes state, or another one becomes active. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    /** Folder for the event logs' spill files (the extension's global storage). */
    private readonly spillDir: string,
    /** Resolves variables in the profile's saved messages when the panel sends them. */
    private readonly resolverFor: ResolverFactory,
    /** Reads saved messages' files (the trust guard's reader, so Restricted Mode reads none); the disk when omitted. */
    private readonly readFile?: ReadFile,
  ) {}

  /** Creates a session, opens its panel and connects. Throws SessionError for a bad URL. */
  open(options: SessionOptions, profileUri?: vscode.Uri): SessionHandle {
    mkdirSync(this.spillDir, { recursive: true });
    // The first session loads the engine (dist/engine.js); until then activation has not paid for it.
    const { WebSocketSession, SessionPanel, sweepStaleSpillFiles } = loadEngine();
    if (!this.swept) {
      this.swept = true;
      // A crashed extension host never deleted its spill files; their process ids say whose they were.
      // In the background: a session does not wait for it, and a folder that cannot be read only keeps them.
      sweepStaleSpillFiles(this.spillDir).catch(() => undefined);
    }
    const session = new WebSocketSession({
      ...options,
      store: { ...storeLimits((key) => vscode.workspace.getConfiguration('wsInspector').get(key)), spillDir: this.spillDir, ...options.store },
    });
    const panel = new SessionPanel(session, this.extensionUri, { profileUri, resolver: this.resolverFor(options.title === undefined ? undefined : { profileName: options.title, url: options.url }), readFile: this.readFile });
    const handle: SessionHandle = { session, panel, profileUri };
    this.handles.push(handle);
    this.active = this.lastLive = handle;
    const unsubscribe = session.onStateChange(() => this.changed.fire());
    panel.onDidBecomeActive(() => {
      this.active = this.lastLive = handle;
      this.changed.fire();
    });
    // Closing the panel ends its session: a socket nobody can see must not stay open.
    panel.onDidDispose(() => {
      unsubscribe();
      void session.dispose();
      const index = this.handles.indexOf(handle);
      if (index >= 0) this.handles.splice(index, 1);
      // The newest session stands in for the one focused last (an active live session is always the one focused last).
      if (this.lastLive === handle) this.lastLive = this.handles[this.handles.length - 1];
      if (this.active === handle) this.active = this.lastLive;
      this.changed.fire();
    });
    session.connect();
    this.changed.fire();
    return handle;
  }

  /** Lists a panel restored after a window reload until it is closed. */
  addRestored(restored: RestoredPanel): void {
    this.restoredPanels.push(restored);
    // Focusing it makes it the active one, so the palette's Reconnect and the status bar act on it.
    const focus = restored.panel.onDidChangeViewState(({ webviewPanel }) => {
      if (!webviewPanel.active || this.active === restored) return;
      this.active = restored;
      this.changed.fire();
    });
    restored.panel.onDidDispose(() => {
      focus.dispose();
      const index = this.restoredPanels.indexOf(restored);
      if (index >= 0) this.restoredPanels.splice(index, 1);
      if (this.active === restored) this.active = this.lastLive ?? this.handles[this.handles.length - 1];
      this.changed.fire();
    });
    if (restored.panel.active) this.active = restored;
    this.changed.fire();
  }

  /** Panels restored after a window reload and still open, oldest first: ended sessions with no WebSocketSession behind them. */
  get restored(): readonly RestoredPanel[] {
    return this.restoredPanels;
  }

  findRestored(id: string): RestoredPanel | undefined {
    return this.restoredPanels.find((r) => r.id === id);
  }

  /** Every session that still has a panel, oldest first. */
  get all(): readonly SessionHandle[] {
    return this.handles;
  }

  /** The session whose panel was focused last (or opened last); undefined while a restored panel is the active one. */
  get activeHandle(): SessionHandle | undefined {
    return this.active && 'session' in this.active ? this.active : undefined;
  }

  /** The live session that was active last (while a restored panel is the active one, the one before it). */
  get lastLiveHandle(): SessionHandle | undefined {
    return this.lastLive;
  }

  /** The restored panel, when it was focused after every live session's panel. */
  get activeRestored(): RestoredPanel | undefined {
    return this.active && !('session' in this.active) ? this.active : undefined;
  }

  find(sessionId: string): SessionHandle | undefined {
    return this.handles.find((h) => h.session.id === sessionId);
  }

  get size(): number {
    return this.handles.length;
  }

  /**
   * Closes every session with 1001 "going away" and closes its panel. Resolves once every socket is
   * closed, every session timer stopped and every spill file deleted; a peer that has not answered
   * (or not finished its handshake) within `graceMs` is dropped, so this never waits much longer.
   */
  closeAll(graceMs?: number): Promise<void> {
    const handles = [...this.handles];
    // Sessions first: a panel's onDidDispose then finds its session already closing with 1001.
    const released = handles.map((handle) => handle.session.dispose(graceMs));
    for (const handle of handles) handle.panel.dispose();
    return Promise.all(released).then(() => undefined);
  }

  dispose(): void {
    void this.closeAll();
    this.handles.length = 0;
    this.restoredPanels.length = 0;
    this.changed.dispose();
  }
}
