/** A saved profile, end to end: parse, resolve every kind of variable, connect, and send the onOpen messages. */
import * as assert from 'node:assert/strict';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { parseProfile } from '../../../src/core/profile';
import { sessionOptionsFromProfile } from '../../../src/core/profileSession';
import { WebSocketSession } from '../../../src/core/session';
import type { VariableRef, VariableResolver } from '../../../src/core/variables';
import { makeTestPki } from '../../fixtures/certificates';
import { startConnectProxy } from '../../fixtures/connectProxy';
import { allEvents, describeEvents, waitForClosed, waitForEvent } from '../../fixtures/sessionWaits';

describe('sessionOptionsFromProfile', () => {
  let server: WebSocketServer;
  let port: number;
  let dir: string;
  const seen: Array<{ url: string; headers: IncomingHttpHeaders; messages: string[] }> = [];
  const sessions: WebSocketSession[] = [];

  before(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    port = (server.address() as AddressInfo).port;
    server.on('connection', (ws, request) => {
      const entry = { url: request.url ?? '', headers: request.headers, messages: [] as string[] };
      seen.push(entry);
      ws.on('message', (data) => entry.messages.push(data.toString()));
    });
    dir = mkdtempSync(join(tmpdir(), 'wsi-profile-'));
  });
  after(() => {
    for (const s of sessions) s.dispose();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('resolves env, secret, input, uuid and timestamp variables, connects, and sends onOpen with fresh values', async () => {
    process.env.WSI_TEST_ROOM = 'room-42';
    const asked: VariableRef[] = [];
    // The engine takes any resolver function; this one stands where VS Code's SecretStorage and input boxes do.
    const resolver: VariableResolver = async (ref) => {
      asked.push(ref);
      if (ref.kind === 'env') return process.env[ref.name];
      if (ref.kind === 'secret') return ref.name === 'apiToken' ? 's3cr3t' : undefined;
      if (ref.kind === 'input') return 'typed by a person';
      return undefined;
    };
    const path = join(dir, 'chat.wsprofile');
    writeFileSync(
      path,
      `{
        // every kind of variable
        "name": "Chat",
        "url": "ws://127.0.0.1:${port}/rooms/\${env:WSI_TEST_ROOM}",
        "headers": { "Authorization": "Bearer \${secret:apiToken}", "X-Who": "\${input:Your name}", "X-Request-Id": "\${uuid}" },
        "messages": [
          { "name": "hello", "type": "json", "data": "{\\"id\\": \\"\${uuid}\\", \\"at\\": \${timestamp}}" }
        ],
        "onOpen": ["hello"]
      }`,
    );
    const { profile, problems } = parseProfile(readFileSync(path, 'utf8'), { profilePath: path });
    assert.ok(profile, JSON.stringify(problems));
    const options = await sessionOptionsFromProfile(profile, { resolver, proxy: { env: {} } });
    assert.equal(options.title, 'Chat');
    assert.deepEqual(options.secrets, [{ value: 's3cr3t', placeholder: '${secret:apiToken}' }], 'the session learns which values are secrets');
    assert.deepEqual(options.headersFromVariables, ['Authorization', 'X-Who'], 'and which headers came from the person\'s variables (${uuid} is not one)');
    const session = new WebSocketSession(options);
    sessions.push(session);
    session.connect();
    await waitForEvent(session, (e) => e.kind === 'text' && e.direction === 'sent');
    const request = seen[seen.length - 1];
    assert.equal(request.url, '/rooms/room-42');
    assert.equal(request.headers.authorization, 'Bearer s3cr3t');
    assert.equal(request.headers['x-who'], 'typed by a person');
    assert.match(String(request.headers['x-request-id']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const sent = JSON.parse(allEvents(session).find((e) => e.kind === 'text' && e.direction === 'sent')?.payload?.toString() ?? '{}') as { id: string; at: number };
    assert.match(sent.id, /^[0-9a-f-]{36}$/);
    assert.notEqual(sent.id, request.headers['x-request-id'], 'each ${uuid} is fresh');
    assert.ok(Math.abs(sent.at - Date.now()) < 60_000, `timestamp ${sent.at} is now`);
    assert.deepEqual(asked.map((r) => r.kind).sort(), ['env', 'input', 'secret']);
    assert.ok(!describeEvents(session).includes('${'), 'no variable is sent as literal text');
    assert.ok(session.mask.isSensitiveHeader('X-Anything', 'Bearer s3cr3t'));
  });

  it('shows secrets in the URL as their variables, however the URL parser and the server encode them', async () => {
    // This server tells the client the URL it was asked for, as a message: the encoded form comes back.
    const echoUrl = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => echoUrl.once('listening', r));
    echoUrl.on('connection', (ws, request) => ws.send(`you asked for ${request.url ?? ''}`));
    try {
      const room = 'süd nord';
      const token = 'a b+c/d?e&f=g "ü" 😀';
      const resolver: VariableResolver = async (ref) => (ref.kind === 'secret' ? ({ room, token } as Record<string, string>)[ref.name] : undefined);
      const text = JSON.stringify({ url: `ws://127.0.0.1:${(echoUrl.address() as AddressInfo).port}/rooms/\${secret:room}?token=\${secret:token}` });
      const { profile, problems } = parseProfile(text, { profilePath: join(dir, 'encoded.wsprofile') });
      assert.ok(profile, JSON.stringify(problems));
      const session = new WebSocketSession(await sessionOptionsFromProfile(profile, { resolver, proxy: { env: {} } }));
      sessions.push(session);
      session.connect();
      const message = await waitForEvent(session, (e) => e.kind === 'text' && e.direction === 'received');
      const asked = message.payload?.toString() ?? '';
      assert.ok(asked.includes('%C3%BC') && !asked.includes(token), `the server saw the encoded URL: ${asked}`);

      const mask = session.mask;
      const shown = [
        mask.redact(session.url),
        ...allEvents(session).flatMap((e) => [e.message ?? '', e.handshake ? e.handshake.startLine : '', e.kind === 'text' ? (e.payload?.toString() ?? '') : ''].map((t) => mask.redact(t))),
      ].join('\n');
      // Percent-decoded, and "+" read as a space: neither value can be read back from what is shown.
      const decoded = (plus: boolean): string => (plus ? shown.replace(/\+/g, ' ') : shown).replace(/(?:%[0-9a-f]{2})+/gi, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
      for (const value of [room, token]) {
        for (const plus of [false, true]) assert.ok(!decoded(plus).includes(value), `${value} can be read in:\n${shown}`);
      }
      assert.match(shown, /Connecting to ws:\/\/127\.0\.0\.1:\d+\/rooms\/\$\{secret:room\}\?token=\$\{secret:token\}/);
      assert.match(shown, /GET \/rooms\/\$\{secret:room\}\?token=\$\{secret:token\} HTTP\/1\.1/);
      assert.match(shown, /you asked for \/rooms\/\$\{secret:room\}\?token=\$\{secret:token\}/);
    } finally {
      echoUrl.close();
    }
  });

  it('puts secrets that hold URL syntax into the URL as data: the server receives exactly the values, and no event shows them', async () => {
    // Each value holds the characters that would otherwise end the part it stands in.
    const values: Record<string, string> = {
      user: 'ali:ce@home',
      password: 'p@ss:w/rd?#1 ü',
      room: 'a/b?c#d@e:f',
      token: 'x&y=z#w+v/u?t@s:r',
    };
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => server.once('listening', r));
    const received: Array<{ url: string; authorization?: string }> = [];
    server.on('connection', (_ws, request) => received.push({ url: request.url ?? '', authorization: request.headers.authorization }));
    try {
      const resolver: VariableResolver = async (ref) => (ref.kind === 'secret' ? values[ref.name] : undefined);
      const url = `ws://\${secret:user}:\${secret:password}@127.0.0.1:${(server.address() as AddressInfo).port}/rooms/\${secret:room}/join?token=\${secret:token}&n=1`;
      const { profile, problems } = parseProfile(JSON.stringify({ url }), { profilePath: join(dir, 'syntax.wsprofile') });
      assert.ok(profile, JSON.stringify(problems));
      const session = new WebSocketSession(await sessionOptionsFromProfile(profile, { resolver, proxy: { env: {} } }));
      sessions.push(session);
      session.connect();
      await waitForEvent(session, (e) => e.kind === 'open');

      // What the server got, decoded as a server decodes it: the structure is the profile's, the values are the secrets.
      assert.equal(received.length, 1);
      const target = new URL(received[0].url, 'ws://server.test');
      assert.deepEqual(target.pathname.split('/').map(decodeURIComponent), ['', 'rooms', values.room, 'join']);
      assert.deepEqual([...target.searchParams], [['token', values.token], ['n', '1']]);
      const basic = Buffer.from((received[0].authorization ?? '').replace(/^Basic /, ''), 'base64').toString('utf8');
      // RFC 7617: the user name ends at the first ":", so a ":" in it cannot be told apart; ws sends them as given.
      assert.equal(basic, `${values.user}:${values.password}`);

      // Everything the session shows: its title and URL, each event's message, and the handshake's start line as the panel masks it.
      const mask = session.mask;
      const shown = [session.title, session.displayUrl, ...allEvents(session).flatMap((e) => [e.message ?? '', mask.redact(e.handshake?.startLine ?? '')])].join('\n');
      const decoded = (plus: boolean): string => (plus ? shown.replace(/\+/g, ' ') : shown).replace(/(?:%[0-9a-f]{2})+/gi, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
      for (const value of Object.values(values)) {
        for (const plus of [false, true]) assert.ok(!decoded(plus).includes(value), `${value} can be read in:\n${shown}`);
      }
      assert.match(shown, /Connecting to ws:\/\/\$\{secret:user\}:•••@127\.0\.0\.1:\d+\/rooms\/\$\{secret:room\}\/join\?token=\$\{secret:token\}&n=1/);
      assert.match(shown, /GET \/rooms\/\$\{secret:room\}\/join\?token=\$\{secret:token\}&n=1 HTTP\/1\.1/);
    } finally {
      server.close();
    }
  });

  /** Everything a session shows about itself: its title and URL, and each event's message and start line, through its mask. */
  const shownBy = (session: WebSocketSession): string => [session.title, session.displayUrl, ...allEvents(session).flatMap((e) => [e.message ?? '', session.mask.redact(e.handshake?.startLine ?? '')])].join('\n');

  it('authenticates to the proxy with a password from a secret, and shows it nowhere', async () => {
    const password = 'pr0xy p@ss:word';
    const proxy = await startConnectProxy({ requireAuthorization: { expected: `Basic ${Buffer.from(`alice:${password}`).toString('base64')}`, challenge: 'Basic realm="test"' } });
    try {
      const proxyUrl = new URL(proxy.url);
      const profileFor = (name: string): string => JSON.stringify({ url: `ws://127.0.0.1:${port}/via-proxy`, proxy: `http://alice:\${secret:${name}}@${proxyUrl.host}` });
      const resolver: VariableResolver = async (ref) => (ref.kind === 'secret' ? ({ proxyPassword: password, wrongPassword: 'not it' } as Record<string, string>)[ref.name] : undefined);
      const { profile, problems } = parseProfile(profileFor('proxyPassword'), { profilePath: join(dir, 'proxied.wsprofile') });
      assert.ok(profile, JSON.stringify(problems));
      const session = new WebSocketSession(await sessionOptionsFromProfile(profile, { resolver, proxy: { env: {} } }));
      sessions.push(session);
      session.connect();
      await waitForEvent(session, (e) => e.kind === 'open');
      assert.deepEqual(proxy.requests, [`127.0.0.1:${port}`]);
      assert.equal(seen[seen.length - 1].url, '/via-proxy');
      const shown = shownBy(session);
      assert.match(shown, new RegExp(`Connecting to ws://127\\.0\\.0\\.1:${port}/via-proxy \\(proxy http://alice:•••@${proxyUrl.host.replace(/\./g, '\\.')} from the profile\\)`));
      for (const form of [password, encodeURIComponent(password), 'p@ss']) assert.ok(!shown.includes(form), `${form} in:\n${shown}`);
      assert.equal(session.mask.redact(`pw=${password}`), 'pw=${secret:proxyPassword}', 'the session knows the value as a secret');

      // A wrong one is refused by the proxy; the message says what to check, and still shows no password.
      const wrong = parseProfile(profileFor('wrongPassword'), { profilePath: join(dir, 'wrong.wsprofile') }).profile!;
      const refused = new WebSocketSession(await sessionOptionsFromProfile(wrong, { resolver, proxy: { env: {} } }));
      sessions.push(refused);
      refused.connect();
      await waitForClosed(refused);
      assert.match(shownBy(refused), /requires authentication for CONNECT 127\.0\.0\.1:\d+: HTTP\/1\.1 407 Proxy Authentication Required \(it asks for Basic\)\. The user name and password in the proxy URL were not accepted/);
      assert.ok(!shownBy(refused).includes('not it'), shownBy(refused));
    } finally {
      await proxy.close();
    }
  });

  it('opens a client key encrypted with a passphrase from a secret', async function () {
    this.timeout(20_000);
    const pki = makeTestPki();
    const server = createHttpsServer({ cert: pki.serverCert, key: pki.serverKey, ca: pki.caCert, requestCert: true, rejectUnauthorized: true });
    const wss = new WebSocketServer({ server });
    const clients: string[] = [];
    wss.on('connection', (_ws, request: IncomingMessage) => clients.push(String((request.socket as TLSSocket).getPeerCertificate().subject?.CN)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const text = JSON.stringify({
        url: `wss://127.0.0.1:${(server.address() as AddressInfo).port}/`,
        tls: { ca: pki.caCertPath, cert: pki.clientCertPath, key: pki.clientKeyPath, passphrase: '${secret:keyPassphrase}' },
      });
      const { profile, problems } = parseProfile(text, { profilePath: join(dir, 'client-cert.wsprofile') });
      assert.ok(profile, JSON.stringify(problems));
      const connectWith = async (passphrase: string): Promise<WebSocketSession> => {
        const resolver: VariableResolver = async (ref) => (ref.kind === 'secret' && ref.name === 'keyPassphrase' ? passphrase : undefined);
        const session = new WebSocketSession(await sessionOptionsFromProfile(profile, { resolver, proxy: { env: {} } }));
        sessions.push(session);
        session.connect();
        return session;
      };
      const session = await connectWith(pki.clientKeyPassphrase);
      await waitForEvent(session, (e) => e.kind === 'open');
      assert.deepEqual(clients, ['WebSocket Inspector Test Client']);
      assert.ok(!shownBy(session).includes(pki.clientKeyPassphrase));

      const wrong = await connectWith('wrong passphrase');
      await waitForClosed(wrong);
      const error = allEvents(wrong).find((e) => e.kind === 'error')?.message ?? '';
      assert.match(error, /tls\.passphrase/, describeEvents(wrong));
      assert.ok(!shownBy(wrong).includes('wrong passphrase'));
      assert.deepEqual(clients, ['WebSocket Inspector Test Client'], 'no second connection reached the server');
    } finally {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      pki.remove();
    }
  });

  it('refuses to connect with an unresolved variable and names it', async () => {
    const path = join(dir, 'missing.wsprofile');
    const text = `{ "url": "ws://127.0.0.1:${port}/", "headers": { "Authorization": "Bearer \${secret:nope}" } }`;
    const { profile } = parseProfile(text, { profilePath: path });
    assert.ok(profile);
    await assert.rejects(sessionOptionsFromProfile(profile, { resolver: async () => undefined }), /\$\{secret:nope\}/);
  });
});
