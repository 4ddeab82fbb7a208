#!/usr/bin/env node
// Installs code-server (a real VS Code server + web workbench) from the npm registry
// into .vscode-test/code-server, without any download from GitHub or Microsoft, and
// starts/stops it for integration tests.
//
// The steps, those of code-server's own postinstall without its downloads:
//   1. npm install code-server@4.100.3 --ignore-scripts   (in the cache folder)
//   2. npm rebuild argon2                                  (builds from source with node-gyp)
//   3. in node_modules/code-server/lib/vscode:
//        npm install --omit=dev --ignore-scripts
//        ln -s /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg   (Debian's ripgrep; the
//            package's postinstall would download rg from GitHub, and it skips when bin/ exists)
//        npm rebuild  (npm_config_unsafe_perm=true npm_config_yes=true)
//   4. the rest of code-server's postinstall.sh, by hand:
//        lib/vscode/node_modules.asar -> node_modules
//        lib/vscode/bin/remote-cli/code-server -> code-linux.sh
//        lib/vscode/bin/helpers/browser.sh -> browser-linux.sh
//        npm install --omit=dev in lib/vscode/extensions
//   5. write .complete (only after all of the above succeeded)
//
// Launch: `node .vscode-test/code-server/node_modules/code-server/out/node/entry.js <args>`
// (ensureCodeServer() returns { command: process.execPath, args: [entry.js] }). We run
// entry.js with the current Node instead of node_modules/.bin/code-server, whose
// `#!/usr/bin/env node` would pick whatever `node` is first on PATH.
//
// Usage:
//   node scripts/ensure-code-server.mjs           install (if needed) and print the result JSON
//   node scripts/ensure-code-server.mjs --smoke   also start code-server, check HTTP, stop it
//
// Only node:* builtins are used. Node 20 (code-server 4.100.3 requires engines.node 20).

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const SYSTEM_RG = '/usr/bin/rg';
const PREFIX = '[code-server]';

const scriptFile = fileURLToPath(import.meta.url);
export const repoRoot = path.resolve(path.dirname(scriptFile), '..');
export const cacheDir = path.join(repoRoot, '.vscode-test', 'code-server');
const lockDir = path.join(repoRoot, '.vscode-test', 'code-server.lock');
const markerFile = path.join(cacheDir, '.complete');
const pkgDir = path.join(cacheDir, 'node_modules', 'code-server');
const vscodeDir = path.join(pkgDir, 'lib', 'vscode');
const entryJs = path.join(pkgDir, 'out', 'node', 'entry.js');
const rgLink = path.join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg');

// ---------------------------------------------------------------------------------------
// helpers

/** Keeps only the last `max` characters of a stream of output. */
class Tail {
  constructor(max = 64 * 1024) {
    this.max = max;
    this.text = '';
  }
  push(chunk) {
    this.text += chunk.toString();
    if (this.text.length > 2 * this.max) this.text = this.text.slice(-this.max);
  }
  lines(n = 60) {
    return this.text.slice(-this.max).split('\n').slice(-n).join('\n');
  }
}

/** Env for child npm processes: drop what an outer `npm run` leaks, add our settings. */
function npmEnv(extra = {}) {
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    if (
      /^npm_(lifecycle_|package_)/i.test(k) ||
      /^npm_(command|config_local_prefix|config_loglevel|execpath|node_execpath)$/i.test(k) ||
      k === 'INIT_CWD'
    ) {
      delete env[k];
    }
  }
  Object.assign(env, {
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
    npm_config_progress: 'false',
  });
  // node-gyp (argon2, kerberos, node-pty, spdlog, ...) needs Node's headers. Without them it
  // downloads them from nodejs.org, which is unreachable here. Point it at the installed
  // headers when they match the running Node (Debian/NodeSource put them in <prefix>/include/node).
  if (!env.npm_config_nodedir) {
    const prefix = path.dirname(path.dirname(process.execPath));
    if (nodeHeadersMatch(prefix)) env.npm_config_nodedir = prefix;
  }
  return Object.assign(env, extra);
}

function nodeHeadersMatch(prefix) {
  try {
    const h = fs.readFileSync(path.join(prefix, 'include', 'node', 'node_version.h'), 'utf8');
    const get = (name) => (h.match(new RegExp(`#define ${name} (\\d+)`)) || [])[1];
    const v = `v${get('NODE_MAJOR_VERSION')}.${get('NODE_MINOR_VERSION')}.${get('NODE_PATCH_VERSION')}`;
    return v === process.version;
  } catch {
    return false;
  }
}

