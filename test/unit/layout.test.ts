/**
 * The three rooms (docs/ARCHITECTURE.md): src/core never imports vscode; src/shared imports nothing but
 * itself (it runs in the host and in the webview); webview code imports only itself and src/shared.
 */
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';

const root = resolve(__dirname, '..', '..', '..');

interface Violation {
  readonly file: string;
  readonly specifier: string;
  readonly rule: string;
}

/** Every module specifier a TypeScript file imports, re-exports or requires. */
export function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\bimport\s+(?:type\s+)?(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]/g,
    /\bexport\s+(?:type\s+)?[\w*{}\s,$]*\s+from\s+['"]([^'"]+)['"]/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const pattern of patterns) {
    for (const match of source.matchAll(pattern)) {
      found.push(match[1]);
    }
  }
  return found;
}

const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Checks one file's imports against the rule of the room it lives in. */
export function checkImports(file: string, source: string): Violation[] {
  const rel = relative(root, file).split(sep).join('/');
  const violations: Violation[] = [];
  for (const specifier of importSpecifiers(source)) {
    const relativeImport = specifier.startsWith('.');
    const target = relativeImport ? relative(root, resolve(dirname(file), specifier)).split(sep).join('/') : undefined;
    if (rel.startsWith('src/core/')) {
      if (specifier === 'vscode') violations.push({ file: rel, specifier, rule: 'src/core must not import vscode (it is plain Node + ws)' });
      if (target !== undefined && (target.startsWith('src/vscode') || target === 'src/extension')) {
        violations.push({ file: rel, specifier, rule: 'src/core must not import the VS Code adapter' });
      }
    } else if (rel.startsWith('src/shared/')) {
      if (target === undefined || !target.startsWith('src/shared/')) {
        const what = specifier === 'vscode' ? 'vscode' : nodeBuiltins.has(specifier) ? 'a Node module' : specifier === 'ws' ? 'ws' : 'anything outside src/shared';
        violations.push({ file: rel, specifier, rule: `src/shared must not import ${what} (it is bundled into the webview too)` });
      }
    } else if (rel.startsWith('webview/')) {
      if (target === undefined || !(target.startsWith('webview/') || target.startsWith('src/shared/'))) {
        violations.push({ file: rel, specifier, rule: 'webview code may import only webview/ and src/shared/' });
      }
    }
  }
  return violations;
}

function tsFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? tsFiles(path) : name.endsWith('.ts') ? [path] : [];
  });
}

describe('project layout', () => {
  it('has the agreed top-level entries', () => {
    for (const entry of ['src', 'webview', 'test', 'media', 'scripts', 'package.json', 'tsconfig.json', '.vscodeignore', 'README.md', 'CHANGELOG.md', 'LICENSE', '.ci/run', 'webview/tsconfig.json', 'docs/ARCHITECTURE.md']) {
      assert.ok(existsSync(join(root, entry)), `${entry} is missing`);
    }
    for (const room of ['src/core', 'src/shared', 'src/vscode']) {
      assert.ok(statSync(join(root, room)).isDirectory(), `${room}/ is missing`);
    }
  });

  it('has a 128x128 PNG icon, as the Marketplace wants', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { icon?: string };
    assert.equal(manifest.icon, 'media/icon.png');
    const png = readFileSync(join(root, manifest.icon));
    // The PNG signature, then the IHDR chunk's width and height (big-endian) at bytes 16 and 20.
    assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a');
    assert.deepEqual([png.readUInt32BE(16), png.readUInt32BE(20)], [128, 128]);
  });

  it('keeps every file of src/ and webview/ inside its room\'s import rules', () => {
    const files = [...tsFiles(join(root, 'src')), ...tsFiles(join(root, 'webview'))];
    assert.ok(files.length > 10, `expected the source tree, found ${files.length} files under ${root}`);
    const violations = files.flatMap((file) => checkImports(file, readFileSync(file, 'utf8')));
    assert.deepEqual(violations, [], violations.map((v) => `${v.file}: imports "${v.specifier}": ${v.rule}`).join('\n'));
  });

  describe('the import check itself', () => {
    const at = (rel: string): string => join(root, rel);
    it('flags vscode in core, Node, ws and vscode in shared, and src/core in the webview', () => {
      assert.equal(checkImports(at('src/core/x.ts'), "import * as vscode from 'vscode';").length, 1);
      assert.equal(checkImports(at('src/core/x.ts'), "import { a } from '../vscode/sessionPanel';").length, 1);
      assert.equal(checkImports(at('src/shared/x.ts'), "import { readFileSync } from 'node:fs';").length, 1);
      assert.equal(checkImports(at('src/shared/x.ts'), "import WebSocket from 'ws';").length, 1);
      assert.equal(checkImports(at('src/shared/x.ts'), "const v = require('vscode');").length, 1);
      assert.equal(checkImports(at('src/shared/x.ts'), "export { x } from '../core/session';").length, 1);
      assert.equal(checkImports(at('webview/panel/x.ts'), "import { toEventRow } from '../../src/core/eventRow';").length, 1);
      assert.equal(checkImports(at('webview/panel/x.ts'), "import type { X } from 'ws';").length, 1);
    });
    it('allows what the rooms may use', () => {
      assert.deepEqual(checkImports(at('src/core/x.ts'), "import WebSocket from 'ws';\nimport { x } from '../shared/protocol';\nimport * as fs from 'node:fs';"), []);
      assert.deepEqual(checkImports(at('src/shared/x.ts'), "import type { EventRow } from './sessionEvent';"), []);
      assert.deepEqual(checkImports(at('webview/panel/x.ts'), "import { x } from '../../src/shared/protocol';\nimport { y } from './vscodeApi';"), []);
      assert.deepEqual(checkImports(at('src/vscode/x.ts'), "import * as vscode from 'vscode';"), []);
    });
  });
});
