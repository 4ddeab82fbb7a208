/**
 * Hostile remote text everywhere it reaches the panel: payload previews, the details pane (Text,
 * JSON, Hex, handshake headers, close reason, error message), the header (profile name as title,
 * URL) and the saved-message buttons. Whatever the content, the page opens no dialog, makes no
 * request, logs no error or CSP violation, creates no element from it, shows every character as
 * text, keeps bidi overrides inside their own cell, and stays usable after a 1 MB line.
 */
import * as assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DETAILS_PAYLOAD_MAX_BYTES, type EventDetails } from '../../src/shared/eventDetails';
import { makePreview, type EventRow } from '../../src/shared/sessionEvent';
import { base64, hostSide, panelBrowser, recordProblems, snapshot } from './panelHost';

const MARKUP = [
  '<img src=x onerror=alert(1)>',
  '</script><script>alert(2)</script>',
  'javascript:alert(3)',
  '<svg onload=alert(4)><script>alert(5)</script></svg>',
  '<iframe src="/iframe-from-payload"></iframe>',
  '<a href="javascript:alert(6)">click me</a>',
  '<object data="/object-from-payload"></object><link rel=stylesheet href="/css-from-payload"><style>*{display:none}</style>',
];
const CONTROLS = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\u007f';
const SURROGATES = 'lone \uD800 high, lone \uDFFF low, reversed \uDFFF\uD800';
const BIDI = '\u202Eevil-rlo \u202Dlro \u202Alre \u202Brle \u202Cpdf \u2066lri \u2067rli \u2068fsi \u2069pdi \u200Elrm \u200Frlm \u061Calm';
/** Every hostile piece in one string. */
const HOSTILE = [...MARKUP, CONTROLS, 'NUL\u0000NUL', SURROGATES, BIDI].join(' | ');
const HOSTILE_PIECES = [...MARKUP, CONTROLS, SURROGATES, BIDI, HOSTILE];
/** A 1 MB single line, itself markup. */
const MEGA_LINE = '<img src=x onerror=alert(7)>'.repeat(Math.ceil((1024 * 1024) / 28));

/** Elements that content could bring in; the UI itself renders none of them. */
const FOREIGN = 'img, script, svg, iframe, frame, object, embed, a, link, style, meta, base, form, video, audio, source, math';

