/** Owns every session and its panel, so deactivation can close them all. */
import { mkdirSync } from 'node:fs';
import * as vscode from 'vscode';
import { WebSocketSession, type SessionOptions } from '../core/session';
import { SessionPanel } from './sessionPanel';

/** A running session with its panel; what `wsInspector.connect` returns to its caller. */
export interface SessionHandle {
  readonly session: WebSocketSession;
  readonly panel: SessionPanel;
}

export class SessionRegistry implements vscode.Disposable {
  private readonly handles = new Set<SessionHandle>();

  constructor(
    private readonly extensionUri: vscode.Uri,
    /** Folder for the event logs' spill files (the extension's global storage). */
    private readonly spillDir: string,
  ) {}

  /** Creates a session, opens its panel and connects. Throws SessionError for a bad URL. */
  open(options: SessionOptions): SessionHandle {
    const capMb = vscode.workspace.getConfiguration('wsInspector').get<number>('memoryCapMB', 256);
    mkdirSync(this.spillDir, { recursive: true });
    const session = new WebSocketSession({
      ...options,
      store: { memoryCapBytes: Math.max(16, capMb) * 1024 * 1024, spillDir: this.spillDir, ...options.store },
    });
    const panel = new SessionPanel(session, this.extensionUri);
    const handle: SessionHandle = { session, panel };
    this.handles.add(handle);
    // Closing the panel ends its session: a socket nobody can see must not stay open.
    panel.onDidDispose(() => {
      session.dispose();
      this.handles.delete(handle);
    });
    session.connect();
    return handle;
  }

  get size(): number {
    return this.handles.size;
  }

  dispose(): void {
    for (const handle of [...this.handles]) {
      handle.panel.dispose();
    }
    this.handles.clear();
  }
}
