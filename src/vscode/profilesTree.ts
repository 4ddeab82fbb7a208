/**
 * The Profiles view: the workspace's .wsprofile files grouped by folder, each with its name and
 * URL (or why it cannot connect). It follows files being created, changed and deleted.
 */
import * as vscode from 'vscode';
import { describeProfileFault, findWorkspaceProfiles, PROFILE_GLOB, type WorkspaceProfile } from './workspaceProfiles';

export const PROFILES_VIEW_ID = 'wsInspector.profiles';
export const REFRESH_PROFILES_COMMAND = 'wsInspector.refreshProfiles';
/** Saving many files at once (a branch switch) should cost one scan, not one per file. */
const REFRESH_DELAY_MS = 200;

export type ProfilesTreeNode = ProfileFolderNode | ProfileFileNode;

export interface ProfileFolderNode {
  readonly kind: 'folder';
  /** The folder's path relative to the workspace folder, or the workspace folder's name for its root. */
  readonly label: string;
  readonly profiles: readonly ProfileFileNode[];
}

/** A Profiles row; `uri` is what "Connect" on the row connects. */
export interface ProfileFileNode {
  readonly kind: 'profile';
  readonly uri: vscode.Uri;
  readonly profile: WorkspaceProfile;
}

/** Groups profiles by the folder they are in: a workspace folder's own files first, then subfolders in path order. */
export function groupProfilesByFolder(profiles: readonly WorkspaceProfile[]): ProfileFolderNode[] {
  const groups = new Map<string, { root: boolean; nodes: ProfileFileNode[] }>();
  for (const profile of profiles) {
    const slash = profile.relativePath.lastIndexOf('/');
    const root = slash < 0;
    const label = root ? (vscode.workspace.getWorkspaceFolder(profile.uri)?.name ?? '.') : profile.relativePath.slice(0, slash);
    const group = groups.get(label) ?? { root, nodes: [] };
    group.nodes.push({ kind: 'profile', uri: profile.uri, profile });
    groups.set(label, group);
  }
  return [...groups.entries()]
    .sort(([a, ga], [b, gb]) => Number(gb.root) - Number(ga.root) || a.localeCompare(b))
    .map(([label, group]) => ({ kind: 'folder', label, profiles: group.nodes }));
}

export class ProfilesTreeProvider implements vscode.TreeDataProvider<ProfilesTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly disposables: vscode.Disposable[] = [this.changed];
  private refreshTimer: NodeJS.Timeout | undefined;
  private folders: Promise<ProfileFolderNode[]> | undefined;

  constructor() {
    // The watcher sees changes made outside VS Code (a branch switch, a script), but its events
    // can lag by seconds under load; what is done inside VS Code (the Explorer, applyEdit, saving)
    // is also heard through the workspace's own events, at once.
    const watcher = vscode.workspace.createFileSystemWatcher(PROFILE_GLOB);
    const later = (): void => this.refreshSoon();
    const ifProfile = (uris: readonly vscode.Uri[]): void => {
      if (uris.some((uri) => uri.path.endsWith('.wsprofile'))) later();
    };
    this.disposables.push(
      watcher,
      watcher.onDidCreate(later),
      watcher.onDidChange(later),
      watcher.onDidDelete(later),
      vscode.workspace.onDidChangeWorkspaceFolders(later),
      vscode.workspace.onDidCreateFiles(({ files }) => ifProfile(files)),
      vscode.workspace.onDidDeleteFiles(({ files }) => ifProfile(files)),
      // A renamed folder may hold profiles, whatever its own name.
      vscode.workspace.onDidRenameFiles(later),
      vscode.workspace.onDidSaveTextDocument((document) => ifProfile([document.uri])),
    );
  }

  /** Forgets what was found and asks the view to list the files again. */
  refresh(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    this.folders = undefined;
    this.changed.fire();
  }

  private refreshSoon(): void {
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refresh(), REFRESH_DELAY_MS);
  }

  async getChildren(element?: ProfilesTreeNode): Promise<ProfilesTreeNode[]> {
    if (element) return element.kind === 'folder' ? [...element.profiles] : [];
    this.folders ??= findWorkspaceProfiles().then(groupProfilesByFolder);
    return this.folders;
  }

  getTreeItem(node: ProfilesTreeNode): vscode.TreeItem {
    if (node.kind === 'folder') {
      const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `folder:${node.label}`;
      item.iconPath = vscode.ThemeIcon.Folder;
      item.contextValue = 'wsInspector.profileFolder';
      return item;
    }
    const { profile } = node;
    const fault = describeProfileFault(profile);
    const item = new vscode.TreeItem(profile.name, vscode.TreeItemCollapsibleState.None);
    item.id = `profile:${profile.uri.toString()}`;
    item.resourceUri = profile.uri;
    item.command = { command: 'vscode.open', title: 'Open Profile', arguments: [profile.uri] };
    if (fault === undefined) {
      item.description = profile.url;
      item.tooltip = `${profile.name}\n${profile.url ?? ''}\n${profile.relativePath}`;
      item.contextValue = 'wsInspector.profile';
    } else {
      item.description = `cannot connect: ${fault}`;
      item.tooltip = `${profile.relativePath} cannot be connected as it is: ${fault}`;
      item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
      item.contextValue = 'wsInspector.profile.broken';
    }
    return item;
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const d of this.disposables) d.dispose();
  }
}

/** The Profiles view and its Refresh command. */
export function registerProfilesView(): vscode.Disposable {
  const provider = new ProfilesTreeProvider();
  return vscode.Disposable.from(
    provider,
    vscode.window.createTreeView(PROFILES_VIEW_ID, { treeDataProvider: provider, showCollapseAll: true }),
    vscode.commands.registerCommand(REFRESH_PROFILES_COMMAND, () => provider.refresh()),
  );
}