/** The row as the host builds it: the preview is bounded and shows control characters as symbols. */
const hostRow = (seq: number, kind: EventRow['kind'], direction: EventRow['direction'], text: string, size = 0): EventRow => {
  const { preview, truncated } = makePreview(text);
  return { seq, kind, direction, monoUs: seq * 1000, wallMs: 0, size, preview, truncated };
};
const textRow = (seq: number, text: string): EventRow => hostRow(seq, 'text', 'received', text, Buffer.byteLength(text));
/** What the row's preview cell shows. */
const shownPreview = (row: EventRow): string => (row.truncated ? `${row.preview}\u2026` : row.preview);
/** What the page's TextDecoder makes of the bytes: lone surrogates were encoded as U+FFFD. */
const decoded = (bytes: Uint8Array): string => new TextDecoder('utf-8').decode(bytes);
const printable = (bytes: Uint8Array): string => Array.from(bytes, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
const hexOf = (bytes: Uint8Array): string => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');

describe('session panel webview: hostile content', function () {
  this.timeout(60_000);
  const chromium = panelBrowser();
  let page: Page;
  const problems: string[] = [];
  const requested: string[] = [];
  let foreignAtLoad = 0;
  /** Details requests answered so far in this test. */
  let detailsAnswered = 0;

  beforeEach(async () => {
    problems.length = 0;
    detailsAnswered = 0;
    requested.length = 0;
    page = await chromium.browser.newPage();
    recordProblems(page, problems);
    page.on('request', (r) => requested.push(r.url()));
    page.on('popup', (p) => problems.push(`popup opened: ${p.url()}`));
    // Runs before the page's own scripts and outside its CSP.
    await page.addInitScript(() => {
      const w = window as unknown as { __violations: string[] };
      w.__violations = [];
      document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(chromium.server.url);
    foreignAtLoad = await page.locator(`#app :is(${FOREIGN})`).count();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'passed') {
      assert.equal(await page.locator(`#app :is(${FOREIGN})`).count(), foreignAtLoad, 'no element was created from the content');
      assert.equal(await page.locator(`#app [href^="javascript" i], #app [src], #app [onerror], #app [onload]`).count(), 0, 'no URL or handler attribute came from the content');
      assert.deepEqual(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations), [], 'no CSP violation');
    }
    await page.close();
    assert.deepEqual(problems, [], 'no dialog, popup or error');
    const allowed = new Set([chromium.server.url, `${chromium.server.url}dist/webview/panel.js`, `${chromium.server.url}media/panel.css`]);
    assert.deepEqual(requested.filter((url) => !allowed.has(url)), [], 'the page requested only itself, its bundle and its CSS');
  });

  const { send, nextRequest, requests, reply } = hostSide(() => page);
  const texts = (selector: string): Promise<string[]> => page.$$eval(selector, (els) => els.map((e) => e.textContent ?? ''));
  /** Clicks a row and answers its details request (and any the same click made: selecting follows into an open pane). */
  const openDetails = async (row: EventRow, details: Omit<EventDetails, 'row'>): Promise<void> => {
    await page.click(`.row[data-seq="${row.seq}"]`);
    await nextRequest('details', detailsAnswered);
    const pending = (await requests('details')).slice(detailsAnswered);
    detailsAnswered += pending.length;
    for (const request of pending) await reply(request, { row, ...details } satisfies EventDetails);
    await page.waitForSelector(`.details-title:text-matches("^#${row.seq} ")`);
  };
  const showTab = async (tab: string): Promise<void> => {
    await page.click(`.details-tab:text-is("${tab}")`);
    await page.waitForSelector(`.details-body[aria-label="${tab}"]`);
  };

  it('holds no form, and its policy allows no form submission and no <base>', async () => {
    assert.equal(foreignAtLoad, 0, 'the UI itself renders none of the elements content could bring in (a form among them)');
    assert.equal(await page.evaluate(() => document.forms.length), 0);
    const policy = await page.getAttribute('meta[http-equiv="Content-Security-Policy"]', 'content');
    assert.match(policy ?? '', /(^|; )form-action 'none'(;|$)/);
    assert.match(policy ?? '', /(^|; )base-uri 'none'(;|$)/);
  });

  it('shows hostile previews, title, URL and saved-message names as text, character for character', async () => {
    const rows: EventRow[] = [
      ...HOSTILE_PIECES.map((piece, i) => textRow(i, piece)),
      hostRow(HOSTILE_PIECES.length, 'error', 'local', HOSTILE),
      hostRow(HOSTILE_PIECES.length + 1, 'close', 'received', `4000 ${HOSTILE}`),
      hostRow(HOSTILE_PIECES.length + 2, 'handshake-response', 'received', `HTTP/1.1 101 ${HOSTILE}`),
    ];
    await page.setViewportSize({ width: 1280, height: 1600 }); // room for every row: the timeline only renders what is visible
    const title = `Profile ${HOSTILE}`;
    const url = 'javascript:alert(3)//ws://<img src=x onerror=alert(8)>';
    await send(snapshot('open', rows, HOSTILE_PIECES, { title, url, negotiated: { subprotocol: HOSTILE, extensions: MARKUP[0] } }));
    await page.waitForSelector(`.row[data-seq="${rows.length - 1}"]`);

    assert.deepEqual(await texts('.row-preview'), rows.map(shownPreview));
    // The host turned every C0 control and DEL into a visible symbol; none reaches the cell as is.
    assert.equal(await texts('.row-preview').then((all) => all.some((t) => /[\u0000-\u001f\u007f]/.test(t))), false);
    assert.equal(await page.getAttribute(`.row[data-seq="0"]`, 'aria-label'), `received text, ${Buffer.byteLength(MARKUP[0])} bytes: ${MARKUP[0]}`);
    assert.equal(await page.textContent('.session-title'), title);
    assert.equal(await page.textContent('.session-url'), url);
    assert.deepEqual(await texts('.saved-message'), HOSTILE_PIECES);
    assert.equal(await page.textContent('.session-negotiated'), `subprotocol: ${HOSTILE} \u00b7 extensions: ${MARKUP[0]}`);
    assert.deepEqual(await texts('.session-negotiated bdi'), [HOSTILE, MARKUP[0]]);

    // A saved message goes back to the host under exactly its name.
    await page.locator('.saved-message').nth(HOSTILE_PIECES.length - 1).click();
    const sent = await nextRequest('sendSaved');
    assert.deepEqual(sent.params, { name: HOSTILE });
    await reply(sent, { bytes: 5 });
    await page.waitForFunction(() => /^Sent /.test(document.querySelector('.composer-status')?.textContent ?? ''));
    assert.equal(await page.textContent('.composer-status'), `Sent "${HOSTILE}" (5 bytes)`);
    assert.deepEqual(await texts('.composer-status bdi'), [HOSTILE]);
  });

  it('shows a hostile payload as text in the Text, JSON and Hex views', async () => {
    // Lone surrogates become U+FFFD in UTF-8; NUL, DEL and bytes that are not UTF-8 come as they are.
    const bytes = Buffer.concat([Buffer.from(HOSTILE), Buffer.from([0x00, 0xff, 0xc0, 0x80, 0x7f, 0x00])]);
    const row = textRow(0, HOSTILE);
    const json = { [HOSTILE]: HOSTILE, markup: MARKUP, controls: CONTROLS, surrogates: SURROGATES, bidi: BIDI };
    const jsonText = JSON.stringify(json); // lone surrogates are written as \ud800 escapes
    const jsonRow = textRow(1, jsonText);
    await send(snapshot('open', [row, jsonRow]));
    await page.waitForSelector('.row[data-seq="1"]');

    await openDetails(row, { payloadBase64: base64(bytes), payloadBytes: bytes.length, payloadTruncated: false, payloadDropped: false });
    assert.deepEqual(await texts('.details-tab'), ['Overview', 'Text', 'Hex']);
    assert.equal(await page.textContent('.payload-text'), decoded(bytes));
    await showTab('Hex');
    const lines = await page.$$eval('.hex-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent ?? '')));
    assert.equal(lines.map((l) => l[2]).join(''), printable(bytes));
    assert.equal(lines.map((l) => l[1].replace(/ {2}/g, ' ')).join(' '), hexOf(bytes));

    await openDetails(jsonRow, { payloadBase64: base64(jsonText), payloadBytes: Buffer.byteLength(jsonText), payloadTruncated: false, payloadDropped: false });
    await showTab('JSON');
    const leaves = await page.$$eval('.json-leaf', (ls) => ls.map((l) => [l.querySelector('.json-key')?.textContent, l.querySelector('.json-value')?.textContent]));
    assert.deepEqual(leaves, [
      [`${JSON.stringify(HOSTILE)}: `, JSON.stringify(HOSTILE)],
      ...MARKUP.map((m, i) => [`[${i}]: `, JSON.stringify(m)]),
      ['"controls": ', JSON.stringify(CONTROLS)],
      ['"surrogates": ', JSON.stringify(SURROGATES)],
      ['"bidi": ', JSON.stringify(BIDI)],
    ]);
    await showTab('Text');
    assert.equal(await page.textContent('.payload-text'), jsonText);
  });

  it('shows hostile handshake headers, close reason and error message as text', async () => {
    const headers: Array<[string, string]> = [
      [MARKUP[0], MARKUP[1]],
      ['Location', 'javascript:alert(3)'],
      ['Link', '<javascript:alert(9)>; rel="stylesheet"'],
      [`X-${CONTROLS}`, `v${CONTROLS}v`],
      [`X-${BIDI}`, `${SURROGATES}${BIDI}`],
      ['X-All', HOSTILE],
    ];
    const handshake = hostRow(0, 'handshake-response', 'received', `HTTP/1.1 101 ${MARKUP[3]}`);
    const close = hostRow(1, 'close', 'received', `4000 ${HOSTILE}`);
    const error = hostRow(2, 'error', 'local', HOSTILE);
    await send(snapshot('closed', [handshake, close, error]));
    await page.waitForSelector('.row[data-seq="2"]');

    await openDetails(handshake, {
      payloadBytes: 0, payloadTruncated: false, payloadDropped: false,
      handshake: { startLine: `HTTP/1.1 101 ${MARKUP[3]}`, headers, negotiated: { subprotocol: MARKUP[4], extensions: HOSTILE } },
    });
    await page.waitForSelector('.headers-table');
    assert.deepEqual(await page.$$eval('.headers-table tbody tr', (trs) => trs.map((tr) => Array.from(tr.children, (td) => td.textContent ?? ''))), headers);
    assert.equal(await page.textContent('.handshake-start-line'), `HTTP/1.1 101 ${MARKUP[3]}`);
    assert.deepEqual(await texts('.details-facts dd'), [MARKUP[4], HOSTILE]);

    const facts = async (): Promise<Record<string, string>> => Object.fromEntries(await page.$$eval('.details-facts dt', (dts) => dts.map((dt) => [dt.textContent ?? '', dt.nextElementSibling?.textContent ?? ''])));
    await openDetails(close, {
      payloadBytes: 0, payloadTruncated: false, payloadDropped: false, message: `Closed: ${HOSTILE}`,
      close: { code: 4000, reason: HOSTILE, meaning: 'Private use', initiatedBy: 'server', clean: false, cause: MARKUP[5] },
    });
    await showTab('Overview');
    const closeFacts = await facts();
    assert.equal(closeFacts.Reason, HOSTILE);
    assert.equal(closeFacts.Cause, MARKUP[5]);
    assert.equal(closeFacts.Message, `Closed: ${HOSTILE}`);
    assert.equal(await page.textContent('.details-message'), `Closed: ${HOSTILE}`);

    await openDetails(error, { payloadBytes: 0, payloadTruncated: false, payloadDropped: false, message: HOSTILE });
    assert.equal((await facts()).Message, HOSTILE);
    assert.equal(await page.textContent('.details-message'), HOSTILE);
  });

  it('keeps a right-to-left override inside its own cell', async () => {
    // Without isolation an unterminated U+202E runs on to the end of the line and drags whatever
    // follows it in the same line (the next column, a JSON value) to the left of it.
    const rlo = '\u202Eevil';
    const jsonText = JSON.stringify({ [rlo]: 'value', key: `${rlo}<img>` });
    const rows = [textRow(0, rlo), textRow(1, jsonText)];
    await send(snapshot('open', rows, [rlo, 'after'], { title: rlo, url: `ws://x/${rlo}`, negotiated: { subprotocol: rlo, extensions: rlo } }));
    await page.waitForSelector('.row[data-seq="1"]');
    await openDetails(rows[1], { payloadBase64: base64(jsonText), payloadBytes: Buffer.byteLength(jsonText), payloadTruncated: false, payloadDropped: false });
    await page.waitForSelector('.json-leaf');
    /** Horizontal extents of each group's members, in document order. */
    const extents = (groups: string, members: string): Promise<Array<Array<[number, number]>>> =>
      page.$$eval(groups, (gs, members) => gs.map((g) => Array.from(g.querySelectorAll(members), (m) => { const r = m.getBoundingClientRect(); return [r.left, r.right] as [number, number]; })), members);
    /** Each member starts where the one before it ends, or further right: nothing was pulled in front of it. */
    const inOrder = (xs: Array<[number, number]>): boolean => xs.every(([left], i) => i === 0 || left >= xs[i - 1][1] - 0.5);
    for (const xs of await extents('.json-leaf', '.json-key, .json-value')) assert.ok(inOrder(xs), `JSON key before value: ${JSON.stringify(xs)}`);
    for (const xs of await extents('.row', '.row-time, .row-dir, .row-kind, .row-size, .row-preview')) assert.ok(inOrder(xs), `row columns in order: ${JSON.stringify(xs)}`);
    for (const xs of await extents('.saved-messages', '.saved-message')) assert.ok(inOrder(xs), `saved messages in order: ${JSON.stringify(xs)}`);
    // Remote text inside our own sentences: the words after it stay after it.
    await page.click('.saved-message:text-is("after") >> xpath=preceding-sibling::button[1]');
    await reply(await nextRequest('sendSaved'), { bytes: 4 });
    await page.waitForFunction(() => /^Sent /.test(document.querySelector('.composer-status')?.textContent ?? ''));
    for (const sentence of ['.session-negotiated', '.composer-status']) {
      const xs = await page.$eval(sentence, (s) => Array.from(s.childNodes, (n) => {
        const range = document.createRange();
        range.selectNodeContents(n);
        const r = range.getBoundingClientRect();
        return [r.left, r.right] as [number, number];
      }));
      assert.ok(xs.length >= 3 && inOrder(xs), `${sentence} reads in order: ${JSON.stringify(xs)}`);
    }
    assert.deepEqual(await page.$$eval('.row-preview, .session-title, .session-url, .session-negotiated bdi, .composer-status bdi, .json-key, .json-value, .payload-text, .header-name, .header-value, .details-facts dd, .details-message, .saved-message', (els) => [...new Set(els.map((e) => getComputedStyle(e).unicodeBidi))]), ['isolate']);
  });

  it('stays responsive after a 1 MB single-line message: bounded details, later rows render, keys work', async () => {
    const big = textRow(0, MEGA_LINE);
    const raw: EventRow = { ...big, seq: 1, preview: MEGA_LINE, truncated: false }; // a host that forgot to bound the preview
    await send(snapshot('open', [big, raw], [], { title: MEGA_LINE.slice(0, 64 * 1024) }));
    await page.waitForSelector('.row[data-seq="1"]');
    assert.deepEqual(await texts('.row-preview'), [shownPreview(big), MEGA_LINE]);

    // The host sends the first DETAILS_PAYLOAD_MAX_BYTES and says the rest was cut.
    const head = Buffer.from(MEGA_LINE).subarray(0, DETAILS_PAYLOAD_MAX_BYTES);
    await openDetails(big, { payloadBase64: base64(head), payloadBytes: Buffer.byteLength(MEGA_LINE), payloadTruncated: true, payloadDropped: false });
    assert.equal(await page.textContent('.payload-text'), head.toString('latin1'));
    assert.match(await page.textContent('.details-body .details-note') ?? '', new RegExp(`first part of ${Buffer.byteLength(MEGA_LINE)} bytes`));
    await showTab('Hex');
    const hexLines = await page.locator('.hex-table tbody tr').count();
    assert.ok(hexLines * 16 < head.length, `the hex view is bounded (${hexLines} lines)`);
    assert.deepEqual(await texts('.details-body .details-note'), [`Showing the first ${hexLines * 16} bytes.`, `Showing the first part of ${Buffer.byteLength(MEGA_LINE)} bytes; "Open in Editor" shows all of it.`]);

    // A message after the flood is rendered, and the keyboard still drives the list and the pane.
    await send({ type: 'rowsAppended', firstIndex: 2, rows: [textRow(2, 'after the flood')], viewCount: 3, totalCount: 3, version: 1 });
    await page.waitForSelector('.row[data-seq="2"]');
    assert.equal(await page.textContent('.row[data-seq="2"] .row-preview'), 'after the flood');
    await page.focus('.timeline');
    await page.keyboard.press('End');
    assert.equal(await page.getAttribute('.row[data-seq="2"]', 'aria-selected'), 'true');
    assert.deepEqual((await nextRequest('details', detailsAnswered)).params, { seq: 2 });
    await page.keyboard.press('Escape');
    await page.waitForSelector('.details', { state: 'hidden' });
  });
});
