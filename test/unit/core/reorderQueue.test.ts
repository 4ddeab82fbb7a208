import * as assert from 'node:assert/strict';
import { ReorderQueue, type UnstampedEvent } from '../../../src/core/reorderQueue';
import { singleFrameMessage, type WireMessage } from '../../../src/core/wire';

/** What a queue holds, first to last: a single-frame item as the WireMessage it stands for, an object item as its wire and event. */
function contents(queue: ReorderQueue): Array<{ wire: WireMessage | undefined; event: UnstampedEvent | undefined; single: string | undefined }> {
  const items = [];
  for (let i = 0; i < queue.length; i++) items.push({ wire: queue.wireAt(i), event: queue.eventAt(i), single: queue.singleFrameKindAt(i) });
  return items;
}

const ping = (n: number): UnstampedEvent => ({ kind: 'ping', direction: 'received', payload: Buffer.from(`ping ${n}`) });

describe('ReorderQueue', () => {
  it('keeps single-frame and object items in the order they came, through growth and wrap-around', () => {
    const queue = new ReorderQueue();
    const expected: Array<{ wire: WireMessage | undefined; event: UnstampedEvent | undefined; single: string | undefined }> = [];
    let offset = 0;
    // Pushes a few, takes a few off the front, over and over: the ring wraps and grows several times (it starts at 64 slots).
    for (let round = 0; round < 300; round++) {
      for (let k = 0; k < 3; k++) {
        const n = round * 3 + k;
        if (n % 5 === 4) {
          const event = ping(n);
          queue.push({ wire: undefined, event });
          expected.push({ wire: undefined, event, single: undefined });
        } else {
          const kind = n % 2 === 0 ? 'text' : 'binary';
          const length = [0, 125, 126, 0xffff, 0x10000][n % 5];
          const maskKey = n % 3 === 0 ? (n * 2654435761) >>> 0 : undefined;
          queue.pushSingleFrame(kind, n % 7 === 0, length, offset, maskKey);
          expected.push({ wire: singleFrameMessage(kind, n % 7 === 0, length, offset, maskKey), event: undefined, single: kind });
          offset += length + 14;
        }
      }
      if (round % 3 !== 0) {
        queue.shift();
        expected.shift();
      }
    }
    assert.equal(queue.length, expected.length);
    assert.ok(queue.length > 128, 'the ring grew past its first sizes');
    assert.deepEqual(contents(queue), expected);
  });

  it('gives a single-frame item\'s facts as the event store takes them', () => {
    const queue = new ReorderQueue();
    queue.pushSingleFrame('binary', true, 300, 1234, 0xdeadbeef);
    queue.pushSingleFrame('text', false, 70_000, 9, undefined);
    assert.deepEqual([queue.compressedAt(0), queue.wireBytesAt(0), queue.maskKeyAt(0), queue.streamOffsetAt(0)], [true, 308, 0xdeadbeef, 1234]);
    assert.deepEqual([queue.compressedAt(1), queue.wireBytesAt(1), queue.maskKeyAt(1), queue.streamOffsetAt(1)], [false, 70_010, 0, 9]);
  });

  it('finds the first item still waiting, and completes any item, a single-frame one becoming an object with its wire', () => {
    const queue = new ReorderQueue();
    const fragmented: WireMessage = { ...singleFrameMessage('text', false, 3, 0, undefined), frameCount: 2 };
    queue.push({ wire: undefined, event: ping(0) });
    queue.pushSingleFrame('text', false, 5, 10, undefined);
    queue.push({ wire: fragmented });
    assert.equal(queue.firstPending(), 1);
    const delivered: UnstampedEvent = { kind: 'text', direction: 'received', payload: Buffer.from('hello'), wire: queue.wireAt(1) };
    queue.complete(1, delivered);
    assert.equal(queue.singleFrameKindAt(1), undefined);
    assert.equal(queue.eventAt(1), delivered);
    assert.deepEqual(queue.wireAt(1), singleFrameMessage('text', false, 5, 10, undefined));
    assert.equal(queue.firstPending(), 2);
    assert.equal(queue.wireAt(2), fragmented);
    queue.complete(2, { kind: 'error', direction: 'received', wire: fragmented, message: 'not delivered' });
    assert.equal(queue.firstPending(), -1);
  });

  it('works on after emptying from a large size', () => {
    const queue = new ReorderQueue();
    for (let n = 0; n < 10_000; n++) queue.pushSingleFrame('text', false, n, n, undefined);
    for (let n = 0; n < 10_000; n++) {
      assert.equal(queue.streamOffsetAt(0), n);
      queue.shift();
    }
    assert.equal(queue.length, 0);
    assert.equal(queue.firstPending(), -1);
    for (let n = 0; n < 100; n++) queue.pushSingleFrame('binary', false, 1, n, undefined);
    queue.push({ wire: undefined, event: ping(1) });
    assert.deepEqual(
      contents(queue).map((item) => item.wire?.frames[0].streamOffset ?? item.event?.kind),
      [...Array.from({ length: 100 }, (_, n) => n), 'ping'],
    );
  });
});
