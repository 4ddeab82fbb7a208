/** The icon of each session state, shared by the Sessions view and the status bar. */
import * as vscode from 'vscode';
import type { SessionState } from '../shared/sessionEvent';

export function stateIcon(state: SessionState): vscode.ThemeIcon {
  switch (state) {
    case 'connecting':
      return new vscode.ThemeIcon('loading~spin');
    case 'open':
      return new vscode.ThemeIcon('circle-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'closing':
      return new vscode.ThemeIcon('loading~spin');
    case 'closed':
      return new vscode.ThemeIcon('debug-disconnect');
    case 'reconnecting':
      return new vscode.ThemeIcon('sync~spin');
    default: {
      const unhandled: never = state;
      throw new Error(`unknown session state ${String(unhandled)}`);
    }
  }
}
