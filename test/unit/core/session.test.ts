import * as assert from 'node:assert/strict';
import { SessionError, WebSocketSession } from '../../../src/core/session';
import { startDemoServer, type DemoServer } from '../../../scripts/demoServer';
import { startPythonPeer, type PythonPeer } from '../../fixtures/pythonPeer';
import { describeEvents, waitForEvent } from '../../fixtures/sessionWaits';

describe('WebSocketSession', () => {
  let demo: DemoServer;
  const sessions: WebSocketSession[] = [];
  const open = (url: string): WebSocketSession => {
    const session = new WebSocketSession({ url });
    sessions.push(session);
    session.connect();
    return session;
  };

  before(async () => {
    demo = await startDemoServer({ closeAfterMs: 200 });
  });
  afterEach(() => {
    for (const s of sessions.splice(0)) s.dispose();
  });
  after(async () => {
    await demo.close();
  });

  it('refuses a URL that is not ws:// or wss:// before connecting', () => {
    assert.throws(() => new WebSocketSession({ url: 'http://127.0.0.1/' }), (err: Error) => err instanceof SessionError && /ws:\/\/ or wss:\/\//.test(err.message));
  });

  it('records open, the sent text and its echo in order', async () => {
    const session = open(demo.url('echo'));
    await waitForEvent(session, (e) => e.kind === 'open');
    assert.equal(session.state, 'open');
    assert.equal(session.sendText('héllo'), 6);
    const echo = await waitForEvent(session, (e) => e.kind === 'text' && e.direction === 'received');
    assert.equal(echo.payload?.toString('utf8'), 'héllo');
    const kinds = session.store.readRange(0, session.store.length).map((e) => `${e.direction}:${e.kind}`);
    assert.deepEqual(kinds, ['local:info', 'local:open', 'sent:text', 'received:text'], describeEvents(session));
    const times = session.store.readRange(0, session.store.length).map((e) => e.monoUs);
    assert.deepEqual([...times].sort((a, b) => a - b), times, 'monotonic timestamps never go back');
  });

  it('records binary frames as binary', async () => {
    const session = open(demo.url('binary'));
    const frame = await waitForEvent(session, (e) => e.kind === 'binary');
    assert.equal(frame.payload?.length, 16);
    assert.equal(frame.payload?.readUInt32BE(0), 0);
  });

  it('records the server\'s ping and the automatic pong', async () => {
    const session = open(demo.url('ping'));
    const ping = await waitForEvent(session, (e) => e.kind === 'ping' && e.direction === 'received', 3000);
    assert.equal(ping.payload?.toString(), 'ping 0');
    const pong = session.store.get(ping.seq + 1);
    assert.equal(pong?.kind, 'pong');
    assert.equal(pong?.direction, 'sent');
    assert.equal(pong?.payload?.toString(), 'ping 0');
  });

  it('records the server\'s close code and reason', async () => {
    const session = open(demo.url('close'));
    const close = await waitForEvent(session, (e) => e.kind === 'close');
    assert.deepEqual(close.close, { code: 4000, reason: 'demo: closing after 5 seconds' });
    assert.equal(session.state, 'closed');
  });

  it('records a refused upgrade with its status and body, and ends closed', async () => {
    const session = open(demo.url('reject'));
    const response = await waitForEvent(session, (e) => e.kind === 'handshake-response');
    assert.match(response.message ?? '', /^HTTP 401 Unauthorized/);
    assert.match(response.payload?.toString() ?? '', /"error":"unauthorized"/);
    await waitForEvent(session, (e) => e.kind === 'close');
    const errors = session.store.readRange(0, session.store.length).filter((e) => e.kind === 'error');
    assert.equal(errors.length, 1, describeEvents(session));
    assert.match(errors[0].message ?? '', /refused the WebSocket upgrade with HTTP 401/);
    assert.equal(session.state, 'closed');
  });

  it('records a refused connection as an error with its cause', async () => {
    const server = await startDemoServer();
    const url = server.url('echo');
    await server.close();
    const session = open(url);
    const error = await waitForEvent(session, (e) => e.kind === 'error');
    assert.match(error.message ?? '', /ECONNREFUSED/);
    const close = await waitForEvent(session, (e) => e.kind === 'close');
    assert.equal(close.close?.code, 1006);
  });

  it('refuses to send before the connection is open, saying why', () => {
    const session = open(demo.url('echo'));
    assert.throws(() => session.sendText('too early'), /Cannot send a message: the connection is connecting/);
  });

  it('closes with 1001 when disposed', async () => {
    const session = open(demo.url('echo'));
    await waitForEvent(session, (e) => e.kind === 'open');
    session.dispose();
    const close = await waitForEvent(session, (e) => e.kind === 'close');
    assert.equal(close.close?.code, 1001);
  });

  describe('against a Python peer (python3-websockets)', () => {
    let peer: PythonPeer;
    before(async function () {
      this.timeout(15_000);
      peer = await startPythonPeer();
    });
    after(async () => {
      await peer?.stop();
    });

    it('echoes text', async () => {
      const session = open(peer.url('/echo'));
      await waitForEvent(session, (e) => e.kind === 'open');
      session.sendText('from node to python');
      const echo = await waitForEvent(session, (e) => e.kind === 'text' && e.direction === 'received');
      assert.equal(echo.payload?.toString(), 'from node to python');
    });

    it('reassembles a fragmented message and records binary and ping', async () => {
      const session = open(peer.url('/fragments'));
      await waitForEvent(session, (e) => e.kind === 'ping' && e.direction === 'received');
      const received = session.store.readRange(0, session.store.length).filter((e) => e.direction === 'received');
      assert.deepEqual(
        received.map((e) => [e.kind, e.kind === 'binary' ? [...(e.payload ?? [])] : e.payload?.toString()]),
        [
          ['text', 'frag-one frag-two frag-three'],
          ['binary', [0, 1, 2, 254, 255]],
          ['ping', 'py-ping'],
        ],
        describeEvents(session),
      );
    });

    it('records the peer\'s close code and reason', async () => {
      const session = open(peer.url('/close'));
      const close = await waitForEvent(session, (e) => e.kind === 'close');
      assert.deepEqual(close.close, { code: 4000, reason: 'python says bye' });
    });
  });
});
