/**
 * "WebSocket: Connect WebSocket": connects a .wsprofile (when given its Uri or its Profiles view
 * row), a URL (when given a string), or offers a quick pick of the workspace's profiles, recent URLs, "Enter URL…" and
 * "New Profile…".
 */
import * as vscode from 'vscode';
import type { ConnectFailureNotice } from '../core/connectFailureNotice';
import type { SessionOptions } from '../core/session';
import { notificationText } from '../shared/notificationText';
import { loadEngine } from './loadEngine';
import type { ProfileFileNode } from './profilesTree';
import type { RecentUrls } from './recentUrls';
import type { SessionHandle, SessionRegistry } from './sessionRegistry';
import type { ResolverFactory } from './variableResolver';
import { describeProfileFault, findWorkspaceProfiles, type WorkspaceProfile } from './workspaceProfiles';
import { showError } from './notify';
import { MANAGE_TRUST_COMMAND, MANAGE_WORKSPACE_TRUST, type WorkspaceTrustGuard } from './workspaceTrust';

export const CONNECT_COMMAND = 'wsInspector.connect';
export const NEW_PROFILE_COMMAND = 'wsInspector.newProfile';

/** What the person chose in the quick pick. */
export type ConnectChoice =
  | { readonly kind: 'profile'; readonly uri: vscode.Uri }
  | { readonly kind: 'brokenProfile'; readonly uri: vscode.Uri }
  | { readonly kind: 'url'; readonly url: string }
  /** `prefill`: a recent URL whose credential parameters were not kept, to be typed again. */
  | { readonly kind: 'enterUrl'; readonly prefill?: string }
  | { readonly kind: 'newProfile' };

export interface ConnectPickItem extends vscode.QuickPickItem {
  readonly choice?: ConnectChoice;
}

export const ENTER_URL_LABEL = 'Enter URL…';
export const NEW_PROFILE_LABEL = 'New Profile…';
const FORGET_BUTTON: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('close'), tooltip: 'Remove from recent URLs' };

/**
 * `resolverFor`'s resolvers should already be guarded by `trust` (WorkspaceTrustGuard.guardResolver), as the
 * registry's is for saved messages; here `trust` also asks before a profile connects in
 * Restricted Mode and guards the files it names. A typed URL reads nothing from the workspace.
 */
