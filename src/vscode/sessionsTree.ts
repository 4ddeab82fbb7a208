/**
 * The Sessions view: every session that still has a panel (open, or ended but not closed by the
 * person), with its state as an icon; a click shows its panel.
 */
import * as vscode from 'vscode';
import { FOCUS_SESSION_COMMAND } from './sessionCommands';
import type { SessionHandle, SessionRegistry } from './sessionRegistry';
import { stateIcon } from './sessionStateIcon';

export const SESSIONS_VIEW_ID = 'wsInspector.sessions';

export class SessionsTreeProvider implements vscode.TreeDataProvider<SessionHandle>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly registry: SessionRegistry) {
    this.subscription = registry.onDidChange(() => this.changed.fire());
  }

  getChildren(element?: SessionHandle): SessionHandle[] {
    return element ? [] : [...this.registry.all];
  }

  getTreeItem(handle: SessionHandle): vscode.TreeItem {
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

export function registerSessionsView(registry: SessionRegistry): vscode.Disposable {
  const provider = new SessionsTreeProvider(registry);
  return vscode.Disposable.from(provider, vscode.window.createTreeView(SESSIONS_VIEW_ID, { treeDataProvider: provider }));
}
