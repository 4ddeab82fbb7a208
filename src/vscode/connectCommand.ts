/**
 * "WebSocket: Connect WebSocket": connects a .wsprofile (when given its Uri), a URL (when given a
 * string), or asks for a URL.
 */
import * as vscode from 'vscode';
import { checkEndpointUrl } from '../core/endpointUrl';
import { parseProfile } from '../core/profile';
import { sessionOptionsFromProfile } from '../core/profileSession';
import type { SessionOptions } from '../core/session';
import type { VariableResolver } from '../core/variables';
import type { SessionHandle, SessionRegistry } from './sessionRegistry';

export const CONNECT_COMMAND = 'wsInspector.connect';

export function registerConnectCommand(registry: SessionRegistry, resolver: VariableResolver): vscode.Disposable {
  return vscode.commands.registerCommand(CONNECT_COMMAND, async (target?: unknown): Promise<SessionHandle | undefined> => {
    try {
      const profileUri = target instanceof vscode.Uri ? target : undefined;
      const options = profileUri ? await optionsFromProfile(profileUri, resolver) : await optionsFromUrl(typeof target === 'string' ? target : undefined);
      return options ? registry.open(options, profileUri) : undefined;
    } catch (err) {
      // Every failure here is about the input (URL, profile, variables, files): say what and where.
      void vscode.window.showErrorMessage(`Connect WebSocket: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  });
}

async function optionsFromUrl(given: string | undefined): Promise<SessionOptions | undefined> {
  const url = given ?? (await askForUrl());
  if (url === undefined) return undefined; // the person dismissed the input box
  const check = checkEndpointUrl(url);
  if (!check.ok) throw new Error(check.message);
  return { url: check.url.toString(), proxy: editorProxySources() };
}

async function optionsFromProfile(uri: vscode.Uri, resolver: VariableResolver): Promise<SessionOptions | undefined> {
  // Use the open document when there is one, so unsaved edits count.
  const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const text = document ? document.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  const parsed = parseProfile(text, { profilePath: uri.fsPath });
  const errors = parsed.problems.filter((p) => p.severity === 'error');
  if (!parsed.profile || errors.length > 0) {
    const first = errors[0];
    const where = first ? ` (line ${first.line}, column ${first.column}: ${first.message})` : '';
    throw new Error(`${vscode.workspace.asRelativePath(uri)} has ${errors.length} problem${errors.length === 1 ? '' : 's'}${where}. Fix ${errors.length === 1 ? 'it' : 'them'} and connect again.`);
  }
  return sessionOptionsFromProfile(parsed.profile, { resolver, proxy: editorProxySources() });
}

/** VS Code's http.proxy setting, then the usual environment variables (with NO_PROXY). */
function editorProxySources(): { editor?: string; env: NodeJS.ProcessEnv } {
  const editor = vscode.workspace.getConfiguration('http').get<string>('proxy') || undefined;
  return { editor, env: process.env };
}

function askForUrl(): Thenable<string | undefined> {
  return vscode.window.showInputBox({
    title: 'Connect WebSocket',
    prompt: 'WebSocket endpoint URL',
    placeHolder: 'ws://127.0.0.1:8080/echo',
    ignoreFocusOut: true,
    validateInput: (value) => {
      const check = checkEndpointUrl(value);
      return check.ok ? undefined : check.message;
    },
  });
}
