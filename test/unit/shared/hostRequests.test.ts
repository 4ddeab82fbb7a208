import * as assert from 'node:assert/strict';
import { answerViewRequest, checkHostParams, VIEW_METHODS, type HostHandlers } from '../../../src/shared/hostRequests';
import { MAX_ROWS_PER_REQUEST, type HostMethods } from '../../../src/shared/protocol';
import type { RequestEnvelope } from '../../../src/shared/requestTracker';
import { NO_FILTER } from '../../../src/shared/rowFilter';

const request = (method: string, params: unknown, id = 1): RequestEnvelope => ({ type: 'request', id, method, params });

/** Handlers for every method that record what they were called with. */
function recordingHandlers(): { calls: Array<[string, unknown]>; handlers: HostHandlers<'panel'> & HostHandlers<'messageLog'> } {
  const calls: Array<[string, unknown]> = [];
  const methods = [...new Set([...VIEW_METHODS.panel, ...VIEW_METHODS.messageLog, ...VIEW_METHODS.endedPanel])];
  const handlers = Object.fromEntries(methods.map((m) => [m, (params: unknown) => (calls.push([m, params]), {})])) as unknown as HostHandlers<'panel'> & HostHandlers<'messageLog'>;
  return { calls, handlers };
}

describe('host requests', () => {
  it('give the Message Log only reading and filtering: it can reveal no header, send nothing and act on no session', async () => {
    const { calls, handlers } = recordingHandlers();
    for (const method of ['revealHeader', 'send', 'sendSaved', 'sendFile', 'ping', 'close', 'disconnect', 'reconnect', 'copy', 'openInEditor', 'details'] as const) {
      const params = { seq: 0, index: 0, mode: 'text', text: 'x', encoding: 'hex', name: 'x', payload: '', code: 1000, reason: '', as: 'text' };
      const reply = await answerViewRequest('messageLog', request(method, params), handlers);
      assert.equal(reply.ok, false, method);
      assert.match(reply.ok ? '' : reply.error, new RegExp(`This view cannot "${method}"`));
    }
    assert.deepEqual(calls, [], 'no handler ran');
    const reply = await answerViewRequest('messageLog', request('revealInPanel', { seq: 3 }), handlers);
    assert.equal(reply.ok, true);
    assert.deepEqual(calls, [['revealInPanel', { seq: 3 }]]);
  });

  it('keep the panel from the Message Log\'s method and an ended panel to reading and Reconnect, with its own refusal', async () => {
    const { calls, handlers } = recordingHandlers();
    assert.equal((await answerViewRequest('panel', request('revealInPanel', { seq: 1 }), handlers)).ok, false);
    const refused = await answerViewRequest('endedPanel', request('send', { mode: 'text', text: 'x', encoding: 'hex' }), handlers, 'This session ended.');
    assert.deepEqual(refused, { type: 'reply', inReplyTo: 1, ok: false, error: 'This session ended.' });
    assert.equal((await answerViewRequest('endedPanel', request('reconnect', {}), handlers)).ok, true);
    assert.deepEqual(calls, [['reconnect', {}]]);
  });

  it('refuse parameters of the wrong type, range or size before a handler sees them', async () => {
    const { calls, handlers } = recordingHandlers();
    const bad: Array<[keyof HostMethods, unknown]> = [
      ['rows', { start: -1, end: 5 }],
      ['rows', { start: 0, end: MAX_ROWS_PER_REQUEST + 1 }],
      ['rows', { start: 10, end: 5 }],
      ['rows', { start: '0', end: 5 }],
      ['details', { seq: 1.5 }],
      ['details', null],
      ['details', [1]],
      ['revealHeader', { seq: 1, index: -1 }],
      ['copy', { seq: 1, as: 'html' }],
      ['send', { mode: 'text', text: 42, encoding: 'hex' }],
      ['send', { mode: 'eval', text: 'x', encoding: 'hex' }],
      ['close', { code: '1000', reason: '' }],
      ['close', { code: 1000, reason: 'x'.repeat(1001) }],
      ['setFilter', { filter: { ...NO_FILTER, text: 42 } }],
      ['setFilter', { filter: { ...NO_FILTER, kinds: ['text', 'everything'] } }],
      ['setFilter', { filter: { ...NO_FILTER, regex: 'yes' } }],
    ];
    for (const [method, params] of bad) {
      const reply = await answerViewRequest('panel', request(method, params), handlers);
      assert.equal(reply.ok, false, `${method} ${JSON.stringify(params)?.slice(0, 80)}`);
      assert.match(reply.ok ? '' : reply.error, new RegExp(`^The request "${method}" was refused: `));
    }
    assert.deepEqual(calls, []);
  });

  it('pass on exactly the parameters a method takes', () => {
    assert.deepEqual(checkHostParams('rows', { start: 5, end: 10, extra: 'dropped' }), { start: 5, end: 10 });
    assert.deepEqual(checkHostParams('setFilter', { filter: { ...NO_FILTER, kinds: ['text'], extra: 1 } }), { filter: { ...NO_FILTER, kinds: ['text'] } });
  });
});
