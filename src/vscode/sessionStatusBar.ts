/** The status bar item: how many sessions are open and the state of the active one; a click shows its panel. */
import * as vscode from 'vscode';
import { FOCUS_SESSION_COMMAND } from './sessionCommands';
import type { SessionRegistry } from './sessionRegistry';
import { stateIcon } from './sessionStateIcon';

export class SessionStatusBar implements vscode.Disposable {
  /** Public so tests can read what a person sees. */
  readonly item: vscode.StatusBarItem;
  private readonly subscription: vscode.Disposable;
  private shown = false;

  constructor(private readonly registry: SessionRegistry) {
    this.item = vscode.window.createStatusBarItem('wsInspector.sessions', vscode.StatusBarAlignment.Left, 10);
    this.item.name = 'WebSocket Sessions';
    this.item.command = FOCUS_SESSION_COMMAND;
    this.subscription = registry.onDidChange(() => this.update());
    this.update();
  }

  private update(): void {
    const active = this.registry.activeHandle;
    const restored = this.registry.restored.length;
    const count = this.registry.size + restored;
    const activeRestored = this.registry.activeRestored;
    if (!active && restored > 0) {
      // A panel restored after a reload is the active one, or there are only such panels: their sessions ended with the old extension host.
      this.item.text = `$(${stateIcon('closed').id}) ${count} WebSocket${count === 1 ? '' : 's'}: ended`;
      this.item.tooltip = activeRestored
        ? `${count} WebSocket session${count === 1 ? '' : 's'}. The active one, "${activeRestored.title}" (${activeRestored.url}), ended when the window was reloaded. Click to show its panel.`
        : `${count} WebSocket session${count === 1 ? '' : 's'}, ended when the window was reloaded. Click to show the last one's panel.`;
      this.item.accessibilityInformation = { label: this.item.tooltip, role: 'button' };
      this.item.show();
      this.shown = true;
      return;
    }
    if (!active) {
      this.item.hide();
      this.shown = false;
      return;
    }
    const { session } = active;
    this.item.text = `$(${stateIcon(session.state).id}) ${count} WebSocket${count === 1 ? '' : 's'}: ${session.state}`;
    this.item.tooltip = `${count} WebSocket session${count === 1 ? '' : 's'}. The active one, "${session.mask.redact(session.title)}" (${session.mask.redact(session.displayUrl)}), is ${session.state}. Click to show its panel.`;
    this.item.accessibilityInformation = { label: this.item.tooltip, role: 'button' };
    this.item.show();
    this.shown = true;
  }

  /** Whether the item is in the status bar (StatusBarItem does not say). */
  get visible(): boolean {
    return this.shown;
  }

  dispose(): void {
    this.subscription.dispose();
    this.item.dispose();
  }
}
