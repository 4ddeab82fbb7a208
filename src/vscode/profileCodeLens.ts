/** "Connect" at the top of every .wsprofile, or, when the profile has errors, a link to them. */
import * as vscode from 'vscode';
import { CONNECT_COMMAND } from './connectCommand';
import { loadEngine } from './loadEngine';

export const WSPROFILE_LANGUAGE = 'wsprofile';

/** VS Code asks again after every edit, so the lens follows the text without a change event. */
export class ProfileCodeLensProvider implements vscode.CodeLensProvider {
  provideCodeLenses(document: vscode.TextDocument): vscode.CodeLens[] {
    const top = new vscode.Range(0, 0, 0, 0);
    // The first .wsprofile shown loads the engine (its parser); activation did not.
    const errors = loadEngine().parseProfile(document.getText(), { profilePath: document.uri.fsPath }).problems.filter((p) => p.severity === 'error').length;
    if (errors > 0) {
      // Connecting would only repeat the problems; point at them instead.
      return [new vscode.CodeLens(top, { title: `$(warning) Fix ${errors} problem${errors === 1 ? '' : 's'} to connect`, command: 'workbench.actions.view.problems', tooltip: 'Show the profile\'s problems' })];
    }
    return [new vscode.CodeLens(top, { title: '$(plug) Connect', command: CONNECT_COMMAND, arguments: [document.uri], tooltip: 'Connect this profile and open its session panel' })];
  }
}

export function registerProfileCodeLens(): vscode.Disposable {
  return vscode.languages.registerCodeLensProvider({ language: WSPROFILE_LANGUAGE }, new ProfileCodeLensProvider());
}
