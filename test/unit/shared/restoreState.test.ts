import * as assert from 'node:assert/strict';
import { checkRestoreState, PERSISTED_ROWS } from '../../../src/shared/restoreState';
import { EMPTY_COUNTERS } from '../../../src/shared/sessionCounters';
import type { EventRow } from '../../../src/shared/sessionEvent';

const row = (seq: number, extra: Partial<Record<keyof EventRow, unknown>> = {}): Record<string, unknown> => ({ seq, kind: 'text', direction: 'received', monoUs: seq, wallMs: 1, size: 2, preview: 'hi', truncated: false, ...extra });
const summary = { id: 's1', title: 'Echo', url: 'ws://127.0.0.1:1/', state: 'open', eventCount: 3, counters: EMPTY_COUNTERS, profileUri: 'file:///w/a.wsprofile' };

describe('a restored panel\'s saved state', () => {
  it('keeps what a panel writes, as an ended session', () => {
    const { state, dropped } = checkRestoreState({ session: summary, lastRows: [row(0), row(1)] });
    assert.equal(dropped, 0);
    assert.deepEqual(state.session, { ...summary, state: 'closed', negotiated: undefined, ended: true });
    assert.deepEqual(state.lastRows, [row(0), row(1)]);
  });

  it('leaves out and counts rows and fields a panel does not write', () => {
    const hostile = [
      row(0, { kind: 'script' }),
      row(1, { preview: 'x'.repeat(10_000) }),
      row(2, { preview: 'line\nbreak' }),
      row(3, { seq: -1 }),
      row(4, { size: '2' }),
      'not a row',
      row(5),
    ];
    const { state, dropped } = checkRestoreState({ session: { ...summary, title: 'x'.repeat(100_000) }, lastRows: hostile });
    assert.equal(state.session, undefined);
    assert.deepEqual(state.lastRows?.map((r) => r.seq), [5]);
    assert.equal(dropped, 7);
  });

  it('reads no more than the rows a panel keeps, and survives any value', () => {
    const { state, dropped } = checkRestoreState({ lastRows: Array.from({ length: PERSISTED_ROWS + 50 }, (_, i) => row(i)) });
    assert.equal(state.lastRows?.length, PERSISTED_ROWS);
    assert.equal(state.lastRows?.[0].seq, 50, 'the newest rows');
    assert.equal(dropped, 50);
    for (const value of [undefined, null, 42, 'text', [], { session: 'x', lastRows: 'y' }]) assert.doesNotThrow(() => checkRestoreState(value));
  });
});
