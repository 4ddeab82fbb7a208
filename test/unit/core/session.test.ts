/**
 * The session engine against real servers on 127.0.0.1: the demo server (ws), a Python
 * websockets server, a hand-made raw server for misbehaviour, a TLS server with a CA made at test
 * time, and a CONNECT proxy.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer as createHttpServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import type { SessionEvent } from '../../../src/core/eventStore';
import { SessionError, WebSocketSession, type SessionOptions } from '../../../src/core/session';
import { startDemoServer, type DemoServer } from '../../../scripts/demoServer';
import { makeTestPki, type TestPki } from '../../fixtures/certificates';
import { startConnectProxy } from '../../fixtures/connectProxy';
import { startPythonPeer, type PythonPeer } from '../../fixtures/pythonPeer';
import { serverFrame, startRawServer } from '../../fixtures/rawServer';
import { allEvents, describeEvents, waitForClosed, waitForEvent } from '../../fixtures/sessionWaits';

const header = (e: SessionEvent | undefined, name: string): string | undefined => e?.handshake?.headers.find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
const kinds = (session: WebSocketSession): string[] => allEvents(session).map((e) => `${e.direction}:${e.kind}`);

describe('WebSocketSession', function () {
  this.timeout(15_000);
  let demo: DemoServer;
  const sessions: WebSocketSession[] = [];
  const cleanups: Array<() => unknown> = [];
  const open = (url: string, options: Omit<SessionOptions, 'url'> = {}): WebSocketSession => {
    const session = new WebSocketSession({ url, proxy: { env: {} }, ...options });
    sessions.push(session);
    session.connect();
    return session;
  };
  const opened = async (session: WebSocketSession): Promise<WebSocketSession> => {
    await waitForEvent(session, (e) => e.kind === 'open');
    return session;
  };

  before(async () => {
    demo = await startDemoServer({ closeAfterMs: 200 });
  });
  afterEach(async () => {
    for (const s of sessions.splice(0)) s.dispose();
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  after(async () => {
    await demo.close();
  });

  describe('opening handshake', () => {
    it('records the request and response heads as sent, and checks Sec-WebSocket-Accept', async () => {
      const session = await opened(open(demo.url('echo'), { headers: { 'X-Trace': 'abc 123' }, origin: 'https://inspector.test', subprotocols: [] }));
      const [info, request, response, openEvent] = allEvents(session);
      assert.equal(info.kind, 'info');
      assert.equal(request.kind, 'handshake-request');
      assert.equal(request.direction, 'sent');
      assert.match(request.handshake!.startLine, /^GET \/echo HTTP\/1\.1$/);
      const port = new URL(demo.url('echo')).port;
      assert.equal(header(request, 'Host'), `127.0.0.1:${port}`);
      assert.equal(header(request, 'Origin'), 'https://inspector.test');
      assert.equal(header(request, 'Upgrade'), 'websocket');
      assert.equal(header(request, 'Connection'), 'Upgrade');
      assert.equal(header(request, 'Sec-WebSocket-Version'), '13');
      assert.match(header(request, 'Sec-WebSocket-Key') ?? '', /^[A-Za-z0-9+/]{22}==$/);
      assert.equal(header(request, 'Sec-WebSocket-Extensions'), 'permessage-deflate; client_max_window_bits');
      assert.equal(header(request, 'X-Trace'), 'abc 123');
      assert.ok(request.payload && request.payload.toString('latin1').endsWith('\r\n\r\n'), 'the raw head bytes are kept');

      assert.equal(response.kind, 'handshake-response');
      assert.equal(response.handshake!.startLine, 'HTTP/1.1 101 Switching Protocols');
      assert.equal(response.handshake!.acceptCheck?.ok, true, response.handshake!.acceptCheck?.message);
      assert.match(response.handshake!.negotiated?.extensions ?? '', /^permessage-deflate/);
      assert.equal(openEvent.kind, 'open');
      assert.match(session.negotiated?.extensions ?? '', /permessage-deflate/);
    });

    it('does not offer permessage-deflate when the profile turns it off', async () => {
      const session = await opened(open(demo.url('echo'), { perMessageDeflate: false }));
      const request = allEvents(session).find((e) => e.kind === 'handshake-request');
      assert.equal(header(request, 'Sec-WebSocket-Extensions'), undefined);
      assert.equal(session.negotiated?.extensions, '');
    });

    it('records a refused upgrade: status, headers and body, and ends closed without reconnecting', async () => {
      const session = open(demo.url('reject'), { reconnect: { enabled: true, maxAttempts: 3, initialDelayMs: 10, maxDelayMs: 10 } });
      const close = await waitForClosed(session);
      const response = allEvents(session).find((e) => e.kind === 'handshake-response');
      assert.equal(response?.handshake?.startLine, 'HTTP/1.1 401 Unauthorized');
      assert.equal(header(response, 'WWW-Authenticate'), 'Bearer');
      assert.equal(response?.handshake?.acceptCheck, undefined);
      const refusal = allEvents(session).find((e) => e.kind === 'error');
      assert.match(refusal?.message ?? '', /refused the WebSocket upgrade with HTTP 401 Unauthorized/);
      assert.match(refusal?.payload?.toString() ?? '', /"error":"unauthorized"/);
      assert.equal(close.close?.code, 1006);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(allEvents(session).filter((e) => e.kind === 'reconnect').length, 0, describeEvents(session));
      assert.equal(session.state, 'closed');
    });

    it('gives up on a server that accepts TCP and never answers the handshake', async () => {
      const raw = await startRawServer(() => undefined, { handshake: false });
      cleanups.push(() => raw.close());
      const session = open(raw.url, { handshakeTimeoutMs: 300 });
      const close = await waitForClosed(session);
      const error = allEvents(session).find((e) => e.kind === 'error');
      assert.match(error?.message ?? '', /did not complete the opening handshake in time.*handshakeTimeoutMs/);
      assert.equal(close.close?.code, 1006);
      assert.equal(close.close?.cause, 'handshake timeout');
    });

    it('follows redirects only when the profile allows, recording each hop', async () => {
      // One origin: /old redirects to /echo, which echoes.
      const redirector = createHttpServer();
      const echo = new WebSocketServer({ noServer: true });
      echo.on('connection', (ws) => ws.on('message', (data, binary) => ws.send(data, { binary })));
      redirector.on('upgrade', (req: IncomingMessage, socket, head) => {
        if (req.url === '/echo') echo.handleUpgrade(req, socket, head, (ws) => echo.emit('connection', ws, req));
        else socket.end('HTTP/1.1 302 Found\r\nLocation: /echo\r\nContent-Length: 0\r\n\r\n');
      });
      await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
      cleanups.push(() => new Promise((r) => {
        for (const client of echo.clients) client.terminate();
        redirector.close(r);
      }));
      const url = `ws://127.0.0.1:${(redirector.address() as AddressInfo).port}/old`;

      const refused = open(url);
      await waitForClosed(refused);
      assert.match(allEvents(refused).find((e) => e.kind === 'error')?.message ?? '', /HTTP 302 Found; it redirects to ws:\/\/127\.0\.0\.1:\d+\/echo; set "followRedirects": true/);

      const followed = await opened(open(url, { followRedirects: 'sameOrigin' }));
      const requests = allEvents(followed).filter((e) => e.kind === 'handshake-request').map((e) => e.handshake!.startLine);
      assert.deepEqual(requests, ['GET /old HTTP/1.1', 'GET /echo HTTP/1.1']);
      const responses = allEvents(followed).filter((e) => e.kind === 'handshake-response').map((e) => e.handshake!.startLine);
      assert.deepEqual(responses, ['HTTP/1.1 302 Found', 'HTTP/1.1 101 Switching Protocols']);
      assert.ok(allEvents(followed).some((e) => e.kind === 'info' && /Following the redirect to ws:\/\/127\.0\.0\.1:\d+\/echo over plain TCP/.test(e.message ?? '')), describeEvents(followed));
    });

    it('reports a redirect loop', async () => {
      const loop = createHttpServer();
      loop.on('upgrade', (req: IncomingMessage, socket) => socket.end(`HTTP/1.1 301 Moved\r\nLocation: ${req.url === '/a' ? '/b' : '/a'}\r\nContent-Length: 0\r\n\r\n`));
      await new Promise<void>((r) => loop.listen(0, '127.0.0.1', r));
      cleanups.push(() => new Promise((r) => loop.close(r)));
      const session = open(`ws://127.0.0.1:${(loop.address() as AddressInfo).port}/a`, { followRedirects: 'sameOrigin', maxRedirects: 3 });
      await waitForClosed(session);
      assert.ok(allEvents(session).some((e) => e.kind === 'error' && /redirect loop/.test(e.message ?? '')), describeEvents(session));
    });
  });

  describe('messages and frames', () => {
    it('logs open, the sent text and its echo in order, with their frames', async () => {
      const session = await opened(open(demo.url('echo')));
      assert.equal(session.sendText('héllo'), 6);
      const echo = await waitForEvent(session, (e) => e.kind === 'text' && e.direction === 'received');
      assert.equal(echo.payload?.toString('utf8'), 'héllo');
      assert.deepEqual(kinds(session), ['local:info', 'sent:handshake-request', 'received:handshake-response', 'local:open', 'sent:text', 'received:text'], describeEvents(session));
      const sent = allEvents(session).find((e) => e.kind === 'text' && e.direction === 'sent')!;
      const frame = sent.wire!.frames[0];
      assert.equal(sent.wire?.frameCount, 1);
      assert.equal(frame.masked, true, 'client frames are masked (RFC 6455 section 5.3)');
      assert.equal(typeof frame.maskKey, 'number');
      assert.equal(frame.opcode, 1);
      assert.equal(echo.wire?.frames[0].masked, false);
      const times = allEvents(session).map((e) => e.monoUs);
      assert.deepEqual([...times].sort((a, b) => a - b), times, 'monotonic timestamps never go back');
    });

    it('sends JSON only when it parses, and binary as binary', async () => {
      const session = await opened(open(demo.url('echo')));
      assert.throws(() => session.sendJson('{"a": 1,}'), (err: Error) => err instanceof SessionError && /not valid JSON/.test(err.message));
      session.sendJson('{"a":1}');
      session.sendBinary(Buffer.from([0, 255, 7]));
      const binary = await waitForEvent(session, (e) => e.kind === 'binary' && e.direction === 'received');
      assert.deepEqual([...binary.payload!], [0, 255, 7]);
      const sentText = allEvents(session).filter((e) => e.kind === 'text' && e.direction === 'sent').map((e) => e.payload?.toString());
      assert.deepEqual(sentText, ['{"a":1}'], 'the invalid JSON was not sent');
      assert.equal(session.bufferedAmount, 0);
    });

    it('records the server\'s ping and then the automatic pong that answered it', async () => {
      const session = open(demo.url('ping'));
      const ping = await waitForEvent(session, (e) => e.kind === 'ping' && e.direction === 'received', 3000);
      assert.equal(ping.payload?.toString(), 'ping 0');
      const pong = await waitForEvent(session, (e) => e.kind === 'pong' && e.direction === 'sent');
      assert.equal(pong.seq, ping.seq + 1, describeEvents(session));
      assert.equal(pong.automatic, true);
      assert.equal(pong.payload?.toString(), 'ping 0');
      assert.equal(pong.wire?.frames[0].opcode, 10);
    });

    it('sends pings with a payload and measures the round trip; refuses payloads over 125 bytes', async () => {
      const session = await opened(open(demo.url('echo')));
      assert.throws(() => session.ping(Buffer.alloc(126)), /at most 125 bytes/);
      session.ping(Buffer.from('are you there'));
      const pong = await waitForEvent(session, (e) => e.kind === 'pong' && e.direction === 'received');
      assert.equal(pong.payload?.toString(), 'are you there');
      assert.equal(typeof pong.rttMs, 'number');
      assert.ok(pong.rttMs! >= 0);
    });

    it('decodes the frames that arrive in the same chunk as the 101 response exactly once', async () => {
      const raw = await startRawServer(({ socket }) => socket.write(Buffer.concat([serverFrame(1, 'first'), serverFrame(1, 'second')])));
      cleanups.push(() => raw.close());
      const session = open(raw.url, { perMessageDeflate: false });
      await waitForEvent(session, (e) => e.kind === 'text' && e.payload?.toString() === 'second');
      const texts = allEvents(session).filter((e) => e.kind === 'text');
      assert.deepEqual(texts.map((e) => [e.payload?.toString(), e.wire?.frames[0].streamOffset]), [['first', 0], ['second', 7]]);
      assert.equal(allEvents(session).filter((e) => e.kind === 'error').length, 0, describeEvents(session));
    });

    it('shows the header of a frame whose length is not in its shortest encoding as it was sent', async () => {
      // 5 bytes announced in a 16-bit length: RFC 6455 section 5.2 says the shortest encoding MUST be used, and ws takes it anyway.
      const frame = Buffer.concat([Buffer.from([0x81, 126, 0, 5]), Buffer.from('hello'), serverFrame(1, 'next')]);
      const raw = await startRawServer(({ socket }) => socket.write(frame));
      cleanups.push(() => raw.close());
      const session = open(raw.url, { perMessageDeflate: false });
      await waitForEvent(session, (e) => e.kind === 'text' && e.payload?.toString() === 'next');
      const texts = allEvents(session).filter((e) => e.kind === 'text');
      assert.deepEqual(
        texts.map((e) => [e.payload?.toString(), e.wire?.wireBytes, e.wire?.frames[0].headerLength, e.wire?.frames[0].payloadLength, e.wire?.frames[0].streamOffset]),
        [
          ['hello', 9, 4, 5, 0],
          ['next', 6, 2, 4, 9],
        ],
      );
    });

    it('logs a burst of frames read at once in wire order, each single frame with its exact header', async () => {
      // Enough frames in one write that the reorder queue grows several times, with a ping and a fragmented message among them.
      const frames: Buffer[] = [];
      const expected: Array<[string, string, number, number, number]> = [];
      let offset = 0;
      const add = (frame: Buffer, event?: [string, string]): void => {
        if (event) expected.push([...event, frame.length, frame.length - (frame[1] === 126 ? 4 : frame[1] === 127 ? 10 : 2), offset]);
        frames.push(frame);
        offset += frame.length;
      };
      for (let n = 0; n < 3000; n++) {
        const body = n % 100 === 7 ? 'x'.repeat(200 + n) : `message ${n}`;
        add(serverFrame(n % 2 ? 2 : 1, body), [n % 2 ? 'binary' : 'text', body]);
        if (n === 1500) {
          add(serverFrame(1, 'part one, ', { fin: false }));
          add(serverFrame(9, 'between'), ['ping', 'between']);
          add(serverFrame(0, 'part two'));
          expected.push(['text', 'part one, part two', 0, 0, 0]);
        }
      }
      const raw = await startRawServer(({ socket }) => socket.write(Buffer.concat(frames)));
      cleanups.push(() => raw.close());
      const session = open(raw.url, { perMessageDeflate: false });
      await waitForEvent(session, (e) => e.payload?.toString() === 'message 2999');
      const received = allEvents(session).filter((e) => e.direction === 'received' && !e.kind.startsWith('handshake'));
      assert.deepEqual(
        received.map((e) => (e.wire?.frameCount === 1 ? [e.kind, e.payload?.toString(), e.wire.wireBytes, e.wire.frames[0].payloadLength, e.wire.frames[0].streamOffset] : [e.kind, e.payload?.toString(), 0, 0, 0])),
        expected.map(([kind, body, wireBytes, payloadLength, streamOffset]) => [kind, body, wireBytes, payloadLength, streamOffset]),
      );
      const single = received.find((e) => e.payload?.toString() === 'message 3')!;
      assert.deepEqual(single.wire, {
        wireBytes: 11,
        frameCount: 1,
        compressed: false,
        frames: [{ fin: true, rsv1: false, rsv2: false, rsv3: false, opcode: 2, opcodeName: 'binary', masked: false, payloadLength: 9, headerLength: 2, streamOffset: expected[3][4] }],
      });
      const fragmented = received.find((e) => e.payload?.toString() === 'part one, part two')!;
      assert.deepEqual(
        fragmented.wire?.frames.map((f) => [f.opcodeName, f.fin, f.payloadLength]),
        [
          ['text', false, 10],
          ['continuation', true, 8],
        ],
      );
    });

    it('keeps wire order when a control frame sits inside a fragmented message', async () => {
      const raw = await startRawServer(({ socket }) => {
        socket.write(serverFrame(1, 'part one, ', { fin: false }));
        socket.write(serverFrame(9, 'between'));
        socket.write(serverFrame(0, 'part two'));
      });
      cleanups.push(() => raw.close());
      const session = open(raw.url, { perMessageDeflate: false });
      const text = await waitForEvent(session, (e) => e.kind === 'text');
      assert.equal(text.payload?.toString(), 'part one, part two');
      assert.deepEqual(text.wire?.frames.map((f) => [f.opcodeName, f.fin]), [['text', false], ['continuation', true]]);
      const received = allEvents(session).filter((e) => e.direction === 'received' && !e.kind.startsWith('handshake')).map((e) => e.kind);
      // The ping completed on the wire before the message did, so it is logged first.
      assert.deepEqual(received, ['ping', 'text']);
    });
  });

  describe('memory and disk', () => {
    let spillDir: string;
    beforeEach(() => {
      spillDir = mkdtempSync(join(tmpdir(), 'wsi-session-'));
    });
    afterEach(() => rmSync(spillDir, { recursive: true, force: true }));

    it('keeps the log within its memory cap and its spill file within its cap through a flood of deflated 20 MiB messages', async function () {
      this.timeout(120_000);
      const MIB = 1024 * 1024;
      const messages = 30;
      const messageBytes = 20 * MIB;
      const memoryCapBytes = 16 * MIB;
      const spillCapBytes = 64 * MIB;
      // 20 MiB of zeros deflates to some 20 KiB (RFC 7692): a few hundred KiB on the wire ask for 600 MiB.
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: true });
      await new Promise((r) => server.once('listening', r));
      cleanups.push(() => new Promise((r) => server.close(r)));
      const zeros = Buffer.alloc(messageBytes);
      server.on('connection', (ws) => {
        for (let i = 0; i < messages; i++) ws.send(zeros);
      });
      const session = open(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, {
        maxPayloadBytes: 32 * MIB,
        store: { memoryCapBytes, spillDir, spillCapBytes, spillCapSetting: 'wsInspector.spillCapMB' },
      });
      // The store's own count of what it holds, after every batch of events it announces.
      let most = 0;
      let received = 0;
      const all = new Promise<void>((resolve, reject) => {
        session.store.subscribe(({ start, end }) => {
          const held = session.store.stats.bytesInMemory;
          most = Math.max(most, held);
          if (held > memoryCapBytes + messageBytes) reject(new Error(`the log holds ${held} bytes after event ${end - 1}: past its cap of ${memoryCapBytes} and one message`));
          session.store.scan(start, end, (_seq, kind, direction) => {
            if (kind === 'binary' && direction === 'received') received++;
          });
          if (received === messages) resolve();
        });
      });
      await all;
      assert.ok(most <= memoryCapBytes + messageBytes, `at most ${most} bytes held`);
      const events = allEvents(session);
      const floods = events.filter((e) => e.kind === 'binary' && e.direction === 'received');
      assert.deepEqual(floods.map((e) => e.size), Array(messages).fill(messageBytes), 'every message is logged with its size');
      assert.ok(floods.every((e) => e.wire?.compressed === true));
      const wireBytes = floods.reduce((sum, e) => sum + (e.wire?.wireBytes ?? 0), 0);
      assert.ok(wireBytes < 2 * MIB, `${wireBytes} bytes on the wire`);
      // The spill file stayed within its cap; what did not fit kept its size and lost its payload, and the log says so once.
      const [spillFile] = readdirSync(spillDir);
      assert.ok(statSync(join(spillDir, spillFile)).size <= spillCapBytes, `${statSync(join(spillDir, spillFile)).size} bytes spilled`);
      assert.ok(floods.some((e) => e.payloadDropped === true && e.payload === undefined), describeEvents(session));
      assert.equal(floods[0].payload?.length, messageBytes, 'the first one reads back from the spill file');
      assert.equal(events.filter((e) => /^Spill cap of 64\.0 MiB reached: .* To keep more, raise the setting wsInspector\.spillCapMB\.$/.test(e.message ?? '')).length, 1, describeEvents(session));
    });

    it('refuses a maxPayloadBytes past the limit, saying what the limit is', () => {
      assert.throws(
        () => new WebSocketSession({ url: 'ws://127.0.0.1:1/', maxPayloadBytes: 1024 * 1024 * 1024 }),
        (err: unknown) => err instanceof SessionError && /^maxPayloadBytes must be at most 268435456 \(256 MiB\), got 1073741824: .*Lower it to 268435456 or less/.test(err.message),
      );
    });
  });

  describe('close', () => {
    it('records the server\'s close 4000 with its reason, the reply, and a clean close', async () => {
      const session = open(demo.url('close'));
      const close = await waitForClosed(session);
      assert.deepEqual(
        { code: close.close?.code, reason: close.close?.reason, initiatedBy: close.close?.initiatedBy, clean: close.close?.clean },
        { code: 4000, reason: 'demo: closing after 5 seconds', initiatedBy: 'server', clean: true },
      );
      assert.match(close.close?.meaning ?? '', /private/i);
      const frames = allEvents(session).filter((e) => e.kind === 'close' && e.direction !== 'local').map((e) => `${e.direction} ${e.message}`);
      assert.equal(frames.length, 2, describeEvents(session));
      assert.match(frames[0], /^received 4000 .*"demo: closing after 5 seconds"/);
      assert.match(frames[1], /^sent 4000/);
      assert.equal(session.state, 'closed');
    });

    it('closes with a code and reason the user chose, checking them first', async () => {
      const session = await opened(open(demo.url('echo')));
      assert.throws(() => session.close(1005, ''), SessionError);
      assert.throws(() => session.close(4001, 'x'.repeat(124)), /123 bytes/);
      session.close(4001, 'done for today');
      const close = await waitForClosed(session);
      assert.equal(close.close?.code, 4001);
      assert.equal(close.close?.initiatedBy, 'client');
      assert.equal(close.close?.clean, true);
    });

    it('reports a connection that drops without a close frame as 1006 with its cause', async () => {
      const raw = await startRawServer(({ socket }) => setTimeout(() => socket.destroy(), 50));
      cleanups.push(() => raw.close());
      const session = open(raw.url);
      const close = await waitForClosed(session);
      assert.equal(close.close?.code, 1006);
      assert.equal(close.close?.initiatedBy, 'none');
      assert.equal(close.close?.clean, false);
      assert.ok(close.close?.cause, 'a 1006 close always names its cause');
    });

    it('closes with 1007 when the server sends invalid UTF-8 in a text message', async () => {
      let serverGotClose!: (bytes: Buffer) => void;
      const serverSaw = new Promise<Buffer>((resolve) => (serverGotClose = resolve));
      const raw = await startRawServer((c) => {
        c.socket.on('data', (chunk: Buffer) => serverGotClose(chunk));
        c.socket.write(serverFrame(1, Buffer.from([0x68, 0x69, 0xff, 0xfe])));
      });
      cleanups.push(() => raw.close());
      const session = open(raw.url, { perMessageDeflate: false });
      await waitForClosed(session);
      const log = allEvents(session).filter((e) => !e.kind.startsWith('handshake') && e.kind !== 'info' && e.kind !== 'open');
      assert.deepEqual(
        log.map((e) => `${e.direction}:${e.kind}`),
        ['received:error', 'sent:close', 'local:error', 'local:close'],
        describeEvents(session),
      );
      assert.match(log[0].message ?? '', /text message was not delivered: .*not valid UTF-8.*1007/);
      assert.equal(log[0].wire?.frames[0].payloadLength, 4, 'the rejected message keeps its frame');
      assert.equal(log[1].payload?.readUInt16BE(0), 1007);
      const bytes = await serverSaw;
      assert.equal(bytes[0], 0x88, 'the server received a close frame');
    });

    it('logs a frame the decoder rejects, with its close code, and carries on with what ws reports', async () => {
      const raw = await startRawServer(({ socket }) => {
        socket.write(serverFrame(1, 'fine'));
        socket.write(serverFrame(3, 'reserved opcode'));
      });
      cleanups.push(() => raw.close());
      const session = open(raw.url, { perMessageDeflate: false });
      await waitForClosed(session);
      const decodeError = allEvents(session).find((e) => e.kind === 'error' && e.closeCode !== undefined);
      assert.equal(decodeError?.closeCode, 1002, describeEvents(session));
      assert.match(decodeError?.message ?? '', /^The server sent an invalid frame at byte 6 of the stream: .*reserved opcode 0x3.*RFC 6455 section 5\.2/);
      assert.equal(allEvents(session).find((e) => e.kind === 'text')?.payload?.toString(), 'fine', 'the message before it is kept');
      const sentClose = allEvents(session).find((e) => e.kind === 'close' && e.direction === 'sent');
      assert.equal(sentClose?.payload?.readUInt16BE(0), 1002, 'ws closed with 1002 protocol error');
    });

    it('closes with 1009 when a message is larger than maxPayloadBytes', async () => {
      const session = await opened(open(demo.url('echo'), { maxPayloadBytes: 1000, perMessageDeflate: false }));
      session.sendText('x'.repeat(2000));
      await waitForClosed(session);
      const sentClose = allEvents(session).find((e) => e.kind === 'close' && e.direction === 'sent');
      assert.equal(sentClose?.payload?.readUInt16BE(0), 1009, describeEvents(session));
      assert.ok(allEvents(session).some((e) => e.kind === 'error' && /maxPayloadBytes/.test(e.message ?? '')), describeEvents(session));
    });

    it('closes with 1001 when disposed', async () => {
      const session = await opened(open(demo.url('echo')));
      session.dispose();
      const close = await waitForClosed(session);
      assert.equal(close.close?.code, 1001);
    });

    it('resolves dispose() once the server has answered the 1001 close frame', async () => {
      const session = await opened(open(demo.url('echo')));
      await session.dispose();
      assert.equal(session.state, 'closed');
      const close = allEvents(session).find((e) => e.kind === 'close' && e.direction === 'local')?.close;
      assert.deepEqual(close && { code: close.code, initiatedBy: close.initiatedBy, clean: close.clean }, { code: 1001, initiatedBy: 'client', clean: true }, describeEvents(session));
    });

    it('disposed during the handshake, lets it finish and closes with 1001, so the server sees a close frame', async () => {
      let release: (() => void) | undefined;
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: (_info, callback) => (release = () => callback(true)) });
      await new Promise((r) => server.once('listening', r));
      cleanups.push(() => new Promise((r) => server.close(r)));
      const seen = new Promise<{ code: number; reason: string }>((resolve) =>
        server.once('connection', (ws) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
      );
      const session = open(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, { keepAlive: { pingIntervalMs: 1, pongTimeoutMs: 1000 } });
      await waitForEvent(session, (e) => e.kind === 'handshake-request');
      while (!release) await new Promise((r) => setImmediate(r));
      const disposed = session.dispose();
      release();
      await disposed;
      assert.deepEqual(await seen, { code: 1001, reason: 'inspector closed' });
      assert.ok(!allEvents(session).some((e) => e.kind === 'ping'), `keep-alive started after dispose():\n${describeEvents(session)}`);
    });

    it('drops a handshake that never completes once the grace period of dispose() has passed', async () => {
      const raw = createHttpServer();
      // Reads the upgrade request and never answers it; ends its side when the client goes.
      raw.on('upgrade', (_request, socket) => socket.once('end', () => socket.end()));
      await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
      cleanups.push(() => new Promise((r) => raw.close(r)));
      const session = open(`ws://127.0.0.1:${(raw.address() as AddressInfo).port}/`, { handshakeTimeoutMs: 60_000 });
      await waitForEvent(session, (e) => e.kind === 'handshake-request');
      await session.dispose(50);
      assert.equal(session.state, 'closed');
      const close = allEvents(session).find((e) => e.kind === 'close' && e.direction === 'local')?.close;
      assert.equal(close?.code, 1006);
      assert.match(close?.cause ?? '', /the server had not completed the handshake within 50 ms/, describeEvents(session));
    });

    it('disposed while waiting to reconnect, stops waiting and ends closed', async () => {
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await new Promise((r) => server.once('listening', r));
      cleanups.push(() => new Promise((r) => server.close(r)));
      let connections = 0;
      server.on('connection', (ws) => {
        connections++;
        ws.terminate();
      });
      const session = open(`ws://127.0.0.1:${(server.address() as AddressInfo).port}/`, { reconnect: { enabled: true, maxAttempts: 3, initialDelayMs: 600_000, maxDelayMs: 600_000 } });
      await waitForEvent(session, (e) => e.kind === 'reconnect');
      assert.equal(session.state, 'reconnecting');
      await session.dispose();
      assert.equal(session.state, 'closed');
      assert.match(allEvents(session).at(-1)?.message ?? '', /Reconnecting cancelled/);
      assert.equal(connections, 1);
    });

    it('records a refused connection with its cause', async () => {
      const server = await startDemoServer();
      const url = server.url('echo');
      await server.close();
      const session = open(url);
      const close = await waitForClosed(session);
      assert.match(allEvents(session).find((e) => e.kind === 'error')?.message ?? '', /Connection refused.*ECONNREFUSED/);
      assert.equal(close.close?.code, 1006);
      assert.equal(close.close?.cause, 'ECONNREFUSED');
    });

    it('a header Node cannot send becomes an error event, not an exception', async () => {
      const session = new WebSocketSession({ url: demo.url('echo'), headers: { 'X-Name': '日本' }, proxy: { env: {} } });
      sessions.push(session);
      assert.doesNotThrow(() => session.connect());
      const close = await waitForEvent(session, (e) => e.kind === 'error');
      assert.match(close.message ?? '', /Could not start the connection: .*Invalid character in header content/);
      assert.equal(session.state, 'closed');
    });

    it('refuses to send before the connection is open, saying why', () => {
      const session = open(demo.url('echo'));
      assert.throws(() => session.sendText('too early'), /Cannot send a message: the connection is connecting/);
    });
  });

  describe('keep-alive and reconnect', () => {
    it('pings on an interval and records each round trip', async () => {
      const session = open(demo.url('echo'), { keepAlive: { pingIntervalMs: 50, pongTimeoutMs: 1000 } });
      const pong = await waitForEvent(session, (e) => e.kind === 'pong' && e.direction === 'received' && e.rttMs !== undefined);
      assert.equal(pong.payload?.toString(), 'keepalive 0');
    });

    it('ends the connection when no pong comes in time', async () => {
      // The raw server reads the ping and never answers it.
      const raw = await startRawServer(() => undefined);
      cleanups.push(() => raw.close());
      const session = open(raw.url, { keepAlive: { pingIntervalMs: 50, pongTimeoutMs: 100 } });
      const close = await waitForClosed(session);
      assert.equal(close.close?.code, 1006);
      assert.equal(close.close?.cause, 'no pong within 100 ms');
      assert.ok(allEvents(session).some((e) => e.kind === 'error' && /keepAlive\.pongTimeoutMs/.test(e.message ?? '')));
    });

    it('reconnects with backoff up to maxAttempts, each attempt an event, and stops when the user closes', async () => {
      let connections = 0;
      const raw = await startRawServer(({ socket }) => {
        connections++;
        setTimeout(() => socket.destroy(), 20);
      });
      cleanups.push(() => raw.close());
      const session = open(raw.url, { reconnect: { enabled: true, maxAttempts: 2, initialDelayMs: 20, maxDelayMs: 40 } });
      await waitForEvent(session, (e) => e.kind === 'close' && e.direction === 'local' && session.state === 'closed', 5000);
      const reconnects = allEvents(session).filter((e) => e.kind === 'reconnect').map((e) => e.message);
      assert.equal(reconnects.length, 2, describeEvents(session));
      assert.match(reconnects[0] ?? '', /attempt 1 of 2/);
      assert.match(reconnects[1] ?? '', /attempt 2 of 2/);
      assert.equal(connections, 3);
    });

    it('reconnects on request: the old connection is dropped, a new one opens, both in the same log', async () => {
      const session = await opened(open(demo.url('echo')));
      session.reconnect();
      await waitForEvent(session, (e) => e.kind === 'open' && e.seq > 4);
      const lifecycle = allEvents(session).filter((e) => ['open', 'close', 'reconnect'].includes(e.kind) && e.direction === 'local').map((e) => e.kind);
      assert.deepEqual(lifecycle, ['open', 'reconnect', 'close', 'open'], describeEvents(session));
      assert.equal(session.state, 'open');
      session.sendText('after reconnect');
      const echo = await waitForEvent(session, (e) => e.kind === 'text' && e.direction === 'received');
      assert.equal(echo.payload?.toString(), 'after reconnect');
    });

    it('a Disconnect or dispose right after Reconnect wins, and a second Reconnect does not open a second socket', async () => {
      const clients = new Set<unknown>();
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await new Promise((r) => server.once('listening', r));
      server.on('connection', (ws) => {
        clients.add(ws);
        ws.on('close', () => clients.delete(ws));
      });
      cleanups.push(() => new Promise((r) => server.close(r)));
      const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`;

      const closedAfter = await opened(open(url));
      closedAfter.reconnect();
      closedAfter.close(1000, 'changed my mind');
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(closedAfter.state, 'closed', describeEvents(closedAfter));

      const disposedAfter = await opened(open(url));
      disposedAfter.reconnect();
      disposedAfter.dispose();

      const twice = await opened(open(url));
      twice.reconnect();
      twice.reconnect();
      await waitForEvent(twice, (e) => e.kind === 'open' && e.seq > 4);
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(clients.size, 1, 'only the one reconnected socket is open');
      assert.equal(allEvents(twice).filter((e) => e.kind === 'open').length, 2, describeEvents(twice));
    });

    it('never reconnects after a close the user asked for', async () => {
      const session = await opened(open(demo.url('echo'), { reconnect: { enabled: true, maxAttempts: 5, initialDelayMs: 10, maxDelayMs: 10 } }));
      session.close(1000, 'bye');
      await waitForClosed(session);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(allEvents(session).filter((e) => e.kind === 'reconnect').length, 0);
      assert.equal(session.state, 'closed');
    });
  });

  describe('TLS and proxies', () => {
    let pki: TestPki;
    let wssUrl: string;
    let closeTlsServer: () => void;
    before(async () => {
      pki = makeTestPki();
      const https = createHttpsServer({ cert: pki.serverCert, key: pki.serverKey });
      const wss = new WebSocketServer({ server: https });
      wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
      await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
      wssUrl = `wss://127.0.0.1:${(https.address() as AddressInfo).port}/secure`;
      closeTlsServer = () => {
        wss.close();
        https.close();
      };
    });
    after(() => {
      closeTlsServer?.();
      pki?.remove();
    });

    it('connects over wss:// with the CA given in tls.ca, and sees the decrypted handshake and frames', async () => {
      const session = await opened(open(wssUrl, { tls: { ca: pki.caCert } }));
      session.sendText('over TLS');
      const echo = await waitForEvent(session, (e) => e.kind === 'text' && e.direction === 'received');
      assert.equal(echo.payload?.toString(), 'over TLS');
      assert.match(allEvents(session).find((e) => e.kind === 'handshake-request')?.handshake?.startLine ?? '', /^GET \/secure HTTP\/1\.1$/);
      assert.equal(echo.wire?.frames[0].opcode, 1);
    });

    it('refuses a certificate from a CA it was not given, naming the setting that fixes it', async () => {
      const session = open(wssUrl);
      const close = await waitForClosed(session);
      const error = allEvents(session).find((e) => e.kind === 'error');
      assert.match(error?.message ?? '', /TLS error \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN)\).*"tls\.ca"/);
      assert.equal(close.close?.code, 1006);
    });

    it('tunnels ws:// through an HTTP CONNECT proxy and still sees every frame', async () => {
      const proxy = await startConnectProxy();
      cleanups.push(() => proxy.close());
      const session = await opened(open(demo.url('echo'), { proxy: { profile: proxy.url } }));
      session.sendText('via proxy');
      await waitForEvent(session, (e) => e.kind === 'text' && e.direction === 'received');
      assert.deepEqual(proxy.requests, [`127.0.0.1:${new URL(demo.url('echo')).port}`]);
      assert.match(allEvents(session)[0].message ?? '', /proxy http:\/\/127\.0\.0\.1:\d+ from the profile/);
    });

    it('never writes the proxy\'s credentials, or the Proxy-Authorization it sent, into the log', async () => {
      const proxy = await startConnectProxy();
      cleanups.push(() => proxy.close());
      const withCredentials = proxy.url.replace('http://', 'http://alice:s3cret@');
      const session = await opened(open(demo.url('echo'), { proxy: { env: { HTTP_PROXY: withCredentials } } }));
      session.sendText('after the tunnel');
      await waitForEvent(session, (e) => e.kind === 'text' && e.direction === 'received');
      const basic = Buffer.from('alice:s3cret').toString('base64');
      assert.deepEqual(proxy.authorizations, [`Basic ${basic}`]);
      assert.match(allEvents(session)[0].message ?? '', /proxy http:\/\/alice:•••@127\.0\.0\.1:\d+ from HTTP_PROXY/);
      // Everything the store holds: messages, handshake start lines and headers, payload bytes.
      const everything = JSON.stringify(allEvents(session), (_key, value: unknown) =>
        value && typeof value === 'object' && (value as { type?: unknown }).type === 'Buffer' ? Buffer.from((value as { data: number[] }).data).toString('latin1') : value);
      for (const leak of ['s3cret', basic, 'Proxy-Authorization', 'CONNECT 127.0.0.1']) assert.ok(!everything.toLowerCase().includes(leak.toLowerCase()), `${leak} in ${everything}`);
      assert.ok(everything.includes('after the tunnel'), 'the serialisation reads payloads');
    });

    it('keeps the server\'s first bytes that arrive in the same read as the proxy\'s 200', async () => {
      // The proxy writes its 200 and the start of the 101 status line in one write, so they reach
      // the client in one chunk; the rest of the 101 follows from the server.
      const proxy = await startConnectProxy({ coalesceWith200: 'HTTP/1.1 101 Switching' });
      cleanups.push(() => proxy.close());
      const session = await opened(open(demo.url('echo'), { proxy: { profile: proxy.url } }));
      const response = allEvents(session).find((e) => e.kind === 'handshake-response');
      assert.equal(response?.handshake?.startLine, 'HTTP/1.1 101 Switching Protocols');
      session.sendText('one');
      session.sendText('two');
      await waitForEvent(session, (e) => e.kind === 'text' && e.direction === 'received' && e.payload?.toString() === 'two');
      assert.deepEqual(allEvents(session).filter((e) => e.kind === 'text' && e.direction === 'received').map((e) => e.payload?.toString()), ['one', 'two']);
    });

    it('reads a 200 that arrives one byte at a time', async () => {
      const proxy = await startConnectProxy({ bytewise200: true });
      cleanups.push(() => proxy.close());
      const session = await opened(open(demo.url('echo'), { proxy: { profile: proxy.url } }));
      session.sendText('one');
      session.sendText('two');
      await waitForEvent(session, (e) => e.kind === 'text' && e.direction === 'received' && e.payload?.toString() === 'two');
      assert.deepEqual(allEvents(session).filter((e) => e.kind === 'text' && e.direction === 'received').map((e) => e.payload?.toString()), ['one', 'two']);
      assert.equal(proxy.requests.length, 1);
    });

    it('says which proxy asked for credentials without showing the password', async () => {
      const proxy = await startConnectProxy({ requireAuthorization: { expected: 'Basic none', challenge: 'Basic realm="corp"' } });
      cleanups.push(() => proxy.close());
      const session = open(demo.url('echo'), { proxy: { profile: proxy.url.replace('http://', 'http://alice:s3cret@') } });
      await waitForClosed(session);
      const error = allEvents(session).find((e) => e.kind === 'error')?.message ?? '';
      assert.match(error, /The proxy http:\/\/alice:•••@127\.0\.0\.1:\d+ requires authentication for CONNECT 127\.0\.0\.1:\d+: HTTP\/1\.1 407 .*were not accepted/);
      assert.ok(!describeEvents(session).includes('s3cret'));
    });

    it('explains an unusable proxy setting without its password, and does not connect', async () => {
      const session = open(demo.url('echo'), { proxy: { editor: 'https://alice:s3cret@proxy.test:3128' } });
      await waitForEvent(session, (e) => e.kind === 'error');
      assert.match(describeEvents(session), /the http\.proxy setting must be an http:\/\/ proxy URL, got https:\/\/ \("https:\/\/alice:•••@proxy\.test:3128"\)/);
      assert.ok(!describeEvents(session).includes('s3cret'));
    });

    it('tunnels wss:// through the proxy from the environment', async () => {
      const proxy = await startConnectProxy();
      cleanups.push(() => proxy.close());
      const session = await opened(open(wssUrl, { tls: { ca: pki.caCert }, proxy: { env: { HTTPS_PROXY: proxy.url } } }));
      assert.equal(proxy.requests.length, 1);
      assert.equal(session.state, 'open');
    });

    /** A "proxy" that accepts the TCP connection and never answers CONNECT; tells when its side of the socket closed. */
    async function silentProxy(): Promise<{ url: string; onAccept: Promise<void>; onClose: Promise<void> }> {
      let accepted!: () => void;
      let closed!: () => void;
      const onAccept = new Promise<void>((resolve) => (accepted = resolve));
      const onClose = new Promise<void>((resolve) => (closed = resolve));
      const silent = net.createServer((socket) => {
        socket.on('error', () => undefined);
        socket.once('close', () => closed());
        accepted();
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
      return { url: `http://127.0.0.1:${(silent.address() as AddressInfo).port}`, onAccept, onClose };
    }

    it('dispose() drops a CONNECT the proxy never answers at once, not at the proxy timeout', async () => {
      const { url: proxyUrl, onAccept, onClose } = await silentProxy();
      // The proxy timeout is the handshake timeout: ten minutes, far past this test's own limit.
      const session = open(demo.url('echo'), { proxy: { profile: proxyUrl }, handshakeTimeoutMs: 600_000 });
      await onAccept;
      await session.dispose();
      await onClose; // the proxy's side of the socket closed
      assert.equal(session.state, 'closed');
      assert.match(describeEvents(session), /was cancelled: the connection attempt was closed before the proxy answered CONNECT/);
    });

    it('close() during a CONNECT the proxy never answers drops it too', async () => {
      const { url: proxyUrl, onAccept, onClose } = await silentProxy();
      const session = open(demo.url('echo'), { proxy: { profile: proxyUrl }, handshakeTimeoutMs: 600_000 });
      await onAccept;
      session.close();
      await waitForClosed(session);
      await onClose;
    });

    it('says so when the proxy refuses CONNECT', async () => {
      const proxy = await startConnectProxy({ refuse: true });
      cleanups.push(() => proxy.close());
      const session = open(demo.url('echo'), { proxy: { editor: proxy.url } });
      await waitForClosed(session);
      assert.match(allEvents(session).find((e) => e.kind === 'error')?.message ?? '', /refused CONNECT 127\.0\.0\.1:\d+: HTTP\/1\.1 403 Forbidden/);
    });
  });

  describe('credentials in the URL', () => {
    // A password with characters that must be percent-encoded in user info: ws decodes it for Basic.
    const PASSWORD = 'S3cr3t p@ss/wörd';
    const userInfo = `alice:${encodeURIComponent(PASSWORD)}`;

    /** A ws server on 127.0.0.1 that accepts only `Authorization: Basic alice:PASSWORD` and answers 401 otherwise. */
    const startBasicAuthServer = async (): Promise<{ port: number; authorizations: Array<string | undefined> }> => {
      const authorizations: Array<string | undefined> = [];
      const expected = `Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`;
      const server = new WebSocketServer({
        host: '127.0.0.1',
        port: 0,
        verifyClient: (info: { req: IncomingMessage }, done: (ok: boolean, code?: number) => void) => {
          authorizations.push(info.req.headers.authorization);
          done(info.req.headers.authorization === expected, 401);
        },
      });
      server.on('connection', (socket) => socket.on('message', (data, binary) => socket.send(data, { binary })));
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      cleanups.push(() => new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }));
      return { port: (server.address() as AddressInfo).port, authorizations };
    };

    /** Every text the session shows or keeps about itself: its title, URL as shown, and each event's message and start line. */
    const shownTexts = (session: WebSocketSession): string => [session.title, session.displayUrl, ...allEvents(session).flatMap((e) => [e.message ?? '', e.handshake?.startLine ?? ''])].join('\n');
    const assertNoPassword = (text: string): void => {
      for (const form of [PASSWORD, encodeURIComponent(PASSWORD), 'S3cr3t', 'p%40ss']) assert.ok(!text.includes(form), `${form} in:\n${text}`);
    };

    it('connects with the Basic credentials of the URL, and shows the URL with the password as •••', async () => {
      const server = await startBasicAuthServer();
      const session = await opened(open(`ws://${userInfo}@127.0.0.1:${server.port}/chat`));
      assert.deepEqual(server.authorizations, [`Basic ${Buffer.from(`alice:${PASSWORD}`).toString('base64')}`]);
      assert.equal(session.displayUrl, `ws://alice:•••@127.0.0.1:${server.port}/chat`);
      assert.equal(session.title, session.displayUrl);
      assert.match(allEvents(session)[0].message ?? '', new RegExp(`^Connecting to ws://alice:•••@127\\.0\\.0\\.1:${server.port}/chat \\(`));
      assert.match(allEvents(session).find((e) => e.kind === 'open')?.message ?? '', /^Connected to ws:\/\/alice:•••@127\.0\.0\.1:\d+\/chat/);
      // The header ws derived from the user info is in the log (credential headers are masked by name where shown).
      assert.ok(allEvents(session).find((e) => e.kind === 'handshake-request')?.handshake?.headers.some(([name]) => name.toLowerCase() === 'authorization'));
      assertNoPassword(shownTexts(session));
      // Still the real URL underneath: reconnecting logs in again.
      session.reconnect();
      await waitForEvent(session, (e) => e.kind === 'open' && e.seq > allEvents(session).findIndex((x) => x.kind === 'reconnect'));
      assert.equal(server.authorizations.length, 2);
      assert.equal(server.authorizations[0], server.authorizations[1]);
      assertNoPassword(shownTexts(session));
    });

    it('hides a user name that stands alone (a token), as the proxy setting does', async () => {
      const server = await startBasicAuthServer();
      const session = open(`ws://S3cr3tToken@127.0.0.1:${server.port}/`);
      await waitForClosed(session);
      assert.equal(session.displayUrl, `ws://•••@127.0.0.1:${server.port}/`);
      assert.ok(!shownTexts(session).includes('S3cr3tToken'), shownTexts(session));
    });

    it('keeps the password out of the refused-connection message', async () => {
      const probe = createHttpServer();
      await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
      const port = (probe.address() as AddressInfo).port;
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      const session = open(`ws://${userInfo}@127.0.0.1:${port}/`);
      await waitForClosed(session);
      assert.match(describeEvents(session), /nothing is listening at ws:\/\/alice:•••@127\.0\.0\.1/);
      assertNoPassword(shownTexts(session));
    });

    it('hides the password of a redirect\'s target', async () => {
      const server = await startBasicAuthServer();
      const redirector = createHttpServer((_req, res) => res.writeHead(404).end());
      redirector.on('upgrade', (_req, socket) => {
        socket.end(`HTTP/1.1 302 Found\r\nLocation: ws://${userInfo}@127.0.0.1:${server.port}/moved\r\nContent-Length: 0\r\n\r\n`);
      });
      await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => redirector.close(() => resolve())));
      const session = await opened(open(`ws://127.0.0.1:${(redirector.address() as AddressInfo).port}/`, { followRedirects: 'crossOrigin' }));
      assert.match(describeEvents(session), /Following the redirect to ws:\/\/alice:•••@127\.0\.0\.1:\d+\/moved/);
      assertNoPassword(shownTexts(session));
    });

    it('hides the password of a redirect target ws cannot parse, in the error and in the close cause', async () => {
      const redirector = createHttpServer((_req, res) => res.writeHead(404).end());
      redirector.on('upgrade', (_req, socket) => {
        socket.end(`HTTP/1.1 302 Found\r\nLocation: ws://${userInfo}@127.0.0.1:99999/moved\r\nContent-Length: 0\r\n\r\n`);
      });
      await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
      cleanups.push(() => new Promise<void>((resolve) => redirector.close(() => resolve())));
      const session = open(`ws://127.0.0.1:${(redirector.address() as AddressInfo).port}/`, { followRedirects: 'crossOrigin' });
      const closed = await waitForClosed(session);
      assert.match(describeEvents(session), /redirected \(HTTP 302\) to "ws:\/\/alice:•••@127\.0\.0\.1:99999\/moved", which is not a URL/);
      assertNoPassword(`${shownTexts(session)}\n${closed.close?.cause ?? ''}`);
    });
  });

  describe('a token in the URL\'s query', () => {
    it('is sent, and shown as ••• in the URL, the title and wherever the log or a server quotes it', async () => {
      const TOKEN = 'eyJ0b2tlbiI6InF1ZXJ5LWNyZWRlbnRpYWwifQ';
      const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      const urls: string[] = [];
      server.on('connection', (socket, request) => {
        urls.push(request.url ?? '');
        socket.send(`you sent ${request.url}`);
      });
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      cleanups.push(() => new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }));
      const port = (server.address() as AddressInfo).port;
      const session = await opened(open(`ws://127.0.0.1:${port}/feed?room=7&access_token=${TOKEN}&apiKey=short`));
      const echoed = await waitForEvent(session, (e) => e.kind === 'text');
      assert.deepEqual(urls, [`/feed?room=7&access_token=${TOKEN}&apiKey=short`], 'the server got the token');
      assert.equal(session.displayUrl, `ws://127.0.0.1:${port}/feed?room=7&access_token=•••&apiKey=•••`);
      assert.equal(session.title, session.displayUrl);
      const shown = [session.title, ...allEvents(session).flatMap((e) => [e.message ?? '', e.handshake?.startLine ?? '']), echoed.payload?.toString() ?? ''].map((t) => session.mask.redact(t)).join('\n');
      assert.ok(!shown.includes(TOKEN), shown);
      assert.match(shown, /you sent \/feed\?room=7&access_token=•••/);
    });
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
      const session = await opened(open(peer.url('/echo')));
      session.sendText('from node to python');
      const echo = await waitForEvent(session, (e) => e.kind === 'text' && e.direction === 'received');
      assert.equal(echo.payload?.toString(), 'from node to python');
    });

    for (const server of ['deflate', 'plain'] as const) {
      it(`reassembles a fragmented message and shows its frames (${server === 'deflate' ? 'permessage-deflate negotiated' : 'permessage-deflate refused'})`, async () => {
        const session = open(peer.url('/fragments', server));
        await waitForEvent(session, (e) => e.kind === 'ping' && e.direction === 'received');
        const received = allEvents(session).filter((e) => e.direction === 'received' && !e.kind.startsWith('handshake'));
        assert.deepEqual(
          received.map((e) => [e.kind, e.kind === 'binary' ? [...(e.payload ?? [])] : e.payload?.toString()]),
          [
            ['text', 'frag-one frag-two frag-three'],
            ['binary', [0, 1, 2, 254, 255]],
            ['ping', 'py-ping'],
          ],
          describeEvents(session),
        );
        const deflate = server === 'deflate';
        const text = received[0].wire!;
        // websockets sends each fragment with FIN=0 and ends the message with an empty FIN=1 continuation.
        assert.deepEqual(
          text.frames.map((f) => [f.opcodeName, f.fin, f.rsv1, f.masked]),
          [
            ['text', false, deflate, false],
            ['continuation', false, false, false],
            ['continuation', false, false, false],
            ['continuation', true, false, false],
          ],
        );
        assert.equal(text.frameCount, 4);
        assert.equal(text.wireBytes, text.frames.reduce((sum, f) => sum + f.headerLength + f.payloadLength, 0));
        assert.equal(text.compressed, deflate);
        assert.equal(received[1].wire?.compressed, deflate);
        assert.equal(received[2].wire?.frames[0].rsv1, false, 'control frames are never compressed');
        const negotiated = allEvents(session).find((e) => e.kind === 'handshake-response')?.handshake?.negotiated?.extensions ?? '';
        assert.equal(negotiated.includes('permessage-deflate'), deflate, negotiated);
      });
    }

    it('lets the server choose the subprotocol', async () => {
      const session = await opened(open(peer.url('/echo'), { subprotocols: ['chat.v1', 'chat.v2'] }));
      assert.equal(session.negotiated?.subprotocol, 'chat.v2');
      const request = allEvents(session).find((e) => e.kind === 'handshake-request');
      assert.equal(header(request, 'Sec-WebSocket-Protocol'), 'chat.v1,chat.v2');
    });

    it('records the peer\'s close 4000 with a UTF-8 reason', async () => {
      const session = open(peer.url('/close'));
      const close = await waitForClosed(session);
      assert.equal(close.close?.code, 4000);
      assert.equal(close.close?.reason, 'adiós, from python');
      assert.equal(close.close?.initiatedBy, 'server');
      assert.equal(close.close?.clean, true);
    });

    it('records the peer\'s 401 refusal with its body', async () => {
      const session = open(peer.url('/reject'));
      await waitForClosed(session);
      assert.equal(allEvents(session).find((e) => e.kind === 'handshake-response')?.handshake?.startLine, 'HTTP/1.1 401 Unauthorized');
      assert.deepEqual(JSON.parse(allEvents(session).find((e) => e.kind === 'error')?.payload?.toString() ?? '{}'), { error: 'unauthorized', from: 'python' });
    });
  });
});
