/**
 * What each extension host bundle holds (scripts/build.mjs), read from the source maps of the last
 * build: dist/extension.js, loaded to activate the extension, registers commands, views and
 * providers and must not carry the engine; dist/engine.js, loaded on first use (loadEngine.ts),
 * carries it. A module in both bundles runs as two copies, so only stateless ones may be.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');
const dist = join(root, 'dist');

/**
 * Modules allowed in both bundles. src/shared is pure by the layout rule (no vscode, no Node) and is
 * bundled into the webview as well; these adapter modules hold a constant, a pure function, a
 * re-export of `vscode` and a class with no module state (the page-load watchdog of each webview).
 */
const SHARED_STATELESS = new Set(['src/vscode/panelViewType.ts', 'src/vscode/webviewHtml.ts', 'src/vscode/vscodeApi.ts', 'src/vscode/pageLoadWatchdog.ts']);

/** The repository-relative paths of the modules a bundle was built from. */
function bundleSources(bundle: string): string[] {
  const mapFile = join(dist, `${bundle}.js.map`);
  assert.ok(existsSync(mapFile), `${relative(root, mapFile)} is missing: build first (node scripts/build.mjs)`);
  const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[] };
  return map.sources.map((source) => relative(root, resolve(dist, source)).split(sep).join('/'));
}

describe('the extension host bundles', () => {
  it('dist/extension.js holds the wiring and registrations, and none of the engine', () => {
    const sources = bundleSources('extension');
    // Read as expected: the entry point and the loader are there.
    assert.ok(sources.includes('src/extension.ts') && sources.includes('src/vscode/loadEngine.ts'), `unexpected sources: ${sources.join(', ')}`);
    const engineParts = sources.filter((s) => s.startsWith('src/core/') || s.startsWith('node_modules/') || s === 'src/vscode/engine.ts' || s === 'src/vscode/sessionPanel.ts');
    assert.deepEqual(engineParts, [], 'activation would load these: take them through loadEngine() (src/vscode/engine.ts) instead');
    const code = readFileSync(join(dist, 'extension.js'), 'utf8');
    // It reaches the engine at run time, as the file beside it.
    assert.match(code, /require\("\.\/engine\.js"\)/);
    // One copy of the vscode API object, not one per importing module (vscodeApi.ts).
    assert.equal(code.match(/require\("vscode"\)/g)?.length, 1, 'dist/extension.js requires vscode more than once: does every import of it go through src/vscode/vscodeApi.ts?');
  });

  it('dist/engine.js holds the engine: parser, session with ws, store, decoder, session panel', () => {
    const sources = bundleSources('engine');
    for (const expected of ['src/core/profile.ts', 'src/core/session.ts', 'src/core/eventStore.ts', 'src/core/wire.ts', 'src/vscode/sessionPanel.ts', 'node_modules/ws/lib/websocket.js', 'node_modules/jsonc-parser/lib/esm/main.js']) {
      assert.ok(sources.includes(expected), `${expected} is not in dist/engine.js`);
    }
  });

  it('shares only stateless modules between the two', () => {
    const activation = new Set(bundleSources('extension'));
    const both = bundleSources('engine').filter((s) => activation.has(s));
    const stateful = both.filter((s) => !s.startsWith('src/shared/') && !SHARED_STATELESS.has(s));
    // Two copies of a class fail each other's instanceof (RestrictedModeError is checked that way).
    assert.deepEqual(stateful, [], 'in both bundles: reach these through loadEngine(), or, if stateless, list them in SHARED_STATELESS');
  });
});
