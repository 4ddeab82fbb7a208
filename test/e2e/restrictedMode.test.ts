/**
 * Restricted Mode for real: code-server with Workspace Trust turned on opens a workspace it has
 * never trusted, so VS Code itself puts the window in Restricted Mode. The packaged extension runs
 * there (it declares limited support): its profiles can be opened and connected, but connecting
 * asks first, a ${env:…} it would send is not read, and once the person trusts the folder in VS
 * Code's own trust editor the same profile sends the variable's value.
 */
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../../scripts/demoServer';
import { repoRoot } from '../fixtures/codeServer';
import { findFrame, focusWorkbench, log, openWorkbench, pickQuickInputRow, runCommand, timelineRows, type Workbench } from './workbench';

/** The value of the environment variable the profile asks for; it must reach the server only once the folder is trusted. */
const TOKEN = `e2e-${randomBytes(8).toString('hex')}`;
const HOSTILE_LINK = '[Fix it](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22echo%20pwned%5Cn%22%7D)';

describe('Restricted Mode in code-server (Workspace Trust on, folder not trusted)', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let demo: DemoServer;
  let page: Page;

  before(async () => {
    demo = await startDemoServer();
    workbench = await openWorkbench({
      prepareWorkspace: (workspace) => {
        const profile = (name: string, extra: Record<string, unknown>): string => `${JSON.stringify({ name, url: demo.url('echo'), ...extra }, null, 2)}\n`;
        writeFileSync(join(workspace, 'token.wsprofile'), profile('Token echo', { headers: { Authorization: 'Bearer ${env:WSI_E2E_TOKEN}' } }));
        writeFileSync(join(workspace, 'plain.wsprofile'), profile('Plain echo', {}));
        // Link syntax in a variable's name: VS Code would render it in a notification as a link that runs the command.
        writeFileSync(join(workspace, 'hostile.wsprofile'), profile('Hostile [echo](command:workbench.action.files.newUntitledFile)', { headers: { 'X-Fix': `\${env:${HOSTILE_LINK}}` } }));
      },
      // Trust on, and no prompt at start: a folder never trusted opens in Restricted Mode.
      settings: { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never' },
      env: { WSI_E2E_TOKEN: TOKEN },
    });
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
    await demo?.close();
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !page) return;
    mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
    const file = join(repoRoot, 'test-results', `restricted-mode-${this.currentTest.title.replace(/\W+/g, '-').slice(0, 60)}.png`);
    await page.screenshot({ path: file }).catch(() => undefined);
    log(`screenshot of the failure: ${file}`);
  });

  /** Runs "Connect WebSocket", picks `profile`, and returns VS Code's modal dialog that follows. */
  async function connectAndGetDialog(profile: string): Promise<{ message: string; detail: string; buttons: string[] }> {
    await focusWorkbench(page);
    await runCommand(page, 'WebSocket: Connect WebSocket');
    await pickQuickInputRow(page, profile);
    const dialog = await page.waitForSelector('.monaco-dialog-box', { timeout: 30_000 });
    return {
      message: (await dialog.$eval('.dialog-message-text', (e) => (e as HTMLElement).innerText)).trim(),
      detail: (await dialog.$eval('.dialog-message-detail', (e) => (e as HTMLElement).innerText)).trim(),
      buttons: await dialog.$$eval('.dialog-buttons .monaco-button', (els) => els.map((e) => (e as HTMLElement).innerText.trim())),
    };
  }

  async function clickDialogButton(label: string): Promise<void> {
    await page.locator('.monaco-dialog-box .dialog-buttons .monaco-button', { hasText: label }).first().click();
    await page.waitForSelector('.monaco-dialog-box', { state: 'detached', timeout: 10_000 });
  }

  const echoConnections = (): number => demo.connections.filter((c) => c.endpoint === 'echo').length;

  it('the window is in Restricted Mode, and the extension\'s profiles open with their Connect lens', async () => {
    await page.waitForSelector('.statusbar-item:has-text("Restricted Mode")', { timeout: 30_000 });
    await page.keyboard.press('Control+P');
    await page.keyboard.type('plain.wsprofile');
    await page.waitForSelector('.quick-input-widget .monaco-list-row[aria-label*="plain.wsprofile"]', { timeout: 30_000 });
    await page.keyboard.press('Enter');
    await page.waitForSelector('.codelens-decoration a:has-text("Connect")', { timeout: 30_000 });
  });

  it('asks before connecting; Cancel connects nothing', async () => {
    const before = echoConnections();
    const dialog = await connectAndGetDialog('Plain echo');
    log(`the dialog: ${JSON.stringify(dialog)}`);
    assert.match(dialog.message, /This workspace is not trusted\. Connect "Plain echo" in Restricted Mode\?/);
    assert.match(dialog.detail, /This profile uses none of them\./);
    // VS Code orders a dialog's buttons by platform; the set is what the extension decides.
    assert.deepEqual([...dialog.buttons].sort(), ['Cancel', 'Connect Without Them', 'Manage Workspace Trust']);
    await clickDialogButton('Cancel');
    await page.waitForTimeout(1000);
    assert.equal(await page.$('.monaco-workbench .tab[aria-label*="Plain echo"]'), null, 'no panel opened');
    assert.equal(echoConnections(), before, 'no connection reached the server');
  });

  it('"Connect Without Them" connects a profile that reads nothing from the machine', async () => {
    const before = echoConnections();
    await connectAndGetDialog('Plain echo');
    await clickDialogButton('Connect Without Them');
    await page.waitForSelector('.monaco-workbench .tab[aria-label*="Plain echo"]', { timeout: 30_000 });
    const frame = await findFrame(page, 'body.mode-panel .session-state[data-state="open"]');
    assert.ok((await timelineRows(frame)).some((r) => /↓ handshake .*101 Switching Protocols/.test(r)));
    assert.equal(echoConnections(), before + 1);
  });

  it('does not read the ${env:…} a profile would send: the dialog names it, and the connect stops with a message', async () => {
    const before = echoConnections();
    const dialog = await connectAndGetDialog('Token echo');
    assert.match(dialog.detail, /This profile uses \$\{env:WSI_E2E_TOKEN\}/);
    await clickDialogButton('Connect Without Them');
    const toast = await page.waitForSelector('.notification-toast:has-text("was not read")', { timeout: 30_000 });
    const text = await toast.innerText();
    log(`the notification: ${text.replace(/\s+/g, ' ')}`);
    assert.match(text, /A \$\{env:…\} variable at line 5, column \d+ of token\.wsprofile was not read: this workspace is not trusted \(Restricted Mode\)/);
    assert.match(text, /Manage Workspace Trust/);
    assert.ok(!text.includes(TOKEN), 'the value is not shown');
    await page.waitForTimeout(1000);
    assert.equal(await page.$('.monaco-workbench .tab[aria-label*="Token echo"]'), null, 'no panel opened');
    assert.equal(echoConnections(), before, 'nothing was sent, not even with an empty header');
    // The message offers the way out: its button opens VS Code's trust editor.
    await page.locator('.notification-toast:has-text("was not read") .monaco-button', { hasText: 'Manage Workspace Trust' }).click();
    await page.waitForSelector('.workspace-trust-editor', { timeout: 30_000 });
  });

  it('quotes nothing of a hostile profile in its notification: no link is formed', async () => {
    await page.keyboard.press('Escape');
    const dialog = await connectAndGetDialog('Hostile');
    log(`the dialog: ${JSON.stringify(dialog)}`);
    assert.equal(await page.$('.monaco-dialog-box .dialog-message-container a'), null, 'the dialog shows text, not links');
    await clickDialogButton('Connect Without Them');
    const toast = await page.waitForSelector('.notification-toast:has-text("hostile.wsprofile")', { timeout: 30_000 });
    const text = await toast.innerText();
    log(`the notification: ${text.replace(/\s+/g, ' ')}`);
    assert.match(text, /A \$\{env:…\} variable at line \d+, column \d+ of hostile\.wsprofile was not read/);
    assert.ok(!text.includes('command:'), 'nothing of the variable is quoted');
    assert.equal(await toast.$$eval('.notification-list-item-message a', (links) => links.length), 0, 'the message holds no link');
  });

  it('once the folder is trusted in VS Code\'s trust editor, the same profile connects without asking and sends the value', async () => {
    if (!(await page.$('.workspace-trust-editor'))) await runCommand(page, 'Workspaces: Manage Workspace Trust');
    await page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust/ }).first().click({ timeout: 30_000 });
    await page.waitForSelector('.statusbar-item:has-text("Restricted Mode")', { state: 'detached', timeout: 30_000 });
    const before = echoConnections();
    await focusWorkbench(page);
    await runCommand(page, 'WebSocket: Connect WebSocket');
    await pickQuickInputRow(page, 'Token echo');
    await page.waitForSelector('.monaco-workbench .tab[aria-label*="Token echo"]', { timeout: 30_000 });
    assert.equal(await page.$('.monaco-dialog-box'), null, 'no question asked once trusted');
    for (const deadline = Date.now() + 30_000; echoConnections() === before; await page.waitForTimeout(100)) {
      assert.ok(Date.now() < deadline, 'the server saw no connection within 30 s');
    }
    const connection = demo.connections.filter((c) => c.endpoint === 'echo').at(-1);
    assert.equal(connection?.headers.authorization, `Bearer ${TOKEN}`);
  });
});
