/** Supplies ${env:…}, ${secret:…} and ${input:…} values to the engine from VS Code. */
import * as vscode from 'vscode';
import type { VariableResolver } from '../core/variables';
import { inputPrompt, type PromptOrigin } from '../shared/inputPrompt';
import { notificationText } from '../shared/notificationText';

/** SecretStorage keys are namespaced so the extension's secrets never collide with another's. */
export const secretStorageKey = (name: string): string => `wsInspector.secret.${name}`;

export type { PromptOrigin };

/** A resolver for one profile's variables; without an origin, prompts name no profile. */
export type ResolverFactory = (origin?: PromptOrigin) => VariableResolver;

/**
 * `isTrusted` decides how an ${input:…} prompt reads: its text is written by the profile, so in an
 * untrusted workspace ("Enter your GitHub token") the prompt first says which profile asks, for
 * which host, and that the workspace is not trusted. Quick inputs render link syntax, so every
 * prompt text passes the notification sanitizer.
 */
export function createVariableResolver(secrets: vscode.SecretStorage, isTrusted: () => boolean = () => true, origin?: PromptOrigin): VariableResolver {
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
          title: notificationText(`Secret "${ref.name}"`, 120),
          prompt: notificationText(`Value for \${secret:${ref.name}}. It is kept in VS Code's secret storage and asked for only once.`),
          password: true,
          ignoreFocusOut: true,
        });
        if (entered !== undefined) await secrets.store(key, entered);
        return entered;
      }
      case 'input':
        return vscode.window.showInputBox({ title: 'WebSocket profile input', prompt: inputPrompt(ref.name, origin, isTrusted()), ignoreFocusOut: true });
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
