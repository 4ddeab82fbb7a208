import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as net from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { checkCloseToSend, describeCloseCode, describeCloseFrame } from '../../../src/core/closeCodes';
import { MAX_CLOSE_REASON_BYTES } from '../../../src/shared/rfc6455';

describe('closeCodes', () => {
  describe('describeCloseCode', () => {
    it('names every code of RFC 6455 section 7.4.1 and the IANA registry from 1000 to 1015', () => {
      const names = Array.from({ length: 16 }, (_, i) => describeCloseCode(1000 + i).name);
      assert.deepEqual(names, [
        'Normal Closure',
        'Going Away',
        'Protocol Error',
        'Unsupported Data',
        'Reserved',
        'No Status Received',
        'Abnormal Closure',
        'Invalid Frame Payload Data',
        'Policy Violation',
        'Message Too Big',
        'Mandatory Extension',
        'Internal Error',
        'Service Restart',
        'Try Again Later',
        'Bad Gateway',
        'TLS Handshake',
      ]);
    });

    it('says which of them may be sent (RFC 6455 section 7.4.1)', () => {
      const unsendable = Array.from({ length: 16 }, (_, i) => 1000 + i).filter((code) => !describeCloseCode(code).sendable);
      assert.deepEqual(unsendable, [1004, 1005, 1006, 1015]);
      assert.match(describeCloseCode(1006).meaning, /dropped without a close frame; .*never sent/);
    });

    it('gives each code a sentence and its range', () => {
      assert.deepEqual(describeCloseCode(1001), {
        code: 1001,
        name: 'Going Away',
        meaning: 'The endpoint is going away, for example a server shutting down or a browser leaving the page.',
        range: 'standard',
        sendable: true,
      });
      for (let code = 1000; code <= 1015; code++) {
        const info = describeCloseCode(code);
        assert.match(info.meaning, /^[A-Z].*\.$/, `${code}: a sentence`);
        assert.equal(info.range, code === 1004 ? 'reserved' : 'standard', `${code}`);
      }
    });

    it('names the IANA registrations in 3000-3999 and leaves the rest of the range unassigned', () => {
      assert.deepEqual(
        [3000, 3003, 3008].map((code) => [describeCloseCode(code).name, describeCloseCode(code).range, describeCloseCode(code).sendable]),
        [
          ['Unauthorized', 'iana-registered', true],
          ['Forbidden', 'iana-registered', true],
          ['Timeout', 'iana-registered', true],
        ],
      );
      for (const code of [3001, 3500, 3999]) {
        const info = describeCloseCode(code);
        assert.deepEqual([info.name, info.range, info.sendable], ['Registered range, not assigned here', 'iana-registered', true]);
      }
    });

    it('classifies private use, reserved and invalid codes', () => {
      const classify = (code: number) => [describeCloseCode(code).range, describeCloseCode(code).sendable];
      assert.deepEqual(classify(4000), ['private', true]);
      assert.deepEqual(classify(4999), ['private', true]);
      assert.deepEqual(classify(1016), ['reserved', false]);
      assert.deepEqual(classify(2999), ['reserved', false]);
      for (const code of [0, 999, 5000, 65535, -1, 1000.5, Number.NaN, 70000]) {
        assert.deepEqual(classify(code), ['invalid', false], `${code}`);
      }
      assert.match(describeCloseCode(999).meaning, /0-999 are not used/);
      assert.match(describeCloseCode(70000).meaning, /16-bit/);
    });
  });

  describe('describeCloseFrame', () => {
    it('quotes a reason that is printable UTF-8 and gives any other as hex', () => {
      const frame = (code: number, reason: Uint8Array): Buffer => Buffer.concat([Buffer.from([code >> 8, code & 0xff]), reason]);
      assert.equal(describeCloseFrame(frame(1000, Buffer.from('bye'))), '1000 Normal Closure "bye"');
      assert.equal(describeCloseFrame(frame(4000, Buffer.alloc(0))), '4000 Private use');
      assert.equal(describeCloseFrame(frame(1001, Buffer.from([0x62, 0xff]))), '1001 Going Away, reason bytes 62 ff (not printable UTF-8)');
      assert.equal(describeCloseFrame(frame(1001, Buffer.from([0x62, 0x00]))), '1001 Going Away, reason bytes 62 00 (not printable UTF-8)');
      assert.equal(describeCloseFrame(Buffer.from([0x03])), 'close frame without a status code');
    });
  });

  describe('checkCloseToSend', () => {
    it('accepts what may be sent', () => {
      for (const code of [1000, 1001, 1008, 1011, 1014, 3000, 3999, 4000, 4999]) {
        assert.equal(checkCloseToSend(code, 'bye'), undefined, `${code}`);
      }
      assert.equal(checkCloseToSend(1000, ''), undefined);
      assert.equal(checkCloseToSend(4000, 'x'.repeat(MAX_CLOSE_REASON_BYTES)), undefined);
      assert.equal(checkCloseToSend(4000, 'é'.repeat(61) + 'x'), undefined, '123 bytes of UTF-8');
    });

    it('says what is wrong with a code and what to use instead', () => {
      assert.equal(
        checkCloseToSend(1006, ''),
        '1006 (Abnormal Closure) must not be sent in a close frame (RFC 6455 section 7.4). Use 1000 for a normal close, 1001 when going away, or a code from 3000-4999 for your application.',
      );
      assert.match(checkCloseToSend(1005, '') ?? '', /^1005 \(No Status Received\) must not be sent/);
      assert.match(checkCloseToSend(1015, '') ?? '', /^1015 \(TLS Handshake\) must not be sent/);
      assert.match(checkCloseToSend(1004, '') ?? '', /^1004 \(Reserved\) must not be sent/);
      assert.match(checkCloseToSend(2000, '') ?? '', /^2000 \(Reserved\) must not be sent/);
      assert.match(checkCloseToSend(999, '') ?? '', /^Codes 0-999 are not used .* Use 1000 for a normal close/);
      assert.match(checkCloseToSend(5000, '') ?? '', /^Codes above 4999 are not defined/);
    });

    it('measures the reason in UTF-8 bytes, at most 123 (RFC 6455 section 5.5)', () => {
      assert.equal(
        checkCloseToSend(4000, 'é'.repeat(62)),
        'The reason is 124 bytes of UTF-8; a close reason can be at most 123 bytes (a control frame carries at most 125, RFC 6455 section 5.5). Shorten it by 1 byte.',
      );
      assert.match(checkCloseToSend(1000, '😀'.repeat(40)) ?? '', /^The reason is 160 bytes.*Shorten it by 37 bytes\.$/);
    });

    it('refuses a reason that cannot be encoded as UTF-8', () => {
      assert.match(checkCloseToSend(1000, 'half \ud83d') ?? '', /lone UTF-16 surrogate.*RFC 6455 section 5\.5\.1/);
      assert.match(checkCloseToSend(1000, '\ude00 half') ?? '', /lone UTF-16 surrogate/);
      assert.equal(checkCloseToSend(1000, 'whole \ud83d\ude00'), undefined);
    });

    it('agrees with ws about what a close frame may carry', async () => {
      // A real server records the code and reason that arrive; ws itself refuses what it must not send.
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await once(wss, 'listening');
      const url = `ws://127.0.0.1:${(wss.address() as net.AddressInfo).port}`;
      try {
        for (const [code, reason] of [
          [1000, ''],
          [1004, ''],
          [1005, ''],
          [1006, ''],
          [1015, ''],
          [1012, 'restart'],
          [1016, ''],
          [2999, ''],
          [3008, 'slow'],
          [4999, 'x'.repeat(123)],
          [4000, 'x'.repeat(124)],
          [5000, ''],
        ] as Array<[number, string]>) {
          const client = new WebSocket(url);
          await once(client, 'open');
          let wsRefused = false;
          try {
            client.close(code, reason);
          } catch {
            wsRefused = true;
          }
          client.terminate();
          assert.equal(wsRefused, checkCloseToSend(code, reason) !== undefined, `${code} with a ${reason.length}-byte reason`);
        }
      } finally {
        wss.close();
        await once(wss, 'close');
      }
    });
  });
});
