/**
 * The workspace's .wsprofile files, each read and parsed by the engine, for the connect quick pick
 * and the Profiles view. Open documents are read from the editor so unsaved edits count.
 */
import * as vscode from 'vscode';
import type { ProfileProblem } from '../core/profile';
import { loadEngine } from './loadEngine';

export const PROFILE_GLOB = '**/*.wsprofile';
/** Replaces files.exclude (findFiles applies it only when no exclude is given); dependencies are never the user's profiles. */
const EXCLUDE_GLOB = '{**/node_modules/**,**/.git/**}';
const MAX_PROFILES = 1000;

export interface WorkspaceProfile {
  readonly uri: vscode.Uri;
  /** Path relative to its workspace folder (prefixed with the folder's name in a multi-root workspace). */
  readonly relativePath: string;
  /** The profile's name, or the file name when it cannot be parsed. */
  readonly name: string;
  /** The profile's url as written (variables unresolved), with a password written into it shown as "•••": for display only. */
  readonly url?: string;
  /** The first error, when the profile cannot be connected as it is. */
  readonly problem?: ProfileProblem;
  /** Set when the file could not be read at all. */
  readonly readError?: string;
}

export async function findWorkspaceProfiles(token?: vscode.CancellationToken): Promise<WorkspaceProfile[]> {
  if (!vscode.workspace.workspaceFolders?.length) return [];
  const uris = await vscode.workspace.findFiles(PROFILE_GLOB, EXCLUDE_GLOB, MAX_PROFILES, token);
  const profiles = await Promise.all(uris.map((uri) => readWorkspaceProfile(uri)));
  return profiles.sort((a, b) => a.relativePath.localeCompare(b.relativePath));
}

export async function readWorkspaceProfile(uri: vscode.Uri): Promise<WorkspaceProfile> {
  const relativePath = vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
  const fileName = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  let text: string;
  try {
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (err) {
    return { uri, relativePath, name: fileName, readError: `cannot be read: ${err instanceof Error ? err.message : String(err)}` };
  }
  const { parseProfile, hideUrlCredentials } = loadEngine();
  const parsed = parseProfile(text, { profilePath: uri.fsPath });
  const problem = parsed.problems.find((p) => p.severity === 'error');
  if (parsed.profile && !problem) return { uri, relativePath, name: parsed.profile.name, url: hideUrlCredentials(parsed.profile.url) };
  return { uri, relativePath, name: fileName, problem };
}

/** One line saying why a profile cannot be connected, e.g. "line 3, column 10: ...". */
export function describeProfileFault(profile: WorkspaceProfile): string | undefined {
  if (profile.readError) return profile.readError;
  const p = profile.problem;
  return p ? `line ${p.line}, column ${p.column}: ${p.message}` : undefined;
}
