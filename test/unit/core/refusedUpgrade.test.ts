/** A refused upgrade's body: read up to its limit and no further, from real servers on 127.0.0.1. */
import * as assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import * as net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { describeRefusedBody, readRefusedBody, REFUSED_BODY_LIMIT } from '../../../src/core/refusedUpgrade';
import { WebSocketSession } from '../../../src/core/session';
import { allEvents, describeEvents, waitForClosed } from '../../fixtures/sessionWaits';

/** A server that answers anything with `head` and then writes 16 KiB chunks for as long as the client reads; `closed` settles with the bytes written. */
async function startEndlessServer(head: string): Promise<{ port: number; closed: Promise<number>; close(): Promise<void> }> {
  let resolveClosed: (written: number) => void = () => undefined;
  const closed = new Promise<number>((resolve) => (resolveClosed = resolve));
  const sockets = new Set<Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    let written = 0;
    socket.on('close', () => {
      sockets.delete(socket);
      resolveClosed(written);
    });
    socket.once('data', () => {
      socket.write(head);
      const chunk = Buffer.alloc(16 * 1024, 'x');
      const pump = (): void => {
        while (!socket.destroyed && socket.write(chunk)) written += chunk.length;
        if (!socket.destroyed) socket.once('drain', pump);
      };
      pump();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    closed,
    close: () => new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}

describe('refusedUpgrade', function () {
  this.timeout(10_000);
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('stops reading an endless body at the limit and says it is cut', async () => {
    const server = await startEndlessServer('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n');
    cleanups.push(() => server.close());
    const response = await new Promise<IncomingMessage>((resolve, reject) => request({ host: '127.0.0.1', port: server.port }, resolve).on('error', reject).end());
    const body = await readRefusedBody(response, 1000);
    assert.equal(body.end, 'cut');
    assert.equal(body.bytes.length, 1000);
    assert.match(describeRefusedBody(body, 1000), /cut at 1000 bytes: the rest was not read/);
    // The connection is let go: the server sees it close.
    assert.ok((await server.closed) >= 0);
  });

  it('keeps a body that ends within the limit whole', async () => {
    const server = net.createServer((socket) => socket.once('data', () => socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 5\r\n\r\nnope!')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
    const response = await new Promise<IncomingMessage>((resolve, reject) => request({ host: '127.0.0.1', port: (server.address() as AddressInfo).port }, resolve).on('error', reject).end());
    const body = await readRefusedBody(response);
    assert.deepEqual(body, { bytes: Buffer.from('nope!'), end: 'complete' });
    assert.equal(describeRefusedBody(body), '');
  });

  it('a session refused with an endless body logs its first bytes and drops the connection', async () => {
    const server = await startEndlessServer('HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n\r\n');
    cleanups.push(() => server.close());
    const session = new WebSocketSession({ url: `ws://127.0.0.1:${server.port}/`, proxy: { env: {} }, handshakeTimeoutMs: 60_000 });
    cleanups.push(() => session.dispose(100));
    session.connect();
    await waitForClosed(session);
    const refusal = allEvents(session).find((e) => e.kind === 'error');
    assert.match(refusal?.message ?? '', new RegExp(`refused the WebSocket upgrade with HTTP 403 Forbidden \\(the body is cut at ${REFUSED_BODY_LIMIT} bytes: the rest was not read, and the connection was dropped\\)`), describeEvents(session));
    assert.equal(refusal?.payload?.length, REFUSED_BODY_LIMIT);
    const written = await server.closed;
    assert.ok(written < 64 * 1024 * 1024, `the server could write ${written} bytes`);
  });
});
