/**
 * The session's traffic counters, kept by the event store as events are appended: every message
 * counted once and in its own direction, those later dropped whole past both caps included.
 */
import * as assert from 'node:assert/strict';
import { EventStore, type SingleFrameEvent } from '../../../src/core/eventStore';

const MIB = 1024 * 1024;

describe('EventStore traffic', () => {
  /** `n` messages of 3 bytes in `direction` (or one in four sent, the rest received). */
  const flood = (store: EventStore, n: number, direction?: 'sent' | 'received'): void => {
    const event: SingleFrameEvent = { kind: 'binary', direction: 'received', monoUs: 0, wallMs: 0, payload: Buffer.alloc(3), compressed: false, wireBytes: 5, maskKey: 0, streamOffset: 0 };
    for (let i = 0; i < n; i++) {
      event.direction = direction ?? (i % 4 === 0 ? 'sent' : 'received');
      event.maskKey = event.direction === 'sent' ? 1 : 0;
      event.wireBytes = event.direction === 'sent' ? 9 : 5;
      store.appendSingleFrame(event);
    }
  };

  it('counts messages dropped whole past the caps, each in its own direction', () => {
    // Without a spill folder, past the cap of 4 MiB the oldest events are dropped whole.
    const store = new EventStore({ memoryCapBytes: 4 * MIB, segmentSize: 4096 });
    flood(store, 400_000);
    assert.ok(store.stats.droppedEvents > 200_000, JSON.stringify(store.stats));
    assert.deepEqual(store.traffic, { messagesSent: 100_000, bytesSent: 300_000, messagesReceived: 300_000, bytesReceived: 900_000 });
  });

  it('stays exact when the traffic changes direction and the first part is dropped into a gap', () => {
    const store = new EventStore({ memoryCapBytes: 4 * MIB, segmentSize: 4096 });
    flood(store, 50_000, 'sent');
    assert.deepEqual(store.traffic, { messagesSent: 50_000, bytesSent: 150_000, messagesReceived: 0, bytesReceived: 0 });
    flood(store, 400_000, 'received');
    assert.ok(store.stats.droppedEvents > 50_000, 'the sent part is in a gap now');
    assert.deepEqual(store.traffic, { messagesSent: 50_000, bytesSent: 150_000, messagesReceived: 400_000, bytesReceived: 1_200_000 });
  });

  it('keeps the last ping\'s round trip and counts text, not pings, closes or notices', () => {
    const store = new EventStore();
    store.append({ kind: 'text', direction: 'sent', monoUs: 0, wallMs: 0, payload: Buffer.from('hello') });
    store.append({ kind: 'ping', direction: 'sent', monoUs: 1, wallMs: 0, payload: Buffer.from('p') });
    store.append({ kind: 'pong', direction: 'received', monoUs: 2, wallMs: 0, payload: Buffer.from('p'), rttMs: 1.5 });
    store.append({ kind: 'info', direction: 'local', monoUs: 3, wallMs: 0, message: 'note' });
    assert.deepEqual(store.traffic, { messagesSent: 1, bytesSent: 5, messagesReceived: 0, bytesReceived: 0, lastRttMs: 1.5 });
  });
});
