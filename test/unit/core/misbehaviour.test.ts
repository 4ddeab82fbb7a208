/**
 * Servers that break the rules (RFC 6455 sections 5 and 7) and networks that fail: each ends with the
 * right close code and an event that says what happened in plain words; the offending frame is kept.
 */
import * as assert from 'node:assert/strict';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { WebSocketSession, type SessionOptions } from '../../../src/core/session';
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
