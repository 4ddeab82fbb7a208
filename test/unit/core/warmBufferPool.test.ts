import * as assert from 'node:assert/strict';
import { EventStore } from '../../../src/core/eventStore';
import { WarmBufferPool } from '../../../src/core/warmBufferPool';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('WarmBufferPool', () => {
  it('pages a buffer in over several turns, a bounded number of pages per turn, and it stays zero-filled', async () => {
    const pool = new WarmBufferPool();
    const warming = pool.warm(1 << 20);
    assert.equal(pool.warming, 1);
    let turns = 0;
    while (pool.warming > 0) {
      await turn();
      turns++;
      assert.ok(turns < 1000, 'the buffer never finished warming');
    }
    // 256 pages at 32 per turn: not all in one turn (that would be one long stall), done in a few.
    assert.ok(turns >= 8, `warmed in ${turns} turns`);
    const buffer = warming.take();
    assert.equal(buffer.length, 1 << 20);
    assert.equal(buffer.byteOffset, 0);
    assert.equal(buffer.buffer.byteLength, 1 << 20, 'the buffer owns its memory');
    assert.ok(buffer.every((b) => b === 0));
  });

  it('hands over a buffer taken before it is warm, and stops warming it and anything cancelled', async () => {
    const pool = new WarmBufferPool();
    const early = pool.warm(1 << 20);
    const cancelled = pool.warm(1 << 20);
    const buffer = early.take();
    assert.ok(buffer.every((b) => b === 0), 'a buffer taken before it was warm is still zero-filled');
    cancelled.cancel();
    assert.equal(pool.warming, 0);
    buffer.fill(7);
    for (let i = 0; i < 20; i++) await turn();
    assert.ok(buffer.every((b) => b === 7), 'the pool wrote into a buffer it had handed over');
  });
});

describe('EventStore with warmed slabs and segments', () => {
  it('keeps every payload intact across many slabs and segments, with the pool getting turns in between', async () => {
    const store = new EventStore({ memoryCapBytes: 1024 * 1024 * 1024 });
    const n = 40_000; // more than two default segments, payloads over several 1 MB slabs
    for (let i = 0; i < n; i++) {
      if (i % 500 === 0) await turn();
      const payload = Buffer.alloc(100 + (i % 50), i % 251);
      payload.writeUInt32LE(i, 0);
      store.append({ kind: 'binary', direction: 'received', monoUs: i, wallMs: i, payload });
    }
    let checked = 0;
    for (let start = 0; start < n; start += 5000) {
      for (const event of store.readRange(start, Math.min(n, start + 5000))) {
        const i = checked++;
        assert.equal(event.payload?.length, 100 + (i % 50));
        assert.equal(event.payload?.readUInt32LE(0), i);
        assert.equal(event.payload?.[event.payload.length - 1], i % 251);
        assert.equal(event.monoUs, i);
        assert.equal(event.size, 100 + (i % 50));
        assert.equal(event.wire, undefined);
      }
    }
    assert.equal(checked, n);
    store.dispose();
  });
});
