/**
 * The packaged .vsix, installed into code-server with --install-extension and used the way a
 * person would: command palette -> "Connect WebSocket" -> URL -> type in the panel's composer ->
 * the echo shows in the webview. Run by scripts/test.mjs with WS_INSPECTOR_VSIX set.
 */
import * as assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { startDemoServer, type DemoServer } from '../../scripts/demoServer';
import { repoRoot } from '../fixtures/codeServer';
import { EXPORTS_PROBE_OUT_ENV, packExportsProbe, type ExportsProbeReport } from '../fixtures/exportsProbe';
import { findFrame, focusWorkbench, log, openWorkbench, pickQuickInputRow, quickInputRows, runCommand, timelineRows, waitForQuickInputRow, type Workbench } from './workbench';

describe('the packaged extension in code-server', function () {
  this.timeout(180_000);
  let workbench: Workbench;
  let demo: DemoServer;
  let page: Page;
  const probeDir = mkdtempSync(join(tmpdir(), 'wsi-e2e-probe-'));
  const probeReport = join(probeDir, 'report.json');

  before(async function () {
    demo = await startDemoServer();
    const probe = packExportsProbe(join(probeDir, 'exports-probe.vsix'));
    // The fixture workspace plus a profile of the demo server's /echo with a saved message.
    workbench = await openWorkbench({
      prepareWorkspace: (workspace) => {
        cpSync(join(repoRoot, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
        writeFileSync(
          join(workspace, 'echo.wsprofile'),
          `// The demo server's echo endpoint\n${JSON.stringify({ name: 'E2E echo', url: demo.url('echo'), messages: [{ name: 'hello', type: 'json', data: '{"hello": "from a saved message"}' }] }, null, 2)}\n`,
        );
      },
      otherExtensions: [probe],
      env: { [EXPORTS_PROBE_OUT_ENV]: probeReport },
    });
    page = workbench.page;
  });

  after(async () => {
    await workbench?.close();
    await demo?.close();
    rmSync(probeDir, { recursive: true, force: true });
  });

  it('ships a page that answers no test probe: what users run is what ships', () => {
    const [installed] = readdirSync(workbench.extensionsDir).filter((name) => name.startsWith('websocket-inspector.websocket-inspector-'));
    const page = readFileSync(join(workbench.extensionsDir, installed, 'dist', 'webview', 'panel.js'), 'utf8');
    for (const probe of ['renderedRows', 'renderedDetails', 'renderedHeader', 'persistedState']) assert.ok(!page.includes(probe), `the shipped page answers ${probe}`);
    assert.ok(page.includes('rowsAppended'), 'the shipped page is the panel');
  });

  it('gives another installed extension nothing through its exports: no registry, no storage, no secret', async () => {
    // The probe activates the inspector once the workbench has started (onStartupFinished).
    while (!existsSync(probeReport)) await new Promise((resolve) => setTimeout(resolve, 200));
    const report = JSON.parse(readFileSync(probeReport, 'utf8')) as ExportsProbeReport;
    log(`the other extension saw: ${JSON.stringify(report)}`);
    assert.equal(report.error, null);
    assert.ok(report.found && report.activated, 'the other extension found and activated the inspector');
    assert.equal(report.exportsType, 'undefined');
    assert.deepEqual(report.reachable, []);
    assert.equal(report.secretRead, null);
  });

  it('activates from the command palette and round-trips a message through /echo', async () => {
    await focusWorkbench(page);
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
    const rows = await timelineRows(frame);
    log(`rows in the webview: ${JSON.stringify(rows)}`);
    assert.ok(rows.some((r) => r.includes('↑ text') && r.includes(text)), 'the sent row is shown');
    assert.ok(rows.some((r) => r.includes('↓ text') && r.includes(text)), 'the echoed row is shown');

    // Connect again: the quick pick now offers the URL just used, and the workspace's profile.
    await focusWorkbench(page);
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
    await focusWorkbench(page);
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
    const rows = await timelineRows(frame);
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
    const restoredRows = await timelineRows(restored);
    assert.ok(restoredRows.some((r) => /↓ handshake .*101 Switching Protocols/.test(r)), JSON.stringify(restoredRows));
  });
});
