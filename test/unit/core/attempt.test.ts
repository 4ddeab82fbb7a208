/**
 * One connection attempt's deadline: handshakeTimeoutMs counts from the start of the attempt,
 * whatever the server does to look alive, against real servers on 127.0.0.1.
 */
import * as assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import * as net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketSession, type SessionOptions } from '../../../src/core/session';
import { allEvents, describeEvents, waitForClosed } from '../../fixtures/sessionWaits';

describe('Attempt: the handshake deadline', function () {
  this.timeout(10_000);
  const sessions: WebSocketSession[] = [];
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.dispose(100)));
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  const open = (options: SessionOptions): WebSocketSession => {
    const session = new WebSocketSession({ proxy: { env: {} }, ...options });
    sessions.push(session);
    session.connect();
    return session;
  };
  /** Listens on 127.0.0.1; every socket it accepted is destroyed when the test ends. */
  const listen = async (server: net.Server): Promise<number> => {
    const sockets = new Set<Socket>();
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }));
    return (server.address() as AddressInfo).port;
  };

  it('drops a server that trickles its response head a byte every 50 ms, at handshakeTimeoutMs', async () => {
    const timers = new Set<NodeJS.Timeout>();
    cleanups.push(async () => timers.forEach(clearInterval));
    const port = await listen(net.createServer((socket) => {
      socket.once('data', () => {
        // A head that never ends: each byte comes well within any idle timeout.
        const head = Buffer.from(`HTTP/1.1 101 Switching Protocols\r\nX-Slow: ${'a'.repeat(100_000)}`);
        let at = 0;
        const timer = setInterval(() => {
          if (socket.destroyed || at >= head.length) return clearInterval(timer);
          socket.write(head.subarray(at, ++at));
        }, 50);
        timers.add(timer);
      });
    }));
    const session = open({ url: `ws://127.0.0.1:${port}/`, handshakeTimeoutMs: 300 });
    const closed = await waitForClosed(session);
    assert.equal(closed.close?.cause, 'handshake timeout', describeEvents(session));
    const errors = allEvents(session).filter((e) => e.kind === 'error').map((e) => e.message ?? '');
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /did not complete the opening handshake in time: no 101 answer within 300 ms of the attempt's start \("handshakeTimeoutMs" counts connecting, the proxy, TLS, the request and every redirect\)/);
  });

  it('counts every redirect hop against the same deadline', async () => {
    // Each answer is a same-origin redirect that takes 120 ms: quick enough for any per-hop timeout.
    const server = createHttpServer();
    const seen: string[] = [];
    server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
      seen.push(req.url ?? '');
      const timer = setTimeout(() => socket.end(`HTTP/1.1 302 Found\r\nLocation: /hop${seen.length}\r\nContent-Length: 0\r\n\r\n`), 120);
      socket.on('close', () => clearTimeout(timer));
    });
    const port = await listen(server);
    const session = open({ url: `ws://127.0.0.1:${port}/`, handshakeTimeoutMs: 400, followRedirects: 'sameOrigin' });
    const closed = await waitForClosed(session);
    assert.equal(closed.close?.cause, 'handshake timeout', describeEvents(session));
    assert.ok(seen.length < 10, `followed ${seen.length} hops`);
  });
});
