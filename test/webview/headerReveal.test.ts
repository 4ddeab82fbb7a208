/** Masked handshake headers in the details pane: hidden until the person asks, then fetched from the host. */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import type { EventDetails } from '../../src/shared/eventDetails';
import type { EventRow } from '../../src/shared/sessionEvent';
import { hostSide, panelBrowser, snapshot } from './panelHost';

const request: EventRow = { seq: 0, kind: 'handshake-request', direction: 'sent', monoUs: 0, wallMs: 0, size: 0, preview: 'GET /?t=${secret:t} HTTP/1.1', truncated: false };

describe('masked handshake headers', function () {
  this.timeout(60_000);
  const chromium = panelBrowser();
  let page: Page;
  const { send, posted, nextRequest, reply } = hostSide(() => page);

  it('shows a reveal button instead of the value, and asks the host for the value only when pressed (keyboard too)', async () => {
    page = await chromium.browser.newPage();
    await page.goto(chromium.server.url);
    await send(snapshot('open', [request], [], { title: 'T', url: 'ws://h/?t=${secret:t}' }));
    await page.click('.row[data-seq="0"]');
    const details: EventDetails = {
      row: request, payloadBytes: 0, payloadTruncated: false, payloadDropped: false,
      handshake: { startLine: 'GET /?t=${secret:t} HTTP/1.1', headers: [['Host', 'h'], ['Authorization', '']], maskedHeaders: [1] },
    };
    await reply(await nextRequest('details'), details);
    const button = page.locator('.headers-table button.header-reveal');
    await button.waitFor();
    assert.equal(await button.getAttribute('aria-label'), 'Reveal the value of Authorization');
    assert.match(await button.textContent() ?? '', /^•+ \(hidden, click to reveal\)$/);
    assert.ok(!(await posted()).some((m) => m.type === 'request' && m.method === 'revealHeader'), 'nothing is fetched before the person asks');
    await button.focus();
    await page.keyboard.press('Enter');
    const reveal = await nextRequest('revealHeader');
    assert.deepEqual(reveal.params, { seq: 0, index: 1 });
    await reply(reveal, { value: 'Bearer abc' });
    await page.waitForFunction(() => document.querySelectorAll('.headers-table .header-value')[1]?.textContent === 'Bearer abc');
    assert.equal(await page.locator('.headers-table button.header-reveal').count(), 0);
    await page.close();
  });
});