/**
 * Runs a command, capturing its output. Resolves with the output; on failure rejects with an
 * Error that contains the command, cwd, exit status and the tail of the output.
 */
function run(command, args, { cwd, env = process.env, timeoutMs = 20 * 60 * 1000 } = {}) {
  return new Promise((resolve, reject) => {
    const tail = new Tail();
    const shown = [command, ...args].join(' ');
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => tail.push(d));
    child.stderr.on('data', (d) => tail.push(d));
    const timer = setTimeout(() => {
      tail.push(`\n[killed after ${timeoutMs / 1000} s]\n`);
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(new Error(`${PREFIX} could not run \`${shown}\` in ${cwd ?? process.cwd()}: ${err.message}`));
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(tail.text);
      reject(
        new Error(
          `${PREFIX} \`${shown}\` failed in ${cwd ?? process.cwd()} ` +
            `(${signal ? `signal ${signal}` : `exit code ${code}`}). Last output:\n${tail.lines()}`,
        ),
      );
    });
  });
}

function npm(args, cwd, extraEnv) {
  // --prefix pins npm's local prefix to `cwd`, so npm never walks up to the repo's
  // package.json / package-lock.json (not even as a workspace root).
  return run('npm', [...args, '--prefix', cwd], { cwd, env: npmEnv(extraEnv) });
}

function commandExists(cmd) {
  return (process.env.PATH || '')
    .split(path.delimiter)
    .some((dir) => dir && fs.existsSync(path.join(dir, cmd)));
}

function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return e.code === 'EPERM';
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---------------------------------------------------------------------------------------
// Debian packages

/**
 * Makes sure the given Debian packages are installed. Installs the missing ones with apt-get
 * when running as root; otherwise throws an Error naming the exact command to run.
 * @param {string[]} pkgs
 * @param {{log?: (msg: string) => void}} [options]
 * @returns {Promise<string[]>} the packages that were installed now (empty if none)
 */
