/**
 * Servers that break the rules (RFC 6455 sections 5 and 7) and networks that fail: each ends with the
 * right close code and an event that says what happened in plain words; the offending frame is kept.
 */
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';
import { WebSocketSession, type SessionOptions } from '../../../src/core/session';
import { MAX_FRAMES_KEPT } from '../../../src/core/wire';
import { makeTestPki, type TestPki } from '../../fixtures/certificates';
import { serverFrame, startRawServer } from '../../fixtures/rawServer';
import { allEvents, describeEvents, waitForClosed, waitForEvent } from '../../fixtures/sessionWaits';

describe('misbehaving servers and failing networks', function () {
  this.timeout(15_000);
  const cleanups: Array<() => unknown> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  const open = (url: string, options: Omit<SessionOptions, 'url'> = {}): WebSocketSession => {
    const session = new WebSocketSession({ url, perMessageDeflate: false, proxy: { env: {} }, ...options });
    cleanups.push(() => session.dispose());
    session.connect();
    return session;
  };
  const sentCloseCode = (session: WebSocketSession): number | undefined => allEvents(session).find((e) => e.kind === 'close' && e.direction === 'sent')?.payload?.readUInt16BE(0);

  const badFrames: Array<[string, Buffer, RegExp]> = [
    ['a reserved opcode', serverFrame(0xb, 'x'), /reserved opcode 0xB/],
    ['RSV1 without an extension', serverFrame(1, 'x', { rsv1: true }), /RSV1 set, but permessage-deflate was not negotiated/],
    ['RSV2 set', serverFrame(1, 'x', { rsv2: true }), /RSV2 set/],
    ['a masked frame from the server', serverFrame(1, 'masked', { mask: true }), /server must not mask/],
    ['an oversized control frame', serverFrame(9, Buffer.alloc(126)), /longer than 125 bytes/],
    ['a fragmented control frame', serverFrame(9, 'x', { fin: false }), /control frames must not be fragmented/],
    ['a continuation without a start', serverFrame(0, 'orphan'), /continuation frame, but no fragmented message was in progress/],
  ];
  for (const [what, frame, explained] of badFrames) {
    it(`${what}: logged with its frame, and the connection is closed with 1002`, async () => {
      const raw = await startRawServer(({ socket }) => socket.write(frame));
      cleanups.push(() => raw.close());
      const session = open(raw.url);
      await waitForClosed(session);
      const error = allEvents(session).find((e) => e.kind === 'error' && e.closeCode !== undefined);
      assert.ok(error, describeEvents(session));
      assert.match(error.message ?? '', explained);
      assert.equal(error.closeCode, 1002);
      assert.equal(error.frame?.opcode, frame[0] & 0x0f, 'the offending frame is kept');
      assert.equal(sentCloseCode(session), 1002, describeEvents(session));
    });
  }

  it('an invalid close code from the server: closed with 1002', async () => {
    const payload = Buffer.alloc(2);
    payload.writeUInt16BE(1005);
    const raw = await startRawServer(({ socket }) => socket.write(serverFrame(8, payload)));
    cleanups.push(() => raw.close());
    const session = open(raw.url);
    await waitForClosed(session);
    assert.equal(sentCloseCode(session), 1002, describeEvents(session));
    assert.ok(allEvents(session).some((e) => e.kind === 'error' && /invalid status code 1005/i.test(e.message ?? '')), describeEvents(session));
  });

  it('a server flooding messages of 1,024 empty fragments: every frame kept counts toward the memory cap, is spilled with its message and read back', async () => {
    const messages = 600;
    // One message: a text frame without FIN, 1,022 empty continuations, a final one with "a" (RFC 6455 section 5.4).
    const fragmented = Buffer.concat([serverFrame(1, '', { fin: false }), ...Array.from({ length: MAX_FRAMES_KEPT - 2 }, () => serverFrame(0, '', { fin: false })), serverFrame(0, 'a')]);
    const raw = await startRawServer(({ socket }) => {
      for (let i = 0; i < messages; i++) socket.write(fragmented);
    });
    cleanups.push(() => raw.close());
    const spillDir = mkdtempSync(join(tmpdir(), 'wsi-frag-'));
    cleanups.push(() => rmSync(spillDir, { recursive: true, force: true }));
    const cap = 4 * 1024 * 1024;
    const session = open(raw.url, { store: { memoryCapBytes: cap, spillDir } });
    // Checked as the panel would see the log grow; the frames of the newest message may come on top of the cap.
    let most = 0;
    await new Promise<void>((resolve) => {
      let received = 0;
      const unsubscribe = session.store.subscribe(({ start, end }) => {
        most = Math.max(most, session.store.stats.bytesInMemory);
        session.store.scan(start, end, (_seq, kind, direction) => void (kind === 'text' && direction === 'received' && received++));
        if (received < messages) return;
        unsubscribe();
        resolve();
      });
    });
    const frameBytes = MAX_FRAMES_KEPT * 24;
    assert.ok(most <= cap + frameBytes, `the store held ${most} bytes, past the cap of ${cap} and one message`);
    // 600 messages of 1,024 frames kept take some 14 MiB: past the cap of 4 MiB, so most went to the spill file.
    assert.ok(session.store.stats.spilledSegments > 0, JSON.stringify(session.store.stats));
    const texts = allEvents(session).filter((e) => e.kind === 'text');
    assert.equal(texts.length, messages);
    for (const message of [texts[0], texts[messages - 1]]) {
      assert.equal(message.payload?.toString(), 'a');
      assert.equal(message.wire?.frameCount, MAX_FRAMES_KEPT);
      assert.equal(message.wire?.frames.length, MAX_FRAMES_KEPT);
      assert.deepEqual(
        message.wire?.frames.map((f) => [f.opcodeName, f.fin, f.payloadLength, f.headerLength]),
        Array.from({ length: MAX_FRAMES_KEPT }, (_, k) => [k === 0 ? 'text' : 'continuation', k === MAX_FRAMES_KEPT - 1, k === MAX_FRAMES_KEPT - 1 ? 1 : 0, 2]),
      );
    }
    // Each frame's offset in the stream: two bytes a frame, one message after the other.
    assert.deepEqual(texts[1].wire?.frames.slice(0, 3).map((f) => f.streamOffset), [fragmented.length, fragmented.length + 2, fragmented.length + 4]);
  });

  it('a server that never answers our close frame is dropped after the close timeout, and the log says why', async () => {
    const raw = await startRawServer(() => undefined);
    cleanups.push(() => raw.close());
    const session = open(raw.url, { closeTimeoutMs: 200 });
    await waitForEvent(session, (e) => e.kind === 'open');
    session.close(1000, 'bye');
    const close = await waitForClosed(session);
    assert.equal(close.close?.code, 1006);
    assert.equal(close.close?.cause, 'the server did not answer the close frame within 200 ms');
    assert.ok(allEvents(session).some((e) => e.kind === 'error' && /did not answer the close frame within 200 ms/.test(e.message ?? '')));
  });

  it('an unknown host is named, with the fix', async () => {
    const session = open('ws://no-such-host.invalid/');
    await waitForClosed(session);
    assert.match(allEvents(session).find((e) => e.kind === 'error')?.message ?? '', /Unknown host "no-such-host\.invalid" \((ENOTFOUND|EAI_AGAIN)\).*Check the URL's host name/);
  });

  describe('TLS failures say which and name the profile setting', () => {
    let pki: TestPki;
    const servers: Array<() => void> = [];
    before(() => {
      pki = makeTestPki();
    });
    after(() => {
      for (const stop of servers) stop();
      pki.remove();
    });
    const wssWith = async (cert: Buffer, key: Buffer): Promise<string> => {
      const https = createHttpsServer({ cert, key });
      const wss = new WebSocketServer({ server: https });
      await new Promise<void>((r) => https.listen(0, '127.0.0.1', r));
      servers.push(() => {
        wss.close();
        https.close();
      });
      return `wss://127.0.0.1:${(https.address() as AddressInfo).port}/`;
    };
    const tlsError = async (url: string, options: Omit<SessionOptions, 'url'> = {}): Promise<string> => {
      const session = open(url, options);
      await waitForClosed(session);
      return allEvents(session).find((e) => e.kind === 'error')?.message ?? describeEvents(session);
    };

    it('self-signed', async () => {
      const url = await wssWith(pki.selfSignedCert, pki.selfSignedKey);
      assert.match(await tlsError(url), /TLS error \(DEPTH_ZERO_SELF_SIGNED_CERT\): the server's certificate is self-signed.*"tls\.ca".*"tls\.rejectUnauthorized": false/);
    });

    it('expired', async () => {
      const url = await wssWith(pki.expiredCert, pki.expiredKey);
      assert.match(await tlsError(url, { tls: { ca: pki.caCert } }), /TLS error \(CERT_HAS_EXPIRED\): the server's certificate has expired/);
    });

    it('wrong host name', async () => {
      const url = await wssWith(pki.wrongHostCert, pki.wrongHostKey);
      assert.match(await tlsError(url, { tls: { ca: pki.caCert } }), /TLS error \(ERR_TLS_CERT_ALTNAME_INVALID\): the server's certificate is for a different host name/);
    });

    it('connects anyway when the profile turns verification off', async () => {
      const url = await wssWith(pki.selfSignedCert, pki.selfSignedKey);
      const session = open(url, { tls: { rejectUnauthorized: false } });
      await waitForEvent(session, (e) => e.kind === 'open');
    });
  });
});