export function registerConnectCommand(registry: SessionRegistry, resolverFor: ResolverFactory, recentUrls: RecentUrls, trust: WorkspaceTrustGuard): vscode.Disposable {
  return vscode.commands.registerCommand(CONNECT_COMMAND, async (target?: unknown): Promise<SessionHandle | undefined> => {
    try {
      const profileUri = target instanceof vscode.Uri ? target : isProfileRow(target) ? target.uri : undefined;
      if (profileUri) return await connectProfile(registry, profileUri, resolverFor, trust);
      if (typeof target === 'string') return await connectUrl(registry, recentUrls, target);
      const choice = await pickConnectChoice(recentUrls);
      switch (choice?.kind) {
        case undefined:
          return undefined; // the person dismissed the quick pick
        case 'profile':
          return await connectProfile(registry, choice.uri, resolverFor, trust);
        case 'brokenProfile':
          // Connecting would only repeat its problems; show them where they can be fixed.
          await vscode.window.showTextDocument(choice.uri);
          return undefined;
        case 'url':
          return await connectUrl(registry, recentUrls, choice.url);
        case 'enterUrl': {
          const url = await askForUrl(choice.prefill);
          return url === undefined ? undefined : await connectUrl(registry, recentUrls, url);
        }
        case 'newProfile':
          await vscode.commands.executeCommand(NEW_PROFILE_COMMAND);
          return undefined;
        default: {
          const unhandled: never = choice;
          throw new Error(`unhandled choice ${JSON.stringify(unhandled)}`);
        }
      }
    } catch (err) {
      // Every failure here is about the input (URL, profile, variables, files): say what and where.
      if (err instanceof ProfileConnectError) showProfileFailure(err);
      else void showError(`Connect WebSocket: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  });
}

async function connectUrl(registry: SessionRegistry, recentUrls: RecentUrls, url: string): Promise<SessionHandle> {
  const { checkEndpointUrl, hasUrlCredentials, withoutQueryCredentials } = loadEngine();
  const check = checkEndpointUrl(url);
  if (!check.ok) throw new Error(check.message);
  const handle = registry.open({ url: check.url.toString(), proxy: editorProxySources() });
  // A URL worth connecting to is worth offering again; the newest goes first. Not one with
  // credentials: they would be written into VS Code's state in plain text and listed on screen.
  // A token in the query is dropped, and the person types it again when they pick the URL.
  if (!hasUrlCredentials(check.url)) await recentUrls.remember(withoutQueryCredentials(handle.session.url).url);
  return handle;
}

/** The quick pick's rows: profiles, recent URLs, then the two ways to make a new endpoint. */
export function connectPickItems(profiles: readonly WorkspaceProfile[], recent: readonly string[]): ConnectPickItem[] {
  const items: ConnectPickItem[] = [];
  if (profiles.length > 0) items.push({ label: 'Profiles', kind: vscode.QuickPickItemKind.Separator });
  // Profiles that can connect first; the broken ones after them, still listed so they can be found and fixed.
  const ordered = [...profiles.filter((p) => describeProfileFault(p) === undefined), ...profiles.filter((p) => describeProfileFault(p) !== undefined)];
  for (const profile of ordered) {
    const fault = describeProfileFault(profile);
    items.push(
      fault === undefined
        ? { label: profile.name, description: profile.url, detail: profile.relativePath, iconPath: new vscode.ThemeIcon('plug'), choice: { kind: 'profile', uri: profile.uri } }
        : { label: profile.name, description: `cannot connect: ${fault}`, detail: `${profile.relativePath} (pick to open it)`, iconPath: new vscode.ThemeIcon('warning'), choice: { kind: 'brokenProfile', uri: profile.uri } },
    );
  }
  if (recent.length > 0) items.push({ label: 'Recent URLs', kind: vscode.QuickPickItemKind.Separator });
  for (const url of recent) {
    const emptied = loadEngine().emptiedCredentialParameters(url);
    items.push(
      emptied.length === 0
        ? { label: url, iconPath: new vscode.ThemeIcon('history'), buttons: [FORGET_BUTTON], choice: { kind: 'url', url } }
        : { label: url, description: `${emptied.join(', ')} not kept: pick to type ${emptied.length === 1 ? 'it' : 'them'} again`, iconPath: new vscode.ThemeIcon('history'), buttons: [FORGET_BUTTON], choice: { kind: 'enterUrl', prefill: url } },
    );
  }
  items.push(
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    { label: ENTER_URL_LABEL, description: 'a ws:// or wss:// URL', iconPath: new vscode.ThemeIcon('link'), alwaysShow: true, choice: { kind: 'enterUrl' } },
    { label: NEW_PROFILE_LABEL, description: 'save an endpoint in a .wsprofile file', iconPath: new vscode.ThemeIcon('new-file'), alwaysShow: true, choice: { kind: 'newProfile' } },
  );
  return items;
}

/** The row offered when what is typed in the quick pick is itself a URL, so it can be connected without a second step. */
function typedUrlItem(value: string): ConnectPickItem | undefined {
  const trimmed = value.trim();
  if (!/^wss?:\/\//i.test(trimmed)) return undefined;
  const { checkEndpointUrl, displayUrlString } = loadEngine();
  if (!checkEndpointUrl(trimmed).ok) return undefined;
  // The list shows the URL without its password; the choice keeps the URL as typed.
  return { label: displayUrlString(trimmed), description: 'connect to this URL', iconPath: new vscode.ThemeIcon('plug'), alwaysShow: true, choice: { kind: 'url', url: trimmed } };
}

function pickConnectChoice(recentUrls: RecentUrls): Promise<ConnectChoice | undefined> {
  const pick = vscode.window.createQuickPick<ConnectPickItem>();
  pick.title = 'Connect WebSocket';
  pick.placeholder = 'Pick a profile or a recent URL, or type a ws:// URL';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.busy = true;
  // Entries kept before tokens were dropped from them lose theirs now.
  void recentUrls.rewrite((url) => loadEngine().withoutQueryCredentials(url).url);
  let baseItems = connectPickItems([], recentUrls.list());
  const showItems = (): void => {
    const typed = typedUrlItem(pick.value);
    pick.items = typed ? [typed, ...baseItems] : baseItems;
  };
  showItems();
  const search = new vscode.CancellationTokenSource();
  return new Promise<ConnectChoice | undefined>((resolve) => {
    const disposables: vscode.Disposable[] = [search];
    let finished = false;
    const finish = (choice: ConnectChoice | undefined): void => {
      if (finished) return; // hiding follows accepting
      finished = true;
      resolve(choice);
      search.cancel();
      for (const d of disposables) d.dispose();
      pick.dispose();
    };
    disposables.push(
      pick.onDidChangeValue(showItems),
      pick.onDidAccept(() => finish(pick.selectedItems[0]?.choice)),
      pick.onDidHide(() => finish(undefined)),
      pick.onDidTriggerItemButton(({ item }) => {
        if (item.choice?.kind !== 'url') return;
        const url = item.choice.url;
        void recentUrls.forget(url).then(() => {
          baseItems = baseItems.filter((i) => i !== item);
          showItems();
        });
      }),
    );
    pick.show();
    findWorkspaceProfiles(search.token).then(
      (profiles) => {
        baseItems = connectPickItems(profiles, recentUrls.list());
        showItems();
        pick.busy = false;
      },
      (err: unknown) => {
        pick.busy = false;
        void showError(`Connect WebSocket: the workspace's .wsprofile files could not be listed (${err instanceof Error ? err.message : String(err)}).`);
      },
    );
  });
}

