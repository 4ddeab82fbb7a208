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
 * Sessions receive a backlog the Python peer built up while this thread was busy, and this counts
 * how many messages each turn of the event loop decoded over all of them (between two
 * setImmediate callbacks), until every message has arrived.
 */
async function messagesPerTurn(peer: PythonPeer, readBudget: ReadBudget, sessionCount = 1): Promise<{ perTurn: number[]; sessions: WebSocketSession[] }> {
  const sessions = Array.from({ length: sessionCount }, () => new WebSocketSession({ url: peer.url('/burst', 'plain'), perMessageDeflate: false, readBudget }));
  for (const session of sessions) session.connect();
  await Promise.all(sessions.map((session) => waitForEvent(session, (e) => e.kind === 'open')));
  for (const session of sessions) session.sendText(`${MESSAGES} ${SIZE}`);
  // Nothing but the burst comes after the message just sent.
  const before = sessions.map((session) => session.store.length);
  const received = (): number => sessions.reduce((sum, session, i) => sum + session.store.length - before[i], 0);
  const total = MESSAGES * sessionCount;
  // Busy, as a garbage collection or a starved process would be, while the peer fills the sockets' buffers.
  for (const until = Date.now() + 600; Date.now() < until; );
  const perTurn: number[] = [];
  let last = received();
  await new Promise<void>((resolve, reject) => {
    const deadline = Date.now() + 30_000;
    const tick = (): void => {
      perTurn.push(received() - last);
      last = received();
      if (last >= total) resolve();
      else if (Date.now() > deadline) reject(new Error(`only ${last} of ${total} messages arrived`));
      else setImmediate(tick);
    };
    setImmediate(tick);
  });
  return { perTurn, sessions };
}

function assertInOrder(session: WebSocketSession): void {
  const indexes = allEvents(session).filter((e) => e.kind === 'binary' && e.direction === 'received').map((e) => Number(e.payload!.subarray(0, 8).toString('latin1')));
  assert.equal(indexes.length, MESSAGES);
  assert.ok(indexes.every((index, i) => index === i), 'messages out of order or repeated');
}

const chunks = (n: number): number => Math.ceil((n * CHUNK_BYTES) / WIRE_BYTES);

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
    const { perTurn, sessions: [session] } = await messagesPerTurn(peer, new ReadBudget(0));
    sessions.push(session);
    // With the budget spent at once: the chunk that started the turn, the one in hand when the socket
    // was paused, and the one Node had already read into the stream's buffer.
    const most = Math.max(...perTurn);
    assert.ok(most <= chunks(3), `one turn decoded ${most} messages (${Math.round((most * WIRE_BYTES) / 1024)} KiB), more than ${chunks(3)}; first turns: ${perTurn.slice(0, 40).join(' ')}`);
    assertInOrder(session);
  });

  it('with six sessions backlogged, pauses them all once the budget is spent and resumes two per turn', async () => {
    const { perTurn, sessions: six } = await messagesPerTurn(peer, new ReadBudget(0), 6);
    sessions.push(...six);
    // While the backlog lasts, a turn decodes the two resumed sockets' buffered chunks and the chunk
    // each reads before it is paused again: about 2 chunks, where pausing only the socket that
    // delivered let every socket bring one or two (6-12 chunks). The median, because the machine
    // may hold the thread up for a turn.
    const backlog = perTurn.slice(2, 42).sort((a, b) => a - b);
    const median = backlog[Math.floor(backlog.length / 2)];
    assert.ok(median <= chunks(4), `the median turn decoded ${median} messages over six sessions, more than ${chunks(4)}; first turns: ${perTurn.slice(0, 40).join(' ')}`);
    for (const session of six) assertInOrder(session);
  });

  it('lets go of every socket once the traffic stops (a socket holds its session and its whole log)', async () => {
    const budget = new ReadBudget(0);
    const { sessions: two } = await messagesPerTurn(peer, budget, 2);
    sessions.push(...two);
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    assert.equal(budget.socketsHeld, 0, 'the budget still refers to sockets after the traffic stopped');
  });

  it('(the control) without a budget, one turn decodes far more of the same backlog', async () => {
    const { perTurn, sessions: [session] } = await messagesPerTurn(peer, new ReadBudget(Number.POSITIVE_INFINITY));
    sessions.push(session);
    assert.ok(Math.max(...perTurn) > chunks(3), `no turn decoded more than ${chunks(3)} messages: the backlog was too small to show the budget at work; first turns: ${perTurn.slice(0, 40).join(' ')}`);
  });
});
