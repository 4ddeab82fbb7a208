/**
 * Editing a .wsprofile in a real VS Code: the "Connect" CodeLens, the engine's problems in the
 * Problems panel as the text changes, and "New WebSocket Profile" writing a profile that is
 * clean as it stands.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { parseProfile } from '../../src/core/profile';
import { poll } from './poll';

const SOURCE = 'WebSocket Inspector';

describe('.wsprofile editing in a real VS Code', () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wsi-int-editing-'));
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    rmSync(dir, { recursive: true, force: true });
  });

  function writeProfile(name: string, text: string): vscode.Uri {
    const file = join(dir, name);
    writeFileSync(file, text);
    return vscode.Uri.file(file);
  }

  it('puts a "Connect" CodeLens at the top of a profile that runs wsInspector.connect with the file', async () => {
    const uri = writeProfile('lens.wsprofile', '// comment first\n{ "name": "Lens", "url": "ws://127.0.0.1:1/" }\n');
    await vscode.window.showTextDocument(uri);
    const lenses = await poll('the Connect CodeLens', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return found.some((l) => l.command?.command === 'wsInspector.connect') ? found : undefined;
    });
    const connect = lenses.find((l) => l.command?.command === 'wsInspector.connect');
    assert.ok(connect?.command);
    assert.match(connect.command.title, /Connect/);
    assert.equal(connect.range.start.line, 0);
    assert.equal((connect.command.arguments?.[0] as vscode.Uri).toString(), uri.toString());
  });

  it('offers no Connect on a profile with errors, but a link to its problems', async () => {
    const uri = writeProfile('lens-broken.wsprofile', '{ "url": "http://127.0.0.1:1/" }\n');
    await vscode.window.showTextDocument(uri);
    const lenses = await poll('a CodeLens', async () => {
      const found = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
      return found.length > 0 ? found : undefined;
    });
    assert.equal(lenses.filter((l) => l.command?.command === 'wsInspector.connect').length, 0);
    assert.match(lenses[0].command?.title ?? '', /Fix 1 problem to connect/);
  });

  it('shows the parser\'s problems with their line and column, and clears them as the text is fixed', async () => {
    const text = '{\n  "name": "Broken",\n  "url": "http://127.0.0.1:1/",\n  "keepAlive": { "pingIntervalMs": 1000 }\n}\n';
    const uri = writeProfile('broken.wsprofile', text);
    const editor = await vscode.window.showTextDocument(uri);
    const expected = parseProfile(text, { profilePath: uri.fsPath }).problems;
    assert.ok(expected.length >= 2, `the fixture should have at least two problems: ${JSON.stringify(expected)}`);
    const ours = (): vscode.Diagnostic[] => vscode.languages.getDiagnostics(uri).filter((d) => d.source === SOURCE);
    const diagnostics = await poll('the profile\'s diagnostics', () => (ours().length === expected.length ? ours() : undefined));
    for (const problem of expected) {
      const match = diagnostics.find((d) => d.message === problem.message);
      assert.ok(match, `no diagnostic for "${problem.message}" in ${JSON.stringify(diagnostics.map((d) => d.message))}`);
      assert.equal(match.range.start.line + 1, problem.line);
      assert.equal(match.range.start.character + 1, problem.column);
      assert.equal(match.severity, problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
    }
    // The URL's problem underlines the URL value itself: line 3, from its opening quote.
    const url = diagnostics.find((d) => d.message.startsWith('url:'));
    assert.ok(url);
    assert.deepEqual([url.range.start.line, url.range.start.character, url.range.end.character], [2, 9, 9 + '"http://127.0.0.1:1/"'.length]);

    // Fix the URL without saving: its problem goes, the keep-alive one stays.
    const start = editor.document.getText().indexOf('http://');
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(editor.document.positionAt(start), editor.document.positionAt(start + 'http'.length)), 'ws');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const after = await poll('the URL problem to go', () => (ours().length === expected.length - 1 ? ours() : undefined));
    assert.ok(after.every((d) => !d.message.startsWith('url:')), JSON.stringify(after.map((d) => d.message)));
  });

  it('"New WebSocket Profile" writes a commented profile with no problems and opens it', async () => {
    const target = vscode.Uri.file(join(dir, 'fresh.wsprofile'));
    const written = await vscode.commands.executeCommand<vscode.Uri | undefined>('wsInspector.newProfile', target);
    assert.equal(written?.toString(), target.toString());
    const text = readFileSync(target.fsPath, 'utf8');
    assert.match(text, /^\/\/ /, 'the template starts with a comment');
    assert.deepEqual(parseProfile(text, { profilePath: target.fsPath }).problems, []);
    const editor = await poll('the new profile in an editor', () => (vscode.window.activeTextEditor?.document.uri.toString() === target.toString() ? vscode.window.activeTextEditor : undefined));
    assert.equal(editor.document.languageId, 'wsprofile');
    assert.equal(editor.document.getText(editor.selection), 'ws://127.0.0.1:8080/', 'the URL is selected, ready to be typed over');
    // Writing over an existing file is refused.
    assert.equal(await vscode.commands.executeCommand('wsInspector.newProfile', target), undefined);
    assert.equal(readFileSync(target.fsPath, 'utf8'), text);
  });
});