async function connectProfile(registry: SessionRegistry, uri: vscode.Uri, resolverFor: ResolverFactory, trust: WorkspaceTrustGuard): Promise<SessionHandle | undefined> {
  const options = await optionsFromProfile(uri, resolverFor, trust);
  return options === undefined ? undefined : registry.open(options, uri);
}

/** The session options for a profile file, or undefined when the person declined to connect it in Restricted Mode. */
async function optionsFromProfile(uri: vscode.Uri, resolverFor: ResolverFactory, trust: WorkspaceTrustGuard): Promise<SessionOptions | undefined> {
  // Use the open document when there is one, so unsaved edits count.
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const text = document ? document.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const engine = loadEngine();
  const source = { fileName: vscode.workspace.asRelativePath(uri), text };
  const parsed = engine.parseProfile(text, { profilePath: uri.fsPath });
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (!parsed.profile || errors.length > 0) {
    throw new ProfileConnectError(uri, engine.profileProblemsNotice(source, errors.length), 'problems');
  }
  if (!(await trust.confirmConnect(parsed.profile.name, engine.restrictedReads(parsed.profile)))) return undefined;
  try {
    const resolver = resolverFor({ profileName: parsed.profile.name, url: parsed.profile.url });
    return await engine.sessionOptionsFromProfile(parsed.profile, { resolver, proxy: editorProxySources(), readFile: trust.readProfileFile });
  } catch (err) {
    throw new ProfileConnectError(uri, engine.connectFailureNotice(err, source), isRestrictedModeRefusal(err) ? 'restricted' : 'resolve');
  }
}

/** A profile that cannot connect, with what to say about it (which never quotes the file). */
class ProfileConnectError extends Error {
  constructor(
    readonly uri: vscode.Uri,
    readonly notice: ConnectFailureNotice,
    readonly reason: 'problems' | 'restricted' | 'resolve',
  ) {
    super(notice.message);
    this.name = 'ProfileConnectError';
  }
}

