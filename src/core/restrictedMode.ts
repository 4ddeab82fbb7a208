/**
 * Restricted Mode (VS Code's Workspace Trust): what a profile from an untrusted workspace may not
 * read. A .wsprofile in a cloned repository is written by whoever wrote the repository; without
 * trust it must not be able to send the person's environment variables or stored secrets to a
 * server of its choosing, nor point the TLS options at private key files on their disk. The
 * decision (`isTrusted`) is injected by the VS Code adapter, so this stays free of vscode.
 */
import type { ReadFile, WsProfile } from './profile';
import { RestrictedModeError } from './restrictedModeError';
import { findVariables, type VariableResolver } from './variables';

export { RestrictedModeError };

/** True when `err` is Restricted Mode refusing a read, directly or as the cause of a profile's resolve error. */
export function isRestrictedModeRefusal(err: unknown): boolean {
  return err instanceof RestrictedModeError || (err instanceof Error && err.cause instanceof RestrictedModeError);
}

const TRUST_ADVICE = 'Trust the workspace (Manage Workspace Trust) and connect again.';

/**
 * `resolver`, except that while `isTrusted()` is false `${env:…}` and `${secret:…}` are refused
 * with a RestrictedModeError naming the variable. `${input:…}` still asks the person (they see
 * and type the value), and `${uuid}` / `${timestamp}` are resolved by core itself. Trust is asked
 * at every call, so trust granted later counts for the next connect or send.
 */
export function restrictResolver(resolver: VariableResolver, isTrusted: () => boolean): VariableResolver {
  return async (ref) => {
    if ((ref.kind === 'env' || ref.kind === 'secret') && !isTrusted()) {
      const what = ref.kind === 'env' ? 'environment variables' : 'secrets';
      throw new RestrictedModeError(ref.raw, `${ref.raw} was not read: this workspace is not trusted (Restricted Mode), and ${what} are not read for a profile from an untrusted workspace. ${TRUST_ADVICE}`);
    }
    return resolver(ref);
  };
}

/**
 * A reader for the files a profile names (tls.ca, tls.cert, tls.key, and a saved message's
 * `file`, which would otherwise be sent to the profile's server) that reads nothing while
 * `isTrusted()` is false. resolveProfile and encodeSavedMessage add the field ("tls.key: …").
 */
export function restrictProfileFileReader(readFile: ReadFile, isTrusted: () => boolean): ReadFile {
  return async (path) => {
    if (!isTrusted()) {
      throw new RestrictedModeError(path, `${path} was not read: this workspace is not trusted (Restricted Mode), and files named by a profile from an untrusted workspace (TLS certificate, key and CA files, message files) are not read. ${TRUST_ADVICE}`);
    }
    return readFile(path);
  };
}

/**
 * What in `profile` Restricted Mode would not read, for the warning shown before connecting:
 * each distinct `${env:…}` / `${secret:…}` (url, headers, origin, proxy, tls.passphrase, saved messages), each TLS
 * file field and each saved message's file, in that order.
 */
export function restrictedReads(profile: WsProfile): string[] {
  const found = new Set<string>();
  const texts = [profile.url, ...Object.values(profile.headers), profile.origin ?? '', profile.proxy ?? '', profile.tls.passphrase ?? '', ...profile.messages.map((m) => m.data ?? '')];
  for (const text of texts) {
    for (const ref of findVariables(text).refs) {
      if (ref.kind === 'env' || ref.kind === 'secret') found.add(ref.raw);
    }
  }
  for (const field of ['ca', 'cert', 'key'] as const) {
    if (profile.tls[field] !== undefined) found.add(`tls.${field}`);
  }
  for (const message of profile.messages) {
    if (message.file !== undefined) found.add(`the file of message "${message.name}"`);
  }
  return [...found];
}
