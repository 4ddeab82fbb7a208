import * as assert from 'node:assert/strict';
import { ReadBudget } from '../../../src/core/readBudget';
import { WebSocketSession } from '../../../src/core/session';
import { startPythonPeer, type PythonPeer } from '../../fixtures/pythonPeer';
import { allEvents, waitForClosed, waitForEvent } from '../../fixtures/sessionWaits';

/** What one read of a socket brings at most (Node reads 64 KiB at a time). */
const CHUNK_BYTES = 64 * 1024;
const MESSAGES = 30_000;
const SIZE = 200;
/** Bytes on the wire per message: a 2-byte header (126 bytes and over: 4). */
const WIRE_BYTES = SIZE + 4;

/**
 * A session receives a backlog the Python peer built up while this thread was busy, and this
 * counts how many messages each turn of the event loop decoded (between two setImmediate
 * callbacks), until all have arrived.
 */
async function messagesPerTurn(peer: PythonPeer, readBudget: ReadBudget): Promise<{ perTurn: number[]; session: WebSocketSession }> {
  const session = new WebSocketSession({ url: peer.url('/burst', 'plain'), perMessageDeflate: false, readBudget });
  session.connect();
  await waitForEvent(session, (e) => e.kind === 'open');
  session.sendText(`${MESSAGES} ${SIZE}`);
  // Nothing but the burst comes after the message just sent.
  const before = session.store.length;
  const received = (): number => session.store.length - before;
  // Busy, as a garbage collection or a starved process would be, while the peer fills the socket's buffers.
  for (const until = Date.now() + 600; Date.now() < until; );
  const perTurn: number[] = [];
  let last = received();
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const tick = (): void => {
      perTurn.push(received() - last);
      last = received();
      if (last >= MESSAGES) resolve();
      else if (Date.now() > deadline) reject(new Error(`only ${last} of ${MESSAGES} messages arrived`));
      else setImmediate(tick);
    };
    setImmediate(tick);
  });
  return { perTurn, session };
}

describe('ReadBudget (the bound on received bytes decoded per turn of the event loop)', function () {
  this.timeout(60_000);
  let peer: PythonPeer;
  const sessions: WebSocketSession[] = [];

  before(async () => {
    peer = await startPythonPeer();
  });
  after(async () => {
    for (const session of sessions) session.close(1000, '');
    await Promise.all(sessions.map((s) => waitForClosed(s).catch(() => undefined)));
    await peer.stop();
  });

  it('lets a turn decode a chunk or two of a backlog, not all of it, and every message still arrives once, in order', async () => {
    const { perTurn, session } = await messagesPerTurn(peer, new ReadBudget(0));
    sessions.push(session);
    // With the budget spent at once: the chunk that started the turn, the one in hand when the socket
    // was paused, and the one Node had already read into the stream's buffer.
    const bound = Math.ceil((3 * CHUNK_BYTES) / WIRE_BYTES);
    const most = Math.max(...perTurn);
    assert.ok(most <= bound, `one turn decoded ${most} messages (${Math.round((most * WIRE_BYTES) / 1024)} KiB), more than ${bound}; per turn: ${perTurn.join(' ')}`);
    const indexes = allEvents(session).filter((e) => e.kind === 'binary' && e.direction === 'received').map((e) => Number(e.payload!.subarray(0, 8).toString('latin1')));
    assert.equal(indexes.length, MESSAGES);
    assert.ok(indexes.every((index, i) => index === i), 'messages out of order or repeated');
  });

  it('(the control) without a budget, one turn decodes far more of the same backlog', async () => {
    const { perTurn, session } = await messagesPerTurn(peer, new ReadBudget(Number.POSITIVE_INFINITY));
    sessions.push(session);
    const bound = Math.ceil((3 * CHUNK_BYTES) / WIRE_BYTES);
    assert.ok(Math.max(...perTurn) > bound, `no turn decoded more than ${bound} messages: the backlog was too small to show the budget at work; per turn: ${perTurn.join(' ')}`);
  });
});
