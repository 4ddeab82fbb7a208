/**
 * .wsprofile files inside a real VS Code: the contributed language, and the schema served by VS
 * Code's own JSON language server (jsonValidation + jsonLanguageParticipants) for completion,
 * hover and checks. The server starts lazily, so every answer from it is polled for.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { poll } from './poll';

const JSON_SERVER_TIMEOUT_MS = 20_000;

function label(item: vscode.CompletionItem): string {
  return typeof item.label === 'string' ? item.label : item.label.label;
}

function hoverText(hovers: readonly vscode.Hover[]): string {
  return hovers
    .flatMap((h) => h.contents)
    .map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))
    .join('\n');
}

describe('.wsprofile files in a real VS Code', () => {
  let sample: vscode.TextDocument;
  let tempDir: string | undefined;

  before(async () => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration tests run with test/fixtures/workspace open');
    sample = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, 'sample.wsprofile'));
    await vscode.window.showTextDocument(sample);
  });
  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    if (tempDir) rmSync(tempDir, { recursive: true, force: true });
  });

  it('opens a .wsprofile file as a WebSocket Profile', () => {
    assert.equal(sample.languageId, 'wsprofile');
  });

  it('starts VS Code\'s JSON language server for it', async () => {
    // vscode.json-language-features activates only on json, jsonc and snippets documents;
    // jsonLanguageParticipants adds wsprofile to a server that must already be running. Opening a
    // .wsprofile activates WebSocket Inspector (onLanguage:wsprofile), which must start it.
    const json = vscode.extensions.getExtension('vscode.json-language-features');
    assert.ok(json, 'the built-in JSON language features extension is missing');
    await poll(
      'vscode.json-language-features to be activated by opening a .wsprofile (WebSocket Inspector\'s activate() must call its activate())',
      () => (json.isActive ? true : undefined),
      10_000,
    );
  });

  it('completes the schema\'s properties inside the top-level object, with their documentation', async () => {
    // Right after the opening brace is where a new property can go.
    const braceLine = sample.getText().split(/\r?\n/).findIndex((line) => line.trim() === '{');
    assert.ok(braceLine >= 0, 'sample.wsprofile has its opening brace on a line of its own');
    const position = new vscode.Position(braceLine, sample.lineAt(braceLine).text.indexOf('{') + 1);
    const items = await poll(
      'completions of perMessageDeflate and handshakeTimeoutMs from the JSON language server',
      async () => {
        const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', sample.uri, position);
        const labels = list.items.map(label);
        return labels.includes('perMessageDeflate') && labels.includes('handshakeTimeoutMs') ? list.items : undefined;
      },
      JSON_SERVER_TIMEOUT_MS,
    );
    const labels = items.map(label);
    console.log(`[integration] completions at ${braceLine + 1}:${position.character + 1} of sample.wsprofile: ${labels.join(', ')}`);
    // Properties the file already has are not offered again: the server read the document, not just the schema.
    assert.ok(!labels.includes('url') && !labels.includes('messages'), `existing properties offered again: ${labels.join(', ')}`);
    const deflate = items.find((i) => label(i) === 'perMessageDeflate');
    const docs = deflate?.documentation instanceof vscode.MarkdownString ? deflate.documentation.value : String(deflate?.documentation ?? '');
    assert.match(docs, /permessage-deflate/);
  });

  it('shows the schema\'s description on hover', async () => {
    const offset = sample.getText().indexOf('"url"') + 2;
    const text = await poll(
      'a hover over "url" from the JSON language server',
      async () => {
        const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', sample.uri, sample.positionAt(offset));
        const text = hoverText(hovers);
        return text.includes('WebSocket endpoint') ? text : undefined;
      },
      JSON_SERVER_TIMEOUT_MS,
    );
    assert.match(text, /ws:\/\/host:port\/path/);
  });

  it('flags a value of the wrong type, and accepts comments and trailing commas', async () => {
    tempDir = mkdtempSync(join(tmpdir(), 'wsi-schema-'));
    const path = join(tempDir, 'wrong-type.wsprofile');
    writeFileSync(path, '{\n  // a number is not a URL\n  "url": 5,\n}\n');
    const bad = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
    await vscode.window.showTextDocument(bad);
    assert.equal(bad.languageId, 'wsprofile');
    const diagnostics = await poll(
      'a diagnostic for "url": 5 from the schema',
      () => {
        const found = vscode.languages.getDiagnostics(bad.uri);
        // The extension's own parser reports line 2 at once; wait for the JSON server's verdict.
        return found.some((d) => d.range.start.line === 2 && d.source !== 'WebSocket Inspector') ? found : undefined;
      },
      JSON_SERVER_TIMEOUT_MS,
    );
    console.log(`[integration] diagnostics of wrong-type.wsprofile: ${diagnostics.map((d) => `${d.range.start.line + 1}:${d.range.start.character + 1} ${d.source ?? ''} ${d.message}`).join(' | ')}`);
    const onUrl = diagnostics.filter((d) => d.range.start.line === 2);
    assert.ok(onUrl.some((d) => /Incorrect type\. Expected "string"/.test(d.message)), onUrl.map((d) => d.message).join(' | '));
    // The schema's allowComments and allowTrailingCommas keep the server quiet about both. The
    // sample, opened earlier, has been validated by now too.
    const formatComplaints = (uri: vscode.Uri): string[] => vscode.languages.getDiagnostics(uri).map((d) => d.message).filter((m) => /comment|trailing comma/i.test(m));
    assert.deepEqual(formatComplaints(bad.uri), []);
    assert.deepEqual(formatComplaints(sample.uri), []);
  });
});
