import * as assert from 'node:assert/strict';
import { EventStore } from '../../../src/core/eventStore';

const event = (message: string) => ({ kind: 'info' as const, direction: 'local' as const, monoUs: 0, wallMs: 0, message });

describe('EventStore', () => {
  it('numbers events in append order without gaps', () => {
    const store = new EventStore();
    const seqs = ['a', 'b', 'c'].map((m) => store.append(event(m)).seq);
    assert.deepEqual(seqs, [0, 1, 2]);
    assert.equal(store.length, 3);
    assert.equal(store.get(1)?.message, 'b');
  });

  it('reads clamped ranges', () => {
    const store = new EventStore();
    for (let i = 0; i < 5; i++) store.append(event(String(i)));
    assert.deepEqual(store.readRange(1, 3).map((e) => e.message), ['1', '2']);
    assert.deepEqual(store.readRange(-5, 100).map((e) => e.seq), [0, 1, 2, 3, 4]);
    assert.deepEqual(store.readRange(4, 2), []);
  });

  it('tells subscribers about each event until they unsubscribe', () => {
    const store = new EventStore();
    const seen: number[] = [];
    const unsubscribe = store.subscribe((e) => seen.push(e.seq));
    store.append(event('x'));
    store.append(event('y'));
    unsubscribe();
    store.append(event('z'));
    assert.deepEqual(seen, [0, 1]);
  });
});
