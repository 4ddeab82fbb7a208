/**
 * The filter over a real event store: the fast byte search must pass exactly the events the
 * straightforward filter passed (decode every event, lower-case it, search), for every kind of
 * event and payload, including payloads spilled to disk or dropped at the memory cap.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as fc from 'fast-check';
import { toEventRow } from '../../../src/core/eventRow';
import { EventStore, type EventStoreOptions, type NewSessionEvent, type ScanVisitor, type SessionEvent } from '../../../src/core/eventStore';
import { FilterScan, LOWERS_TO_ASCII, RegexFilterTimeoutError } from '../../../src/core/filterScan';
import { compileFilter, DIRECTIONS, KIND_GROUPS, NO_FILTER, type KindGroup, type RowFilter } from '../../../src/shared/rowFilter';
import type { EventDirection, SessionEventKind } from '../../../src/shared/sessionEvent';

/** The filter as it was before the byte search: every event built, its text decoded and tested. */
function referenceMatches(store: EventStore, filter: RowFilter, start = 0): number[] {
  const compiled = compileFilter(filter);
  if (!compiled.ok) throw new Error(compiled.error);
  const textOf = (event: SessionEvent): string => {
    if (event.kind === 'text' && event.payload) return event.payload.subarray(0, 64 * 1024).toString('utf8');
    const row = toEventRow(event);
    return event.message && event.message !== row.preview ? `${row.preview}\n${event.message}` : row.preview;
  };
  return store
    .readRange(start, store.length)
    .filter((e) => compiled.matches({ kind: e.kind, direction: e.direction, text: textOf(e) }))
    .map((e) => e.seq);
}

function scanned(store: EventStore, filter: RowFilter, start = 0): number[] {
  const seqs: number[] = [];
  new FilterScan(store, filter).scan(start, store.length, (seq) => seqs.push(seq));
  return seqs;
}

const textFilter = (text: string, more: Partial<RowFilter> = {}): RowFilter => ({ ...NO_FILTER, text, ...more });
const received = (kind: SessionEventKind, payload?: Buffer | string, more: Partial<NewSessionEvent> = {}): NewSessionEvent => ({
  kind,
  direction: 'received',
  monoUs: 0,
  wallMs: 0,
  ...(payload === undefined ? {} : { payload: typeof payload === 'string' ? Buffer.from(payload) : payload }),
  ...more,
});

/** Asserts the fast scan and the reference agree, and returns the matching seqs. */
function agree(store: EventStore, filter: RowFilter): number[] {
  const expected = referenceMatches(store, filter);
  assert.deepEqual(scanned(store, filter), expected, `filter ${JSON.stringify(filter.text)}${filter.regex ? ' (regex)' : ''}`);
  return expected;
}

