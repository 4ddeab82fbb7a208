/**
 * The commands that act on a session: Disconnect, Reconnect, Focus Session Panel, and Show
 * Message Log. Each takes the session from its argument (a Sessions view row, or a session id)
 * and otherwise acts on the active session. A panel restored after a window reload (its session
 * ended) can be shown and reconnected; Show Session with no live session shows the last of them.
 */
import * as vscode from 'vscode';
import { CLOSE_NORMAL } from '../shared/rfc6455';
import { MESSAGE_LOG_VIEW_ID } from './messageLogView';
import { showError, showInfo } from './notify';
import type { RestoredPanel, SessionHandle, SessionRegistry } from './sessionRegistry';

export const DISCONNECT_COMMAND = 'wsInspector.disconnect';
export const RECONNECT_COMMAND = 'wsInspector.reconnect';
export const FOCUS_SESSION_COMMAND = 'wsInspector.focusSession';
export const SHOW_MESSAGE_LOG_COMMAND = 'wsInspector.showMessageLog';


export function registerSessionCommands(registry: SessionRegistry): vscode.Disposable {
  const target = (arg: unknown): SessionHandle | undefined => {
    if (typeof arg === 'string') return registry.find(arg);
    if (isHandle(arg)) return registry.find(arg.session.id);
    return registry.activeHandle;
  };
  const restoredTarget = (arg: unknown): RestoredPanel | undefined => {
    if (typeof arg === 'string') return registry.findRestored(arg);
    if (isRestoredPanel(arg)) return registry.findRestored(arg.id);
    if (arg !== undefined) return undefined;
    return registry.activeRestored ?? (registry.activeHandle ? undefined : registry.restored[registry.restored.length - 1]);
  };
  const withSession = (title: string, action: (handle: SessionHandle) => void, onRestored: (restored: RestoredPanel) => void | Promise<void>) => (arg?: unknown): void => {
    const handle = target(arg);
    const restored = handle ? undefined : restoredTarget(arg);
    if (restored) {
      Promise.resolve()
        .then(() => onRestored(restored))
        .catch((err: unknown) => void showError(`${title}: ${err instanceof Error ? err.message : String(err)}`));
      return;
    }
    if (!handle) {
      void showInfo(`${title}: there is no WebSocket session. Run "WebSocket: Connect WebSocket" first.`);
      return;
    }
    try {
      action(handle);
    } catch (err) {
      void showError(`${title}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  return vscode.Disposable.from(
    vscode.commands.registerCommand(
      DISCONNECT_COMMAND,
      withSession('Disconnect', (handle) => {
        if (handle.session.state === 'closed') {
          void showInfo('Disconnect: this session is already closed.');
          return;
        }
        // A normal closure is what a person asking to disconnect means.
        handle.session.close(CLOSE_NORMAL, '');
      }, () => {
        void showInfo('Disconnect: this session ended when the window was reloaded.');
      }),
    ),
    vscode.commands.registerCommand(
      RECONNECT_COMMAND,
      withSession('Reconnect', (handle) => {
        handle.session.reconnect();
        handle.panel.reveal();
      }, (restored) => restored.reconnect()),
    ),
    vscode.commands.registerCommand(
      FOCUS_SESSION_COMMAND,
      withSession('Show Session', (handle) => handle.panel.reveal(), (restored) => restored.panel.reveal()),
    ),
    vscode.commands.registerCommand(SHOW_MESSAGE_LOG_COMMAND, () => vscode.commands.executeCommand(`${MESSAGE_LOG_VIEW_ID}.focus`)),
  );
}

function isHandle(value: unknown): value is SessionHandle {
  return typeof value === 'object' && value !== null && 'session' in value && 'panel' in value;
}

/** A Sessions view row for a restored panel (see SessionRegistry.addRestored). */
function isRestoredPanel(value: unknown): value is RestoredPanel {
  return typeof value === 'object' && value !== null && !('session' in value) && 'panel' in value && typeof (value as Partial<RestoredPanel>).id === 'string';
}
