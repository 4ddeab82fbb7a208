/**
 * The e2e tests' way into a real VS Code: the packaged .vsix installed into a fresh code-server
 * with its own workspace, opened in Debian's Chromium, and driven as a person would (command
 * palette, quick picks, webview frames). Each e2e file starts its own workbench.
 */
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Frame, Page } from 'playwright-core';
import { launchChromium } from '../fixtures/chromium';

export { findFrame } from '../fixtures/chromium';
import { installVsix, loadCodeServerApi, repoRoot, type RunningCodeServer } from '../fixtures/codeServer';

export const log = (line: string): void => console.log(`      [e2e] ${line}`);

export interface Workbench {
  readonly page: Page;
  readonly server: RunningCodeServer;
  /** The workspace folder code-server opened. */
  readonly workspace: string;
  /** Where the .vsix was installed (one folder per extension). */
  readonly extensionsDir: string;
  close(): Promise<void>;
}

export interface WorkbenchOptions {
  /** Fills the (empty, temporary) workspace folder before code-server opens it. */
  readonly prepareWorkspace: (folder: string) => void;
  /** User settings on top of the launcher's (which turn Workspace Trust off). */
  readonly settings?: Record<string, unknown>;
  /** Added to code-server's environment; the extension host inherits it. */
  readonly env?: Record<string, string>;
  /** Other extensions' .vsix files, installed beside the inspector. */
  readonly otherExtensions?: readonly string[];
}

/** Installs WS_INSPECTOR_VSIX (set by npm test's e2e stage) into a fresh code-server and loads its workbench in Chromium. */
export async function openWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const vsix = process.env.WS_INSPECTOR_VSIX ?? '';
  assert.ok(vsix && existsSync(vsix), `WS_INSPECTOR_VSIX must name a built .vsix (got "${vsix}"); run through npm test`);
  const dirs: string[] = [];
  let server: RunningCodeServer | undefined;
  let browser: Browser | undefined;
  const close = async (): Promise<void> => {
    await browser?.close();
    await server?.stop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const api = await loadCodeServerApi();
    const install = await api.ensureCodeServer({ log });
    const extensionsDir = mkdtempSync(join(tmpdir(), 'wsi-e2e-ext-'));
    const userDataDir = mkdtempSync(join(tmpdir(), 'wsi-e2e-user-'));
    const workspace = mkdtempSync(join(tmpdir(), 'wsi-e2e-workspace-'));
    dirs.push(extensionsDir, userDataDir, workspace);
    log(installVsix(install, vsix, extensionsDir, userDataDir).trim().split('\n').pop() ?? '');
    const installed = readdirSync(extensionsDir).filter((name) => name.startsWith('websocket-inspector.websocket-inspector-'));
    assert.equal(installed.length, 1, `the extension is not in ${extensionsDir}: ${readdirSync(extensionsDir).join(', ')}`);
    for (const other of options.otherExtensions ?? []) log(installVsix(install, other, extensionsDir, userDataDir).trim().split('\n').pop() ?? '');
    options.prepareWorkspace(workspace);
    server = await api.startCodeServer({ workspace, extensionsDir, userDataDir, log, settings: options.settings, env: options.env });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(server.url);
    await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    log(`workbench loaded from ${server.url}`);
    return { page, server, workspace, extensionsDir, close };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Moves the keyboard focus to the workbench, out of any webview (whose frame would take the
 * palette's keys): the active editor tab when there is one (a panel's webview covers the editor
 * area and takes clicks there), otherwise the empty editor area.
 */
export async function focusWorkbench(page: Page): Promise<void> {
  const tab = await page.$('.monaco-workbench .part.editor .tab.active');
  await (tab ? tab.click() : page.click('.monaco-workbench .part.editor'));
}

/** Runs a command from the command palette by its title. */
export async function runCommand(page: Page, title: string, timeoutMs = 60_000): Promise<void> {
  // Right after the workbench appears, installed extensions may not be registered yet, so the
  // palette can open without the command; close it and ask again until it is listed.
  const deadline = Date.now() + timeoutMs;
  let labels: Array<string | null> = [];
  while (Date.now() < deadline) {
    await page.keyboard.press('Control+Shift+P');
    // A webview taking the focus just then (its panel's tab was clicked) can swallow the keys: focus the workbench and press again.
    const palette = await page.waitForSelector('.quick-input-widget:not([style*="display: none"]) input', { timeout: 5000 }).catch(() => null);
    if (!palette) {
      labels = ['(the command palette did not open)'];
      log(`the command palette did not open for "${title}"; focusing the workbench and pressing again`);
      await focusWorkbench(page);
      continue;
    }
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
export async function waitForQuickInputRow(page: Page, label: string, timeoutMs = 30_000) {
  return page.waitForSelector(`.quick-input-widget .quick-input-list .monaco-list-row[aria-label^="${label}"]`, { timeout: timeoutMs }).catch(async () => {
    throw new Error(`the quick pick did not list "${label}" within ${timeoutMs} ms; it showed ${JSON.stringify(await quickInputRows(page))}`);
  });
}

/** Picks the quick pick's row whose label starts with `label`. */
export async function pickQuickInputRow(page: Page, label: string): Promise<void> {
  await waitForQuickInputRow(page, label);
  // The quick pick replaces its rows as items arrive; a locator finds the row afresh if the one seen is replaced.
  await page.locator(`.quick-input-widget .quick-input-list .monaco-list-row[aria-label^="${label}"]`).first().click({ timeout: 30_000 });
}

/** The aria-labels of the rows the quick pick shows now. */
export function quickInputRows(page: Page): Promise<Array<string | null>> {
  return page.$$eval('.quick-input-widget .quick-input-list .monaco-list-row', (rows) => rows.map((r) => r.getAttribute('aria-label')));
}

/** The text of each row of a webview's timeline, whitespace collapsed. */
export function timelineRows(frame: Frame): Promise<string[]> {
  return frame.$$eval('.row', (els) => els.map((e) => (e as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));
}
