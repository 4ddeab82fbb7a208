/**
 * The packaged .vsix, installed into code-server with --install-extension and used the way a
 * person would: command palette -> "Connect WebSocket" -> URL -> type in the panel's composer ->
 * the echo shows in the webview. Run by scripts/test.mjs with WS_INSPECTOR_VSIX set.
 */
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../../scripts/demoServer';
import { launchChromium } from '../fixtures/chromium';
import { installVsix, loadCodeServerApi, repoRoot, type RunningCodeServer } from '../fixtures/codeServer';

const log = (line: string): void => console.log(`      [e2e] ${line}`);

async function findFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if (await frame.$(selector).catch(() => null)) return frame;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`no frame with ${selector} appeared within ${timeoutMs} ms`);
}

async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  // Right after the workbench appears, installed extensions may not be registered yet, so the
  // palette can open without the command; close it and ask again until it is listed.
  const deadline = Date.now() + timeoutMs;
  let labels: Array<string | null> = [];
  while (Date.now() < deadline) {
    await page.keyboard.press('Control+Shift+P');
    await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input');
    await page.keyboard.type(title);
    const row = await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${title}"]`, { timeout: 5000 }).catch(() => null);
    if (row) {
      await page.keyboard.press('Enter');
      return;
    }
    labels = await page.$$eval('.quick-input-list .monaco-list-row', (rows) => rows.map((r) => r.getAttribute('aria-label')));
    await page.keyboard.press('Escape');
  }
  mkdirSync(join(repoRoot, 'test-results'), { recursive: true });
  await page.screenshot({ path: join(repoRoot, 'test-results', 'palette-failure.png') }).catch(() => undefined);
  throw new Error(`the command palette did not list "${title}" within ${timeoutMs} ms; it showed ${JSON.stringify(labels)} (screenshot: test-results/palette-failure.png)`);
}

/** Waits for the quick pick to list a row whose label starts with `label`, and returns it. */
async function waitForQuickInputRow(page: Page, label: string, timeoutMs = 30_000) {
  return page.waitForSelector(`.quick-input-widget .quick-input-list .monaco-list-row[aria-label^="${label}"]`, { timeout: timeoutMs }).catch(async () => {
    throw new Error(`the quick pick did not list "${label}" within ${timeoutMs} ms; it showed ${JSON.stringify(await quickInputRows(page))}`);
  });
}

/** Picks the quick pick's row whose label starts with `label`. */
async function pickQuickInputRow(page: Page, label: string): Promise<void> {
  await waitForQuickInputRow(page, label);
  // The quick pick replaces its rows as items arrive; a locator finds the row afresh if the one seen is replaced.
  await page.locator(`.quick-input-widget .quick-input-list .monaco-list-row[aria-label^="${label}"]`).first().click({ timeout: 30_000 });
}

/** The aria-labels of the rows the quick pick shows now. */
function quickInputRows(page: Page): Promise<Array<string | null>> {
  return page.$$eval('.quick-input-widget .quick-input-list .monaco-list-row', (rows) => rows.map((r) => r.getAttribute('aria-label')));
}

