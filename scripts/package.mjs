// Builds the production bundles and packs the .vsix with vsce; prints the file and its size.
//   node scripts/package.mjs [--out path.vsix]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export function packageVsix(outPath) {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const out = outPath ?? join(root, `${pkg.name}-${pkg.version}.vsix`);
  execFileSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], { cwd: root, stdio: 'inherit' });
  // vsce does not create the folder it writes to (npm test's e2e stage alone on a fresh clone has no .vscode-test/ yet).
  mkdirSync(dirname(out), { recursive: true });
  // ws and jsonc-parser are bundled into dist/engine.js, so the package needs no node_modules (--no-dependencies).
  // No repository is published yet: relative links in the README stay relative instead of being
  // rewritten to a guessed GitHub address.
  execFileSync(
    process.execPath,
    [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--out', out],
    { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const bytes = statSync(out).size;
  console.log(`[package] ${relative(process.cwd(), out) || out}: ${(bytes / 1024).toFixed(1)} KiB (${bytes} bytes)`);
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const i = process.argv.indexOf('--out');
  packageVsix(i > 0 ? process.argv[i + 1] : undefined);
}
