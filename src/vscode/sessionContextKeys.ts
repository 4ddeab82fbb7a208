/**
 * Context keys for `when` clauses, so session commands show in the palette and in menus only
 * where they can act:
 * - `wsInspector.hasSession`: some session still has its panel (a panel restored after a reload counts);
 * - `wsInspector.hasOpenSession`: some session is connecting, open or reconnecting;
 * - `wsInspector.activeSessionState`: the active session's state (connecting, open, closing, closed, reconnecting;
 *   closed for a restored panel), or unset.
 */
import * as vscode from 'vscode';
import type { SessionRegistry } from './sessionRegistry';

const LIVE_STATES = new Set(['connecting', 'open', 'reconnecting']);

export function trackSessionContextKeys(registry: SessionRegistry): vscode.Disposable {
  let last = '';
  const update = (): void => {
    const values: Array<[string, unknown]> = [
      ['wsInspector.hasSession', registry.size + registry.restored.length > 0],
      ['wsInspector.hasOpenSession', registry.all.some((h) => LIVE_STATES.has(h.session.state))],
      ['wsInspector.activeSessionState', registry.activeHandle?.session.state ?? (registry.activeRestored ? 'closed' : undefined)],
    ];
    // State changes come often during reconnects; tell the workbench only what changed.
    const key = JSON.stringify(values);
    if (key === last) return;
    last = key;
    for (const [name, value] of values) void vscode.commands.executeCommand('setContext', name, value);
  };
  update();
  return registry.onDidChange(update);
}