describe('the packaged extension in code-server', function () {
  this.timeout(180_000);
  const vsix = process.env.WS_INSPECTOR_VSIX ?? '';
  const dirs: string[] = [];
  let server: RunningCodeServer;
  let demo: DemoServer;
  let browser: Browser;
  let page: Page;

  before(async function () {
    assert.ok(vsix && existsSync(vsix), `WS_INSPECTOR_VSIX must name a built .vsix (got "${vsix}"); run through npm test`);
    const api = await loadCodeServerApi();
    const install = await api.ensureCodeServer({ log });
    const extensionsDir = mkdtempSync(join(tmpdir(), 'wsi-e2e-ext-'));
    const userDataDir = mkdtempSync(join(tmpdir(), 'wsi-e2e-user-'));
    dirs.push(extensionsDir, userDataDir);
    log(installVsix(install, vsix, extensionsDir, userDataDir).trim().split('\n').pop() ?? '');
    const installed = readdirSync(extensionsDir).filter((name) => name.startsWith('websocket-inspector.websocket-inspector-'));
    assert.equal(installed.length, 1, `the extension is not in ${extensionsDir}: ${readdirSync(extensionsDir).join(', ')}`);
    demo = await startDemoServer();
    // The fixture workspace plus a profile of the demo server's /echo with a saved message.
    const workspace = mkdtempSync(join(tmpdir(), 'wsi-e2e-workspace-'));
    dirs.push(workspace);
    cpSync(join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
    writeFileSync(
      join(workspace, 'echo.wsprofile'),
      `// The demo server's echo endpoint\n${JSON.stringify({ name: 'E2E echo', url: demo.url('echo'), messages: [{ name: 'hello', type: 'json', data: '{"hello": "from a saved message"}' }] }, null, 2)}\n`,
    );
    server = await api.startCodeServer({ workspace, extensionsDir, userDataDir, log });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    log(`workbench loaded from ${server.url}`);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await demo?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('activates from the command palette and round-trips a message through /echo', async () => {
    await page.click('.monaco-workbench .part.editor');
    await runCommand(page, 'WebSocket: Connect WebSocket');
    // The first step is a quick pick of the workspace's profiles, recent URLs, "Enter URL…" and
    // "New Profile…". Its rows are replaced once the profiles are found; wait for them before clicking.
    await waitForQuickInputRow(page, 'Sample echo');
    await pickQuickInputRow(page, 'Enter URL…');
    const input = await page.waitForSelector('.quick-input-widget input[aria-describedby], .quick-input-widget input');
    await page.waitForFunction(() => /WebSocket endpoint URL/.test(document.querySelector('.quick-input-widget')?.textContent ?? ''));
    await input.fill(demo.url('echo'));
    await page.keyboard.press('Enter');

    const frame = await findFrame(page, '.composer-input');
    await frame.waitForSelector('.session-state:text("open")', { timeout: 30_000 });
    const text = `typed in code-server ${Date.now()}`;
    await frame.fill('.composer-input', text);
    await frame.press('.composer-input', 'Control+Enter');
    await frame.waitForFunction(
      (t) => Array.from(document.querySelectorAll('.row')).some((r) => (r as HTMLElement).innerText.includes('↓') && (r as HTMLElement).innerText.includes(t)),
      text,
      { timeout: 30_000 },
    );
    const rows = await frame.$$eval('.row', (els) => els.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
    log(`rows in the webview: ${JSON.stringify(rows)}`);
    assert.ok(rows.some((r) => r.includes('↑ text') && r.includes(text)), 'the sent row is shown');
    assert.ok(rows.some((r) => r.includes('↓ text') && r.includes(text)), 'the echoed row is shown');

    // Connect again: the quick pick now offers the URL just used, and the workspace's profile.
    // (The panel's webview covers the editor area; its tab takes the click.)
    await page.click('.monaco-workbench .part.editor .tab.active');
    await runCommand(page, 'WebSocket: Connect WebSocket');
    await waitForQuickInputRow(page, 'Sample echo');
    const offered = await quickInputRows(page);
    log(`the connect quick pick offers: ${JSON.stringify(offered)}`);
    assert.ok(offered.some((l) => l?.startsWith(demo.url('echo'))), 'the URL just connected is offered again');
    assert.ok(offered.some((l) => l?.startsWith('New Profile…')), '"New Profile…" is offered');
    await page.keyboard.press('Escape');
    const shots = process.env.WS_INSPECTOR_SCREENSHOTS;
    if (shots) {
      // The README's pictures: the panel with a message's details beside the side panel, in a light and a dark theme.
      mkdirSync(shots, { recursive: true });
      await frame.click(`.row:has-text("↓") >> text=${text}`);
      await frame.waitForSelector('.details');
      await runCommand(page, 'WebSocket: Show Message Log');
      await findFrame(page, 'body.mode-log .row');
      await page.screenshot({ path: join(shots, 'panel-light.png') });
      await runCommand(page, 'Preferences: Toggle between Light/Dark Themes');
      await page.waitForTimeout(1500);
      await page.screenshot({ path: join(shots, 'panel-dark.png') });
      log(`screenshots written to ${shots}`);
    }
  });

  it('connects a profile picked in the palette and sends its saved message; connects it again from its CodeLens', async () => {
    const panelFrame = (): Promise<Frame> => findFrame(page, 'body.mode-panel .session-state[data-state="open"]');
    await page.click('.monaco-workbench .part.editor .tab.active');
    await runCommand(page, 'WebSocket: Connect WebSocket');
    await pickQuickInputRow(page, 'E2E echo');
    await page.waitForSelector('.monaco-workbench .tab.active[aria-label*="E2E echo"]', { timeout: 30_000 });
    let frame = await panelFrame();
    await frame.click('.saved-message:has-text("hello")');
    await frame.waitForFunction(
      () => Array.from(document.querySelectorAll('.row')).some((r) => /↓\s*text/.test((r as HTMLElement).innerText) && (r as HTMLElement).innerText.includes('from a saved message')),
      undefined,
      { timeout: 30_000 },
    );

    // From the file: its CodeLens "Connect" opens a second session of the same profile.
    await page.keyboard.press('Control+P');
    await page.keyboard.type('echo.wsprofile');
    await waitForQuickInputRow(page, 'echo.wsprofile');
    await page.keyboard.press('Enter');
    // VS Code redraws a file's CodeLenses when it asks the providers again (the JSON language server
    // starting, diagnostics arriving), so a lens found a moment ago can be replaced before the click
    // lands; a locator finds it afresh on every try.
    await page.locator('.codelens-decoration a:has-text("Connect")').click({ timeout: 30_000 });
    await page.waitForFunction(() => document.querySelectorAll('.monaco-workbench .tab[aria-label*="E2E echo"]').length === 2, undefined, { timeout: 30_000 });
    frame = await panelFrame();
    const rows = await frame.$$eval('.row', (els) => els.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
    log(`rows of the session connected from the CodeLens: ${JSON.stringify(rows)}`);
    assert.ok(rows.some((r) => /↓ handshake .*101 Switching Protocols/.test(r)), JSON.stringify(rows));

    // A window reload ends the sessions (their sockets belonged to the old extension host); the panel comes back as ended, with its rows.
    const echoes = demo.connections.filter((c) => c.endpoint === 'echo');
    const openBefore = echoes.filter((c) => !c.closed);
    assert.ok(openBefore.length >= 2, `expected the two E2E echo sessions to be open: ${JSON.stringify(echoes)}`);
    await runCommand(page, 'Developer: Reload Window');
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    // The old extension host ran deactivate(): each session it had open closed with 1001, as the server saw it
    // (waiting for the server to see every close; the mocha timeout stops a wait that never ends).
    while (openBefore.some((c) => !c.closed)) await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(openBefore.map((c) => c.closed), openBefore.map(() => ({ code: 1001, reason: 'inspector closed' })));
    const restored = await findFrame(page, 'body.mode-panel .session-banner:not([hidden])', 60_000);
    assert.match((await restored.textContent('.session-banner')) ?? '', /ended when the window was reloaded/);
    assert.equal(await restored.textContent('.session-state'), 'ended');
    const restoredRows = await restored.$$eval('.row', (els) => els.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
    assert.ok(restoredRows.some((r) => /↓ handshake .*101 Switching Protocols/.test(r)), JSON.stringify(restoredRows));
  });
});
