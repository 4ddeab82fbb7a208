/**
 * Proxy choice and the CONNECT tunnel against real loopback proxies: what a person is told when a
 * proxy setting is wrong or the proxy says no (never with the password in it), and that bytes the
 * proxy sends after its 200 reach whoever reads the tunnel.
 */
import * as assert from 'node:assert/strict';
import type { AddressInfo, Server, Socket } from 'node:net';
import * as net from 'node:net';
import { chooseProxy, connectThroughProxy, displayProxy, ProxyError } from '../../../src/core/proxy';
import { connectionFactory } from '../../../src/core/socketTap';
import { displayUrlText } from '../../../src/core/urlCredentials';
import { startConnectProxy } from '../../fixtures/connectProxy';

const endpoint = new URL('ws://service.test:8080/chat');
const PASSWORD = 's3cret-Pa55';

/** Runs `fn` and returns the ProxyError it throws or rejects with. */
async function proxyError(fn: () => unknown): Promise<ProxyError> {
  try {
    await fn();
  } catch (error) {
    assert.ok(error instanceof ProxyError, `expected a ProxyError, got ${String(error)}`);
    return error;
  }
  assert.fail('expected a ProxyError');
}

/** A TCP server on 127.0.0.1 that plays the proxy's side by hand. */
async function startRawProxy(onConnection: (socket: Socket) => void): Promise<{ url: (userInfo?: string) => URL; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onConnection(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (userInfo = '') => new URL(`http://${userInfo}127.0.0.1:${port}`),
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Reads from a socket until `length` bytes have come. */
function readBytes(socket: Socket, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length >= length) resolve(got);
    });
    socket.once('close', () => reject(new Error(`closed after ${JSON.stringify(got.toString('latin1'))}`)));
  });
}

