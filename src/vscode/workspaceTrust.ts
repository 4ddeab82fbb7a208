/**
 * Workspace Trust, decided in one place: while the workspace is not trusted (Restricted Mode), a
 * profile may be viewed, but connecting it asks first, and its ${env:…}, ${secret:…}, TLS files
 * and message files are not read (the rules themselves are in core/restrictedMode.ts).
 * `isTrusted` is asked at every use, so trust granted later (onDidGrantWorkspaceTrust) counts
 * from the next connect or send without a listener.
 */
import { promises as fsp } from 'node:fs';
import * as vscode from 'vscode';
import type { ReadFile } from '../core/profile';
import type { VariableResolver } from '../core/variables';
import { loadEngine } from './loadEngine';
import { showModalWarning } from './notify';

export const CONNECT_WITHOUT_THEM = 'Connect Without Them';
export const MANAGE_WORKSPACE_TRUST = 'Manage Workspace Trust';
/** VS Code's trust editor, where the person trusts the workspace. */
export const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

/** Shows the modal warning and returns the button picked (undefined = Cancel or Escape). */
export type TrustWarning = (message: string, detail: string, ...buttons: string[]) => Thenable<string | undefined>;

const modalWarning: TrustWarning = (message, detail, ...buttons) => showModalWarning(message, detail, ...buttons);

export class WorkspaceTrustGuard {
  constructor(
    /** Injected by the tests; the extension uses VS Code's own answer. */
    readonly isTrusted: () => boolean = () => vscode.workspace.isTrusted,
    private readonly warn: TrustWarning = modalWarning,
  ) {}

  /**
   * `resolver`, refusing ${env:…} and ${secret:…} while the workspace is not trusted. The rule
   * (core/restrictedMode.ts) is in the engine bundle, loaded at the first variable resolved, not
   * when the extension activates and wraps its resolver.
   */
  guardResolver(resolver: VariableResolver): VariableResolver {
    let guarded: VariableResolver | undefined;
    return (ref) => {
      guarded ??= loadEngine().restrictResolver(resolver, this.isTrusted);
      return guarded(ref);
    };
  }

  private fileReader: ReadFile | undefined;

  /** Reads a file a profile names (TLS files, message files) from disk, or refuses while the workspace is not trusted. */
  readonly readProfileFile: ReadFile = (path) => {
    this.fileReader ??= loadEngine().restrictProfileFileReader((file) => fsp.readFile(file), () => this.isTrusted());
    return this.fileReader(path);
  };

  /**
   * Before a profile from the workspace connects: true at once when the workspace is trusted;
   * otherwise a modal warning says what will not be read (`reads`: what this profile asks for, from
   * core's restrictedReads) and true only for "Connect Without Them". "Manage Workspace Trust"
   * opens VS Code's trust editor and does not connect; the person connects again once trusted.
   */
  async confirmConnect(profileName: string, reads: readonly string[]): Promise<boolean> {
    if (this.isTrusted()) return true;
    const uses = reads.length > 0 ? `This profile uses ${reads.join(', ')}, so whatever needs them stops with a message naming what was not read; nothing is sent empty.` : 'This profile uses none of them.';
    const picked = await this.warn(
      `This workspace is not trusted. Connect "${profileName}" in Restricted Mode?`,
      `In Restricted Mode, a profile from the workspace cannot read environment variables (\${env:…}), secrets (\${secret:…}) or the files it names (TLS key, certificate and CA files; saved messages' files). ${uses} \${input:…}, \${uuid} and \${timestamp} still work.`,
      CONNECT_WITHOUT_THEM,
      MANAGE_WORKSPACE_TRUST,
    );
    if (picked === MANAGE_WORKSPACE_TRUST) await vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
    return picked === CONNECT_WITHOUT_THEM;
  }
}
