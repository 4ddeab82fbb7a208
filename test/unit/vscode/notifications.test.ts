/**
 * Every notification and quick input prompt the extension shows passes the one sanitizer: the
 * source holds no call of VS Code's message functions outside src/vscode/notify.ts, and every
 * input box's prompt and title is built through notificationText or inputPrompt.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const repoRoot = join(__dirname, '..', '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : []));
}

describe('notifications', () => {
  const files = sourceFiles(join(repoRoot, 'src'));

  it('are all shown through notify.ts', () => {
    assert.ok(files.length > 20, `found only ${files.length} source files under ${repoRoot}`);
    const direct = files
      .filter((file) => !file.endsWith(join('vscode', 'notify.ts')))
      .filter((file) => /\bshow(Information|Warning|Error)Message\s*\(/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(repoRoot, file));
    assert.deepEqual(direct, [], 'these files show notifications without the sanitizer');
  });

  it('input boxes show only sanitized or fixed prompts', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/\b(prompt|title): ([^,}\n]+)/g)) {
        const value = match[2].trim();
        if (!text.includes('showInputBox(')) continue;
        // A fixed text, a choice between two fixed texts, or a sanitized one.
        const fixed = /^(\w+ \? )?'[^'$]*'( : '[^'$]*')?$/.test(value) || /^notificationText\(|^inputPrompt\(/.test(value);
        assert.ok(fixed, `${relative(repoRoot, file)}: ${match[0]} is not passed through notificationText`);
      }
    }
  });
});
