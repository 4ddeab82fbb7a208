import * as assert from 'node:assert/strict';
import { answerRequest, RequestError, RequestTracker, type RequestEnvelope } from '../../../src/shared/requestTracker';

type Methods = {
  add: { params: { a: number; b: number }; result: number };
  fail: { params: Record<string, never>; result: never };
};

const timers = { setTimeout: (fn: () => void, ms: number) => setTimeout(fn, ms), clearTimeout: (h: unknown) => clearTimeout(h as NodeJS.Timeout) };

/** Two trackers wired back to back through a real asynchronous hop, like postMessage. */
function channel(timeoutMs = 1000, answer = true) {
  const posted: RequestEnvelope[] = [];
  const tracker = new RequestTracker<Methods>(
    (request) => {
      posted.push(request);
      if (!answer) return;
      setImmediate(() => {
        void answerRequest<Methods>(request, {
          add: ({ a, b }) => a + b,
          fail: () => {
            throw new Error('the handler said no');
          },
        }).then((reply) => tracker.settle(reply));
      });
    },
    timers,
    timeoutMs,
  );
  return { tracker, posted };
}

describe('RequestTracker', () => {
  it('resolves a request with the reply that names its id', async () => {
    const { tracker, posted } = channel();
    const [x, y] = await Promise.all([tracker.request('add', { a: 1, b: 2 }), tracker.request('add', { a: 10, b: 20 })]);
    assert.equal(x, 3);
    assert.equal(y, 30);
    assert.deepEqual(posted.map((p) => p.id), [1, 2]);
    assert.equal(tracker.pendingCount, 0);
  });

  it('rejects with the handler\'s error message', async () => {
    const { tracker } = channel();
    await assert.rejects(tracker.request('fail', {}), (err: Error) => err instanceof RequestError && /"fail" failed: the handler said no/.test(err.message));
  });

  it('rejects a request nobody answers after its timeout', async () => {
    const { tracker } = channel(30, false);
    await assert.rejects(tracker.request('add', { a: 1, b: 1 }), /"add" got no reply within 30 ms/);
    assert.equal(tracker.pendingCount, 0);
  });

  it('ignores late and unknown replies', () => {
    const { tracker } = channel(1000, false);
    assert.equal(tracker.settle({ type: 'reply', inReplyTo: 99, ok: true, result: 1 }), false);
  });

  it('rejects pending and new requests once closed', async () => {
    const { tracker } = channel(1000, false);
    const pending = tracker.request('add', { a: 1, b: 1 });
    tracker.close('the panel was closed');
    await assert.rejects(pending, /abandoned: the panel was closed/);
    await assert.rejects(tracker.request('add', { a: 1, b: 1 }), /Cannot send "add": the panel was closed/);
  });

  it('answers an unknown method with an error reply instead of silence', async () => {
    const reply = await answerRequest<Methods>({ type: 'request', id: 7, method: 'toString', params: {} }, { add: () => 0, fail: () => 0 as never });
    assert.deepEqual(reply, { type: 'reply', inReplyTo: 7, ok: false, error: 'unknown method "toString"' });
  });
});