const SHOW_PROBLEMS = 'Show Problems';
const OPEN_PROFILE = 'Open Profile';

/** The notification for a profile that cannot connect, with the button that leads to the fix. */
function showProfileFailure(err: ProfileConnectError): void {
  const message = `Connect WebSocket: ${err.notice.message}`;
  let shown: Thenable<string | undefined>;
  switch (err.reason) {
    case 'problems':
      shown = showError(message, SHOW_PROBLEMS);
      break;
    case 'restricted':
      // A Restricted Mode refusal is lifted in VS Code's trust editor: offer it on the message.
      shown = showError(message, MANAGE_WORKSPACE_TRUST, OPEN_PROFILE);
      break;
    case 'resolve':
      shown = showError(message, OPEN_PROFILE);
      break;
    default: {
      const unhandled: never = err.reason;
      throw new Error(`unhandled reason ${String(unhandled)}`);
    }
  }
  shown.then(async (picked) => {
    if (picked === SHOW_PROBLEMS) {
      await vscode.window.showTextDocument(err.uri, { preview: false });
      await vscode.commands.executeCommand('workbench.actions.view.problems');
    } else if (picked === MANAGE_WORKSPACE_TRUST) {
      await vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
    } else if (picked === OPEN_PROFILE) {
      const editor = await vscode.window.showTextDocument(err.uri, { preview: false });
      const range = err.notice.range;
      if (range) {
        const selection = new vscode.Selection(editor.document.positionAt(range.offset), editor.document.positionAt(range.offset + range.length));
        editor.selection = selection;
        editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      }
    }
  }, (failure: unknown) => console.warn(`[wsInspector] could not show a connect failure: ${String(failure)}`));
}

/** A row of the Profiles view, as its inline "Connect" passes it. */
function isProfileRow(value: unknown): value is ProfileFileNode {
  return typeof value === 'object' && value !== null && (value as Partial<ProfileFileNode>).kind === 'profile' && (value as Partial<ProfileFileNode>).uri instanceof vscode.Uri;
}

/** VS Code's http.proxy setting, then the usual environment variables (with NO_PROXY). */
function editorProxySources(): { editor?: string; env: NodeJS.ProcessEnv } {
  const editor = vscode.workspace.getConfiguration('http').get<string>('proxy') || undefined;
  return { editor, env: process.env };
}

/** `prefill`: a URL to complete, the cursor after its first emptied credential parameter. */
function askForUrl(prefill?: string): Thenable<string | undefined> {
  const emptied = prefill ? loadEngine().emptiedCredentialParameters(prefill)[0] : undefined;
  const cursor = prefill && emptied !== undefined ? prefill.search(new RegExp(`[?&]${escapeRegExp(encodeURIComponent(emptied))}=`)) : -1;
  const at = prefill && cursor >= 0 ? prefill.indexOf('=', cursor) + 1 : prefill?.length ?? 0;
  return vscode.window.showInputBox({
    title: 'Connect WebSocket',
    prompt: prefill ? 'WebSocket endpoint URL (its token was not kept: type it again)' : 'WebSocket endpoint URL',
    placeHolder: 'ws://127.0.0.1:8080/echo',
    value: prefill,
    valueSelection: prefill ? [at, at] : undefined,
    ignoreFocusOut: true,
    validateInput: (value) => {
      const check = loadEngine().checkEndpointUrl(value);
      // The message quotes what was typed (or pasted), and a validation message renders link syntax.
      return check.ok ? undefined : notificationText(check.message);
    },
  });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Whether `err` is Restricted Mode refusing a read; false when the engine itself failed to load (that error is shown as it is). */
function isRestrictedModeRefusal(err: unknown): boolean {
  try {
    return loadEngine().isRestrictedModeRefusal(err);
  } catch {
    return false;
  }
}
