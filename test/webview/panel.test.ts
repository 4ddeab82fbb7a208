/** The session panel's webview in a real Chromium, fed by a scripted host (see panelPage.ts). */
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { FromWebviewMessage, ToWebviewMessage } from '../../src/shared/protocol';
import type { EventRow, SessionSummary } from '../../src/shared/sessionEvent';
import { launchChromium } from '../fixtures/chromium';
import { servePanelPage, type PanelPageServer } from './panelPage';

const session = (state: SessionSummary['state'], eventCount = 0): SessionSummary => ({ id: 's1', title: 'Echo <demo>', url: 'ws://127.0.0.1:1/echo', state, eventCount });
const row = (seq: number, kind: EventRow['kind'], direction: EventRow['direction'], preview: string): EventRow => ({
  seq, kind, direction, monoUs: seq * 1500, wallMs: 0, size: kind === 'text' || kind === 'binary' ? preview.length : 0, preview, truncated: false,
});

describe('session panel webview', function () {
  this.timeout(30_000);
  let browser: Browser;
  let server: PanelPageServer;
  let page: Page;
  const consoleErrors: string[] = [];

  before(async () => {
    browser = await launchChromium();
    server = await servePanelPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });
  beforeEach(async () => {
    consoleErrors.length = 0;
    page = await browser.newPage();
    page.on('console', (m) => m.type() === 'error' && consoleErrors.push(m.text()));
    page.on('pageerror', (e) => consoleErrors.push(e.message));
    page.on('dialog', (d) => {
      consoleErrors.push(`dialog opened: ${d.message()}`);
      void d.dismiss();
    });
    await page.goto(server.url);
  });
  afterEach(async () => {
    await page.close();
    assert.deepEqual(consoleErrors, [], 'the page logged errors');
  });

  const send = (message: ToWebviewMessage): Promise<void> => page.evaluate((m) => window.postMessage(m, '*'), message);
  const posted = (): Promise<FromWebviewMessage[]> => page.evaluate(() => (window as unknown as { __posted: FromWebviewMessage[] }).__posted);
  const rowTexts = (): Promise<string[]> => page.$$eval('.row', (rows) => rows.map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));

  it('asks for a snapshot as soon as it loads', async () => {
    assert.deepEqual(await posted(), [{ type: 'ready' }]);
  });

  it('shows the snapshot: header and one row per event, payloads as text', async () => {
    const evil = '<img src=x onerror="alert(1)"></script><b>bold</b>';
    await send({ type: 'snapshot', session: session('open', 3), firstSeq: 0, rows: [row(0, 'open', 'local', 'Connected'), row(1, 'text', 'sent', evil), row(2, 'text', 'received', evil)] });
    await page.waitForSelector('.row[data-seq="2"]');
    assert.equal(await page.textContent('.session-title'), 'Echo <demo>');
    assert.equal(await page.textContent('.session-state'), 'open');
    assert.equal(await page.textContent('.session-count'), '3 events');
    const texts = await rowTexts();
    assert.equal(texts.length, 3);
    assert.match(texts[1], /↑ text .*<img src=x onerror="alert\(1\)"><\/script><b>bold<\/b>$/);
    assert.match(texts[2], /↓ text/);
    assert.equal(await page.locator('.timeline img, .timeline b').count(), 0, 'payload markup must not become elements');
  });

  it('appends batches in order and re-asks for a snapshot when a batch does not follow on', async () => {
    await send({ type: 'snapshot', session: session('open', 1), firstSeq: 0, rows: [row(0, 'open', 'local', 'Connected')] });
    await send({ type: 'rowsAppended', rows: [row(1, 'text', 'received', 'a'), row(2, 'text', 'received', 'b')], eventCount: 3 });
    await page.waitForSelector('.row[data-seq="2"]');
    assert.equal(await page.textContent('.session-count'), '3 events');
    await send({ type: 'rowsAppended', rows: [row(5, 'text', 'received', 'gap')], eventCount: 6 });
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length === 2);
    assert.deepEqual(await posted(), [{ type: 'ready' }, { type: 'ready' }]);
    assert.equal((await rowTexts()).length, 3, 'the out-of-order row is not shown');
  });

  it('sends the composer text with Ctrl+Enter as a typed request and shows the reply', async () => {
    await send({ type: 'snapshot', session: session('open'), firstSeq: 0, rows: [] });
    await page.fill('.composer-input', 'hello {"x":1}');
    await page.press('.composer-input', 'Control+Enter');
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length === 2);
    const request = (await posted())[1];
    assert.ok(request.type === 'request');
    assert.equal(request.method, 'sendText');
    assert.deepEqual(request.params, { text: 'hello {"x":1}' });
    await send({ type: 'reply', inReplyTo: request.id, ok: true, result: { bytes: 13 } });
    await page.waitForFunction(() => document.querySelector('.composer-status')?.textContent === 'Sent 13 bytes');
    assert.equal(await page.inputValue('.composer-input'), '');
  });

  it('shows the host\'s error when a send fails and keeps the text', async () => {
    await send({ type: 'snapshot', session: session('open'), firstSeq: 0, rows: [] });
    await page.fill('.composer-input', 'keep me');
    await page.click('.composer-send');
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length === 2);
    const request = (await posted())[1];
    assert.ok(request.type === 'request');
    await send({ type: 'reply', inReplyTo: request.id, ok: false, error: 'Cannot send a message: the connection is closed.' });
    await page.waitForFunction(() => /connection is closed/.test(document.querySelector('.composer-status')?.textContent ?? ''));
    assert.equal(await page.inputValue('.composer-input'), 'keep me');
  });

  it('disables the composer when the session is not open and says why', async () => {
    await send({ type: 'snapshot', session: session('closed'), firstSeq: 0, rows: [] });
    await page.waitForFunction(() => document.querySelector('.session-state')?.textContent === 'closed');
    assert.equal(await page.isDisabled('.composer-send'), true);
    assert.equal(await page.isDisabled('.composer-input'), true);
    assert.equal(await page.getAttribute('.composer-send', 'title'), 'Cannot send: the connection is closed');
  });

  it('answers the host\'s renderedRows request from its document', async () => {
    await send({ type: 'snapshot', session: session('open', 2), firstSeq: 0, rows: [row(0, 'open', 'local', 'Connected'), row(1, 'text', 'received', 'echoed')] });
    await send({ type: 'request', id: 41, method: 'renderedRows', params: {} });
    await page.waitForFunction(() => (window as unknown as { __posted: unknown[] }).__posted.length === 2);
    const reply = (await posted())[1];
    assert.ok(reply.type === 'reply' && reply.ok);
    assert.equal(reply.inReplyTo, 41);
    assert.deepEqual(reply.result, ['0.0 ms • open Connected', '1.5 ms ↓ text 6 B echoed']);
  });
});
