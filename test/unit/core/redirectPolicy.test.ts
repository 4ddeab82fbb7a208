/**
 * Redirects of the opening handshake: the policy on its own, then sessions following (or
 * refusing) real redirects between servers on 127.0.0.1, asserting on what each server receives.
 */
import * as assert from 'node:assert/strict';
import { createServer as createHttpServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { WebSocketServer } from 'ws';
import { MAX_REDIRECTS, originOf, RedirectChain, redirectPolicyOf, type HopRequest, type RedirectDecision, type RedirectPolicy } from '../../../src/core/redirectPolicy';
import { WebSocketSession, type SessionOptions } from '../../../src/core/session';
import { makeTestPki, type TestPki } from '../../fixtures/certificates';
import { allEvents, describeEvents, waitForClosed, waitForEvent } from '../../fixtures/sessionWaits';

const SECRET = 'k3y-fr0m-s3cret';
const chain = (policy: RedirectPolicy, first: Omit<Partial<HopRequest>, 'url'> & { url: string }, maxRedirects?: number): RedirectChain =>
  new RedirectChain(
    { url: new URL(first.url), headers: first.headers ?? {}, ...(first.origin !== undefined ? { origin: first.origin } : {}), clientCertificate: first.clientCertificate ?? false },
    { policy, maxRedirects, holdsSecret: (value) => value.includes(SECRET), show: (url) => url },
  );
const follow = (decision: RedirectDecision): Extract<RedirectDecision, { kind: 'follow' }> => {
  assert.equal(decision.kind, 'follow', JSON.stringify(decision));
  return decision as Extract<RedirectDecision, { kind: 'follow' }>;
};
const refusal = (decision: RedirectDecision): string => {
  assert.equal(decision.kind, 'refuse', JSON.stringify(decision));
  return (decision as Extract<RedirectDecision, { kind: 'refuse' }>).message;
};

describe('redirectPolicy', () => {
  const headers = { Authorization: 'Bearer t0ken', cookie: 'sid=1', 'Proxy-Authorization': 'Basic eA==', 'X-Api-Key': `key ${SECRET}`, 'X-Trace': 'abc' };

  it('reads the profile setting: false is never, true is the same origin only', () => {
    assert.equal(redirectPolicyOf(false), 'never');
    assert.equal(redirectPolicyOf(true), 'sameOrigin');
    assert.equal(redirectPolicyOf('sameOrigin'), 'sameOrigin');
    assert.equal(redirectPolicyOf('crossOrigin'), 'crossOrigin');
  });

  it('compares origins as scheme, host and port, default ports written out (RFC 6454)', () => {
    assert.equal(originOf(new URL('ws://Example.COM/a')), 'ws://example.com:80');
    assert.equal(originOf(new URL('wss://example.com:443/a')), 'wss://example.com:443');
    assert.equal(originOf(new URL('ws://[::1]:8080/')), 'ws://[::1]:8080');
    assert.notEqual(originOf(new URL('ws://example.com/')), originOf(new URL('wss://example.com/')));
  });

  it('follows only 301, 302, 303, 307 and 308 with a Location', () => {
    for (const status of [301, 302, 303, 307, 308]) assert.equal(chain('sameOrigin', { url: 'ws://h/a' }).next(status, '/b').kind, 'follow');
    for (const status of [300, 304, 305, 401, 500]) assert.equal(chain('sameOrigin', { url: 'ws://h/a' }).next(status, '/b').kind, 'not-a-redirect');
    assert.equal(chain('sameOrigin', { url: 'ws://h/a' }).next(302, undefined).kind, 'not-a-redirect');
  });

  it('"never": says where the redirect pointed and how to follow it', () => {
    const decision = chain('never', { url: 'ws://h/a' }).next(302, '/b');
    assert.deepEqual(decision, { kind: 'not-followed', hint: 'it redirects to ws://h/b; set "followRedirects": true in the profile to follow redirects within the same origin' });
  });

  it('"sameOrigin": keeps every header and the URL\'s credentials within the origin', () => {
    const redirects = chain('sameOrigin', { url: 'ws://alice:pw@h:8080/a', headers, origin: `https://app ${SECRET}`, clientCertificate: true });
    const next = follow(redirects.next(307, '/b?x=1#frag'));
    assert.equal(next.hop.clientCertificate, true);
    assert.equal(next.hop.url.href, 'ws://alice:pw@h:8080/b?x=1', 'the fragment goes (RFC 6455 section 3)');
    assert.deepEqual(next.hop.headers, headers);
    assert.equal(next.hop.origin, `https://app ${SECRET}`);
    assert.deepEqual(next.dropped, []);
    assert.equal(next.crossOrigin, false);
    // http(s) Locations stand for ws(s) (as ws and the Fetch standard map them).
    assert.equal(follow(redirects.next(301, 'http://h:8080/c')).hop.url.href, 'ws://alice:pw@h:8080/c');
  });

  it('"sameOrigin": refuses another port, host or scheme, saying how to allow it', () => {
    for (const location of ['ws://h:8081/', 'ws://other:8080/', 'wss://h:8080/', '//h:9/x']) {
      const message = refusal(chain('sameOrigin', { url: 'ws://h:8080/a', headers }).next(302, location));
      assert.match(message, /another origin .*"followRedirects": "crossOrigin"/, message);
    }
  });

  it('"crossOrigin": drops credentials, cookies, secret-holding headers and the URL\'s user info, and names them', () => {
    const redirects = chain('crossOrigin', { url: 'ws://alice:pw@h:8080/a', headers, origin: 'https://app', clientCertificate: true });
    const next = follow(redirects.next(302, 'ws://other:9000/b'));
    assert.equal(next.hop.url.href, 'ws://other:9000/b');
    assert.deepEqual(next.hop.headers, { 'X-Trace': 'abc' });
    assert.equal(next.hop.origin, 'https://app');
    assert.equal(next.hop.clientCertificate, false);
    assert.deepEqual(next.dropped, ['Authorization', 'cookie', 'Proxy-Authorization', 'X-Api-Key', "the URL's user name and password", 'the TLS client certificate']);
    assert.equal(next.crossOrigin, true);
    // Back at the first origin, what was dropped stays dropped.
    const back = follow(redirects.next(302, 'ws://h:8080/c'));
    assert.equal(back.hop.url.href, 'ws://h:8080/c');
    assert.deepEqual(back.hop.headers, { 'X-Trace': 'abc' });
  });

  it('"crossOrigin": drops headers whose values came from ${env:…} or ${input:…}, and headers named as credentials, whatever their values', () => {
    const redirects = new RedirectChain(
      { url: new URL('ws://h/a'), headers: { 'X-Env-Key': 'from-env', 'X-Auth-Token': 'literal', apiKey: 'literal', 'X-Session-Id': '1', 'X-Trace': 'abc' }, origin: 'https://from-input', clientCertificate: false },
      { policy: 'crossOrigin', holdsSecret: () => false, fromVariable: (name) => name === 'X-Env-Key' || name === 'Origin', show: (url) => url },
    );
    const next = follow(redirects.next(302, 'ws://other/b'));
    assert.deepEqual(next.hop.headers, { 'X-Trace': 'abc' });
    assert.equal(next.hop.origin, undefined);
    assert.deepEqual(next.dropped, ['X-Env-Key', 'X-Auth-Token', 'apiKey', 'X-Session-Id', 'Origin']);
  });

  it('"crossOrigin": an Origin header holding a secret is dropped too; a Location\'s own user info is the server\'s to give', () => {
    const next = follow(chain('crossOrigin', { url: 'ws://h/a', origin: `https://${SECRET}` }).next(302, 'ws://bob:theirs@other/b'));
    assert.equal(next.hop.origin, undefined);
    assert.deepEqual(next.dropped, ['Origin']);
    assert.equal(next.hop.url.href, 'ws://bob:theirs@other/b');
  });

  it('never follows wss:// to ws://, whatever the policy', () => {
    for (const policy of ['sameOrigin', 'crossOrigin'] as const) {
      assert.match(refusal(chain(policy, { url: 'wss://h/a' }).next(302, 'ws://h/b')), /out of TLS to plain ws:\/\/; such a downgrade is never followed/);
      assert.match(refusal(chain(policy, { url: 'wss://h/a' }).next(302, 'http://h/b')), /downgrade/);
    }
  });

  it('refuses Locations that are not URLs or not WebSocket URLs', () => {
    assert.match(refusal(chain('crossOrigin', { url: 'ws://h/a' }).next(302, 'ws://h:99999/')), /which is not a URL/);
    assert.match(refusal(chain('crossOrigin', { url: 'ws://h/a' }).next(302, 'ftp://h/file')), /not a ws:\/\/, wss:\/\/, http:\/\/ or https:\/\/ URL/);
  });

  it(`stops after ${MAX_REDIRECTS} redirects, or fewer when told`, () => {
    const redirects = chain('sameOrigin', { url: 'ws://h/0' }, 1000);
    for (let i = 1; i <= MAX_REDIRECTS; i++) assert.equal(follow(redirects.next(302, `/${i}`)).count, i);
    assert.match(refusal(redirects.next(302, '/again')), /redirect loop/);
    const short = chain('sameOrigin', { url: 'ws://h/0' }, 2);
    follow(short.next(302, '/1'));
    follow(short.next(302, '/2'));
    assert.match(refusal(short.next(302, '/3')), /redirected 3 times, more than the 2 followed/);
  });
});

/** What one server saw: the handshake request of every connection, whether it came over TLS, and the client certificate's CN if one was presented. */
interface Seen {
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly tls: boolean;
  readonly clientCertificate?: string;
}

describe('redirects of a session, against real servers', function () {
  this.timeout(15_000);
  let pki: TestPki;
  const sessions: WebSocketSession[] = [];
  const servers: Server[] = [];

  before(() => {
    pki = makeTestPki();
  });
  after(() => pki?.remove());
  afterEach(async () => {
    await Promise.all(sessions.splice(0).map((s) => s.dispose(100)));
    await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    })));
  });

  const listen = async (server: Server): Promise<number> => {
    servers.push(server);
    // Upgraded sockets are no longer the HTTP server's to close: they go when the test ends.
    const sockets = new Set<Socket>();
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.on('close', () => {
      for (const socket of sockets) socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  };

  /**
   * A WebSocket server (TLS with `secure`) that accepts every upgrade to a path in `accept` and
   * answers every other with `302 Location: redirect(path)`; `seen` has every request.
   */
  const startServer = async (options: { secure?: boolean; accept: string[]; redirect?: (path: string) => string }): Promise<{ port: number; seen: Seen[] }> => {
    const seen: Seen[] = [];
    const wss = new WebSocketServer({ noServer: true });
    wss.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
    // A TLS server asks for a client certificate and takes the connection with or without one.
    const server = options.secure ? createHttpsServer({ cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestCert: true, rejectUnauthorized: false }) : createHttpServer();
    server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      const path = req.url ?? '';
      const tls = (socket as TLSSocket).encrypted === true;
      const clientCertificate = tls ? (socket as TLSSocket).getPeerCertificate().subject?.CN : undefined;
      seen.push({ url: path, headers: req.headers, tls, ...(clientCertificate ? { clientCertificate: String(clientCertificate) } : {}) });
      if (options.accept.includes(path)) {
        wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
      } else {
        socket.end(`HTTP/1.1 302 Found\r\nLocation: ${options.redirect?.(path) ?? '/'}\r\nContent-Length: 0\r\n\r\n`);
      }
    });
    server.on('close', () => {
      for (const client of wss.clients) client.terminate();
    });
    return { port: await listen(server), seen };
  };

  const open = (options: SessionOptions): WebSocketSession => {
    const session = new WebSocketSession({ proxy: { env: {} }, ...options });
    sessions.push(session);
    session.connect();
    return session;
  };
  const shown = (session: WebSocketSession): string => allEvents(session).map((e) => e.message ?? '').join('\n');
  /** A profile's credentials of every kind: headers, one of them from a secret, and the URL's user info. */
  const credentials = {
    headers: { Authorization: 'Bearer t0ken', Cookie: 'sid=42', 'X-Api-Key': SECRET, 'X-Trace': 'trace-1' },
    secrets: [{ value: SECRET, placeholder: '${secret:apiKey}' }],
  };
  const basic = `Basic ${Buffer.from('alice:pa55').toString('base64')}`;

  it('refuses a redirect to another port by default, says where it pointed and how to allow it, and sends nothing there', async () => {
    const target = await startServer({ accept: ['/'] });
    const start = await startServer({ accept: [], redirect: () => `ws://127.0.0.1:${target.port}/` });
    const session = open({ url: `ws://alice:pa55@127.0.0.1:${start.port}/`, followRedirects: 'sameOrigin', ...credentials });
    const closed = await waitForClosed(session);
    assert.deepEqual(target.seen, [], 'the other origin got no request at all');
    const refusal = allEvents(session).find((e) => e.kind === 'error')?.message ?? '';
    assert.match(refusal, new RegExp(`redirected \\(HTTP 302\\) to ws://127\\.0\\.0\\.1:${target.port}/, another origin .*"followRedirects": "crossOrigin"`), describeEvents(session));
    assert.equal(closed.close?.cause, 'cross-origin redirect refused');
    assert.equal(allEvents(session).filter((e) => e.kind === 'handshake-request').length, 1);
  });

  it('"crossOrigin": follows, without Authorization, Cookie, the secret\'s header or the URL\'s Basic credentials, and says what it left out', async () => {
    const target = await startServer({ accept: ['/there'] });
    const start = await startServer({ accept: [], redirect: () => `ws://127.0.0.1:${target.port}/there` });
    const session = open({ url: `ws://alice:pa55@127.0.0.1:${start.port}/`, followRedirects: 'crossOrigin', ...credentials });
    await waitForEvent(session, (e) => e.kind === 'open');
    assert.equal(start.seen[0].headers.authorization, 'Bearer t0ken', 'the first origin gets what the profile sends');
    assert.equal(target.seen.length, 1);
    const received = target.seen[0].headers;
    for (const name of ['authorization', 'cookie', 'x-api-key', 'proxy-authorization']) assert.equal(received[name], undefined, `${name}: ${String(received[name])}`);
    assert.equal(received['x-trace'], 'trace-1', 'other headers go along');
    assert.ok(!JSON.stringify(received).includes(SECRET) && !JSON.stringify(received).includes(basic.slice(6)));
    assert.match(shown(session), /another origin; direct: no proxy configured\)\. Not sent to it: Authorization, Cookie, X-Api-Key, the URL's user name and password/);
    assert.ok(!shown(session).includes(SECRET), 'names, never values');
  });

  it('"sameOrigin": follows within the origin and sends everything again', async () => {
    const server = await startServer({ accept: ['/new'], redirect: () => '/new' });
    const session = open({ url: `ws://alice:pa55@127.0.0.1:${server.port}/old`, followRedirects: 'sameOrigin', headers: { Cookie: 'sid=42', 'X-Api-Key': SECRET }, secrets: credentials.secrets });
    await waitForEvent(session, (e) => e.kind === 'open');
    assert.deepEqual(server.seen.map((s) => s.url), ['/old', '/new']);
    for (const seen of server.seen) {
      assert.equal(seen.headers.authorization, basic);
      assert.equal(seen.headers.cookie, 'sid=42');
      assert.equal(seen.headers['x-api-key'], SECRET);
    }
  });

  it('a ws:// to wss:// hop negotiates TLS, with the profile\'s TLS options, and the log names its scheme', async () => {
    const secure = await startServer({ secure: true, accept: ['/tls'] });
    const plain = await startServer({ accept: [], redirect: () => `wss://127.0.0.1:${secure.port}/tls` });
    const session = open({ url: `ws://127.0.0.1:${plain.port}/`, followRedirects: 'crossOrigin', tls: { ca: pki.caCert } });
    const opened = await waitForEvent(session, (e) => e.kind === 'open');
    assert.deepEqual(secure.seen.map((s) => s.tls), [true], 'the TLS server got a TLS connection');
    assert.deepEqual(plain.seen.map((s) => s.tls), [false]);
    assert.match(shown(session), new RegExp(`Following the redirect to wss://127\\.0\\.0\\.1:${secure.port}/tls over TLS \\(redirect 1 of at most 10, another origin`));
    assert.match(opened.message ?? '', new RegExp(`^Connected to wss://127\\.0\\.0\\.1:${secure.port}/tls`));
    session.sendText('over tls');
    await waitForEvent(session, (e) => e.kind === 'text' && e.direction === 'received');
  });

  it('"crossOrigin": presents the TLS client certificate to the first origin only', async () => {
    const target = await startServer({ secure: true, accept: ['/'] });
    const start = await startServer({ secure: true, accept: [], redirect: () => `wss://127.0.0.1:${target.port}/` });
    const tls = { ca: pki.caCert, cert: readFileSync(pki.clientCertPath), key: readFileSync(pki.clientKeyPath), passphrase: pki.clientKeyPassphrase };
    const session = open({ url: `wss://127.0.0.1:${start.port}/`, followRedirects: 'crossOrigin', tls });
    await waitForEvent(session, (e) => e.kind === 'open');
    assert.deepEqual(start.seen.map((s) => s.clientCertificate), ['WebSocket Inspector Test Client']);
    assert.deepEqual(target.seen.map((s) => s.clientCertificate), [undefined]);
    assert.match(shown(session), /Not sent to it: the TLS client certificate/);
  });

  it('refuses a wss:// to ws:// redirect, even to other origins, and sends nothing over plain TCP', async () => {
    const plain = await startServer({ accept: ['/'] });
    const secure = await startServer({ secure: true, accept: [], redirect: () => `ws://127.0.0.1:${plain.port}/` });
    const session = open({ url: `wss://127.0.0.1:${secure.port}/`, followRedirects: 'crossOrigin', tls: { ca: pki.caCert }, ...credentials });
    const closed = await waitForClosed(session);
    assert.deepEqual(plain.seen, []);
    assert.match(allEvents(session).find((e) => e.kind === 'error')?.message ?? '', /out of TLS to plain ws:\/\/; such a downgrade is never followed/);
    assert.equal(closed.close?.cause, 'redirect to ws:// refused');
  });
});
