/** Supplies ${env:…}, ${secret:…} and ${input:…} values to the engine from VS Code. */
import * as vscode from 'vscode';
import type { VariableResolver } from '../core/variables';

/** SecretStorage keys are namespaced so the extension's secrets never collide with another's. */
export const secretStorageKey = (name: string): string => `wsInspector.secret.${name}`;

export function createVariableResolver(secrets: vscode.SecretStorage): VariableResolver {
  return async (ref) => {
    switch (ref.kind) {
      case 'env':
        return process.env[ref.name];
      case 'secret': {
        const key = secretStorageKey(ref.name);
        const stored = await secrets.get(key);
        if (stored !== undefined) return stored;
        // Asked for once, then kept in SecretStorage; never written to the profile or the log.
        const entered = await vscode.window.showInputBox({
          title: `Secret "${ref.name}"`,
          prompt: `Value for \${secret:${ref.name}}. It is kept in VS Code's secret storage and asked for only once.`,
          password: true,
          ignoreFocusOut: true,
        });
        if (entered !== undefined) await secrets.store(key, entered);
        return entered;
      }
      case 'input':
        return vscode.window.showInputBox({ title: 'WebSocket profile input', prompt: ref.name, ignoreFocusOut: true });
      case 'uuid':
      case 'timestamp':
        return undefined; // the engine fills these itself
      default: {
        const unhandled: never = ref.kind;
        return unhandled;
      }
    }
  };
}
