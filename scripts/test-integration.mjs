// Runs the integration suite (out/test/integration/index.js, a mocha `run()`) inside a real VS Code
// extension host, and picks the host by itself:
//   1. desktop VS Code through @vscode/test-electron when VSCODE_EXECUTABLE is set or a download works;
//   2. otherwise code-server 4.100.3 from npm (cached under .vscode-test/), its workbench in headless Chromium.
// WS_INSPECTOR_TEST_HOST=electron|code-server forces one. Both call the same run().
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const testsPath = join(root, 'out', 'test', 'integration', 'index.js');
const workspace = join(root, 'test', 'fixtures', 'workspace');
const log = (line) => console.log(`[integration] ${line}`);

/** Decides which VS Code runs the suite; returns { kind, executable?, why }. */
async function pickHost() {
  const forced = process.env.WS_INSPECTOR_TEST_HOST;
  if (forced && forced !== 'electron' && forced !== 'code-server') {
    throw new Error(`WS_INSPECTOR_TEST_HOST must be "electron" or "code-server", got "${forced}"`);
  }
  if (process.env.VSCODE_EXECUTABLE && forced !== 'code-server') {
    return { kind: 'electron', executable: process.env.VSCODE_EXECUTABLE, why: 'VSCODE_EXECUTABLE is set' };
  }
  if (forced === 'code-server') {
    return { kind: 'code-server', why: 'WS_INSPECTOR_TEST_HOST=code-server' };
  }
  const { downloadAndUnzipVSCode } = await import('@vscode/test-electron');
  try {
    const executable = await withTimeout(downloadAndUnzipVSCode({ version: '1.100.3', cachePath: join(root, '.vscode-test') }), 120_000, 'the VS Code download');
    return { kind: 'electron', executable, why: 'desktop VS Code 1.100.3 could be downloaded (or was cached)' };
  } catch (err) {
    if (forced === 'electron') throw err;
    return { kind: 'code-server', why: `desktop VS Code cannot be had here (${firstLine(err)})` };
  }
}

async function runWithElectron(executable) {
  const { runTests } = await import('@vscode/test-electron');
  const userDataDir = mkdtempSync(join(tmpdir(), 'wsi-vscode-user-'));
  try {
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: root,
      extensionTestsPath: testsPath,
      launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--user-data-dir', userDataDir],
    });
    return 0;
  } catch (err) {
    log(`the suite failed in desktop VS Code: ${firstLine(err)}`);
    return 1;
  } finally {
    rmSync(userDataDir, { recursive: true, force: true });
  }
}

async function runWithCodeServer() {
  const { ensureCodeServer, startCodeServer } = await import('./ensure-code-server.mjs');
  // The one Chromium launcher of the project, built into out/ with the tests.
  const { launchChromium } = await import('../out/test/fixtures/chromium.js');
  const cs = await ensureCodeServer({ log });
  log(`host: code-server ${cs.codeServerVersion} = VS Code ${cs.vscodeVersion}, workbench in headless Chromium`);
  const server = await startCodeServer({ workspace, log });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const exitCode = new Promise((resolve) => {
      void page.exposeFunction('codeAutomationExit', (code) => resolve(Number(code)));
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      // The extension host's console calls arrive with their printf-style arguments (mocha's reporter uses them).
      const text = format(...(Array.isArray(args) ? args : [args]));
      console.log(type === 'error' ? `  ! ${text}` : `  ${text}`);
    });
    page.on('pageerror', (err) => log(`workbench page error: ${err.message}`));
    const authority = `127.0.0.1:${server.port}`;
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://${authority}${root.replace(/\/$/, '')}`],
      ['extensionTestsPath', `vscode-remote://${authority}${testsPath}`],
      ['skipWelcome', 'true'],
    ];
    const url = `${server.url}?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;
    await page.goto(url);
    const code = await withTimeout(exitCode, 10 * 60_000, 'the integration suite inside code-server');
    log(`the suite inside code-server finished with exit code ${code}`);
    return code;
  } finally {
    await browser.close();
    await server.stop();
  }
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`)), ms);
    }),
  ]);
}

function firstLine(err) {
  return String(err instanceof Error ? err.message : err).split('\n')[0];
}

export async function runIntegration() {
  const host = await pickHost();
  log(`using ${host.kind === 'electron' ? `desktop VS Code via @vscode/test-electron (${host.executable})` : 'code-server'}: ${host.why}`);
  return host.kind === 'electron' ? runWithElectron(host.executable) : runWithCodeServer();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runIntegration().then(
    (code) => process.exit(code),
    (err) => {
      console.error(`[integration] ${err instanceof Error ? err.stack : err}`);
      process.exit(1);
    },
  );
}
