/** The session panel's webview in a real Chromium, fed by a scripted host (see panelPage.ts). */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { EventStore } from '../../src/core/eventStore';
import { TimelineView } from '../../src/core/timelineView';
import type { EventDetails } from '../../src/shared/eventDetails';
import type { ToWebviewMessage, ViewState } from '../../src/shared/protocol';
import { FILTER_TEXT_MAX_LENGTH, NO_FILTER } from '../../src/shared/rowFilter';
import { base64, hostSide, panelBrowser, recordProblems, row, session, snapshot, view } from './panelHost';

describe('session panel webview', function () {
  this.timeout(60_000);
  const chromium = panelBrowser();
  let page: Page;
  const consoleErrors: string[] = [];

  beforeEach(async () => {
    consoleErrors.length = 0;
    page = await chromium.browser.newPage();
    recordProblems(page, consoleErrors);
    await page.goto(chromium.server.url);
  });
  afterEach(async () => {
    await page.close();
    assert.deepEqual(consoleErrors, [], 'the page logged errors');
  });

  const { send, posted, requests, nextRequest, reply } = hostSide(() => page);
  const rowTexts = (): Promise<string[]> => page.$$eval('.row', (rows) => rows.map((r) => (r as HTMLElement).innerText.replace(/\s+/g, ' ').trim()));

  it('asks for a snapshot as soon as it loads', async () => {
    assert.deepEqual(await posted(), [{ type: 'ready' }]);
  });

  it('shows the snapshot: header and one row per event kind, payloads as text', async () => {
    const evil = '<img src=x onerror="alert(1)"></script><b>bold</b>';
    const rows = [
      row(0, 'handshake-request', 'sent', 'GET /echo HTTP/1.1'),
      row(1, 'handshake-response', 'received', 'HTTP/1.1 101 Switching Protocols'),
      row(2, 'open', 'local', 'Connected'),
      row(3, 'text', 'sent', evil),
      row(4, 'text', 'received', evil),
      row(5, 'binary', 'received', 'de ad be ef', 4),
      row(6, 'ping', 'sent', ''),
      row(7, 'pong', 'received', ''),
      row(8, 'close', 'received', '4000 bye'),
      row(9, 'error', 'local', 'ECONNRESET'),
      row(10, 'reconnect', 'local', 'Reconnecting in 1000 ms'),
      row(11, 'info', 'local', 'spilled'),
    ];
    await send(snapshot('open', rows));
    await page.waitForSelector('.row[data-seq="11"]');
    assert.equal(await page.textContent('.session-title'), 'Echo <demo>');
    assert.equal(await page.textContent('.session-state'), 'open');
    assert.equal(await page.textContent('.session-count'), '12 events');
    const texts = await rowTexts();
    assert.equal(texts.length, 12);
    assert.match(texts[0], /↑ handshake GET \/echo HTTP\/1\.1$/);
    assert.match(texts[3], /↑ text .*<img src=x onerror="alert\(1\)"><\/script><b>bold<\/b>$/);
    assert.match(texts[4], /↓ text/);
    assert.match(texts[5], /↓ binary 4 B de ad be ef$/);
    for (const [i, kind] of [[6, 'ping'], [7, 'pong'], [8, 'close'], [9, 'error'], [10, 'reconnect'], [11, 'info']] as const) {
      assert.ok(texts[i].includes(kind), `${texts[i]} shows ${kind}`);
      assert.equal(await page.getAttribute(`.row[data-seq="${i}"]`, 'class').then((c) => c?.includes(`kind-${kind}`)), true);
    }
    assert.equal(await page.locator('.timeline img, .timeline b').count(), 0, 'payload markup must not become elements');
    assert.equal(await page.getAttribute('.timeline', 'role'), 'listbox');
    assert.equal(await page.getAttribute('.row[data-seq="3"]', 'role'), 'option');
  });

  it('appends batches, and asks the host for rows a batch left out', async () => {
    await send(snapshot('open', [row(0, 'open', 'local', 'Connected')]));
    await send({ type: 'rowsAppended', firstIndex: 1, rows: [row(1, 'text', 'received', 'a'), row(2, 'text', 'received', 'b')], viewCount: 3, totalCount: 3, version: 1 });
    await page.waitForSelector('.row[data-seq="2"]');
    assert.equal(await page.textContent('.session-count'), '3 events');
    // A flood: only the tail of the batch comes; rows 3 and 4 are fetched as they are shown.
    await send({ type: 'rowsAppended', firstIndex: 5, rows: [row(5, 'text', 'received', 'tail')], viewCount: 6, totalCount: 6, version: 1 });
    const request = await nextRequest('rows');
    assert.deepEqual(request.params, { start: 0, end: 6 });
    await reply(request, { firstIndex: 0, rows: [0, 1, 2, 3, 4, 5].map((i) => row(i, 'text', 'received', `r${i}`)), viewCount: 6, version: 1 });
    await page.waitForSelector('.row[data-seq="4"]');
    assert.equal((await rowTexts()).length, 6);
    // Rows addressed to a replaced view (an older version) are ignored.
    await send({ type: 'rowsAppended', firstIndex: 6, rows: [row(6, 'text', 'received', 'stale')], viewCount: 7, totalCount: 7, version: 0 });
    await page.waitForTimeout(50);
    assert.equal((await rowTexts()).length, 6);
  });

  it('sends the composer text with Ctrl+Enter as a typed request, shows the reply, and recalls it with ↑', async () => {
    await send(snapshot('open', []));
    await page.fill('.composer-input', 'hello {"x":1}');
    await page.press('.composer-input', 'Control+Enter');
    const request = await nextRequest('send');
    assert.deepEqual(request.params, { mode: 'text', text: 'hello {"x":1}', encoding: 'hex' });
    await reply(request, { bytes: 13 });
    await page.waitForFunction(() => document.querySelector('.composer-status')?.textContent === 'Sent 13 bytes');
    assert.equal(await page.inputValue('.composer-input'), '');
    await page.press('.composer-input', 'ArrowUp');
    assert.equal(await page.inputValue('.composer-input'), 'hello {"x":1}');
    await page.press('.composer-input', 'ArrowDown');
    assert.equal(await page.inputValue('.composer-input'), '');
  });

  it('shows the host\'s error when a send fails and keeps the text', async () => {
    await send(snapshot('open', []));
    await page.fill('.composer-input', 'keep me');
    await page.click('.composer-send');
    const request = await nextRequest('send');
    await send({ type: 'reply', inReplyTo: request.id, ok: false, error: 'Cannot send a message: the connection is closed.' });
    await page.waitForFunction(() => /connection is closed/.test(document.querySelector('.composer-status')?.textContent ?? ''));
    assert.equal(await page.inputValue('.composer-input'), 'keep me');
  });

  it('disables the composer when the session is not open and says why', async () => {
    await send(snapshot('closed', []));
    await page.waitForFunction(() => document.querySelector('.session-state')?.textContent === 'closed');
    for (const selector of ['.composer-send', '.composer-input', '.ping-button', '.close-button', '.close-reason']) {
      assert.equal(await page.isDisabled(selector), true, `${selector} is disabled`);
    }
    assert.equal(await page.getAttribute('.composer-send', 'title'), 'Cannot send: the connection is closed');
    assert.equal(await page.textContent('.composer-disabled-note'), 'Cannot send: the connection is closed');
  });

  it('validates the composer: bad JSON, bad hex, base64 byte count, close reason over 123 bytes, ping over 125', async () => {
    await send(snapshot('open', []));
    await page.selectOption('.composer-mode', 'json');
    await page.fill('.composer-input', '{"a": 1,}');
    assert.match(await page.textContent('.composer-bytes') ?? '', /Not valid JSON/);
    assert.equal(await page.isDisabled('.composer-send'), true);
    await page.fill('.composer-input', '{"a":[1,2]}');
    assert.equal(await page.textContent('.composer-bytes'), '11 bytes');
    await page.click('.composer-format');
    assert.equal(await page.inputValue('.composer-input'), '{\n  "a": [\n    1,\n    2\n  ]\n}');

    await page.selectOption('.composer-mode', 'binary');
    await page.fill('.composer-input', 'de ad be eg');
    assert.match(await page.textContent('.composer-bytes') ?? '', /"g" at character 11 is not a hex digit/);
    assert.equal(await page.isDisabled('.composer-send'), true);
    await page.fill('.composer-input', '0xde ad b');
    assert.match(await page.textContent('.composer-bytes') ?? '', /every byte needs two digits/);
    await page.fill('.composer-input', '0xde ad be ef');
    assert.equal(await page.textContent('.composer-bytes'), '4 bytes');
    await page.selectOption('.composer-encoding', 'base64');
    // The host would refuse this padding (RFC 4648 section 4), so Send stays off.
    await page.fill('.composer-input', 'AA=');
    assert.match(await page.textContent('.composer-bytes') ?? '', /^Its last group has 2 characters, so its padding is ==/);
    assert.equal(await page.isDisabled('.composer-send'), true);
    await page.fill('.composer-input', 'aGVsbG8=');
    assert.equal(await page.textContent('.composer-bytes'), '5 bytes');
    await page.press('.composer-input', 'Control+Enter');
    const request = await nextRequest('send');
    assert.deepEqual(request.params, { mode: 'binary', text: 'aGVsbG8=', encoding: 'base64' });

    await page.fill('.close-reason', 'é'.repeat(62)); // 124 bytes of UTF-8 in 62 characters
    assert.match(await page.textContent('.control-error') ?? '', /124 bytes of UTF-8; at most 123/);
    assert.equal(await page.isDisabled('.close-button'), true);
    await page.fill('.close-reason', 'é'.repeat(61));
    assert.equal(await page.textContent('.control-error'), '');
    await page.fill('.close-code', '4000');
    await page.click('.close-button');
    assert.deepEqual((await nextRequest('close')).params, { code: 4000, reason: 'é'.repeat(61) });
    await page.fill('.ping-payload', 'x'.repeat(126));
    assert.match(await page.textContent('.control-error') ?? '', /126 bytes; at most 125/);
    assert.equal(await page.isDisabled('.ping-button'), true);
  });

  it('shows the profile\'s saved messages as buttons that send them by name', async () => {
    await send(snapshot('open', [], ['join', 'raw']));
    await page.click('.saved-message:has-text("raw")');
    assert.deepEqual((await nextRequest('sendSaved')).params, { name: 'raw' });
  });

  it('answers the host\'s renderedRows request from its document', async () => {
    await send(snapshot('open', [row(0, 'open', 'local', 'Connected'), row(1, 'text', 'received', 'echoed')]));
    await send({ type: 'request', id: 41, method: 'renderedRows', params: {} });
    await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'reply'));
    const answer = (await posted()).find((m) => m.type === 'reply');
    assert.ok(answer && answer.type === 'reply' && answer.ok);
    assert.equal(answer.inReplyTo, 41);
    assert.deepEqual(answer.result, ['0.0 ms • open Connected', '1.5 ms ↓ text 6 B echoed']);
  });

  it('shows handshake details: status line, header table and the accept check', async () => {
    await send(snapshot('open', [row(0, 'handshake-response', 'received', 'HTTP/1.1 101 Switching Protocols')]));
    await page.click('.row[data-seq="0"]');
    const request = await nextRequest('details');
    const details: EventDetails = {
      row: row(0, 'handshake-response', 'received', 'HTTP/1.1 101 Switching Protocols'), payloadBytes: 0, payloadTruncated: false, payloadDropped: false,
      payloadBase64: base64('HTTP/1.1 101 Switching Protocols\r\n\r\n'),
      handshake: {
        startLine: 'HTTP/1.1 101 Switching Protocols',
        headers: [['Upgrade', 'websocket'], ['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='], ['X-Evil', '<script>alert(1)</script>']],
        acceptCheck: { ok: true, message: 'matches the key sent' },
        negotiated: { subprotocol: 'chat', extensions: 'permessage-deflate' },
      },
    };
    await reply(request, details);
    await page.waitForSelector('.headers-table');
    const cells = await page.$$eval('.headers-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent)));
    assert.deepEqual(cells, [['Upgrade', 'websocket'], ['Sec-WebSocket-Accept', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo='], ['X-Evil', '<script>alert(1)</script>']]);
    assert.equal(await page.textContent('.handshake-start-line'), 'HTTP/1.1 101 Switching Protocols');
    assert.match(await page.textContent('.accept-check') ?? '', /Sec-WebSocket-Accept: matches the key sent/);
    assert.equal(await page.locator('.details script').count(), 0);
    await send({ type: 'request', id: 7, method: 'renderedDetails', params: {} });
    await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'reply'));
    const answer = (await posted()).find((m) => m.type === 'reply');
    assert.ok(answer?.type === 'reply' && answer.ok);
    const rendered = answer.result as { seq: number; tabs: string[]; text: string };
    assert.equal(rendered.seq, 0);
    assert.deepEqual(rendered.tabs, ['Overview', 'Headers']);
    assert.match(rendered.text, /Upgrade websocket/);
  });

  it('shows a refused upgrade\'s body under its response headers: JSON as a tree, text as text, bytes as hex, markup as text', async () => {
    const refusal = (seq: number, body: NonNullable<EventDetails['handshake']>['body']): EventDetails => ({
      row: row(seq, 'handshake-response', 'received', 'HTTP/1.1 403 Forbidden'), payloadBytes: 0, payloadTruncated: false, payloadDropped: false,
      handshake: { startLine: 'HTTP/1.1 403 Forbidden', headers: [['Content-Type', 'application/json']], body },
    });
    const json = '{"error":"token missing","detail":{"where":"query"}}';
    const cases: Array<[NonNullable<EventDetails['handshake']>['body'], (text: string) => Promise<void>]> = [
      [{ bytes: json.length, text: json }, async (text) => {
        assert.equal(await page.locator('.refused-body .json-tree').count(), 1);
        assert.match(text, /"error": "token missing"/);
      }],
      [{ bytes: 31, text: '<b>token</b> missing\nline two' }, async (text) => {
        assert.equal(await page.textContent('.refused-body .payload-text'), '<b>token</b> missing\nline two');
        assert.equal(await page.locator('.details b').count(), 0);
        assert.match(text, /Body \(31 bytes\)/);
      }],
      [{ bytes: 3, base64: base64(new Uint8Array([0x00, 0xff, 0x41])) }, async () => {
        assert.deepEqual(await page.$$eval('.refused-body .hex-table tbody td', (tds) => tds.map((t) => t.textContent)), ['00000000', '00 ff 41', '..A']);
      }],
    ];
    await send(snapshot('closed', cases.map((_, i) => row(i, 'handshake-response', 'received', 'HTTP/1.1 403 Forbidden'))));
    for (const [i, [body, check]] of cases.entries()) {
      const asked = (await requests('details')).length;
      await page.click(`.row[data-seq="${i}"]`);
      await reply(await nextRequest('details', asked), refusal(i, body));
      await page.waitForFunction((title) => document.querySelector('.details-title')?.textContent?.startsWith(title), `#${i} handshake-response`);
      await page.waitForSelector('.refused-body');
      assert.deepEqual(await page.$$eval('.details-tab', (tabs) => tabs.map((t) => t.textContent)), ['Overview', 'Headers']);
      await check(await page.$eval('.details', (d) => (d as HTMLElement).innerText));
      await page.keyboard.press('Escape');
      await page.waitForSelector('.details', { state: 'hidden' });
    }
  });

  it('shows a JSON message pretty and collapsible, with Text and Hex views; Copy and Open in Editor go to the host', async () => {
    const text = '{"op":"join","list":[1,2,{"deep":true}]}';
    await send(snapshot('open', [row(0, 'text', 'received', text)]));
    await page.click('.row[data-seq="0"]');
    await reply(await nextRequest('details'), {
      row: row(0, 'text', 'received', text), payloadBase64: base64(text), payloadBytes: text.length, payloadTruncated: false, payloadDropped: false,
      wire: { wireBytes: 44, frameCount: 1, compressed: false, frames: [{ fin: true, rsv1: false, rsv2: false, rsv3: false, opcode: 1, opcodeName: 'text', masked: false, payloadLength: text.length }] },
    } satisfies EventDetails);
    await page.waitForSelector('.json-tree');
    assert.deepEqual(await page.$$eval('.details-tab', (tabs) => tabs.map((t) => t.textContent)), ['Overview', 'Text', 'JSON', 'Hex', 'Frames']);
    assert.equal(await page.locator('.json-tree details').count(), 3);
    assert.match(await page.textContent('.json-tree') ?? '', /"op": "join"/);
    await page.click('.json-tree > details > summary');
    assert.equal(await page.locator('.json-tree > details[open]').count(), 0, 'the root collapses');
    await page.click('.details-tab:has-text("Text")');
    assert.equal(await page.textContent('.payload-text'), text);
    await page.click('.details-tab:has-text("Frames")');
    assert.deepEqual(await page.$$eval('.frames-table tbody td', (tds) => tds.map((t) => t.textContent)), ['1', '1', '0', '0', '0', '1 (text)', 'no', String(text.length)]);
    await page.click('.details-tab:has-text("JSON")');
    await page.click('.details-copy');
    assert.deepEqual((await nextRequest('copy')).params, { seq: 0, as: 'json' });
    await page.click('.details-open');
    assert.deepEqual((await nextRequest('openInEditor')).params, { seq: 0 });
  });

  it('offers no JSON view for text that does not parse', async () => {
    await send(snapshot('open', [row(0, 'text', 'received', 'not json')]));
    await page.click('.row[data-seq="0"]');
    await reply(await nextRequest('details'), { row: row(0, 'text', 'received', 'not json'), payloadBase64: base64('not json'), payloadBytes: 8, payloadTruncated: false, payloadDropped: false } satisfies EventDetails);
    await page.waitForSelector('.payload-text');
    assert.deepEqual(await page.$$eval('.details-tab', (tabs) => tabs.map((t) => t.textContent)), ['Overview', 'Text', 'Hex']);
  });

  it('shows binary as hex with offsets and non-printable bytes as dots', async () => {
    const bytes = new Uint8Array([0x00, 0x41, 0x42, 0x0a, 0x7f, 0xff, 0x3c, 0x62, 0x3e, 0x20, 0x7e, 0x80, 0x01, 0x02, 0x03, 0x04, 0x05, 0x48]);
    await send(snapshot('open', [row(0, 'binary', 'received', '00 41 42', bytes.length)]));
    await page.click('.row[data-seq="0"]');
    await reply(await nextRequest('details'), { row: row(0, 'binary', 'received', '00 41 42', bytes.length), payloadBase64: base64(bytes), payloadBytes: bytes.length, payloadTruncated: false, payloadDropped: false } satisfies EventDetails);
    await page.waitForSelector('.hex-table');
    const lines = await page.$$eval('.hex-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent)));
    assert.deepEqual(lines, [
      ['00000000', '00 41 42 0a 7f ff 3c 62  3e 20 7e 80 01 02 03 04', '.AB...<b> ~.....'],
      ['00000010', '05 48', '.H'],
    ]);
    assert.equal(await page.locator('.details b').count(), 0);
  });

  it('shows a close: code, meaning, reason, clean, who closed', async () => {
    await send(snapshot('closed', [row(0, 'close', 'local', '4000 bye')]));
    await page.click('.row[data-seq="0"]');
    await reply(await nextRequest('details'), {
      row: row(0, 'close', 'local', '4000 bye'), payloadBytes: 0, payloadTruncated: false, payloadDropped: false, message: 'Closed by the server',
      close: { code: 4000, reason: 'bye <now>', meaning: 'Private use', initiatedBy: 'server', clean: true },
    } satisfies EventDetails);
    await page.waitForSelector('.details-facts');
    const facts = await page.$$eval('.details-facts dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])));
    assert.equal(facts.Code, '4000');
    assert.equal(facts.Meaning, 'Private use');
    assert.equal(facts.Reason, 'bye <now>');
    assert.match(facts.Clean ?? '', /^yes/);
    assert.equal(facts['Closed by'], 'server');
  });

  it('shows a ping, pong or close frame payload both as text (when it is printable UTF-8) and as hex', async () => {
    const facts = (): Promise<Record<string, string | null | undefined>> => page.$$eval('.details-facts dt', (dts) => Object.fromEntries(dts.map((dt) => [dt.textContent, dt.nextElementSibling?.textContent])));
    const payloads: Array<[EventDetails['row']['kind'], Uint8Array, string, string]> = [
      ['ping', Buffer.from('hb-1'), 'hb-1', '68 62 2d 31'],
      ['pong', new Uint8Array([0x68, 0x00, 0xff]), '(not printable UTF-8: see the hex)', '68 00 ff'],
      ['close', Buffer.from([0x0f, 0xa0, ...Buffer.from('bye \u00e9')]), 'bye \u00e9', '62 79 65 20 c3 a9'],
    ];
    await send(snapshot('open', payloads.map(([kind, bytes], i) => row(i, kind, 'received', '', bytes.length))));
    for (const [i, [kind, bytes, text, hex]] of payloads.entries()) {
      const asked = (await requests('details')).length;
      await page.click(`.row[data-seq="${i}"]`);
      await reply(await nextRequest('details', asked), { row: row(i, kind, 'received', '', bytes.length), payloadBase64: base64(bytes), payloadBytes: bytes.length, payloadTruncated: false, payloadDropped: false } satisfies EventDetails);
      await page.waitForFunction((title) => document.querySelector('.details-title')?.textContent?.startsWith(title), `#${i} ${kind}`);
      await page.waitForSelector('.details-facts');
      const shown = await facts();
      const what = kind === 'close' ? 'Reason' : 'Payload';
      assert.equal(shown[`${what} as text`], text, kind);
      assert.equal(shown[`${what} as hex`], hex, kind);
      // Closed again, so the next click asks for the next row's details once.
      await page.keyboard.press('Escape');
      await page.waitForSelector('.details', { state: 'hidden' });
    }
  });

  it('moves through rows with ↑/↓, opens details with Enter and closes them with Escape', async () => {
    await send(snapshot('open', [0, 1, 2, 3].map((i) => row(i, 'text', 'received', `m${i}`))));
    await page.waitForSelector('.row[data-seq="3"]');
    await page.focus('.timeline');
    await page.keyboard.press('ArrowDown');
    assert.equal(await page.getAttribute('.row[data-seq="0"]', 'aria-selected'), 'true');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowUp');
    assert.equal(await page.getAttribute('.row[data-seq="1"]', 'aria-selected'), 'true');
    assert.equal(await page.locator('.row[aria-selected="true"]').count(), 1);
    assert.equal(await page.getAttribute('.timeline', 'aria-activedescendant'), await page.getAttribute('.row[data-seq="1"]', 'id'));
    await page.keyboard.press('Enter');
    const request = await nextRequest('details');
    assert.deepEqual(request.params, { seq: 1 });
    await reply(request, { row: row(1, 'text', 'received', 'm1'), payloadBase64: base64('m1'), payloadBytes: 2, payloadTruncated: false, payloadDropped: false } satisfies EventDetails);
    await page.waitForSelector('.details:not([hidden])');
    // While open, the details follow the selection.
    await page.keyboard.press('ArrowDown');
    assert.deepEqual((await nextRequest('details', 1)).params, { seq: 2 });
    await page.keyboard.press('Escape');
    await page.waitForSelector('.details', { state: 'hidden' });
  });

  it('shows a bad regular expression inline and asks nothing of the host; a good filter does', async () => {
    await send(snapshot('open', [row(0, 'text', 'received', 'a'), row(1, 'text', 'sent', 'b')]));
    await page.click('.filter-regex');
    await page.fill('.filter-input', '([a-');
    await page.waitForFunction(() => /Not a valid regular expression/.test(document.querySelector('.filter-error')?.textContent ?? ''));
    assert.equal(await page.getAttribute('.filter-input', 'aria-invalid'), 'true');
    assert.equal((await requests('setFilter')).length, 0);
    await page.fill('.filter-input', '^a$');
    const request = await nextRequest('setFilter');
    assert.deepEqual((request.params as { filter: unknown }).filter, { ...NO_FILTER, text: '^a$', regex: true });
    assert.equal(await page.textContent('.filter-error'), '');
    await reply(request, { ...view(1, 2), totalCount: 2, filter: { ...NO_FILTER, text: '^a$', regex: true } } satisfies ViewState);
    await page.waitForFunction(() => document.querySelector('.filter-count')?.textContent === '1 of 2');
    const rows = await nextRequest('rows');
    await reply(rows, { firstIndex: 0, rows: [row(0, 'text', 'received', 'a')], viewCount: 1, version: 2 });
    await page.waitForFunction(() => document.querySelectorAll('.row[data-seq]').length === 1);
    // Direction toggles go to the host too.
    await page.click('.filter-dir-sent');
    const byDirection = await nextRequest('setFilter', 1);
    assert.deepEqual((byDirection.params as { filter: { directions: string[] } }).filter.directions, ['received', 'local']);
  });

  it('takes at most the filter length the host accepts, and shows the host\'s refusal of a longer filter inline', async () => {
    await send(snapshot('open', [row(0, 'text', 'received', 'a')]));
    assert.equal(await page.$eval('.filter-input', (input) => (input as HTMLInputElement).maxLength), FILTER_TEXT_MAX_LENGTH);
    // A paste longer than that is cut to it.
    await page.fill('.filter-input', 'x'.repeat(FILTER_TEXT_MAX_LENGTH + 500));
    const request = await nextRequest('setFilter');
    assert.equal((request.params as { filter: { text: string } }).filter.text.length, FILTER_TEXT_MAX_LENGTH);
    // A page that sends a longer one anyway gets the real view's refusal, shown where a bad expression is.
    let refusal = '';
    try {
      new TimelineView(new EventStore()).setFilter({ ...NO_FILTER, text: 'x'.repeat(FILTER_TEXT_MAX_LENGTH + 1) });
    } catch (err) {
      refusal = (err as Error).message;
    }
    assert.match(refusal, /at most \d+ are accepted/);
    await send({ type: 'reply', inReplyTo: request.id, ok: false, error: refusal });
    await page.waitForFunction((message) => document.querySelector('.filter-error')?.textContent?.includes(message) === true, refusal);
  });

  it('shows inline why the host stopped a regular expression that took too long, keeps it to edit, and a new filter clears it', async () => {
    const evil = `${'a'.repeat(40)}!`;
    await send(snapshot('open', [row(0, 'text', 'received', 'aaa'), row(1, 'text', 'received', evil)]));
    // The host's answer, from the real view over a real store holding the payload that makes the expression hang.
    const store = new EventStore();
    for (const body of ['aaa', evil]) store.append({ kind: 'text', direction: 'received', monoUs: 0, wallMs: 0, payload: Buffer.from(body) });
    const hostView = new TimelineView(store);
    await page.click('.filter-regex');
    await page.fill('.filter-input', '(a+)+$');
    const request = await nextRequest('setFilter');
    const filter = (request.params as { filter: Parameters<TimelineView['setFilter']>[0] }).filter;
    hostView.setFilter(filter);
    await hostView.catchUpInSlices();
    const stopped = hostView.state();
    assert.ok(stopped.filterError, 'the host view stopped the expression');
    await reply(request, stopped);
    await page.waitForFunction(() => /took longer than \d+ ms on event #1\b.*Simplify it/.test(document.querySelector('.filter-error')?.textContent ?? ''));
    assert.equal(await page.getAttribute('.filter-input', 'aria-invalid'), 'true');
    assert.equal(await page.inputValue('.filter-input'), '(a+)+$', 'the expression stays to be edited');
    await page.waitForFunction(() => document.querySelector('.filter-count')?.textContent === '2 of 2');
    // Enter on the same expression asks nothing again, and the message stays.
    await page.press('.filter-input', 'Enter');
    await page.waitForTimeout(300);
    assert.equal((await requests('setFilter')).length, 1);
    assert.match((await page.textContent('.filter-error')) ?? '', /event #1/);
    // A snapshot (the filter stopped on a newly logged event, or the panel reloaded) shows it too.
    await send({ ...snapshot('open', [row(0, 'text', 'received', 'aaa')]), view: { ...view(1, 7), filter, filterError: 'stopped on event #9' } } as ToWebviewMessage);
    await page.waitForFunction(() => document.querySelector('.filter-error')?.textContent === 'stopped on event #9');
    await page.fill('.filter-input', '^a+$');
    const next = await nextRequest('setFilter', 1);
    assert.equal(await page.textContent('.filter-error'), '', 'a new filter clears the message at once');
    hostView.setFilter((next.params as { filter: typeof filter }).filter);
    await hostView.catchUpInSlices();
    await reply(next, hostView.state());
    await page.waitForFunction(() => document.querySelector('.filter-count')?.textContent === '1 of 2');
    assert.equal(await page.getAttribute('.filter-input', 'aria-invalid'), null);
  });

  it('applies the filter at once on Enter, without waiting for typing to pause', async () => {
    await send(snapshot('open', [row(0, 'text', 'received', 'a'), row(1, 'text', 'sent', 'b')]));
    // The debounce is 150 ms; the request must be posted before it could have fired.
    const postedWithin = await page.evaluate(async () => {
      const input = document.querySelector<HTMLInputElement>('.filter-input')!;
      input.value = 'b';
      input.dispatchEvent(new Event('input', { bubbles: true }));
      input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
      await new Promise((resolve) => setTimeout(resolve, 20));
      return (window as unknown as { __posted: Array<{ method?: string }> }).__posted.filter((m) => m.method === 'setFilter').length;
    });
    assert.equal(postedWithin, 1, 'Enter sent setFilter within 20 ms');
  });

  it('keeps following the tail when the list gets shorter under it (the header wraps), and stops when someone scrolls up', async () => {
    const rows = Array.from({ length: 300 }, (_, i) => row(i, 'text', 'received', `m${i}`));
    await send(snapshot('open', rows));
    await page.waitForSelector('.row[data-seq="299"]');
    // The viewport shrinks without anyone scrolling; the scroll event that was already queued then
    // finds the list short of its bottom.
    await page.setViewportSize({ width: 800, height: 300 });
    await page.evaluate(() => document.querySelector('.timeline')!.dispatchEvent(new Event('scroll')));
    await send({ type: 'rowsAppended', firstIndex: 300, rows: [row(300, 'text', 'received', 'newest')], viewCount: 301, totalCount: 301, version: 1 });
    await page.waitForSelector('.row[data-seq="300"]');
    assert.equal(await page.isHidden('.jump-latest'), true, 'still following');
    // Scrolling up stops following.
    await page.$eval('.timeline', (t) => (t.scrollTop = 0));
    await page.waitForSelector('.jump-latest:not([hidden])');
    await send({ type: 'rowsAppended', firstIndex: 301, rows: [row(301, 'text', 'received', 'later')], viewCount: 302, totalCount: 302, version: 1 });
    await page.waitForTimeout(50);
    assert.equal(await page.locator('.row[data-seq="0"]').count(), 1, 'the list stays where the person scrolled');
  });

  it('reads no layout while it handles appended rows, and shows them at the tail in the next frame', async () => {
    // A read of the list's geometry in a message handler forces a layout, and a webview that shares
    // the workbench's renderer (code-server) then lays out the whole workbench as well: 50-100 ms
    // tasks in profiles of a flood. Appends while following scroll to the end in the next frame.
    await send(snapshot('open', Array.from({ length: 100 }, (_, i) => row(i, 'text', 'received', `m${i}`))));
    await page.waitForSelector('.row[data-seq="99"]');
    const batches = Array.from({ length: 10 }, (_, b) => {
      const rows = Array.from({ length: 5 }, (_, i) => row(100 + b * 5 + i, 'text', 'received', `new ${100 + b * 5 + i}`));
      return { type: 'rowsAppended', firstIndex: 100 + b * 5, rows, viewCount: 105 + b * 5, totalCount: 105 + b * 5, version: 1 } satisfies ToWebviewMessage;
    });
    const reads = await page.evaluate((messages) => {
      const timeline = document.querySelector('.timeline')!;
      const counted: Record<string, number> = {};
      for (const name of ['scrollTop', 'scrollHeight', 'clientHeight', 'offsetHeight', 'offsetTop']) {
        const proto = name.startsWith('offset') ? HTMLElement.prototype : Element.prototype;
        const inherited = Object.getOwnPropertyDescriptor(proto, name)!;
        Object.defineProperty(timeline, name, {
          configurable: true,
          get() {
            counted[name] = (counted[name] ?? 0) + 1;
            return inherited.get!.call(this);
          },
          set: inherited.set && ((value: number) => inherited.set!.call(timeline, value)),
        });
      }
      // Dispatched synchronously, as VS Code's message events are: everything the handler does happens here.
      for (const data of messages) window.dispatchEvent(new MessageEvent('message', { data }));
      for (const name of Object.keys(Object.getOwnPropertyDescriptors(timeline))) delete (timeline as unknown as Record<string, unknown>)[name];
      return counted;
    }, batches);
    assert.deepEqual(reads, {}, 'the list\'s geometry was read while handling the appends');
    await page.waitForSelector('.row[data-seq="149"]');
    assert.equal(await page.isHidden('.jump-latest'), true, 'still following');
    assert.equal(await page.$eval('.timeline', (t) => t.scrollTop + t.clientHeight >= t.scrollHeight - 2), true, 'scrolled to the end');
  });

  it('rewrites only the header texts that changed when the session summary comes again', async () => {
    const negotiated = { subprotocol: 'chat.v2', extensions: 'permessage-deflate' };
    await send(snapshot('open', [row(0, 'open', 'local', 'Connected')], [], { negotiated }));
    await page.waitForSelector('.session-negotiated bdi');
    // The nodes shown now; a flood re-sends the summary some forty times a second with new counters.
    await page.evaluate(() => {
      const kept = window as unknown as Record<string, Node | null>;
      kept.__title = document.querySelector('.session-title')!.firstChild;
      kept.__url = document.querySelector('.session-url')!.firstChild;
      kept.__negotiated = document.querySelector('.session-negotiated bdi');
    });
    const counters = { ...session('open').counters, messagesReceived: 5, bytesReceived: 50 };
    await send({ type: 'sessionChanged', session: session('open', 6, { negotiated, counters }) });
    await page.waitForFunction(() => document.querySelector('.session-counters')!.textContent!.includes('5 msg'));
    const same = await page.evaluate(() => {
      const kept = window as unknown as Record<string, Node | null>;
      return [
        kept.__title === document.querySelector('.session-title')!.firstChild,
        kept.__url === document.querySelector('.session-url')!.firstChild,
        kept.__negotiated === document.querySelector('.session-negotiated bdi'),
      ];
    });
    assert.deepEqual(same, [true, true, true], 'title, URL and negotiated parts kept their nodes');
    // A change still shows.
    await send({ type: 'sessionChanged', session: session('open', 6, { negotiated: { subprotocol: 'chat.v3', extensions: '' }, counters, title: 'Renamed' }) });
    await page.waitForFunction(() => document.querySelector('.session-negotiated')!.textContent!.includes('chat.v3'));
    assert.equal(await page.textContent('.session-title'), 'Renamed');
    assert.equal(await page.textContent('.session-negotiated'), 'subprotocol: chat.v3 \u00b7 extensions: (none)');
  });

  it('Clear asks the host and starts an empty view; Disconnect and Reconnect are requests', async () => {
    await send(snapshot('open', [row(0, 'text', 'received', 'a')]));
    await page.click('.session-clear');
    await reply(await nextRequest('clear'), { ...view(0, 2), clearedBefore: 1 } satisfies ViewState);
    await page.waitForFunction(() => document.querySelectorAll('.row').length === 0);
    await page.click('.session-disconnect');
    await nextRequest('disconnect');
    await page.click('.session-reconnect');
    await nextRequest('reconnect');
  });

  it('keeps a 1,000,000-row timeline small in the document, scrolls to the end and back, and offers Jump to latest', async () => {
    const total = 1_000_000;
    await page.evaluate((total) => {
      // The scripted host: answers every `rows` request from a synthetic log.
      const w = window as unknown as { __host: (m: { type: string; method?: string; id?: number; params?: { start: number; end: number } }) => void };
      w.__host = (m) => {
        if (m.type !== 'request' || m.method !== 'rows' || !m.params) return;
        const { start, end } = m.params;
        const rows: unknown[] = [];
        for (let i = start; i < Math.min(end, total); i++) rows.push({ seq: i, kind: 'text', direction: i % 2 ? 'sent' : 'received', monoUs: i * 1000, wallMs: 0, size: 8, preview: `message ${i}`, truncated: false });
        setTimeout(() => window.postMessage({ type: 'reply', inReplyTo: m.id, ok: true, result: { firstIndex: start, rows, viewCount: total, version: 1 } }, '*'), 1);
      };
    }, total);
    const tail = Array.from({ length: 200 }, (_, k) => total - 200 + k).map((i) => row(i, 'text', i % 2 ? 'sent' : 'received', `message ${i}`, 8));
    await send({ type: 'snapshot', session: session('open', total), view: view(total), firstIndex: total - 200, rows: tail, savedMessages: [] });
    await page.waitForSelector(`.row[data-seq="${total - 1}"]`);
    const domRows = (): Promise<number> => page.locator('.row').count();
    assert.ok((await domRows()) < 100, `only visible rows are in the document (${await domRows()})`);
    assert.equal(await page.isHidden('.jump-latest'), true, 'following the tail');

    // Scroll to the top: rows 0.. are fetched and shown.
    await page.$eval('.timeline', (t) => (t.scrollTop = 0));
    await page.waitForSelector('.row[data-seq="0"]');
    assert.match((await rowTexts())[0], /message 0$/);
    assert.ok((await domRows()) < 100);
    assert.equal(await page.isVisible('.jump-latest'), true, 'scrolled up: Jump to latest is offered');
    // New rows do not move a person who scrolled up.
    await send({ type: 'rowsAppended', firstIndex: total, rows: [row(total, 'text', 'received', 'newest')], viewCount: total + 1, totalCount: total + 1, version: 1 });
    await page.waitForTimeout(50);
    assert.ok(await page.locator('.row[data-seq="0"]').count() === 1);

    // The middle, by scrollbar position.
    await page.$eval('.timeline', (t) => (t.scrollTop = (t.scrollHeight - t.clientHeight) / 2));
    await page.waitForFunction(() => Array.from(document.querySelectorAll<HTMLElement>('.row[data-seq]')).some((r) => Math.abs(Number(r.dataset.seq) - 500_000) < 100));
    // Each scroll step touches a screenful of row nodes, never the log (timings are `npm run bench`'s job).
    const nodesPerStep = await page.evaluate(async () => {
      const t = document.querySelector('.timeline')!;
      const counts: number[] = [];
      for (let i = 0; i < 30; i++) {
        t.scrollTop += 3000;
        t.dispatchEvent(new Event('scroll'));
        counts.push(document.querySelectorAll('.row').length);
        await new Promise((r) => requestAnimationFrame(r));
      }
      return counts;
    });
    assert.ok(Math.max(...nodesPerStep) < 100, `a scroll step keeps only visible rows in the document: ${Math.max(...nodesPerStep)}`);

    await page.click('.jump-latest');
    await page.waitForSelector('.row[data-seq="1000000"]');
    assert.equal(await page.isHidden('.jump-latest'), true);
    assert.ok((await domRows()) < 100);
    await page.focus('.timeline');
    await page.keyboard.press('End');
    assert.equal(await page.getAttribute('.row[data-seq="1000000"]', 'aria-selected'), 'true');
  });

  it('in message log mode, shows only the session it moved to: late rows and words about the one before are dropped', async () => {
    await page.goto(`${chromium.server.url}?mode=log`);
    const first: ToWebviewMessage = { type: 'snapshot', session: session('open', 1, { id: 'first', title: 'Closes by itself' }), view: view(1, 7), firstIndex: 0, rows: [row(0, 'text', 'received', 'from the first')], savedMessages: [] };
    await send(first);
    await page.waitForSelector('.row[data-seq="0"]:has-text("from the first")');
    // The focus moves to the ticker; then the first session's last append and summary arrive, late.
    await send({ type: 'snapshot', session: session('open', 1, { id: 'ticker', title: 'Ticker' }), view: view(1, 9), firstIndex: 0, rows: [row(0, 'text', 'received', 'tick 1')], savedMessages: [] });
    await send({ type: 'rowsAppended', firstIndex: 1, rows: [row(1, 'text', 'received', 'late from the first')], viewCount: 2, totalCount: 2, version: 7 });
    await send({ type: 'sessionChanged', session: session('closed', 2, { id: 'first', title: 'Closes by itself' }) });
    await send({ type: 'rowsAppended', firstIndex: 1, rows: [row(1, 'text', 'received', 'tick 2')], viewCount: 2, totalCount: 2, version: 9 });
    await page.waitForSelector('.row[data-seq="1"]:has-text("tick 2")');
    const texts = await page.$$eval('.row', (rows) => rows.map((r) => (r as HTMLElement).innerText));
    assert.ok(texts.every((t) => !t.includes('first')), JSON.stringify(texts));
    assert.equal(await page.textContent('.session-title'), 'Ticker');
  });

  it('in message log mode: compact rows, no composer, a click reveals the row in the panel', async () => {
    await page.goto(`${chromium.server.url}?mode=log`);
    await send(snapshot('open', [row(0, 'text', 'received', 'hello')]));
    await page.waitForSelector('.row[data-seq="0"]');
    assert.equal(await page.locator('.composer').count(), 0);
    assert.equal(await page.locator('.details').count(), 0);
    await page.click('.row[data-seq="0"]');
    assert.deepEqual((await nextRequest('revealInPanel')).params, { seq: 0 });
  });
});
