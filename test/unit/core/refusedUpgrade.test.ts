/** A refused upgrade's body: read up to its limit and no further, from real servers on 127.0.0.1. */
import * as assert from 'node:assert/strict';
import { request, type IncomingMessage } from 'node:http';
import * as net from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { describeRefusedBody, readRefusedBody, REFUSED_BODY_LIMIT, REFUSED_BODY_PREVIEW_CHARS, refusedBodyFor } from '../../../src/core/refusedUpgrade';
import type { SecretValue } from '../../../src/core/secretMask';
import { WebSocketServer } from 'ws';
import { WebSocketSession } from '../../../src/core/session';
import { allEvents, describeEvents, waitForClosed, waitForEvent } from '../../fixtures/sessionWaits';

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
    assert.match(refusal?.message ?? '', new RegExp(`refused the WebSocket upgrade with HTTP 403 Forbidden: x{${REFUSED_BODY_PREVIEW_CHARS}}\u2026 \\(the body is cut at ${REFUSED_BODY_LIMIT} bytes: the rest was not read, and the connection was dropped\\)`), describeEvents(session));
    assert.equal(refusal?.payload?.length, REFUSED_BODY_LIMIT);
    const written = await server.closed;
    assert.ok(written < 64 * 1024 * 1024, `the server could write ${written} bytes`);
  });

  describe('the body of a refusal, in its message and in the response details', () => {
    /** A real HTTP server on 127.0.0.1 that answers every upgrade with 403 and `body`. */
    async function refuseWith(body: Buffer, contentType = 'text/plain'): Promise<string> {
      const server = createHttpServer();
      server.on('upgrade', (_req: IncomingMessage, socket: Socket) => {
        socket.on('error', () => undefined);
        socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 403 Forbidden\r\nContent-Type: ${contentType}\r\nContent-Length: ${body.length}\r\n\r\n`), body]));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    }

    async function refused(body: Buffer, secrets: SecretValue[] = []): Promise<{ message: string; details: ReturnType<typeof refusedBodyFor> }> {
      const session = new WebSocketSession({ url: await refuseWith(body), proxy: { env: {} }, secrets });
      cleanups.push(() => session.dispose(100));
      session.connect();
      await waitForClosed(session);
      const events = allEvents(session);
      const response = events.find((e) => e.kind === 'handshake-response');
      assert.ok(response, describeEvents(session));
      const message = events.find((e) => e.kind === 'error')?.message ?? '';
      return { message, details: refusedBodyFor((seq) => session.store.get(seq), response.seq, (text) => session.mask.redact(text)) };
    }

    it('quotes a short text body on the error row and gives it whole to the response details', async () => {
      const { message, details } = await refused(Buffer.from('token missing\n'));
      assert.equal(message, 'The server refused the WebSocket upgrade with HTTP 403 Forbidden: token missing');
      assert.deepEqual(details, { bytes: 14, text: 'token missing\n' });
    });

    it('shows control characters as row previews do, and masks a secret in both places', async () => {
      const body = '{"error": "bad token s3cret-value",\n\t"retry": false}';
      const { message, details } = await refused(Buffer.from(body), [{ value: 's3cret-value', placeholder: '${secret:token}' }]);
      assert.equal(message, 'The server refused the WebSocket upgrade with HTTP 403 Forbidden: {"error": "bad token ${secret:token}",\u21b5\u2409"retry": false}');
      assert.deepEqual(details, { bytes: body.length, text: body.replace('s3cret-value', '${secret:token}') });
    });

    it('bounds the preview of a long body, and never leaves part of a secret at the cut', async () => {
      const secret = 'abcdefghijklmnopqrstuvwxyz0123456789';
      const body = `${'y'.repeat(REFUSED_BODY_PREVIEW_CHARS - 10)}${secret}${'z'.repeat(5000)}`;
      const { message, details } = await refused(Buffer.from(body), [{ value: secret, placeholder: '${secret:long}' }]);
      const preview = message.slice(message.indexOf(': ') + 2);
      assert.equal(preview, `${'y'.repeat(REFUSED_BODY_PREVIEW_CHARS - 10)}\${secret:l\u2026`);
      assert.ok(!message.includes('abcdefghij'));
      assert.equal(details?.text, body.replace(secret, '${secret:long}'));
    });

    it('counts a body that is not text and gives its bytes as hex; bytes holding a secret are shown masked, never raw', async () => {
      const bytes = Buffer.from([0x00, 0xff, 0x10, 0x41]);
      const plain = await refused(bytes);
      assert.equal(plain.message, 'The server refused the WebSocket upgrade with HTTP 403 Forbidden: a body of 4 bytes that is not printable text');
      assert.deepEqual(plain.details, { bytes: 4, base64: bytes.toString('base64') });
      const withSecret = await refused(Buffer.concat([bytes, Buffer.from('s3cret-value')]), [{ value: 's3cret-value', placeholder: '${secret:token}' }]);
      assert.deepEqual(withSecret.details, { bytes: 16, text: '\u0000\ufffd\u0010A${secret:token}', notText: true });
    });

    it('gives no body to a response that opened the connection', async () => {
      const server = createHttpServer();
      const wss = new WebSocketServer({ server });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate();
        server.close(() => resolve());
      }));
      const session = new WebSocketSession({ url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, proxy: { env: {} } });
      cleanups.push(() => session.dispose(100));
      session.connect();
      await waitForEvent(session, (e) => e.kind === 'open');
      const response = allEvents(session).find((e) => e.kind === 'handshake-response')!;
      assert.equal(refusedBodyFor((seq) => session.store.get(seq), response.seq, (text) => text), undefined);
    });
  });
});
