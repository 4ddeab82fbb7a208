import * as assert from 'node:assert/strict';
import { indexOfEntryHolding } from '../../../src/core/segmentLookup';

describe('indexOfEntryHolding', () => {
  /** Entries of the given sizes, one after the other from seq 0. */
  const entries = (...sizes: number[]): Array<{ firstSeq: number }> => {
    let next = 0;
    return sizes.map((size) => ({ firstSeq: (next += size) - size }));
  };
  /** The index a linear search finds, for every seq of the log. */
  const expected = (list: Array<{ firstSeq: number }>, seq: number): number => list.filter((e) => e.firstSeq <= seq).length - 1;

  it('finds the holder of every seq: full segments, segments closed early, and gaps holding many segments', () => {
    for (const sizes of [[4, 4, 4, 4], [4, 1, 1, 4, 2, 4], [12, 4, 4], [4, 20, 1, 4], [1, 1, 1, 1, 1, 30]]) {
      const list = entries(...sizes);
      const length = sizes.reduce((a, b) => a + b, 0);
      for (let seq = 0; seq < length; seq++) assert.equal(indexOfEntryHolding(list, seq, 4), expected(list, seq), `${sizes.join(',')} seq ${seq}`);
    }
  });
});
