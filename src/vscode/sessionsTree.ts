/**
 * The Sessions view: every session that still has a panel (open, or ended but not closed by the
 * person), with its state as an icon, then the panels restored after a window reload (ended); a
 * click shows its panel.
 */
import * as vscode from 'vscode';
import { FOCUS_SESSION_COMMAND } from './sessionCommands';
import type { RestoredPanel, SessionHandle, SessionRegistry } from './sessionRegistry';
import { stateIcon } from './sessionStateIcon';

export const SESSIONS_VIEW_ID = 'wsInspector.sessions';

/** A row of the Sessions view: a live session, or a panel restored after a reload. */
export type SessionsTreeElement = SessionHandle | RestoredPanel;

export class SessionsTreeProvider implements vscode.TreeDataProvider<SessionsTreeElement>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly registry: SessionRegistry) {
    this.subscription = registry.onDidChange(() => this.changed.fire());
  }

  getChildren(element?: SessionsTreeElement): SessionsTreeElement[] {
    return element ? [] : [...this.registry.all, ...this.registry.restored];
  }

  getTreeItem(element: SessionsTreeElement): vscode.TreeItem {
    return 'session' in element ? this.sessionItem(element) : restoredItem(element, element === this.registry.activeRestored);
  }

  private sessionItem(handle: SessionHandle): vscode.TreeItem {
    const { session } = handle;
    const item = new vscode.TreeItem(session.mask.redact(session.title), vscode.TreeItemCollapsibleState.None);
    item.id = session.id;
    item.description = handle === this.registry.activeHandle ? `${session.state} · active` : session.state;
    item.iconPath = stateIcon(session.state);
    const from = handle.profileUri ? `\nProfile: ${vscode.workspace.asRelativePath(handle.profileUri)}` : '';
    item.tooltip = `${session.mask.redact(session.displayUrl)}\nState: ${session.state}${from}`;
    // The state in the context value lets menus offer Disconnect only to live sessions.
    item.contextValue = `wsInspector.session.${session.state}`;
    item.command = { command: FOCUS_SESSION_COMMAND, title: 'Show Session', arguments: [session.id] };
    item.accessibilityInformation = { label: `${session.mask.redact(session.title)}, ${session.state}` };
    return item;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changed.dispose();
  }
}

/** An ended session whose panel came back after a reload: shown as closed, so it offers Reconnect as a closed session does. */
function restoredItem(restored: RestoredPanel, active: boolean): vscode.TreeItem {
  const item = new vscode.TreeItem(restored.title, vscode.TreeItemCollapsibleState.None);
  item.id = `restored:${restored.id}`;
  item.description = active ? 'ended (window reloaded) · active' : 'ended (window reloaded)';
  item.iconPath = stateIcon('closed');
  const from = restored.profileUri ? `\nProfile: ${vscode.workspace.asRelativePath(vscode.Uri.parse(restored.profileUri))}` : '';
  item.tooltip = `${restored.url}\nState: ended when the window was reloaded${from}`;
  item.contextValue = 'wsInspector.session.closed';
  item.command = { command: FOCUS_SESSION_COMMAND, title: 'Show Session', arguments: [restored.id] };
  item.accessibilityInformation = { label: `${restored.title}, ended when the window was reloaded` };
  return item;
}

export function registerSessionsView(registry: SessionRegistry): vscode.Disposable {
  const provider = new SessionsTreeProvider(registry);
  return vscode.Disposable.from(provider, vscode.window.createTreeView(SESSIONS_VIEW_ID, { treeDataProvider: provider }));
}
