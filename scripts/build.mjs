// One build for everything: the extension bundle, the webview bundle(s), and the tests.
//   node scripts/build.mjs               development build (unminified, source maps)
//   node scripts/build.mjs --production  what ships: minified, with source maps
//   node scripts/build.mjs --watch       rebuild on change
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** @type {import('esbuild').BuildOptions} */
const common = {
  bundle: true,
  minify: production,
  // The page answers the tests' probes (renderedRows and the like) only in the development build.
  define: { __WSI_TEST_PROBES__: production ? 'false' : 'true' },
  sourcemap: true,
  sourcesContent: !production,
  legalComments: 'none',
  logLevel: 'warning',
  absWorkingDir: root,
};

/**
 * Inside the bundle, ws's require('http') and require('https') get versions whose request() is not
 * VS Code's proxy-agent patch, which would bypass the session's byte tap (see src/vscode/unpatchedHttp.ts).
 */
const unpatchedHttpForWs = {
  name: 'unpatched-http-for-ws',
  setup(build) {
    build.onResolve({ filter: /^(node:)?https?$/ }, (args) => {
      if (!/[\\/]node_modules[\\/]ws[\\/]/.test(args.importer)) return undefined;
      const file = args.path.endsWith('https') ? 'unpatchedHttps.ts' : 'unpatchedHttp.ts';
      return { path: join(root, 'src', 'vscode', file) };
    });
  },
};

/**
 * src/vscode/loadEngine.ts requires './engine' when the engine is first used: that stays a require
 * at run time of dist/engine.js, the second bundle, instead of being bundled into the first.
 */
const engineLoadedAtRunTime = {
  name: 'engine-loaded-at-run-time',
  setup(build) {
    build.onResolve({ filter: /^\.\/engine$/ }, (args) => {
      if (args.importer !== join(root, 'src', 'vscode', 'loadEngine.ts')) return undefined;
      return { path: './engine.js', external: true };
    });
  },
};

/**
 * Every `import * as vscode from 'vscode'` goes through src/vscode/vscodeApi.ts, which alone
 * requires the real module: esbuild copies the API object's properties (some 200 getters) once per
 * module that imports it, which was 19 copies when dist/extension.js loaded.
 */
const vscodeApiOnce = {
  name: 'vscode-api-once',
  setup(build) {
    const shim = join(root, 'src', 'vscode', 'vscodeApi.ts');
    build.onResolve({ filter: /^vscode$/ }, (args) => (args.importer === shim ? { path: 'vscode', external: true } : { path: shim }));
  },
};

/**
 * The extension host bundles: Node, CommonJS, `vscode` provided by the host. Two of them, because
 * loading the code is most of activating (BENCHMARKS.md, part 7): dist/extension.js registers the
 * commands, views and providers; dist/engine.js (src/vscode/engine.ts: the profile parser, the
 * session with ws, the store, the decoder, the session panel) is loaded on first use. esbuild does
 * not split CommonJS output, so each bundle holds its own copy of whatever both import; only
 * stateless modules may be in both (test/unit/bundles.test.ts checks which).
 */
const extension = {
  ...common,
  entryPoints: { extension: 'src/extension.ts', engine: 'src/vscode/engine.ts' },
  outdir: 'dist',
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // ws loads these optional native helpers only if present; they are not shipped.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
  // Prefer ES module builds: jsonc-parser's "main" is a UMD bundle whose inner require() calls
  // esbuild cannot follow, so the bundle would fail when first loaded with "Cannot find module".
  mainFields: ['module', 'main'],
  plugins: [unpatchedHttpForWs, engineLoadedAtRunTime, vscodeApiOnce],
};

/** Webview bundles: browser, one self-contained script each (the CSP allows only our nonce'd script). */
const webview = {
  ...common,
  entryPoints: { panel: 'webview/panel/main.ts' },
  outdir: 'dist/webview',
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
};

/** Tests and their helpers: each file transpiled on its own into out/, imports left as they are. */
function listTs(dir) {
  const files = [];
  for (const name of readdirSync(join(root, dir))) {
    const path = join(dir, name);
    if (statSync(join(root, path)).isDirectory()) {
      files.push(...listTs(path));
    } else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) {
      files.push(path);
    }
  }
  return files;
}
const tests = {
  absWorkingDir: root,
  entryPoints: [...listTs('src'), ...listTs('test'), ...listTs('scripts')],
  outdir: 'out',
  outbase: '.',
  bundle: false,
  define: { __WSI_TEST_PROBES__: 'true' },
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
};

const builds = production ? [extension, webview] : [extension, webview, tests];

/** The webviews' icon font: copied from @vscode/codicons into dist/codicons so it ships in the .vsix. */
function copyCodicons() {
  const from = join(root, 'node_modules', '@vscode', 'codicons', 'dist');
  const to = join(root, 'dist', 'codicons');
  mkdirSync(to, { recursive: true });
  for (const name of ['codicon.css', 'codicon.ttf']) copyFileSync(join(from, name), join(to, name));
}

if (watch) {
  copyCodicons();
  for (const options of builds) {
    const context = await esbuild.context(options);
    await context.watch();
  }
  console.log('[build] watching for changes (Ctrl+C to stop)');
} else {
  const started = Date.now();
  rmSync(join(root, 'dist'), { recursive: true, force: true });
  if (!production) {
    rmSync(join(root, 'out'), { recursive: true, force: true });
  }
  await Promise.all(builds.map((options) => esbuild.build(options)));
  copyCodicons();
  const outputs = builds.map((b) => relative(root, join(root, b.outfile ?? b.outdir))).join(', ');
  console.log(`[build] ${production ? 'production' : 'development'} build of ${outputs} in ${Date.now() - started} ms`);
}
