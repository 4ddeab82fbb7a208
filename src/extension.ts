/** Entry point: wiring only. */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { registerConnectCommand } from './vscode/connectCommand';
import { SessionRegistry } from './vscode/sessionRegistry';
import { createVariableResolver } from './vscode/variableResolver';

let registry: SessionRegistry | undefined;

export function activate(context: vscode.ExtensionContext): void {
  registry = new SessionRegistry(context.extensionUri, join(context.globalStorageUri.fsPath, 'spill'));
  context.subscriptions.push(registry, registerConnectCommand(registry, createVariableResolver(context.secrets)));
  // VS Code's JSON language server (completion, hover and schema checks for .wsprofile, through
  // contributes.jsonLanguageParticipants) starts only for json/jsonc documents; start it for ours.
  void vscode.extensions.getExtension('vscode.json-language-features')?.activate();
}

export function deactivate(): void {
  // Closes every socket with 1001 "going away"; also covered by context.subscriptions, but explicit is clearer.
  registry?.dispose();
  registry = undefined;
}
