/** The host side of the timeline: Clear and the filter over a real event store, as the webview sees them through rows and counts. */
import * as assert from 'node:assert/strict';
import { EventStore, type NewSessionEvent } from '../../../src/core/eventStore';
import { FilterScan, type RegexFilterTimeoutError } from '../../../src/core/filterScan';
import { FIRST_SLICE_EVENTS, MAX_ROWS_PER_REQUEST, TimelineView } from '../../../src/core/timelineView';
import { FILTER_TEXT_MAX_LENGTH, NO_FILTER, type RowFilter } from '../../../src/shared/rowFilter';

const text = (body: string): NewSessionEvent => ({ kind: 'text', direction: 'received', monoUs: 0, wallMs: 0, payload: Buffer.from(body) });
const textFilter = (value: string): RowFilter => ({ ...NO_FILTER, text: value });

/** Every seq the view shows once its scan is done, read the way the webview reads them: by view index, a page at a time. */
async function shownSeqs(view: TimelineView): Promise<number[]> {
  await view.catchUpInSlices();
  const count = view.state().viewCount;
  const seqs: number[] = [];
  for (let start = 0; start < count; start += MAX_ROWS_PER_REQUEST) seqs.push(...view.rows(start, start + MAX_ROWS_PER_REQUEST).map((r) => r.seq));
  return seqs;
}

