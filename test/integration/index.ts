/**
 * The mocha entry point that VS Code's extension host calls (`extensionTestsPath`). Both hosts,
 * desktop VS Code through @vscode/test-electron and code-server through its browser workbench,
 * call this same `run()`; it resolves when every test passed and rejects otherwise.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';

const LAST = 'deactivate.test.js';

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: 'spec' });
  // deactivate.test.js calls the extension's deactivate(), which ends it for the rest of this host's life: it runs last.
  const files = readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort((a, b) => Number(a === LAST) - Number(b === LAST) || (a < b ? -1 : a > b ? 1 : 0));
  for (const file of files) {
    mocha.addFile(join(__dirname, file));
  }
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) {
          reject(new Error(`${failures} integration test(s) failed`));
        } else if (files.length === 0) {
          reject(new Error(`no integration tests found in ${__dirname}`));
        } else {
          resolve();
        }
      });
    } catch (err) {
      reject(err instanceof Error ? err : new Error(String(err)));
    }
  });
}
