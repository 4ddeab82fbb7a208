// `npm test`: everything, and a non-zero exit when anything fails.
//   node scripts/test.mjs                 all stages
//   node scripts/test.mjs unit webview    only those stages (after the build)
// Stages: system packages, build, type-check, unit (mocha in Node), webview (Chromium over the
// built bundle), integration (mocha inside a real VS Code), e2e (the packaged .vsix installed into
// code-server and driven through its UI).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const mocha = join(root, 'node_modules', 'mocha', 'bin', 'mocha.js');
const node = process.execPath;

/** Debian packages the tests need; installed when we are root with apt, otherwise the exact command is printed. */
function systemPackages() {
  const packages = ['python3-websockets', 'openssl', 'libkrb5-dev', 'ripgrep'];
  if (!process.env.CHROME_PATH || !existsSync(process.env.CHROME_PATH)) packages.unshift('chromium');
  return import('./ensure-code-server.mjs').then(({ ensureDebianPackages }) => ensureDebianPackages(packages, { log: (l) => console.log(`[test] ${l}`) }));
}

function run(command, args, env = {}) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${[command, ...args].map((a) => a.replace(root, '')).join(' ')} exited with ${result.status ?? result.signal}`);
}

const stages = {
  packages: systemPackages,
  build: () => run(node, [join(root, 'scripts', 'build.mjs')]),
  typecheck: () => run('npm', ['run', '-s', 'typecheck']),
  unit: () => run(node, [mocha, 'out/test/unit/**/*.test.js']),
  webview: () => run(node, [mocha, '--timeout', '60000', 'out/test/webview/**/*.test.js']),
  integration: () => run(node, [join(root, 'scripts', 'test-integration.mjs')]),
  e2e: () => e2e(),
  // Not part of a plain `npm test`: refreshes the README's screenshot from the e2e run.
  screenshot: () => e2e({ WS_INSPECTOR_SCREENSHOTS: join(root, 'media', 'screenshots') }),
};
const defaultStages = ['packages', 'build', 'typecheck', 'unit', 'webview', 'integration', 'e2e'];

async function e2e(env = {}) {
  const { packageVsix } = await import('./package.mjs');
  const vsix = packageVsix(join(root, '.vscode-test', 'websocket-inspector-test.vsix'));
  // package.mjs leaves a production build in dist/; put the development build back afterwards.
  try {
    run(node, [mocha, '--timeout', '180000', 'out/test/e2e/**/*.test.js'], { WS_INSPECTOR_VSIX: vsix, ...env });
  } finally {
    run(node, [join(root, 'scripts', 'build.mjs')]);
  }
}
/** Stages that later stages cannot do without: when one fails, stop. */
const prerequisites = new Set(['packages', 'build']);

const requested = process.argv.slice(2);
for (const name of requested) {
  if (!(name in stages)) {
    console.error(`[test] unknown stage "${name}"; known stages: ${Object.keys(stages).join(', ')}`);
    process.exit(2);
  }
}
const selected = requested.length === 0 ? defaultStages : ['packages', 'build', ...requested.filter((s) => !prerequisites.has(s))];

const results = [];
for (const name of selected) {
  const started = Date.now();
  console.log(`\n[test] ===== ${name} =====`);
  try {
    await stages[name]();
    results.push({ name, ok: true, seconds: (Date.now() - started) / 1000 });
  } catch (err) {
    console.error(`[test] ${name} failed: ${err instanceof Error ? err.message : err}`);
    results.push({ name, ok: false, seconds: (Date.now() - started) / 1000 });
    if (prerequisites.has(name)) break;
  }
}

console.log('\n[test] summary');
for (const r of results) console.log(`[test]   ${r.ok ? 'pass' : 'FAIL'}  ${r.name.padEnd(12)} ${r.seconds.toFixed(1)} s`);
const failed = results.filter((r) => !r.ok).length + (selected.length - results.length);
if (failed > 0) {
  console.log(`[test] ${failed} stage(s) failed or did not run`);
  process.exit(1);
}
console.log('[test] all stages passed');
