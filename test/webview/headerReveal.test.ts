/** Masked handshake headers in the details pane: hidden until the person asks, then fetched from the host. */
import * as assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { EventDetails } from '../../src/shared/eventDetails';
import type { FromWebviewMessage, ToWebviewMessage } from '../../src/shared/protocol';
import type { RequestEnvelope } from '../../src/shared/requestTracker';
import { NO_FILTER } from '../../src/shared/rowFilter';
import { EMPTY_COUNTERS } from '../../src/shared/sessionCounters';
import type { EventRow } from '../../src/shared/sessionEvent';
import { launchChromium } from '../fixtures/chromium';
import { servePanelPage, type PanelPageServer } from './panelPage';

const request: EventRow = { seq: 0, kind: 'handshake-request', direction: 'sent', monoUs: 0, wallMs: 0, size: 0, preview: 'GET /?t=${secret:t} HTTP/1.1', truncated: false };

describe('masked handshake headers', function () {
  this.timeout(60_000);
  let browser: Browser;
  let server: PanelPageServer;
  let page: Page;

  before(async () => {
    browser = await launchChromium();
    server = await servePanelPage();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const send = (message: ToWebviewMessage): Promise<void> => page.evaluate((m) => window.postMessage(m, '*'), message);
  const nextRequest = async (method: string): Promise<RequestEnvelope> => {
    const handle = await page.waitForFunction(
      (method) => (window as unknown as { __posted: FromWebviewMessage[] }).__posted.find((m) => m.type === 'request' && m.method === method),
      method,
    );
    return (await handle.jsonValue()) as RequestEnvelope;
  };

  it('shows a reveal button instead of the value, and asks the host for the value only when pressed (keyboard too)', async () => {
    page = await browser.newPage();
    await page.goto(server.url);
    await send({
      type: 'snapshot', session: { id: 's', title: 'T', url: 'ws://h/?t=${secret:t}', state: 'open', eventCount: 1, counters: EMPTY_COUNTERS },
      view: { filter: NO_FILTER, clearedBefore: 0, viewCount: 1, totalCount: 1, version: 1 }, firstIndex: 0, rows: [request], savedMessages: [],
    });
    await page.click('.row[data-seq="0"]');
    const details: EventDetails = {
      row: request, payloadBytes: 0, payloadTruncated: false, payloadDropped: false,
      handshake: { startLine: 'GET /?t=${secret:t} HTTP/1.1', headers: [['Host', 'h'], ['Authorization', '']], maskedHeaders: [1] },
    };
    await send({ type: 'reply', inReplyTo: (await nextRequest('details')).id, ok: true, result: details });
    const button = page.locator('.headers-table button.header-reveal');
    await button.waitFor();
    assert.equal(await button.getAttribute('aria-label'), 'Reveal the value of Authorization');
    assert.match(await button.textContent() ?? '', /^•+ \(hidden, click to reveal\)$/);
    const posted = (): Promise<FromWebviewMessage[]> => page.evaluate(() => (window as unknown as { __posted: FromWebviewMessage[] }).__posted);
    assert.ok(!(await posted()).some((m) => m.type === 'request' && m.method === 'revealHeader'), 'nothing is fetched before the person asks');
    await button.focus();
    await page.keyboard.press('Enter');
    const reveal = await nextRequest('revealHeader');
    assert.deepEqual(reveal.params, { seq: 0, index: 1 });
    await send({ type: 'reply', inReplyTo: reveal.id, ok: true, result: { value: 'Bearer abc' } });
    await page.waitForFunction(() => document.querySelectorAll('.headers-table .header-value')[1]?.textContent === 'Bearer abc');
    assert.equal(await page.locator('.headers-table button.header-reveal').count(), 0);
    await page.close();
  });
});
