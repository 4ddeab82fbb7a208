/**
 * "WebSocket: New WebSocket Profile": asks where in the workspace to save a new .wsprofile (an
 * untitled one when no folder is open), writes the commented template and opens it with the URL
 * selected, ready to be typed over.
 */
import * as vscode from 'vscode';
import { NEW_PROFILE_COMMAND } from './connectCommand';
import { notificationText } from '../shared/notificationText';
import { showError } from './notify';
import { profileTemplate } from './profileTemplate';

const EXTENSION = '.wsprofile';
const DEFAULT_STEM = 'endpoint';

/**
 * With a `.wsprofile` Uri, writes that file without asking; with another Uri (a folder), asks for
 * a name inside it. Returns the opened document's Uri, or undefined when the person cancelled.
 */
export function registerNewProfileCommand(): vscode.Disposable {
  return vscode.commands.registerCommand(NEW_PROFILE_COMMAND, async (target?: unknown): Promise<vscode.Uri | undefined> => {
    try {
      let file: vscode.Uri | undefined;
      if (target instanceof vscode.Uri && target.path.endsWith(EXTENSION)) {
        if (await exists(target)) throw new Error(`${vscode.workspace.asRelativePath(target)} already exists; pick another name.`);
        file = target;
      } else {
        const folder = target instanceof vscode.Uri ? target : await pickFolder();
        if (folder === null) return await openUntitled();
        if (folder === undefined) return undefined;
        file = await askForFile(folder);
      }
      if (!file) return undefined;
      await vscode.workspace.fs.writeFile(file, new TextEncoder().encode(profileTemplate(stemOf(file))));
      await showWithUrlSelected(await vscode.workspace.openTextDocument(file));
      return file;
    } catch (err) {
      void showError(`New WebSocket Profile: ${err instanceof Error ? err.message : String(err)}`);
      return undefined;
    }
  });
}

/** The workspace folder to write into; null when no folder is open (an untitled profile then), undefined when cancelled. */
async function pickFolder(): Promise<vscode.Uri | null | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) return null;
  if (folders.length === 1) return folders[0].uri;
  const folder = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Workspace folder for the new profile' });
  return folder?.uri;
}

async function askForFile(folder: vscode.Uri): Promise<vscode.Uri | undefined> {
  const toUri = (value: string): vscode.Uri => {
    const name = value.trim().replace(/\\/g, '/');
    return vscode.Uri.joinPath(folder, name.endsWith(EXTENSION) ? name : `${name}${EXTENSION}`);
  };
  const answer = await vscode.window.showInputBox({
    title: 'New WebSocket Profile',
    // A folder's name is the workspace's, and the prompt renders link syntax.
    prompt: notificationText(`File name, relative to ${vscode.workspace.asRelativePath(folder, true) || folder.fsPath}; ".wsprofile" is added when missing`),
    value: `${DEFAULT_STEM}${EXTENSION}`,
    valueSelection: [0, DEFAULT_STEM.length],
    ignoreFocusOut: true,
    validateInput: async (value) => {
      const name = value.trim().replace(/\\/g, '/');
      if (name === '' || name === EXTENSION) return 'Type a file name, for example chat.wsprofile.';
      if (name.startsWith('/') || /^[a-z]:/i.test(name)) return 'Type a path relative to the folder, not an absolute one.';
      if (name.split('/').some((part) => part === '..')) return 'The profile must stay inside the folder: remove "..".';
      if (name.endsWith('/')) return 'Type a file name after the last "/".';
      if (/[<>:"|?*\u0000-\u001f]/.test(name)) return 'File names cannot contain < > : " | ? * or control characters.';
      if (await exists(toUri(name))) return notificationText(`${name.endsWith(EXTENSION) ? name : name + EXTENSION} already exists; pick another name.`);
      return undefined;
    },
  });
  return answer === undefined ? undefined : toUri(answer);
}

async function openUntitled(): Promise<vscode.Uri> {
  const document = await vscode.workspace.openTextDocument({ language: 'wsprofile', content: profileTemplate('New endpoint') });
  await showWithUrlSelected(document);
  return document.uri;
}

async function showWithUrlSelected(document: vscode.TextDocument): Promise<void> {
  const editor = await vscode.window.showTextDocument(document);
  const match = /"url": "([^"]*)"/.exec(document.getText());
  if (match) {
    const start = document.positionAt(match.index + '"url": "'.length);
    const end = document.positionAt(match.index + '"url": "'.length + match[1].length);
    editor.selection = new vscode.Selection(start, end);
    editor.revealRange(new vscode.Range(start, end));
  }
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false; // stat fails only for a missing file here; writing will report anything else
  }
}

function stemOf(uri: vscode.Uri): string {
  const base = uri.path.slice(uri.path.lastIndexOf('/') + 1);
  return base.slice(0, -EXTENSION.length) || DEFAULT_STEM;
}