describe('proxy', () => {
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  describe('showing a proxy', () => {
    it('hides the password, and a user name that stands alone (a token), keeping the host and port', () => {
      assert.equal(displayProxy(new URL('http://alice:s3cret@proxy.test:3128')), 'http://alice:•••@proxy.test:3128');
      assert.equal(displayProxy(new URL('http://TOKEN123@proxy.test:3128')), 'http://•••@proxy.test:3128');
      assert.equal(displayProxy(new URL('http://:s3cret@proxy.test')), 'http://•••:•••@proxy.test');
      assert.equal(displayProxy(new URL('http://proxy.test:3128')), 'http://proxy.test:3128');
    });

    it('hides credentials in text that does not parse, taking everything up to the last "@" as user info', () => {
      assert.equal(displayUrlText('http://alice:p@ss/w0rd@proxy.test:3128'), 'http://alice:•••@proxy.test:3128');
      assert.equal(displayUrlText('alice:s3cret@proxy.test:99999'), 'alice:•••@proxy.test:99999');
      assert.equal(displayUrlText('socks5://TOKEN@proxy.test'), 'socks5://•••@proxy.test');
      assert.equal(displayUrlText('proxy.test:3128'), 'proxy.test:3128');
    });
  });

  describe('a proxy setting that cannot be used', () => {
    const sources = [
      { name: 'the profile', sources: (text: string) => ({ profile: text }), says: /the profile's "proxy"/ },
      { name: 'the http.proxy setting', sources: (text: string) => ({ editor: text }), says: /the http\.proxy setting/ },
      { name: 'HTTP_PROXY', sources: (text: string) => ({ env: { HTTP_PROXY: text } }), says: /the HTTP_PROXY environment variable/ },
      { name: 'all_proxy', sources: (text: string) => ({ env: { all_proxy: text } }), says: /the ALL_PROXY environment variable/ },
    ];
    const bad = [
      { text: `http://alice:${PASSWORD}@proxy.test:99999`, shows: 'http://alice:•••@proxy.test:99999', says: /is not a URL.*http:\/\/user:password@host:port.*percent-encoded \(%40 for @/ },
      { text: `http://alice:${PASSWORD}/x@proxy.test:3128`, shows: 'http://alice:•••@proxy.test:3128', says: /is not a URL.*percent-encoded/ },
      { text: `https://alice:${PASSWORD}@proxy.test:3128`, shows: 'https://alice:•••@proxy.test:3128', says: /must be an http:\/\/ proxy URL, got https:\/\/ .*only plain HTTP proxies/ },
      { text: `socks5://${PASSWORD}@proxy.test:1080`, shows: 'socks5://•••@proxy.test:1080', says: /must be an http:\/\/ proxy URL, got socks5:\/\// },
    ];
    for (const source of sources) {
      for (const { text, shows, says } of bad) {
        it(`from ${source.name}: ${shows} is explained without the credentials`, async () => {
          const error = await proxyError(() => chooseProxy(endpoint, source.sources(text)));
          assert.match(error.message, source.says);
          assert.match(error.message, says);
          assert.ok(error.message.includes(shows), error.message);
          assert.ok(!error.message.includes(PASSWORD) && !error.message.includes('Pa55'), error.message);
        });
      }
    }

    it('names a proxy it will use without its password', () => {
      const choice = chooseProxy(endpoint, { env: { HTTP_PROXY: `http://alice:${PASSWORD}@proxy.test:3128` } });
      assert.equal(choice.reason, 'proxy http://alice:•••@proxy.test:3128 from HTTP_PROXY');
    });
  });

  describe('a proxy that says no', () => {
    it('407 with credentials: says they were not accepted, shows the proxy without the password, and sent Basic credentials decoded from the URL', async () => {
      const proxy = await startConnectProxy({ requireAuthorization: { expected: 'Basic nothing-matches', challenge: 'Basic realm="test"' } });
      cleanups.push(() => proxy.close());
      const url = new URL(proxy.url.replace('http://', `http://alice:${encodeURIComponent(`${PASSWORD}@/%`)}@`));
      const error = await proxyError(() => connectThroughProxy(url, '127.0.0.1', 9, 5000));
      assert.match(error.message, /^The proxy http:\/\/alice:•••@127\.0\.0\.1:\d+ requires authentication for CONNECT 127\.0\.0\.1:9: HTTP\/1\.1 407 Proxy Authentication Required \(it asks for Basic\)\. The user name and password in the proxy URL were not accepted/);
      assert.ok(!error.message.includes(PASSWORD) && !error.message.includes(encodeURIComponent(PASSWORD)), error.message);
      assert.deepEqual(proxy.authorizations, [`Basic ${Buffer.from(`alice:${PASSWORD}@/%`).toString('base64')}`]);
    });

    it('407 without credentials: says none were sent and how to give them', async () => {
      const proxy = await startConnectProxy({ requireAuthorization: { expected: 'Basic x', challenge: 'Basic realm="test"' } });
      cleanups.push(() => proxy.close());
      const error = await proxyError(() => connectThroughProxy(new URL(proxy.url), '127.0.0.1', 9, 5000));
      assert.match(error.message, /No credentials were sent; put them in the proxy URL, like http:\/\/user:password@host:port\.$/);
      assert.deepEqual(proxy.authorizations, [undefined]);
    });

    it('407 asking only for a scheme other than Basic: says only Basic is supported', async () => {
      const proxy = await startConnectProxy({ requireAuthorization: { expected: 'Basic x', challenge: 'Negotiate' } });
      cleanups.push(() => proxy.close());
      const error = await proxyError(() => connectThroughProxy(new URL(proxy.url.replace('http://', 'http://alice:pw@')), '127.0.0.1', 9, 5000));
      assert.match(error.message, /\(it asks for Negotiate\)\. Only Basic proxy authentication is supported/);
    });

    it('a password with a "%" that is not an escape is sent as written, not an exception', async () => {
      const proxy = await startConnectProxy({ refuse: true });
      cleanups.push(() => proxy.close());
      // The URL parser keeps a lone "%" as it is; decoding it would throw.
      const url = new URL(proxy.url.replace('http://', 'http://alice:50%off@'));
      assert.equal(url.password, '50%off');
      const error = await proxyError(() => connectThroughProxy(url, '127.0.0.1', 9, 5000));
      assert.match(error.message, /^The proxy http:\/\/alice:•••@127\.0\.0\.1:\d+ refused CONNECT 127\.0\.0\.1:9: HTTP\/1\.1 403 Forbidden$/);
      assert.deepEqual(proxy.authorizations, [`Basic ${Buffer.from('alice:50%off').toString('base64')}`]);
    });

    it('no answer, an unreachable proxy and a hang-up are explained without the password', async () => {
      const silent = await startRawProxy(() => undefined);
      cleanups.push(() => silent.close());
      const timeout = await proxyError(() => connectThroughProxy(silent.url(`alice:${PASSWORD}@`), 'service.test', 80, 300));
      assert.match(timeout.message, /^The proxy http:\/\/alice:•••@127\.0\.0\.1:\d+ did not answer CONNECT service\.test:80 within 300 ms$/);

      const hangUp = await startRawProxy((socket) => socket.once('data', () => socket.end('HTTP/1.1 200 OK\r\n')));
      cleanups.push(() => hangUp.close());
      const closed = await proxyError(() => connectThroughProxy(hangUp.url(`alice:${PASSWORD}@`), 'service.test', 80, 5000));
      assert.match(closed.message, /^The proxy http:\/\/alice:•••@127\.0\.0\.1:\d+ closed the connection during CONNECT service\.test:80$/);

      const port = silent.url().port;
      await silent.close();
      const unreachable = await proxyError(() => connectThroughProxy(new URL(`http://alice:${PASSWORD}@127.0.0.1:${port}`), 'service.test', 80, 5000));
      assert.match(unreachable.message, /^Could not reach the proxy http:\/\/alice:•••@127\.0\.0\.1:\d+: .*ECONNREFUSED/);
      for (const error of [timeout, closed, unreachable]) assert.ok(!error.message.includes(PASSWORD), error.message);
    });
  });

  describe('cancelling', () => {
    /** A proxy that accepts and never answers; resolves `closed` when the client's socket is gone on its side. */
    const startSilentProxy = async (): Promise<{ url: URL; accepted: Promise<void>; closed: Promise<void> }> => {
      let accept!: () => void;
      let close!: () => void;
      const accepted = new Promise<void>((resolve) => (accept = resolve));
      const closed = new Promise<void>((resolve) => (close = resolve));
      const proxy = await startRawProxy((socket) => {
        accept();
        socket.once('close', () => close());
      });
      cleanups.push(() => proxy.close());
      return { url: proxy.url(`alice:${PASSWORD}@`), accepted, closed };
    };

    it('an abort drops a CONNECT the proxy has not answered at once, long before the proxy timeout', async () => {
      const proxy = await startSilentProxy();
      const giveUp = new AbortController();
      // Ten minutes: only the abort can end this within the test's time.
      const pending = proxyError(() => connectThroughProxy(proxy.url, 'service.test', 80, 600_000, giveUp.signal));
      await proxy.accepted;
      giveUp.abort();
      const error = await pending;
      assert.match(error.message, /^Connecting through the proxy http:\/\/alice:•••@127\.0\.0\.1:\d+ was cancelled: the connection attempt was closed before the proxy answered CONNECT service\.test:80$/);
      await proxy.closed; // the proxy sees the socket go
    });

    it('an attempt already given up does not reach the proxy', async () => {
      const giveUp = new AbortController();
      giveUp.abort();
      const error = await proxyError(() => connectThroughProxy(new URL('http://127.0.0.1:9'), 'service.test', 80, 600_000, giveUp.signal));
      assert.match(error.message, /^Connecting through the proxy http:\/\/127\.0\.0\.1:9 was cancelled/);
    });
  });

  describe('bytes after the 200', () => {
    const greeting = 'HELLO from the server';
    const coalescing = (): Promise<Awaited<ReturnType<typeof startRawProxy>>> =>
      startRawProxy((socket) => socket.once('data', () => socket.write(`HTTP/1.1 200 Connection established\r\n\r\n${greeting}`)));

    it('are kept in the tunnel for a reader that comes later', async () => {
      const proxy = await coalescing();
      cleanups.push(() => proxy.close());
      const tunnel = await connectThroughProxy(proxy.url(), 'service.test', 80, 5000);
      cleanups.push(() => tunnel.destroy());
      await new Promise((resolve) => setImmediate(resolve));
      const read = readBytes(tunnel, greeting.length);
      tunnel.resume();
      assert.equal((await read).toString(), greeting);
    });

    it('reach both the byte tap and the reader ws hands the socket to', async () => {
      const proxy = await coalescing();
      cleanups.push(() => proxy.close());
      const tapped: Buffer[] = [];
      const create = connectionFactory({
        secure: false,
        proxy: proxy.url(),
        proxyTimeoutMs: 5000,
        onConnection: () => ({ outgoing: () => undefined, incoming: (chunk) => tapped.push(chunk), ended: () => undefined }),
      });
      // Attached later than Node's HTTP client would (a tick after the socket is handed over):
      // the bytes must wait for it.
      const read = await new Promise<Promise<Buffer>>((resolve, reject) => {
        const returned = create({ host: 'service.test', port: 80 }, (error, socket) => {
          if (error) return reject(error);
          cleanups.push(() => socket!.destroy());
          setImmediate(() => resolve(readBytes(socket!, greeting.length)));
        });
        assert.equal(returned, undefined);
      });
      assert.equal((await read).toString(), greeting);
      assert.equal(Buffer.concat(tapped).toString(), greeting);
    });

    it('before a TLS handshake end the attempt with a clear error instead of vanishing', async () => {
      const proxy = await coalescing();
      cleanups.push(() => proxy.close());
      let tapError: Error | undefined;
      const create = connectionFactory({
        secure: true,
        proxy: proxy.url(`alice:${PASSWORD}@`),
        proxyTimeoutMs: 5000,
        onConnection: () => ({ outgoing: () => undefined, incoming: () => undefined, ended: (error) => (tapError = error) }),
      });
      const error = await proxyError(() => new Promise((resolve, reject) => create({ host: 'service.test', port: 443 }, (e, s) => (e ? reject(e) : resolve(s)))));
      assert.match(error.message, new RegExp(`^The proxy http://alice:•••@127\\.0\\.0\\.1:\\d+ sent ${greeting.length} bytes after its 200 to CONNECT service\\.test:443, before the TLS handshake began`));
      assert.equal(tapError, error);
    });
  });
});
