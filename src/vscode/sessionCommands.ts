/**
 * The commands that act on a session: Disconnect, Reconnect, Focus Session Panel, and Show
 * Message Log. Each takes the session from its argument (a Sessions view row, or a session id)
 * and otherwise acts on the active session.
 */
import * as vscode from 'vscode';
import type { SessionHandle, SessionRegistry } from './sessionRegistry';

export const DISCONNECT_COMMAND = 'wsInspector.disconnect';
export const RECONNECT_COMMAND = 'wsInspector.reconnect';
export const FOCUS_SESSION_COMMAND = 'wsInspector.focusSession';
export const SHOW_MESSAGE_LOG_COMMAND = 'wsInspector.showMessageLog';
export const MESSAGE_LOG_VIEW_ID = 'wsInspector.messageLog';

/** RFC 6455 section 7.4.1: 1000 is a normal closure, which is what a person asking to disconnect means. */
const NORMAL_CLOSURE = 1000;

export function registerSessionCommands(registry: SessionRegistry): vscode.Disposable {
  const target = (arg: unknown): SessionHandle | undefined => {
    if (typeof arg === 'string') return registry.find(arg);
    if (isHandle(arg)) return registry.find(arg.session.id);
    return registry.activeHandle;
  };
  const withSession = (title: string, action: (handle: SessionHandle) => void) => (arg?: unknown): void => {
    const handle = target(arg);
    if (!handle) {
      void vscode.window.showInformationMessage(`${title}: there is no WebSocket session. Run "WebSocket: Connect WebSocket" first.`);
      return;
    }
    try {
      action(handle);
    } catch (err) {
      void vscode.window.showErrorMessage(`${title} "${handle.session.mask.redact(handle.session.title)}": ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(
      DISCONNECT_COMMAND,
      withSession('Disconnect', (handle) => {
        if (handle.session.state === 'closed') {
          void vscode.window.showInformationMessage(`"${handle.session.mask.redact(handle.session.title)}" is already closed.`);
          return;
        }
        handle.session.close(NORMAL_CLOSURE, '');
      }),
    ),
    vscode.commands.registerCommand(
      RECONNECT_COMMAND,
      withSession('Reconnect', (handle) => {
        handle.session.reconnect();
        handle.panel.reveal();
      }),
    ),
    vscode.commands.registerCommand(
      FOCUS_SESSION_COMMAND,
      withSession('Show Session', (handle) => handle.panel.reveal()),
    ),
    vscode.commands.registerCommand(SHOW_MESSAGE_LOG_COMMAND, () => vscode.commands.executeCommand(`${MESSAGE_LOG_VIEW_ID}.focus`)),
  );
}

function isHandle(value: unknown): value is SessionHandle {
  return typeof value === 'object' && value !== null && 'session' in value && 'panel' in value;
}
