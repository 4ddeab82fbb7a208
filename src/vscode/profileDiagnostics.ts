/**
 * The engine's verdict on each open .wsprofile in the Problems panel, kept current as the person
 * types: the same problems "Connect" would refuse, where they are.
 */
import * as vscode from 'vscode';
import type { ProfileProblem } from '../core/profile';
import { loadEngine } from './loadEngine';
import { WSPROFILE_LANGUAGE } from './profileCodeLens';

export const DIAGNOSTIC_SOURCE = 'WebSocket Inspector';

export function profileDiagnostics(document: vscode.TextDocument): vscode.Diagnostic[] {
  return loadEngine().parseProfile(document.getText(), { profilePath: document.uri.fsPath }).problems.map((problem) => toDiagnostic(document, problem));
}

function toDiagnostic(document: vscode.TextDocument, problem: ProfileProblem): vscode.Diagnostic {
  const start = document.positionAt(problem.offset);
  // A zero-length problem (a missing field) still needs something to underline.
  const end = problem.length > 0 ? document.positionAt(problem.offset + problem.length) : start.translate(0, 1);
  const diagnostic = new vscode.Diagnostic(
    new vscode.Range(start, document.validatePosition(end)),
    problem.message,
    problem.severity === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning,
  );
  diagnostic.source = DIAGNOSTIC_SOURCE;
  return diagnostic;
}

export function registerProfileDiagnostics(): vscode.Disposable {
  const collection = vscode.languages.createDiagnosticCollection(WSPROFILE_LANGUAGE);
  const check = (document: vscode.TextDocument): void => {
    if (document.languageId === WSPROFILE_LANGUAGE) collection.set(document.uri, profileDiagnostics(document));
    else if (collection.has(document.uri)) collection.delete(document.uri); // its language was changed away from wsprofile
  };
  // The profiles already open are checked once activate() has returned: parsing loads the engine
  // bundle, which activation itself does not (a .wsprofile opening is what often activates us).
  const firstPass = setTimeout(() => {
    for (const document of vscode.workspace.textDocuments) check(document);
  }, 0);
  return vscode.Disposable.from(
    { dispose: () => clearTimeout(firstPass) },
    collection,
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument(({ document }) => check(document)),
    vscode.workspace.onDidCloseTextDocument((document) => collection.delete(document.uri)),
  );
}
