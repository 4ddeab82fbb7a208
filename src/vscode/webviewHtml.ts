/** The HTML shell of a webview: a strict Content-Security-Policy with a per-load nonce, and nothing remote. */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { webviewContentSecurityPolicy } from '../shared/webviewCsp';

export interface WebviewShell {
  readonly title: string;
  /** Script bundle under dist/webview, e.g. "panel.js". */
  readonly script: string;
  /** Stylesheet under media, e.g. "panel.css". */
  readonly style: string;
  /** `log`: the same bundle as the compact message log (no details pane, no composer). */
  readonly mode?: 'panel' | 'log';
}

/** What a session webview may load: its bundle, the codicons shipped in dist/codicons, and media. */
export function webviewResourceRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'dist', 'codicons'), vscode.Uri.joinPath(extensionUri, 'media')];
}

export function renderWebviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, shell: WebviewShell): string {
  const nonce = randomBytes(16).toString('base64');
  const scriptUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', shell.script));
  const styleUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', shell.style));
  const codiconUri = webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'codicons', 'codicon.css'));
  const csp = webviewContentSecurityPolicy(webview.cspSource, nonce);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${codiconUri.toString()}">
<link rel="stylesheet" href="${styleUri.toString()}">
<title>${escapeHtml(shell.title)}</title>
</head>
<body data-mode="${shell.mode ?? 'panel'}">
<div id="app"></div>
<script nonce="${nonce}" src="${scriptUri.toString()}"></script>
</body>
</html>`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