describe('FilterScan', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wsi-filter-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('knows every character that lower-cases to ASCII in this JavaScript engine', () => {
    const found: string[] = [];
    for (let cp = 0x80; cp <= 0x10ffff; cp++) {
      if (cp >= 0xd800 && cp <= 0xdfff) continue;
      const char = String.fromCodePoint(cp);
      if (/[\x00-\x7f]/.test(char.toLowerCase())) found.push(char);
    }
    assert.deepEqual(found, LOWERS_TO_ASCII);
  });

  it('finds ASCII text case-insensitively in text payloads, and nowhere across two payloads', () => {
    const store = new EventStore();
    store.append(received('text', 'Hello WORLD'));
    store.append(received('text', 'say ab'));
    store.append(received('text', 'cd later'));
    store.append(received('text', 'nothing here'));
    store.append(received('text', ''));
    assert.deepEqual(agree(store, textFilter('world')), [0]);
    assert.deepEqual(agree(store, textFilter('hELLo w')), [0]);
    assert.deepEqual(agree(store, textFilter('abcd')), [], 'a match never spans two events');
    assert.deepEqual(agree(store, textFilter('AB')), [1]);
    assert.deepEqual(agree(store, textFilter('e')), [0, 2, 3]);
    assert.deepEqual(agree(store, textFilter(' ')), [0, 1, 2, 3]);
  });

  it('searches only the first 64 KiB of a text payload', () => {
    const store = new EventStore();
    const big = Buffer.alloc(100 * 1024, 0x2e);
    big.write('early', 1000, 'latin1');
    big.write('late', 70 * 1024, 'latin1');
    const atEdge = Buffer.alloc(64 * 1024 + 10, 0x2e);
    atEdge.write('tail', 64 * 1024 - 4, 'latin1');
    const straddles = Buffer.alloc(64 * 1024 + 10, 0x2e);
    straddles.write('tail', 64 * 1024 - 2, 'latin1');
    store.append(received('text', big));
    store.append(received('text', atEdge));
    store.append(received('text', straddles));
    assert.deepEqual(agree(store, textFilter('EARLY')), [0]);
    assert.deepEqual(agree(store, textFilter('late')), []);
    assert.deepEqual(agree(store, textFilter('tail')), [1], 'a needle ending at byte 65536 is found, one crossing it is not');
  });

  it('stops a regular expression that backtracks catastrophically, naming the event; a normal one matches exactly', function () {
    // Without the guard the scan never returns; this timeout only reports it.
    this.timeout(20_000);
    const store = new EventStore();
    store.append(received('text', 'aaa!'));
    store.append(received('binary', Buffer.from([0x61, 0x61])));
    store.append(received('text', `${'a'.repeat(40)}!`));
    store.append(received('text', 'x'.repeat(1024 * 1024)));
    store.append(received('text', 'AAAA'));
    assert.throws(
      () => scanned(store, textFilter('(a+)+$', { regex: true })),
      (err: unknown) => err instanceof RegexFilterTimeoutError && err.seq === 2 && /event #2/.test(err.message) && /\(a\+\)\+/.test(err.message),
    );
    assert.throws(() => scanned(store, textFilter('(x+x+)+y', { regex: true })), (err: unknown) => err instanceof RegexFilterTimeoutError && err.seq === 3);
    assert.deepEqual(agree(store, textFilter('^a+$', { regex: true })), [4]);
    assert.deepEqual(agree(store, textFilter('a!$', { regex: true })), [0, 2]);
    assert.deepEqual(agree(store, textFilter('^x{100}', { regex: true })), [3]);
  });

  it('stops a slow regular expression at its deadline and returns where to go on; the two parts make the whole', () => {
    const store = new EventStore();
    for (let i = 0; i < 20_000; i++) store.append(received('text', `${'ab'.repeat(50)}${i % 7 === 0 ? 'c' : 'd'}${i}`));
    const filter = textFilter('(a|b)*c', { regex: true });
    const scan = new FilterScan(store, filter);
    const seqs: number[] = [];
    const reached = scan.scan(0, store.length, (seq) => seqs.push(seq), performance.now());
    assert.ok(reached > 0 && reached < store.length, `it stopped part way (at ${reached} of ${store.length})`);
    assert.ok(seqs.every((seq) => seq < reached), 'no match past where it stopped');
    assert.equal(scan.scan(reached, store.length, (seq) => seqs.push(seq)), store.length, 'without a deadline it scans to the end');
    assert.deepEqual(seqs, referenceMatches(store, filter));
  });

  it('stops at a deadline on its clock with any filter, gets past its start however late, and the parts make the whole', () => {
    const store = new EventStore();
    // Fewer events than one batch of regular-expression tests: without looks at the clock between
    // texts (or events), each scan would run to the end before seeing its deadline had passed.
    for (let i = 0; i < 3000; i++) store.append(received('text', i % 3 ? `tick ${i}` : `Fill ${i} \u00e9`));
    for (const filter of [textFilter('fill'), textFilter('fill \\d+', { regex: true }), textFilter('\u00c9'), textFilter('', { directions: ['sent'] })]) {
      let ms = 0;
      const scan = new FilterScan(store, filter, () => (ms += 10));
      const seqs: number[] = [];
      const stops: number[] = [];
      for (let at = 0; at < store.length; ) {
        // A deadline already passed when the scan starts.
        const reached = scan.scan(at, store.length, (seq) => seqs.push(seq), ms);
        assert.ok(reached > at, `the scan got past ${at}`);
        stops.push((at = reached));
      }
      assert.ok(stops.length >= 3, `${JSON.stringify(filter.text)}: stopped at ${stops.join(', ')}`);
      assert.deepEqual(seqs, referenceMatches(store, filter));
    }
  });

  it('ends the store scan once a deadline stopped it: no event after the batch being tested is visited', () => {
    /** A real store that counts the events its scans visit. */
    class CountingStore extends EventStore {
      visits = 0;
      override scan(start: number, end: number, visit: ScanVisitor): void {
        super.scan(start, end, (...event) => {
          this.visits++;
          return visit(...event);
        });
      }
    }
    const store = new CountingStore();
    // More events than one batch of regular-expression tests (65,536), so the stop comes with events still to visit.
    for (let i = 0; i < 100_000; i++) store.append(received('text', `${'ab'.repeat(20)}${i % 7 === 0 ? 'c' : 'd'}${i}`));
    const reached = new FilterScan(store, textFilter('(a|b)*c', { regex: true })).scan(0, store.length, () => undefined, performance.now());
    assert.ok(reached > 0 && reached < store.length, `it stopped part way (at ${reached})`);
    // The first batch, and the one event after it at which the scan learnt to stop.
    assert.ok(store.visits <= 65_537, `${store.visits} events visited for a scan that stopped at ${reached}`);
  });

  it('matches other kinds on their row preview and sentence, as before', () => {
    const store = new EventStore();
    store.append(received('binary', Buffer.from([0xab, 0xcd, 0x01])));
    store.append({ ...received('close', Buffer.from([0x03, 0xe8])), message: '1000 Normal Closure' });
    store.append({ kind: 'info', direction: 'local', monoUs: 0, wallMs: 0, message: 'Connecting to ws://example (no proxy)' });
    store.append({ kind: 'text', direction: 'sent', monoUs: 0, wallMs: 0, message: 'sent by ws without a matching send() call' });
    store.append(received('ping', Buffer.from('keepalive 1')));
    store.append({ kind: 'handshake-request', direction: 'sent', monoUs: 0, wallMs: 0, payload: Buffer.from('GET /chat HTTP/1.1\r\nHost: x\r\n\r\n'), handshake: { startLine: 'GET /chat HTTP/1.1', headers: [['Host', 'x']] } });
    assert.deepEqual(agree(store, textFilter('AB CD')), [0], 'binary: the hex preview');
    assert.deepEqual(agree(store, textFilter('normal')), [1]);
    assert.deepEqual(agree(store, textFilter('no proxy')), [2]);
    assert.deepEqual(agree(store, textFilter('matching send')), [3], 'a text event without payload: its sentence');
    store.append(received('ping', Buffer.from([0x6b, 0x00, 0x65])));
    assert.deepEqual(agree(store, textFilter('keepalive')), [4], 'a ping: its payload, as text when it reads as text');
    assert.deepEqual(agree(store, textFilter('6b 00')), [6], 'a ping: the hex of a payload that is not text');
    assert.deepEqual(agree(store, textFilter('6b 65')), []);
    assert.deepEqual(agree(store, textFilter('/chat')), [5]);
    assert.deepEqual(agree(store, textFilter('host: x')), [], 'a handshake is searched by its start line only, as before');
  });

  it('treats characters that lower-case to ASCII and invalid UTF-8 exactly as decoding does', () => {
    const store = new EventStore();
    store.append(received('text', '5 \u212a')); // KELVIN SIGN: lower case "k"
    store.append(received('text', 'D\u0130Z')); // "İ": lower case "i" + U+0307
    store.append(received('text', Buffer.from([0xc3, 0x41, 0x42]))); // an invalid sequence, then "AB"
    store.append(received('text', Buffer.from([0x61, 0xe2, 0x84]))); // "a", then a cut-off sequence
    store.append(received('text', 'ok, DIZ'));
    assert.deepEqual(agree(store, textFilter('5 K')), [0]);
    assert.deepEqual(agree(store, textFilter('k')), [0, 4]);
    assert.deepEqual(agree(store, textFilter('di')), [1, 4]);
    assert.deepEqual(agree(store, textFilter('diz')), [4], 'U+0307 follows the "i" of "İ"');
    assert.deepEqual(agree(store, textFilter('ab')), [2]);
    assert.deepEqual(agree(store, textFilter('a')), [2, 3]);
  });

  it('decodes for needles beyond ASCII and for regular expressions', () => {
    const store = new EventStore();
    store.append(received('text', 'CAFÉ crème'));
    store.append(received('text', 'fill at 101.00'));
    store.append(received('text', 'no fill; filled at 99'));
    store.append(received('binary', Buffer.from('fill')));
    assert.deepEqual(agree(store, textFilter('café')), [0]);
    assert.deepEqual(agree(store, textFilter('CRÈME')), [0]);
    assert.deepEqual(agree(store, textFilter('^fill', { regex: true })), [1]);
    assert.deepEqual(agree(store, textFilter('fill(ed)? at \\d+$', { regex: true })), [2]);
    assert.deepEqual(agree(store, textFilter('66 69', { regex: true })), [3]);
    assert.deepEqual(agree(store, textFilter('É', { regex: true })), [0]);
  });

  it('applies the direction and kind toggles, with or without text', () => {
    const store = new EventStore();
    store.append(received('text', 'in'));
    store.append({ ...received('text', 'out'), direction: 'sent' });
    store.append(received('binary', Buffer.from([1])));
    store.append(received('pong', Buffer.from([])));
    assert.deepEqual(agree(store, { ...NO_FILTER, directions: ['sent'] }), [1]);
    assert.deepEqual(agree(store, { ...NO_FILTER, kinds: ['binary', 'pong'] }), [2, 3]);
    assert.deepEqual(agree(store, textFilter('u', { directions: ['received'] })), []);
    assert.deepEqual(agree(store, textFilter('u', { kinds: ['text'] })), [1]);
  });

  it('finds text in payloads spilled to disk, and in dropped ones finds only their preview, as before', () => {
    const spilling = new EventStore({ memoryCapBytes: 2 * 1024 * 1024, segmentSize: 256, spillDir: dir });
    const dropping = new EventStore({ memoryCapBytes: 2 * 1024 * 1024, segmentSize: 256 });
    for (const store of [spilling, dropping]) {
      for (let i = 0; i < 4000; i++) store.append(received('text', `order ${i} ${i % 100 === 7 ? 'FILLED' : 'open'}`.padEnd(600, '.')));
    }
    assert.ok(spilling.stats.spilledSegments > 0 && dropping.stats.droppedPayloads > 0);
    const filled = agree(spilling, textFilter('filled'));
    assert.equal(filled.length, 40, 'every fill, spilled or not');
    assert.deepEqual(agree(spilling, textFilter('^order \\d+ fill', { regex: true })), filled, 'a regular expression reads spilled payloads too');
    const kept = agree(dropping, textFilter('filled'));
    assert.ok(kept.length > 0 && kept.length < 40, `only fills whose payload is kept: ${kept.length}`);
    assert.ok(agree(dropping, textFilter('payload dropped at the memory cap')).length > 0);
    assert.ok(agree(dropping, textFilter('memory cap of 2.0 mib')).length > 0, 'the store\'s own notices');
    spilling.dispose();
    dropping.dispose();
  });

  it('skips events dropped whole past both caps, whatever the filter: only the events still there can match', () => {
    const store = new EventStore({ memoryCapBytes: 4 * 1024 * 1024, segmentSize: 4096 });
    for (let i = 0; i < 200_000; i++) store.append(received('text', i % 1000 === 0 ? `order ${i} FILLED` : `order ${i} open`));
    const { droppedEvents } = store.stats;
    assert.ok(droppedEvents > 100_000, JSON.stringify(store.stats));
    // The placeholders say "dropped" and are info rows, yet no filter finds them: they are not events that happened.
    const kept = store.readRange(0, store.length).filter((e) => e.seq >= droppedEvents);
    const fills = kept.filter((e) => e.kind === 'text' && /FILLED/.test(e.payload?.toString() ?? '')).map((e) => e.seq);
    assert.ok(fills.length > 0 && fills.every((seq) => seq >= droppedEvents));
    assert.deepEqual(scanned(store, textFilter('filled')), fills);
    assert.deepEqual(scanned(store, textFilter('fill(ed)', { regex: true })), fills);
    assert.deepEqual(scanned(store, textFilter('dropped whole')), []);
    assert.deepEqual(scanned(store, { ...NO_FILTER, kinds: ['info'] }), kept.filter((e) => e.kind === 'info').map((e) => e.seq));
  });

  it('agrees with the reference across many windows of payload bytes, and on a later part of the log', () => {
    const store = new EventStore({ segmentSize: 1024 });
    let seed = 7;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const words = ['alpha', 'Beta', 'GAMMA', 'delta', 'needle', 'NeEdLe', 'x', ' '];
    for (let i = 0; i < 6000; i++) {
      let body = '';
      const target = Math.floor(random() * 200);
      while (body.length < target) body += words[Math.floor(random() * words.length)];
      store.append(received(random() < 0.9 ? 'text' : 'binary', body));
    }
    for (const needle of ['needle', 'alphabeta', 'a', 'xx', 'zzz', 'gamma delta']) {
      agree(store, textFilter(needle));
      assert.deepEqual(scanned(store, textFilter(needle), 2500), referenceMatches(store, textFilter(needle), 2500));
    }
  });

  it('agrees with the reference on random events and filters (property)', function () {
    this.timeout(60_000);
    const chars = ['a', 'B', 'k', 'K', 'i', 'I', ' ', '\u212a', '\u0130', 'é', 'É', 'ß', '\u0000', '\n', 'z'];
    const textArb = fc.array(fc.constantFrom(...chars), { maxLength: 12 }).map((a) => a.join(''));
    const payloadArb = fc.oneof(
      { weight: 4, arbitrary: textArb.map((t) => Buffer.from(t, 'utf8')) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }).map((b) => Buffer.from(b)) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
    const kinds: SessionEventKind[] = ['text', 'text', 'text', 'binary', 'ping', 'pong', 'close', 'error', 'info', 'open'];
    const eventArb = fc.record({
      kind: fc.constantFrom(...kinds),
      direction: fc.constantFrom<EventDirection>('sent', 'received', 'local'),
      payload: payloadArb,
      message: fc.option(textArb, { nil: undefined }),
    });
    const filterArb = fc.record({
      text: fc.oneof(textArb, fc.constantFrom('', 'a', 'k', 'ai', 'ab', 'ik', '0a', 'dropped')),
      regex: fc.boolean(),
      directions: fc.subarray([...DIRECTIONS], { minLength: 1 }),
      kinds: fc.subarray([...KIND_GROUPS] as KindGroup[], { minLength: 1 }),
    });
    const storeArb = fc.constantFrom<EventStoreOptions>({}, { segmentSize: 4 }, { segmentSize: 4, memoryCapBytes: 3 * 1024 * 1024 }, { segmentSize: 4, memoryCapBytes: 3 * 1024 * 1024, spill: true } as EventStoreOptions);
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 40 }), filterArb, storeArb, fc.nat(45), (events, filter, options, start) => {
        if (filter.regex && !compileFilter(filter).ok) return;
        const spill = (options as { spill?: boolean }).spill;
        const store = new EventStore({ ...options, ...(spill ? { spillDir: dir } : {}) });
        try {
          for (const e of events) store.append({ ...e, monoUs: 0, wallMs: 0 });
          assert.deepEqual(scanned(store, filter, start), referenceMatches(store, filter, start));
        } finally {
          store.dispose();
        }
      }),
      { numRuns: 400 },
    );
  });
});
