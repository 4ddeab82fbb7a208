/** "WebSocket: Connect WebSocket": asks for an endpoint URL (or takes one as argument) and opens its session. */
import * as vscode from 'vscode';
import { checkEndpointUrl } from '../core/endpointUrl';
import { SessionError } from '../core/session';
import type { SessionHandle, SessionRegistry } from './sessionRegistry';

export const CONNECT_COMMAND = 'wsInspector.connect';

export function registerConnectCommand(registry: SessionRegistry): vscode.Disposable {
  return vscode.commands.registerCommand(CONNECT_COMMAND, async (target?: unknown): Promise<SessionHandle | undefined> => {
    const url = typeof target === 'string' ? target : await askForUrl();
    if (url === undefined) {
      return undefined; // the person dismissed the input box
    }
    try {
      return registry.open({ url });
    } catch (err) {
      if (err instanceof SessionError) {
        void vscode.window.showErrorMessage(`Connect WebSocket: ${err.message}`);
        return undefined;
      }
      throw err;
    }
  });
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
