/** Reconnect bounds: the delay before each attempt, and a session reconnecting to a server that drops every connection. */
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { clampReconnect, MAX_RECONNECT_ATTEMPTS, MIN_RECONNECT_DELAY_MS, reconnectDelayMs } from '../../../src/core/reconnectPolicy';
import { WebSocketSession } from '../../../src/core/session';
import { allEvents, describeEvents, waitForEvent } from '../../fixtures/sessionWaits';

describe('reconnectPolicy', () => {
  it('clamps what a profile asks for to the bounds', () => {
    assert.deepEqual(clampReconnect({ enabled: true, maxAttempts: 1e9, initialDelayMs: 0, maxDelayMs: 0 }), { enabled: true, maxAttempts: MAX_RECONNECT_ATTEMPTS, initialDelayMs: MIN_RECONNECT_DELAY_MS, maxDelayMs: MIN_RECONNECT_DELAY_MS });
    assert.deepEqual(clampReconnect({ maxAttempts: 0, initialDelayMs: 5000, maxDelayMs: 1000 }), { maxAttempts: 1, initialDelayMs: 5000, maxDelayMs: 5000 });
    assert.deepEqual(clampReconnect({ maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 30_000 }), { maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 30_000 });
  });

  it('backs off exponentially with jitter, between half the ceiling and the ceiling, never under the floor', () => {
    const options = { maxAttempts: 10, initialDelayMs: 1000, maxDelayMs: 5000 };
    assert.equal(reconnectDelayMs(options, 1, 0), 500);
    assert.equal(reconnectDelayMs(options, 1, 0.999_999), 1000);
    assert.equal(reconnectDelayMs(options, 3, 0.999_999), 4000);
    assert.equal(reconnectDelayMs(options, 10, 0.999_999), 5000);
    for (const random of [0, 0.5, 0.999]) assert.equal(reconnectDelayMs({ maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 }, 1, random), MIN_RECONNECT_DELAY_MS);
  });
});

describe('reconnecting to a server that drops every connection', function () {
  this.timeout(10_000);
  let server: net.Server;
  let connections = 0;
  const sockets = new Set<Socket>();
  before(async () => {
    server = net.createServer((socket) => {
      connections++;
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  after(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('waits at least the floor before each attempt and counts at most the cap, whatever it is told', async () => {
    const session = new WebSocketSession({
      url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`,
      proxy: { env: {} },
      // What a hostile profile could ask for: no wait at all, and a million attempts.
      reconnect: { enabled: true, maxAttempts: 1_000_000, initialDelayMs: 0, maxDelayMs: 0 },
    });
    try {
      session.connect();
      const attempts = 5;
      const closes = (): number => allEvents(session).filter((e) => e.kind === 'close' && e.direction === 'local').length;
      await waitForEvent(session, () => closes() >= attempts);
      session.close();
      const connecting = allEvents(session).filter((e) => e.kind === 'info' && /^Connecting to /.test(e.message ?? ''));
      assert.equal(connecting.length, attempts, describeEvents(session));
      assert.equal(connections, attempts, 'one connection per attempt, no more');
      const waits = allEvents(session).filter((e) => e.kind === 'reconnect').map((e) => /^Reconnecting in (\d+) ms \(attempt (\d+) of (\d+)\)$/.exec(e.message ?? ''));
      assert.equal(waits.length, attempts, describeEvents(session));
      waits.forEach((match, i) => {
        assert.ok(match, describeEvents(session));
        assert.ok(Number(match[1]) >= MIN_RECONNECT_DELAY_MS, match[0]);
        assert.equal(Number(match[2]), i + 1);
        assert.equal(Number(match[3]), MAX_RECONNECT_ATTEMPTS);
      });
    } finally {
      await session.dispose(100);
    }
  });
});
