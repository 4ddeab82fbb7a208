/**
 * What a notification says when a profile cannot connect. A .wsprofile is written by whoever wrote
 * the workspace, so the notification never quotes it: a variable is named by its kind and its line
 * and column, a profile's problems are counted and left to the Problems panel (where VS Code shows
 * them as plain text), and anything else is said in the error's own words, which the adapter's
 * sanitizer still keeps from forming links.
 */
import { basename } from 'node:path';
import { ProfileResolveError } from './profile';
import { RestrictedModeError } from './restrictedModeError';
import { UnresolvedVariableError, type VariableKind } from './variables';

/** The profile as it was read: its name for the person (a relative path) and its text, to find positions in. */
export interface ProfileSource {
  readonly fileName: string;
  readonly text: string;
}

/** What the notification says, and where in the file the cause is (to select it when the person opens the file). */
export interface ConnectFailureNotice {
  readonly message: string;
  /** Offset and length in the profile's text, when the cause was found there. */
  readonly range?: { readonly offset: number; readonly length: number };
}

const TRUST_ADVICE = 'Trust the workspace (Manage Workspace Trust) and connect again.';

/** The notice for a profile whose parse found `errorCount` errors. */
export function profileProblemsNotice(source: ProfileSource, errorCount: number): ConnectFailureNotice {
  const problems = `${errorCount} problem${errorCount === 1 ? '' : 's'}`;
  return { message: `${source.fileName} has ${problems}, listed in the Problems panel. Fix ${errorCount === 1 ? 'it' : 'them'} and connect again.` };
}

/** The notice for an error thrown while a profile's options were made (variables, files). */
export function connectFailureNotice(err: unknown, source: ProfileSource): ConnectFailureNotice {
  const refused = err instanceof RestrictedModeError ? err : err instanceof Error && err.cause instanceof RestrictedModeError ? err.cause : undefined;
  if (refused) return restrictedNotice(refused, source);
  if (err instanceof UnresolvedVariableError) {
    const where = locate(source, err.ref.raw);
    return { message: `${variableWords(err.ref.kind)} ${where.words} has no value: ${howToSupply(err.ref.kind)}`, range: where.range };
  }
  if (err instanceof ProfileResolveError) return { message: `${source.fileName}: ${err.message}` };
  return { message: `${source.fileName}: ${err instanceof Error ? err.message : String(err)}` };
}

function restrictedNotice(err: RestrictedModeError, source: ProfileSource): ConnectFailureNotice {
  const kind = /^\$\{(env|secret):/.exec(err.what)?.[1] as 'env' | 'secret' | undefined;
  // A file's path is resolved against the profile's folder; the file holds it as written.
  const where = kind || source.text.includes(err.what) ? locate(source, err.what) : locate(source, basename(err.what));
  if (kind) {
    const what = kind === 'env' ? 'environment variables' : 'secrets';
    return {
      message: `${variableWords(kind)} ${where.words} was not read: this workspace is not trusted (Restricted Mode), and ${what} are not read for a profile from an untrusted workspace. ${TRUST_ADVICE}`,
      range: where.range,
    };
  }
  return {
    message: `A file named ${where.words} was not read: this workspace is not trusted (Restricted Mode), and files named by a profile from an untrusted workspace (TLS certificate, key and CA files, message files) are not read. ${TRUST_ADVICE}`,
    range: where.range,
  };
}

function variableWords(kind: VariableKind): string {
  return kind === 'uuid' || kind === 'timestamp' ? `A \${${kind}} variable` : `A \${${kind}:…} variable`;
}

/** "at line 3, column 14 of x.wsprofile" for the first place `text` occurs, or "in x.wsprofile". */
function locate(source: ProfileSource, text: string): { words: string; range?: ConnectFailureNotice['range'] } {
  const offset = text === '' ? -1 : source.text.indexOf(text);
  if (offset < 0) return { words: `in ${source.fileName}` };
  const before = source.text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return { words: `at line ${line}, column ${column} of ${source.fileName}`, range: { offset, length: text.length } };
}

function howToSupply(kind: VariableKind): string {
  switch (kind) {
    case 'env':
      return 'set the environment variable it names; VS Code sees the environment it was started from, so restart it afterwards.';
    case 'secret':
      return 'connect again and enter the secret when asked; it is kept in VS Code\'s secret storage, never in the profile.';
    case 'input':
      return 'its prompt was dismissed; connect again and answer it.';
    case 'uuid':
    case 'timestamp':
      return 'WebSocket Inspector supplies this variable itself; please report this as a bug.';
    default: {
      const unknown: never = kind;
      return `unknown variable kind ${String(unknown)}.`;
    }
  }
}
