/**
 * Serves the built panel bundle in a page that plays the extension host's side of the typed
 * protocol: a scripted acquireVsCodeApi that records what the webview posts. The CSP is as strict
 * as the real one, so a script injected through a payload could not run here either.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { webviewContentSecurityPolicy } from '../../src/shared/webviewCsp';

const root = join(__dirname, '..', '..', '..');
const NONCE = 'dGVzdC1ub25jZQ==';

const page = `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${webviewContentSecurityPolicy("'self'", NONCE)}">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/media/panel.css">
</head><body data-mode="__MODE__"><div id="app"></div>
<script nonce="${NONCE}">
  window.__posted = [];
  window.acquireVsCodeApi = () => ({
    // __host, when a test sets it, plays the extension host: it sees every message the page posts.
    postMessage: (m) => { window.__posted.push(m); if (window.__host) window.__host(m); },
    getState: () => undefined,
    setState: () => undefined,
  });
</script>
<script nonce="${NONCE}" src="/dist/webview/panel.js"></script>
</body></html>`;

export interface PanelPageServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function servePanelPage(): Promise<PanelPageServer> {
  const files: Record<string, { type: string; path: string }> = {
    '/dist/webview/panel.js': { type: 'text/javascript', path: join(root, 'dist', 'webview', 'panel.js') },
    '/media/panel.css': { type: 'text/css', path: join(root, 'media', 'panel.css') },
  };
  const server: Server = createServer((req, res) => {
    if (req.url === '/' || req.url === '/?mode=log') {
      res.writeHead(200, { 'Content-Type': 'text/html' }).end(page.replace('__MODE__', req.url === '/' ? 'panel' : 'log'));
      return;
    }
    const file = files[req.url ?? ''];
    if (!file) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': file.type }).end(readFileSync(file.path));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
