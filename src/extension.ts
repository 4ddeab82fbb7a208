/** Entry point: wiring only. */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { registerConnectCommand } from './vscode/connectCommand';
import { MessageLogViewProvider } from './vscode/messageLogView';
import { registerNewProfileCommand } from './vscode/newProfileCommand';
import { registerPanelSerializer } from './vscode/panelSerializer';
import { registerProfileCodeLens } from './vscode/profileCodeLens';
import { registerProfileDiagnostics } from './vscode/profileDiagnostics';
import { registerProfilesView } from './vscode/profilesTree';
import { RecentUrls } from './vscode/recentUrls';
import { registerSessionCommands } from './vscode/sessionCommands';
import { trackSessionContextKeys } from './vscode/sessionContextKeys';
import { SessionRegistry } from './vscode/sessionRegistry';
import { registerSessionsView } from './vscode/sessionsTree';
import { SessionStatusBar } from './vscode/sessionStatusBar';
import { createVariableResolver, type ResolverFactory } from './vscode/variableResolver';
import { WorkspaceTrustGuard } from './vscode/workspaceTrust';

let registry: SessionRegistry | undefined;

/**
 * The running parts, which activate() returns only to the integration tests (ExtensionMode.Test).
 * Every installed extension can read another's exports, and these hold the secret storage and
 * live sessions, so the shipped extension exports nothing.
 */
export interface WsInspectorTestApi {
  readonly registry: SessionRegistry;
  readonly messageLog: MessageLogViewProvider;
  /** Decides what a profile may read in Restricted Mode. */
  readonly trust: WorkspaceTrustGuard;
  /** Everything VS Code keeps for the extension (tests check that no secret value ends up in it). */
  readonly storage: {
    readonly globalStorageUri: vscode.Uri;
    readonly storageUri: vscode.Uri | undefined;
    readonly logUri: vscode.Uri;
    readonly globalState: vscode.Memento;
    readonly workspaceState: vscode.Memento;
    readonly secrets: vscode.SecretStorage;
  };
}

export function activate(context: vscode.ExtensionContext): WsInspectorTestApi | undefined {
  // One trust guard for every path that resolves a profile: connecting and sending saved messages.
  const trust = new WorkspaceTrustGuard();
  const resolverFor: ResolverFactory = (origin) => trust.guardResolver(createVariableResolver(context.secrets, () => trust.isTrusted(), origin));
  registry = new SessionRegistry(context.extensionUri, join(context.globalStorageUri.fsPath, 'spill'), resolverFor, trust.readProfileFile);
  context.subscriptions.push(registry, registerConnectCommand(registry, resolverFor, new RecentUrls(context.globalState), trust));
  context.subscriptions.push(registerNewProfileCommand(), registerSessionCommands(registry), trackSessionContextKeys(registry), new SessionStatusBar(registry));
  const messageLog = MessageLogViewProvider.register(registry, context.extensionUri);
  context.subscriptions.push(registerPanelSerializer(context.extensionUri, registry), messageLog.disposable);
  context.subscriptions.push(registerProfileCodeLens(), registerProfileDiagnostics(), registerProfilesView(), registerSessionsView(registry));
  context.subscriptions.push(startJsonServerForProfiles());
  if (context.extensionMode !== vscode.ExtensionMode.Test) return undefined;
  const { globalStorageUri, storageUri, logUri, globalState, workspaceState, secrets } = context;
  return { registry, messageLog: messageLog.provider, trust, storage: { globalStorageUri, storageUri, logUri, globalState, workspaceState, secrets } };
}

/**
 * VS Code's JSON language server (completion, hover and schema checks for .wsprofile, through
 * contributes.jsonLanguageParticipants) starts only for json/jsonc documents; start it when a
 * .wsprofile is open, and not before: a session started from the palette does not need it.
 */
function startJsonServerForProfiles(): vscode.Disposable {
  const start = (): void => void vscode.extensions.getExtension('vscode.json-language-features')?.activate();
  if (vscode.workspace.textDocuments.some((d) => d.languageId === 'wsprofile')) {
    start();
    return new vscode.Disposable(() => undefined);
  }
  const listener = vscode.workspace.onDidOpenTextDocument((document) => {
    if (document.languageId !== 'wsprofile') return;
    listener.dispose();
    start();
  });
  return listener;
}

/**
 * VS Code waits a few seconds at most for the promise deactivate() returns before the extension host
 * goes away; peers get this long to finish a handshake in flight or answer our close frame, then
 * their sockets are dropped.
 */
const SHUTDOWN_GRACE_MS = 1500;

/**
 * Closes every socket with 1001 "going away" and resolves once the close frames are answered (or
 * the sockets dropped after SHUTDOWN_GRACE_MS), with every session timer stopped and every spill
 * file deleted. The extension starts no child processes. context.subscriptions (disposed by VS Code
 * after this) close the same sessions too, but without waiting for the peers.
 */
export function deactivate(): Promise<void> {
  const closing = registry?.closeAll(SHUTDOWN_GRACE_MS) ?? Promise.resolve();
  registry = undefined;
  return closing;
}