describe('TimelineView', () => {
  it('shows the whole log without a filter, and only matching rows with one', async () => {
    const store = new EventStore();
    ['Fill 1', 'tick', 'FILL 2', 'tick'].forEach((b) => store.append(text(b)));
    const view = new TimelineView(store);
    assert.deepEqual(await shownSeqs(view), [0, 1, 2, 3]);
    const before = view.version;
    view.setFilter(textFilter('fill'));
    assert.ok(view.version > before);
    assert.deepEqual(await shownSeqs(view), [0, 2]);
    assert.deepEqual(view.state().totalCount, 4);
    assert.equal(await view.indexOf(2), 1);
    assert.equal(await view.indexOf(1), null, 'a hidden row has no view index');
    view.setFilter(NO_FILTER);
    assert.deepEqual(await shownSeqs(view), [0, 1, 2, 3]);
    assert.equal(await view.indexOf(1), 1);
  });

  it('keeps up with events appended after the filter was set, in the same payload memory as earlier ones', async () => {
    const store = new EventStore();
    store.append(text('first fill'));
    const view = new TimelineView(store);
    view.setFilter(textFilter('fill'));
    assert.equal(view.state().viewCount, 1);
    // These land in the same slab the first scan read; the filter must see their bytes, not what was there before.
    for (let i = 0; i < 100; i++) store.append(text(i % 10 === 0 ? `fill ${i}` : `tick ${i}`));
    assert.equal(view.state().viewCount, 11);
    assert.deepEqual((await shownSeqs(view)).slice(0, 3), [0, 1, 11]);
  });

  describe('a regular expression that backtracks catastrophically', function () {
    // Without the guard these never return; the timeout only reports it.
    this.timeout(20_000);
    const evil = `${'a'.repeat(40)}!`;
    const regexFilter = (source: string, more: Partial<RowFilter> = {}): RowFilter => ({ ...NO_FILTER, text: source, regex: true, ...more });

    it('stops the filter while it is applied: the text is dropped, the toggles stay, the state says why; the next filter works', async () => {
      const store = new EventStore();
      ['aaa', evil, 'aa'].forEach((b) => store.append(text(b)));
      store.append({ kind: 'text', direction: 'sent', monoUs: 0, wallMs: 0, payload: Buffer.from('sent a') });
      const stopped: RegexFilterTimeoutError[] = [];
      const view = new TimelineView(store, (err) => stopped.push(err));
      const filter = regexFilter('(a+)+$', { directions: ['received'] });
      view.setFilter(filter);
      const version = view.version;
      await view.catchUpInSlices(2);
      const state = view.state();
      assert.deepEqual(state.filter, filter, 'the user\'s filter is kept, to be shown and edited');
      assert.match(state.filterError ?? '', /took longer than \d+ ms on event #1\b.*backtracks catastrophically.*Simplify it/);
      assert.ok(state.version > version, 'the view changed under the webview');
      assert.deepEqual(await shownSeqs(view), [0, 1, 2], 'the direction toggle still applies');
      assert.equal(stopped.length, 1);
      assert.equal(stopped[0].seq, 1);
      view.setFilter(regexFilter('^a+$'));
      assert.equal(view.state().filterError, undefined);
      assert.deepEqual(await shownSeqs(view), [0, 2]);
    });

    it('stops the filter when such a payload arrives after it was applied', async () => {
      const store = new EventStore();
      ['aaa', 'b'].forEach((b) => store.append(text(b)));
      const stopped: RegexFilterTimeoutError[] = [];
      const view = new TimelineView(store, (err) => stopped.push(err));
      view.setFilter(regexFilter('(a+)+$'));
      assert.deepEqual(await shownSeqs(view), [0]);
      const version = view.version;
      store.append(text(evil));
      store.append(text('aa'));
      const state = view.state();
      assert.match(state.filterError ?? '', /event #2/);
      assert.ok(state.version > version);
      assert.deepEqual(await shownSeqs(view), [0, 1, 2, 3], 'no toggle is off: every row shows');
      assert.deepEqual(stopped.map((e) => e.seq), [2]);
      store.append(text('later'));
      assert.equal(view.state().viewCount, 5, 'later events are shown as they come');
    });
  });

  it('forgets rows before Clear, filtered or not', async () => {
    const store = new EventStore();
    ['fill a', 'tick', 'fill b'].forEach((b) => store.append(text(b)));
    const view = new TimelineView(store);
    view.setFilter(textFilter('fill'));
    view.clear();
    assert.equal(view.state().viewCount, 0);
    store.append(text('fill c'));
    store.append(text('tick'));
    assert.deepEqual(await shownSeqs(view), [3]);
    view.setFilter(NO_FILTER);
    assert.deepEqual(await shownSeqs(view), [3, 4]);
  });

  it('refuses a regular expression that does not compile and keeps the filter it had', () => {
    const store = new EventStore();
    store.append(text('fill'));
    const view = new TimelineView(store);
    view.setFilter(textFilter('fill'));
    const version = view.version;
    assert.throws(() => view.setFilter({ ...NO_FILTER, text: '(', regex: true }), /Not a valid regular expression/);
    assert.equal(view.version, version);
    assert.equal(view.filter.text, 'fill');
  });

  it('refuses a filter text longer than FILTER_TEXT_MAX_LENGTH before compiling it, says why, and keeps the filter it had', () => {
    const store = new EventStore();
    store.append(text('fill'));
    const view = new TimelineView(store);
    view.setFilter(textFilter('fill'));
    const version = view.version;
    // A pasted pattern of megabytes: compiled, it would block the host for seconds.
    const pasted = '(?:error|timeout) '.repeat(200_000);
    for (const filter of [{ ...NO_FILTER, text: pasted, regex: true }, textFilter('x'.repeat(FILTER_TEXT_MAX_LENGTH + 1))]) {
      assert.throws(() => view.setFilter(filter), new RegExp(`The filter is ${filter.text.length} characters long; at most ${FILTER_TEXT_MAX_LENGTH} are accepted\\. Shorten it`));
    }
    assert.equal(view.version, version);
    assert.equal(view.filter.text, 'fill');
    view.setFilter(textFilter('f'.repeat(FILTER_TEXT_MAX_LENGTH)));
    assert.equal(view.filter.text.length, FILTER_TEXT_MAX_LENGTH, 'a filter of the greatest length is applied');
  });

  it('pages through more matches than one request carries', async () => {
    const store = new EventStore({ segmentSize: 256 });
    for (let i = 0; i < 5000; i++) store.append(text(i % 2 ? 'odd' : 'even'));
    const view = new TimelineView(store);
    view.setFilter(textFilter('EVEN'));
    const seqs = await shownSeqs(view);
    assert.equal(seqs.length, 2500);
    assert.ok(seqs.every((seq, i) => seq === 2 * i));
    assert.equal(await view.indexOf(4998), 2499);
    assert.equal(view.rows(2400, 2400 + MAX_ROWS_PER_REQUEST * 2).length, 100, 'clamped to the view');
  });

  describe('scanning in slices', () => {
    /** `n` events, one in four a "fill"; small segments unless `options` says otherwise (the default store's, for tens of thousands of events). */
    const fills = (n: number, options: ConstructorParameters<typeof EventStore>[0] = { segmentSize: 64 }): EventStore => {
      const store = new EventStore(options);
      for (let i = 0; i < n; i++) store.append(text(i % 4 === 0 ? `fill ${i}` : `tick ${i}`));
      return store;
    };

    it('lets the event loop turn between slices and ends with the same rows as a scan in one go', async () => {
      const store = fills(1000);
      const view = new TimelineView(store);
      view.setFilter(textFilter('fill'));
      let turns = 0;
      let scanning = true;
      const other = (): void => {
        if (!scanning) return;
        turns++;
        setImmediate(other);
      };
      setImmediate(other);
      const done = view.catchUpInSlices(100);
      assert.equal(view.count, 25, 'only the first slice is scanned before the call returns');
      await done;
      scanning = false;
      assert.ok(turns >= 5, `other work ran between the slices (${turns} turns)`);
      assert.equal(view.count, 250);
      const whole = new TimelineView(store);
      whole.setFilter(textFilter('fill'));
      assert.deepEqual(await shownSeqs(view), await shownSeqs(whole));
    });

    it('starts with a small slice, whatever the filter, and grows it when the filter is fast', async () => {
      // A filter's cost per event is not known before it runs: a needle beyond ASCII decodes every
      // payload (up to 64 KiB each), so the first slice is FIRST_SLICE_EVENTS, not SCAN_SLICE_EVENTS.
      const store = fills(FIRST_SLICE_EVENTS * 40, {});
      const view = new TimelineView(store);
      view.setFilter(textFilter('fill'));
      const done = view.catchUpInSlices();
      assert.equal(view.count, FIRST_SLICE_EVENTS / 4, 'the first slice scanned FIRST_SLICE_EVENTS events');
      await new Promise((resolve) => setImmediate(resolve));
      assert.ok(view.count >= (FIRST_SLICE_EVENTS * 3) / 4, `the second slice was larger than the first (${view.count * 4} events scanned after two)`);
      await done;
      assert.equal(view.count, FIRST_SLICE_EVENTS * 10);
    });

    it('lets the event loop turn within the first slice when a regular expression is slow on every event', async () => {
      // (a|b)*c backtracks over each 300-character text without failing: about half a millisecond an
      // event, so the first slice (FIRST_SLICE_EVENTS) would take two seconds or so; its deadline
      // stops it after some 25 ms instead.
      const store = new EventStore();
      for (let i = 0; i < FIRST_SLICE_EVENTS + 1000; i++) store.append(text(`${'ab'.repeat(150)}${i % 7 === 0 ? 'c' : 'd'}${i}`));
      const view = new TimelineView(store);
      view.setFilter({ ...NO_FILTER, text: '(a|b)*c', regex: true });
      const done = view.catchUpInSlices();
      const firstSlice = view.count;
      await done;
      const inFirstSlice = Math.ceil(FIRST_SLICE_EVENTS / 7);
      assert.ok(firstSlice < inFirstSlice / 4, `the first slice stopped at its deadline: ${firstSlice} matches before the call returned, ${inFirstSlice} in the first ${FIRST_SLICE_EVENTS} events`);
      assert.equal(view.filterError, undefined, 'the expression is slow, not stopped');
      const whole = new TimelineView(store);
      whole.setFilter({ ...NO_FILTER, text: '(a|b)*c', regex: true });
      assert.deepEqual(await shownSeqs(view), await shownSeqs(whole));
    });

    it('goes on by itself to the events logged while it runs, one slice a turn for every caller, and tells when rows pass', async () => {
      const store = fills(FIRST_SLICE_EVENTS * 4, {});
      let told = 0;
      const view = new TimelineView(store, undefined, { onRowsScanned: () => told++ });
      view.setFilter(textFilter('fill'));
      const first = view.catchUpInSlices();
      const second = view.catchUpInSlices();
      assert.equal(view.count, FIRST_SLICE_EVENTS / 4, 'the second caller scanned nothing more in the same turn');
      // Logged between two slices: the scan goes on to them without being asked.
      for (let i = 0; i < 1000; i++) store.append(text(`fill late ${i}`));
      await Promise.all([first, second]);
      for (let turn = 0; turn < 100 && view.count < FIRST_SLICE_EVENTS + 1000; turn++) await new Promise((resolve) => setImmediate(resolve));
      assert.equal(view.count, FIRST_SLICE_EVENTS + 1000, 'the late events were scanned by the slices');
      assert.ok(told > 0, 'slices on later turns told that rows passed');
      assert.equal(view.state().viewCount, FIRST_SLICE_EVENTS + 1000);
    });

    it('is not finished by a read in the middle, and counts no row twice', async () => {
      const view = new TimelineView(fills(1000));
      view.setFilter(textFilter('fill'));
      const done = view.catchUpInSlices(100);
      assert.equal(view.state().viewCount, 25, 'a read while the next slice is scheduled scans nothing');
      assert.equal(view.rows(0, MAX_ROWS_PER_REQUEST).length, 25);
      await done;
      assert.equal(view.state().viewCount, 250);
      assert.equal(new Set((await shownSeqs(view))).size, 250);
    });

    it('stops when a newer filter replaces the one it scans for', async () => {
      const store = fills(1000);
      const view = new TimelineView(store);
      view.setFilter(textFilter('fill'));
      const older = view.catchUpInSlices(100);
      view.setFilter(textFilter('tick 9'));
      await Promise.all([older, view.catchUpInSlices(100)]);
      assert.deepEqual(
        await shownSeqs(view),
        store.readRange(0, store.length).filter((e) => e.payload?.toString().startsWith('tick 9')).map((e) => e.seq),
      );
    });
  });

  describe('events a server makes slow to filter', function () {
    // The scans below test each event for real (about four seconds for the thousand here); the
    // stepped clock only decides where they stop.
    this.timeout(120_000);
    /** Some 7 KB of "error " repeated: /error.*timeout/ runs to the end from every "error" (milliseconds an event); one in 50 ends in "timeout". */
    const hostile = (i: number): NewSessionEvent => text(`${'error '.repeat(1000 + (i % 3) * 170)}${i % 50 === 0 ? 'timeout' : ''}`);
    const errorTimeout: RowFilter = { ...NO_FILTER, text: 'error.*timeout', regex: true };
    /** A clock that moves 10 ms each time it is read: every deadline passes after a few looks at it, on any machine. */
    const steppedClock = (): (() => number) => {
      let ms = 0;
      return () => (ms += 10);
    };

    it('catches up on a flood a slice at a time: a read stops at its deadline, the scan goes on in later turns and ends with the rows of an unbounded scan', async () => {
      const store = new EventStore();
      let told = 0;
      const view = new TimelineView(store, undefined, { now: steppedClock(), onRowsScanned: () => told++ });
      view.setFilter(errorTimeout);
      assert.equal(view.state().viewCount, 0);
      for (let i = 0; i < 1000; i++) store.append(hostile(i));
      // What the panel does when the flood is flushed: it reads the view.
      const first = view.state();
      assert.equal(first.totalCount, 1000);
      // Every scan tests at least one event, and the clock stops it within three: only seq 0 can have passed.
      assert.equal(first.viewCount, 1, 'the read stopped at its deadline instead of testing the flood');
      assert.deepEqual(view.rows(0, MAX_ROWS_PER_REQUEST).map((r) => r.seq), [0]);
      const turns = turnCounter();
      await view.catchUpInSlices();
      assert.ok(turns.stop() >= 300, 'a slice a turn, each within its deadline (three events at most)');
      // Matches are 50 events apart and a slice tests three at most: each came in a slice of its own.
      assert.equal(told, 19, 'each row that passed on a later turn was told');
      const unbounded: number[] = [];
      new FilterScan(store, errorTimeout).scan(0, store.length, (seq) => unbounded.push(seq));
      assert.deepEqual(await shownSeqs(view), unbounded);
      assert.equal(unbounded.length, 20);
    });

    it('answers rows from what is scanned, scanning one slice to its deadline', () => {
      const store = new EventStore();
      const view = new TimelineView(store, undefined, { now: steppedClock() });
      view.setFilter(errorTimeout);
      for (let i = 0; i <= 150; i++) store.append(hostile(i));
      assert.deepEqual(view.rows(0, MAX_ROWS_PER_REQUEST).map((r) => r.seq), [0]);
      assert.equal(view.count, 1);
    });

    it('answers indexOf once the scan reaches the row, a slice a turn, without scanning to it in one call', async () => {
      const store = new EventStore();
      const view = new TimelineView(store, undefined, { now: steppedClock() });
      view.setFilter(errorTimeout);
      for (let i = 0; i <= 150; i++) store.append(hostile(i));
      const turns = turnCounter();
      const index = view.indexOf(150);
      assert.equal(view.count, 1, 'the call scanned one slice');
      assert.equal(await index, 3);
      assert.ok(turns.stop() >= 40, 'the event loop turned while indexOf waited for the scan');
      assert.equal(await view.indexOf(149), null, 'a row the scan passed over is hidden');
      store.append(hostile(1));
      store.append(hostile(0));
      assert.equal(await view.indexOf(152), 4, 'a row logged later is found once the scan reaches it');
      assert.equal(await view.indexOf(153), null, 'a seq not logged yet is in no view');
    });
  });
  it('never hands out a version another view has had, so a webview moved to another view drops what the old one sends late', () => {
    const a = new TimelineView(new EventStore());
    const b = new TimelineView(new EventStore());
    const seen = new Set([a.version, b.version]);
    a.clear();
    seen.add(a.version);
    b.setFilter({ ...NO_FILTER, text: 'x' });
    seen.add(b.version);
    assert.equal(seen.size, 4, `versions repeated: ${[...seen].join(', ')}`);
    a.dispose();
    b.dispose();
  });
});

/** Counts turns of the event loop (a setImmediate chain) until stopped; it keeps no process alive (a failed test never stops it). */
function turnCounter(): { stop(): number } {
  let turns = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    turns++;
    setImmediate(tick).unref();
  };
  setImmediate(tick).unref();
  return {
    stop: () => {
      running = false;
      return turns;
    },
  };
}