export async function ensureDebianPackages(pkgs, { log = console.log } = {}) {
  const missing = pkgs.filter((pkg) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
    if (r.error) {
      throw new Error(
        `${PREFIX} cannot check for Debian packages (${r.error.message}); this needs a Debian/Ubuntu ` +
          `system with: ${pkgs.join(' ')}`,
      );
    }
    return !(r.status === 0 && / installed$/.test(r.stdout.trim()));
  });
  if (missing.length === 0) return [];

  const cmd = `sudo apt-get install -y ${missing.join(' ')}`;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !commandExists('apt-get')) {
    throw new Error(`Missing Debian packages: ${missing.join(' ')}. Install them with: ${cmd}`);
  }
  log(`${PREFIX} installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    await run('apt-get', ['update'], { env });
  } catch (e) {
    log(`${PREFIX} apt-get update failed, trying the install anyway: ${e.message.split('\n')[0]}`);
  }
  try {
    await run('apt-get', ['install', '-y', ...missing], { env });
  } catch (e) {
    throw new Error(
      `Missing Debian packages: ${missing.join(' ')}. Installing them failed; install them with: ${cmd}\n${e.message}`,
    );
  }
  return missing;
}

// ---------------------------------------------------------------------------------------
// install

function result() {
  const vscodeVersion = readJson(path.join(vscodeDir, 'package.json')).version;
  const codeServerVersion = readJson(path.join(pkgDir, 'package.json')).version;
  return {
    command: process.execPath,
    args: [entryJs],
    bin: entryJs,
    version: vscodeVersion,
    vscodeVersion,
    codeServerVersion,
    root: cacheDir,
    packageDir: pkgDir,
  };
}

function isComplete() {
  try {
    const marker = JSON.parse(fs.readFileSync(markerFile, 'utf8'));
    return marker.codeServerVersion === CODE_SERVER_VERSION && fs.existsSync(entryJs);
  } catch {
    return false;
  }
}

async function withLock(log, fn) {
  fs.mkdirSync(path.dirname(lockDir), { recursive: true });
  let waitingLogged = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (e) {
      if (e.code !== 'EEXIST') throw e;
      let pid = NaN;
      try {
        pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
      } catch {}
      const ageMs = (() => {
        try {
          return Date.now() - fs.statSync(lockDir).mtimeMs;
        } catch {
          return 0;
        }
      })();
      if ((pid && !pidAlive(pid)) || (!pid && ageMs > 10_000)) {
        fs.rmSync(lockDir, { recursive: true, force: true }); // stale lock
        continue;
      }
      if (!waitingLogged) {
        log(`${PREFIX} waiting for another install (pid ${pid || '?'}, lock ${lockDir})`);
        waitingLogged = true;
      }
      await sleep(500);
    }
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

/**
 * Installs code-server into .vscode-test/code-server if needed (cached; safe to call often).
 * @param {{log?: (msg: string) => void}} [options]
 * @returns {Promise<{command: string, args: string[], bin: string, version: string,
 *   vscodeVersion: string, codeServerVersion: string, root: string, packageDir: string}>}
 *   Launch with spawn(command, [...args, ...codeServerArgs]).
 */
export async function ensureCodeServer({ log = console.log } = {}) {
  if (isComplete()) {
    // rg is a link to Debian's ripgrep: make sure it is still there (cheap fs check).
    if (!fs.existsSync(rgLink)) await ensureDebianPackages(['ripgrep'], { log });
    return result();
  }
  return withLock(log, async () => {
    if (isComplete()) return result(); // another process finished it while we waited
    await install(log);
    return result();
  });
}

async function install(log) {
  const started = Date.now();
  const step = (msg) => log(`${PREFIX} ${msg} (+${((Date.now() - started) / 1000).toFixed(1)} s)`);

  if (process.versions.node.split('.')[0] !== '20') {
    throw new Error(`${PREFIX} code-server ${CODE_SERVER_VERSION} needs Node 20; this is Node ${process.version}`);
  }
  await ensureDebianPackages(['libkrb5-dev', 'ripgrep'], { log });

  if (fs.existsSync(cacheDir)) step(`removing incomplete install in ${cacheDir}`);
  await fsp.rm(cacheDir, { recursive: true, force: true });
  await fsp.mkdir(cacheDir, { recursive: true });
  // Its own package.json makes this folder npm's project root (not the repo).
  await fsp.writeFile(
    path.join(cacheDir, 'package.json'),
    JSON.stringify(
      { name: 'vscode-test-code-server', version: '0.0.0', private: true, description: 'cache, see scripts/ensure-code-server.mjs' },
      null,
      2,
    ) + '\n',
  );

  step(`npm install code-server@${CODE_SERVER_VERSION} --ignore-scripts`);
  await npm(['install', `code-server@${CODE_SERVER_VERSION}`, '--save-exact', '--ignore-scripts', '--no-audit', '--no-fund'], cacheDir);

  step('npm rebuild argon2 (node-gyp build, ~20 s)');
  await npm(['rebuild', 'argon2'], cacheDir);

  step('npm install --omit=dev --ignore-scripts in lib/vscode');
  await npm(['install', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund'], vscodeDir);

  step(`linking @vscode/ripgrep/bin/rg -> ${SYSTEM_RG}`);
  await fsp.mkdir(path.dirname(rgLink), { recursive: true });
  await fsp.rm(rgLink, { force: true });
  await fsp.symlink(SYSTEM_RG, rgLink);

  step('npm rebuild in lib/vscode (native modules: node-pty, kerberos, spdlog, ...)');
  await npm(['rebuild'], vscodeDir, { npm_config_unsafe_perm: 'true', npm_config_yes: 'true' });
  if (fs.realpathSync(rgLink) !== fs.realpathSync(SYSTEM_RG)) {
    throw new Error(`${PREFIX} ${rgLink} was replaced during npm rebuild; expected a link to ${SYSTEM_RG}`);
  }

  step("rest of code-server's postinstall.sh (node_modules.asar, bin links)");
  await relink('node_modules', path.join(vscodeDir, 'node_modules.asar'));
  await relink('code-linux.sh', path.join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  await relink('browser-linux.sh', path.join(vscodeDir, 'bin', 'helpers', 'browser.sh'));

  step('npm install --omit=dev in lib/vscode/extensions');
  await npm(['install', '--omit=dev', '--no-audit', '--no-fund'], path.join(vscodeDir, 'extensions'), {
    npm_config_unsafe_perm: 'true',
    npm_config_yes: 'true',
  });

  const { version } = result();
  await fsp.writeFile(
    markerFile,
    JSON.stringify({ codeServerVersion: CODE_SERVER_VERSION, vscodeVersion: version, node: process.version, installedAt: new Date().toISOString() }, null, 2) + '\n',
  );
  step(`code-server ${CODE_SERVER_VERSION} (VS Code ${version}) installed in ${cacheDir}`);
}

/** Like postinstall.sh's symlink(): replace whatever is at `dest` by a link to `target`. */
async function relink(target, dest) {
  await fsp.rm(dest, { recursive: true, force: true });
  await fsp.symlink(target, dest);
}

// ---------------------------------------------------------------------------------------
// start / stop

/** A free TCP port on 127.0.0.1 (listen on port 0, read it, close). */
export function getFreePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Processes (pid -> {ppid, pgrp}) from /proc, zombies excluded; null where /proc is absent. */
function processTable() {
  let names;
  try {
    names = fs.readdirSync('/proc');
  } catch {
    return null;
  }
  const table = new Map();
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z' || fields[0] === 'X') continue;
      table.set(Number(name), { ppid: Number(fields[1]), pgrp: Number(fields[2]) });
    } catch {}
  }
  return table;
}

/** pids in process group `pgid` plus all descendants of `rootPid` (they may have left the group, e.g. pty shells). */
function treePids(rootPid, pgid) {
  const table = processTable();
  if (!table) return null;
  const pids = new Set();
  for (const [pid, p] of table) if (p.pgrp === pgid) pids.add(pid);
  if (table.has(rootPid)) pids.add(rootPid);
  let grew = true;
  while (grew) {
    grew = false;
    for (const [pid, p] of table) {
      if (!pids.has(pid) && pids.has(p.ppid)) {
        pids.add(pid);
        grew = true;
      }
    }
  }
  return pids;
}

function killTree(pid, signal) {
  const pids = treePids(pid, pid);
  try {
    process.kill(-pid, signal);
  } catch {}
  for (const p of pids ?? []) {
    try {
      process.kill(p, signal);
    } catch {}
  }
  return pids;
}

function treeAlive(pid, known) {
  const table = processTable();
  if (!table) {
    try {
      process.kill(-pid, 0);
      return true;
    } catch (e) {
      return e.code === 'EPERM';
    }
  }
  for (const [p, info] of table) {
    if (info.pgrp === pid || known.has(p)) return true;
  }
  return false;
}

function httpStatus(url, timeoutMs) {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
}

/**
 * Starts code-server on a free port of 127.0.0.1 and waits until it answers HTTP.
 * @param {{workspace?: string, userDataDir?: string, extensionsDir?: string,
 *   log?: (msg: string) => void, settings?: object, args?: string[], env?: object,
 *   timeoutMs?: number}} [options]
 *   userDataDir / extensionsDir default to fresh temp folders that stop() removes.
 *   `args` are extra code-server arguments; `env` extra environment variables.
 * @returns {Promise<{url: string, port: number, pid: number, stop: () => Promise<void>,
 *   output: () => string}>}
 */
export async function startCodeServer({
  workspace,
  userDataDir,
  extensionsDir,
  log = console.log,
  settings = {},
  args: extraArgs = [],
  env: extraEnv = {},
  timeoutMs = 60_000,
} = {}) {
  const cs = await ensureCodeServer({ log });
  const tempDirs = [];
  if (!userDataDir) tempDirs.push((userDataDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cs-user-'))));
  if (!extensionsDir) tempDirs.push((extensionsDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'cs-ext-'))));
  userDataDir = path.resolve(userDataDir);
  extensionsDir = path.resolve(extensionsDir);
  await fsp.mkdir(path.join(userDataDir, 'User'), { recursive: true });
  await fsp.mkdir(extensionsDir, { recursive: true });
  await fsp.writeFile(
    path.join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'security.workspace.trust.enabled': false,
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        // No gallery lookups, update checks or prompts: this machine cannot reach the gallery,
        // and a notification must not cover the UI that tests drive and screenshot.
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'extensions.ignoreRecommendations': true,
        'update.mode': 'none',
        'git.openRepositoryInParentFolders': 'never',
        'workbench.tips.enabled': false,
        ...settings,
      },
      null,
      2,
    ) + '\n',
  );

  const port = await getFreePort();
  const url = `http://127.0.0.1:${port}/`;
  const args = [
    ...cs.args,
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    ...extraArgs,
    ...(workspace ? [path.resolve(workspace)] : []),
  ];
  const env = { ...process.env };
  for (const k of Object.keys(env)) {
    // VSCODE_IPC_HOOK_CLI (set in VS Code/code-server terminals) would make code-server open
    // the folder in *that* instance and exit instead of starting a server.
    if (k.startsWith('VSCODE_') || k === 'ELECTRON_RUN_AS_NODE') delete env[k];
  }
  // Keep code-server's files out of $HOME: its config.yaml (default ~/.config/code-server),
  // its logs + heartbeat (~/.local/share/code-server/) and VS Code's device id
  // (~/.cache/Microsoft/DeveloperTools). Pass `env` to override.
  env.CODE_SERVER_CONFIG = path.join(userDataDir, 'code-server-config.yaml');
  env.XDG_DATA_HOME = path.join(userDataDir, 'xdg-data');
  env.XDG_CACHE_HOME = path.join(userDataDir, 'xdg-cache');
  Object.assign(env, extraEnv);

  const tail = new Tail();
  // detached: own process group, so stop() can kill code-server and all its children at once.
  const child = spawn(cs.command, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  const pid = child.pid;
  child.stdout.on('data', (d) => tail.push(d));
  child.stderr.on('data', (d) => tail.push(d));
  let exited = null;
  const exitPromise = new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      resolve();
    });
    child.on('error', (err) => {
      exited = exited ?? { error: err };
      tail.push(`\nspawn error: ${err.message}\n`);
      resolve();
    });
  });

  const onExit = () => killTree(pid, 'SIGKILL');
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const onSignal = (sig) => {
    killTree(pid, 'SIGKILL');
    // If nobody else handles the signal, keep its default behaviour (terminate).
    if (process.listenerCount(sig) === 0) process.kill(process.pid, sig);
  };
  const signalHandlers = new Map(signals.map((s) => [s, () => { removeHandlers(); onSignal(s); }]));
  function removeHandlers() {
    process.removeListener('exit', onExit);
    for (const [s, h] of signalHandlers) process.removeListener(s, h);
  }
  if (pid !== undefined) {
    process.on('exit', onExit);
    for (const [s, h] of signalHandlers) process.on(s, h);
  }

  let stopping = null;
  const stop = () =>
    (stopping ??= (async () => {
      if (pid !== undefined) {
        let known = killTree(pid, 'SIGTERM') ?? new Set();
        const deadline = Date.now() + 5000;
        while (treeAlive(pid, known) && Date.now() < deadline) await sleep(100);
        if (treeAlive(pid, known)) {
          log(`${PREFIX} code-server (pid ${pid}) did not exit on SIGTERM, sending SIGKILL`);
          known = new Set([...known, ...(killTree(pid, 'SIGKILL') ?? [])]);
          const deadline2 = Date.now() + 5000;
          while (treeAlive(pid, known) && Date.now() < deadline2) await sleep(100);
        }
        await Promise.race([exitPromise, sleep(2000)]);
        removeHandlers();
        if (treeAlive(pid, known)) throw new Error(`${PREFIX} processes of code-server (pgid ${pid}) are still running`);
      }
      for (const dir of tempDirs) await fsp.rm(dir, { recursive: true, force: true });
    })());

  log(`${PREFIX} starting code-server ${cs.codeServerVersion} (VS Code ${cs.version}) on ${url}`);
  const started = Date.now();
  let lastError = 'no answer yet';
  for (;;) {
    if (exited) {
      await stop().catch(() => {});
      throw new Error(
        `${PREFIX} code-server exited before answering on ${url} ` +
          `(${exited.error ? exited.error.message : exited.signal ? `signal ${exited.signal}` : `exit code ${exited.code}`}). ` +
          `Output:\n${tail.lines()}`,
      );
    }
    if (Date.now() - started > timeoutMs) {
      await stop().catch(() => {});
      throw new Error(
        `${PREFIX} code-server did not answer on ${url} within ${timeoutMs / 1000} s (last: ${lastError}). Output:\n${tail.lines()}`,
      );
    }
    try {
      const status = await httpStatus(url, 10_000);
      if (status === 200 || (status >= 300 && status < 400)) break;
      lastError = `HTTP ${status}`;
    } catch (e) {
      lastError = e.message;
    }
    await sleep(200);
  }
  log(`${PREFIX} code-server answers on ${url} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  return { url, port, pid, userDataDir, extensionsDir, stop, output: () => tail.text };
}

// ---------------------------------------------------------------------------------------
// CLI

const isMain = (() => {
  try {
    return process.argv[1] && fs.realpathSync(process.argv[1]) === fs.realpathSync(scriptFile);
  } catch {
    return false;
  }
})();

if (isMain) {
  const smoke = process.argv.includes('--smoke');
  try {
    const t0 = Date.now();
    const cs = await ensureCodeServer();
    const elapsed = Date.now() - t0;
    console.log(JSON.stringify({ ...cs, elapsedMs: elapsed }, null, 2));
    if (smoke) {
      const workspace = await fsp.mkdtemp(path.join(os.tmpdir(), 'cs-ws-'));
      const server = await startCodeServer({ workspace });
      const status = await httpStatus(server.url, 10_000);
      console.log(`${PREFIX} GET ${server.url} -> HTTP ${status}`);
      await server.stop();
      await fsp.rm(workspace, { recursive: true, force: true });
      console.log(`${PREFIX} stopped; no process left in group ${server.pid}`);
    }
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exitCode = 1;
  }
}
