/**
 * Fault injection between the engine and a real server: the bytes arrive one at a time, in random
 * chunks, with a stall mid-frame, or the connection is reset mid-message. Either the messages seen
 * equal the messages sent, in order, each with its frames, or the session ends with the right error.
 */
import * as assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { WebSocketSession } from '../../../src/core/session';
import { startFaultProxy, type FaultMode, type FaultProxy } from '../../fixtures/faultProxy';
import { allEvents, describeEvents, waitForClosed, waitForEvent } from '../../fixtures/sessionWaits';

/** What the server sends on connect: text and binary of several sizes, a fragmented message, a ping in between, then a close. */
const SCRIPT: Array<{ data: string | Buffer; fin?: boolean } | 'ping'> = [
  { data: 'first' },
  { data: Buffer.from([0, 1, 2, 3, 255]) },
  { data: 'x'.repeat(300) },
  { data: 'frag A ', fin: false },
  'ping',
  { data: 'frag B', fin: true },
  { data: Buffer.alloc(70_000, 7) },
  { data: 'héllo ✓' },
];
const EXPECTED = ['text:first', 'binary:5', `text:${'x'.repeat(300)}`, 'ping:mid', 'text:frag A frag B', 'binary:70000', 'text:héllo ✓'];

describe('faults between the engine and the server', function () {
  this.timeout(20_000);
  let server: WebSocketServer;
  let target: { host: string; port: number };
  const cleanups: Array<() => unknown> = [];

  before(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: { threshold: 0 } });
    await new Promise((r) => server.once('listening', r));
    target = { host: '127.0.0.1', port: (server.address() as AddressInfo).port };
    server.on('connection', (ws) => {
      for (const step of SCRIPT) {
        if (step === 'ping') ws.ping('mid');
        else ws.send(step.data, { fin: step.fin ?? true, binary: Buffer.isBuffer(step.data) });
      }
      ws.close(4000, 'script done');
    });
  });
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  after(() => server.close());

  const run = async (mode: FaultMode, perMessageDeflate: boolean): Promise<{ session: WebSocketSession; proxy: FaultProxy }> => {
    const proxy = await startFaultProxy(target, mode);
    const session = new WebSocketSession({ url: proxy.url(), perMessageDeflate, proxy: { env: {} } });
    cleanups.push(() => session.dispose(), () => proxy.close());
    session.connect();
    await waitForClosed(session, 15_000);
    return { session, proxy };
  };

  const received = (session: WebSocketSession): string[] =>
    allEvents(session)
      .filter((e) => e.direction === 'received' && ['text', 'binary', 'ping'].includes(e.kind))
      .map((e) => `${e.kind}:${e.kind === 'binary' ? e.size : e.payload?.toString()}`);

  for (const perMessageDeflate of [false, true]) {
    const label = perMessageDeflate ? 'compressed' : 'uncompressed';
    for (const mode of [{ kind: 'bytewise' }, { kind: 'random-chunks', seed: 7, maxChunk: 50 }, { kind: 'stall', afterBytes: 300, ms: 300 }] as const) {
      it(`${mode.kind}, ${label}: every message arrives, in order, with its frames, and the close is clean`, async () => {
        const { session } = await run(mode, perMessageDeflate);
        assert.deepEqual(received(session), EXPECTED, describeEvents(session));
        const messages = allEvents(session).filter((e) => e.direction === 'received' && (e.kind === 'text' || e.kind === 'binary'));
        assert.ok(messages.every((e) => e.wire && e.wire.frameCount >= 1), 'every message has its frames');
        assert.equal(messages.find((e) => e.payload?.toString() === 'frag A frag B')?.wire?.frameCount, 2);
        assert.equal(messages.every((e) => e.wire?.compressed === perMessageDeflate), true);
        const close = allEvents(session).find((e) => e.kind === 'close' && e.direction === 'local');
        assert.equal(close?.close?.code, 4000);
        assert.equal(allEvents(session).filter((e) => e.kind === 'error').length, 0, describeEvents(session));
      });
    }
  }

  it('a reset mid-message ends the session with 1006 and ECONNRESET, keeping what arrived before', async () => {
    const { session } = await run({ kind: 'reset', afterBytes: 400 }, false);
    const close = allEvents(session).find((e) => e.kind === 'close' && e.direction === 'local');
    assert.equal(close?.close?.code, 1006, describeEvents(session));
    assert.match(close?.close?.cause ?? '', /ECONNRESET/);
    const got = received(session);
    assert.deepEqual(got, EXPECTED.slice(0, got.length), 'what arrived is a prefix of what was sent, in order');
    assert.ok(got.length >= 1 && got.length < EXPECTED.length, `a prefix: ${got.join(', ')}`);
  });

  it('a stalled server is waited for, not dropped', async () => {
    const { session } = await run({ kind: 'stall', afterBytes: 2, ms: 800 }, false);
    await waitForEvent(session, (e) => e.kind === 'close' && e.direction === 'local');
    assert.deepEqual(received(session), EXPECTED);
  });
});
