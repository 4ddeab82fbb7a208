/**
 * The panel's traffic counters over a real event store: every message counted once, those dropped
 * whole past both caps included, whether the counters follow the log or catch up late.
 */
import * as assert from 'node:assert/strict';
import { CounterScan } from '../../../src/core/counterScan';
import { EventStore, type SingleFrameEvent } from '../../../src/core/eventStore';

const MIB = 1024 * 1024;

describe('CounterScan', () => {
  /** `n` messages of 3 bytes, one in four sent, the rest received; `onEvery` is called after every `every` of them. */
  const flood = (store: EventStore, n: number, every: number, onEvery: () => void): void => {
    const event: SingleFrameEvent = { kind: 'binary', direction: 'received', monoUs: 0, wallMs: 0, payload: Buffer.alloc(3), compressed: false, wireBytes: 5, maskKey: 0, streamOffset: 0 };
    for (let i = 0; i < n; i++) {
      event.direction = i % 4 === 0 ? 'sent' : 'received';
      event.maskKey = i % 4 === 0 ? 1 : 0;
      event.wireBytes = i % 4 === 0 ? 9 : 5;
      store.appendSingleFrame(event);
      if (i % every === every - 1) onEvery();
    }
  };

  it('counts messages dropped whole from their gap: a view opened late agrees with one that followed the log', () => {
    const store = new EventStore({ memoryCapBytes: 4 * MIB, segmentSize: 4096 });
    const following = new CounterScan(store);
    // Without a spill folder, past the cap of 4 MiB the oldest events are dropped whole. One view catches up every 1,000 events, as the panel does.
    flood(store, 400_000, 1000, () => following.catchUp());
    assert.ok(store.stats.droppedEvents > 200_000, JSON.stringify(store.stats));
    const late = new CounterScan(store);
    const expected = { messagesSent: 100_000, bytesSent: 300_000, messagesReceived: 300_000, bytesReceived: 900_000 };
    assert.deepEqual(following.catchUp(), expected);
    assert.deepEqual(late.catchUp(), expected);
  });

  it('counts the rest of a gap it had counted in part before the gap was made', () => {
    const store = new EventStore({ memoryCapBytes: 4 * MIB, segmentSize: 4096 });
    const counters = new CounterScan(store);
    flood(store, 2_048, 2_048, () => counters.catchUp());
    // Half of the first segment was counted; the flood then drops it whole, with those after it.
    flood(store, 400_000, 400_000, () => undefined);
    assert.ok(store.stats.droppedEvents > 200_000, JSON.stringify(store.stats));
    assert.deepEqual(counters.catchUp(), { messagesSent: 100_512, bytesSent: 301_536, messagesReceived: 301_536, bytesReceived: 904_608 });
  });
});
