// `npm start`: build, start the demo WebSocket server on 127.0.0.1, write a demo workspace with one
// .wsprofile per endpoint, and open it in VS Code with the extension loaded: desktop `code
// --extensionDevelopmentPath` when `code` is on PATH, otherwise code-server on a free port.
// Ctrl+C stops all of it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = fileURLToPath(new URL('..', import.meta.url)).replace(/\/$/, '');
const log = (line) => console.log(`[start] ${line}`);

spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs')], { cwd: root, stdio: 'inherit' });
const { startDemoServer, DEMO_ENDPOINTS } = createRequire(import.meta.url)(join(root, 'out', 'scripts', 'demoServer.js'));

const demo = await startDemoServer({ port: Number(process.env.DEMO_PORT ?? 0) });
log(`demo WebSocket server on 127.0.0.1:${demo.port}`);

const descriptions = {
  echo: 'Echoes every message back.',
  ticker: 'Sends a JSON tick every 500 ms.',
  binary: 'Sends a 16-byte binary frame every second.',
  ping: 'The server pings every second; the client answers with pongs.',
  close: 'Closes with code 4000 and a reason after 5 seconds.',
  reject: 'Refuses the upgrade with HTTP 401 and a JSON body.',
};
const workspace = join(root, '.demo', 'workspace');
rmSync(workspace, { recursive: true, force: true });
mkdirSync(workspace, { recursive: true });
for (const endpoint of DEMO_ENDPOINTS) {
  const extra = endpoint === 'echo'
    ? {
        // One-click buttons in the panel's composer: one of each kind of message.
        messages: [
          { name: 'hello', type: 'text', data: 'hello at ${timestamp}' },
          { name: 'json', type: 'json', data: '{"op": "subscribe", "id": "${uuid}"}' },
          { name: 'bytes', type: 'binary', encoding: 'hex', data: 'de ad be ef 00 ff' },
        ],
        keepAlive: { pingIntervalMs: 5000, pongTimeoutMs: 2000 },
      }
    : {};
  const profile = `// ${descriptions[endpoint]}\n${JSON.stringify({ name: `Demo ${endpoint}`, url: demo.url(endpoint), ...extra }, null, 2)}\n`;
  writeFileSync(join(workspace, `${endpoint}.wsprofile`), profile);
  log(`  ${demo.url(endpoint).padEnd(36)} ${descriptions[endpoint]}`);
}

const cleanups = [() => demo.close()];
let stopping = false;
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  log('stopping');
  for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch((err) => console.error(err));
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const hasDesktopCode = !process.env.WS_INSPECTOR_USE_CODE_SERVER && spawnSync('code', ['--version'], { stdio: 'ignore' }).status === 0;
if (hasDesktopCode) {
  const child = spawn('code', ['--new-window', '--wait', `--extensionDevelopmentPath=${root}`, workspace], { stdio: 'inherit' });
  cleanups.push(() => child.kill());
  child.on('exit', () => void stop(0));
  log('opened the demo workspace in desktop VS Code with the extension loaded; run "WebSocket: Connect WebSocket" from the command palette');
} else {
  const { startCodeServer } = await import('./ensure-code-server.mjs');
  const server = await startCodeServer({ workspace, log });
  cleanups.push(() => server.stop());
  const authority = new URL(server.url).host;
  const payload = [['extensionDevelopmentPath', `vscode-remote://${authority}${root}`], ['skipWelcome', 'true']];
  const url = `${server.url}?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  log('');
  log('VS Code (code-server) with WebSocket Inspector loaded is ready. Open:');
  console.log(`\n  ${url}\n`);
  log(`then press Ctrl+Shift+P, run "WebSocket: Connect WebSocket" and enter ${demo.url('echo')}`);
  log('Ctrl+C stops the demo server and VS Code.');
}
