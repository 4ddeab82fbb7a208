import * as assert from 'node:assert/strict';
import { once } from 'node:events';
import * as net from 'node:net';
import * as fc from 'fast-check';
import { WebSocketServer } from 'ws';
import {
  HeadReader,
  HttpHeadError,
  MAX_HEAD_BYTES,
  checkAccept,
  expectedAccept,
  findHeadEnd,
  headerValues,
  parseExtensionsHeader,
  parseHttpHead,
  type HttpHead,
} from '../../../src/core/handshake';

const REQUEST = 'GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';
const RESPONSE = 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n';

function parsed(text: string): HttpHead {
  const head = parseHttpHead(Buffer.from(text, 'latin1'));
  assert.ok(!(head instanceof HttpHeadError), head instanceof HttpHeadError ? head.message : '');
  return head;
}

function refused(text: string): string {
  const head = parseHttpHead(Buffer.from(text, 'latin1'));
  assert.ok(head instanceof HttpHeadError, `${JSON.stringify(text)} should be refused`);
  return head.message;
}

describe('handshake', () => {
  describe('findHeadEnd', () => {
    it('points just past the first CRLF CRLF, or says -1', () => {
      assert.equal(findHeadEnd(Buffer.from(RESPONSE)), RESPONSE.length);
      assert.equal(findHeadEnd(Buffer.from(`${RESPONSE}\x81\x00\r\n\r\n`)), RESPONSE.length);
      assert.equal(findHeadEnd(Buffer.from('HTTP/1.1 101 OK\r\nA: b\r\n')), -1);
      assert.equal(findHeadEnd(Buffer.from('\n\n\r\n\r')), -1);
      assert.equal(findHeadEnd(Buffer.alloc(0)), -1);
    });
  });

  describe('parseHttpHead', () => {
    it('keeps the start line and the headers in wire order and case', () => {
      const head = parsed(REQUEST);
      assert.equal(head.startLine, 'GET /chat HTTP/1.1');
      assert.deepEqual(head.headers, [
        ['Host', 'server.example.com'],
        ['Upgrade', 'websocket'],
        ['Connection', 'Upgrade'],
        ['Sec-WebSocket-Key', 'dGhlIHNhbXBsZSBub25jZQ=='],
        ['Sec-WebSocket-Version', '13'],
      ]);
      assert.equal(head.byteLength, REQUEST.length);
    });

    it('reads a status line, trims whitespace around values, keeps empty values and unfolds folded lines', () => {
      const head = parsed('HTTP/1.1 101 Switching Protocols\r\nupgrade:websocket\r\nX-Empty:\r\nX-Spaces: \t a  b \t\r\nX-Folded: one\r\n  two\r\n\ttwo-and-a-half\r\n\r\n');
      assert.equal(head.startLine, 'HTTP/1.1 101 Switching Protocols');
      assert.deepEqual(head.headers, [
        ['upgrade', 'websocket'],
        ['X-Empty', ''],
        ['X-Spaces', 'a  b'],
        ['X-Folded', 'one two two-and-a-half'],
      ]);
    });

    it('accepts a status line without a reason, and bytes outside ASCII as latin1', () => {
      assert.equal(parsed('HTTP/1.1 101\r\n\r\n').startLine, 'HTTP/1.1 101');
      const head = parseHttpHead(Buffer.concat([Buffer.from('HTTP/1.1 101 OK\r\nX-Name: caf'), Buffer.from([0xe9]), Buffer.from('\r\n\r\n')]));
      assert.ok(!(head instanceof HttpHeadError));
      assert.deepEqual(head.headers, [['X-Name', 'café']]);
    });

    it('ignores whatever follows the head', () => {
      const head = parsed(`${RESPONSE}\x81\x02hi`);
      assert.equal(head.byteLength, RESPONSE.length);
      assert.equal(head.headers.length, 3);
    });

    it('explains what is wrong with a malformed head, without throwing', () => {
      assert.match(refused('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n'), /cut off: 54 bytes arrived without the blank line \(CRLF CRLF\)/);
      assert.match(refused('\r\n\r\n'), /The first line "" is neither an HTTP request line .* nor a status line/);
      assert.match(refused('SSH-2.0-OpenSSH_9.6\r\n\r\n'), /The first line "SSH-2.0-OpenSSH_9.6" is neither/);
      assert.match(refused('HTTP/1.1 1O1 Switching\r\n\r\n'), /is neither/);
      assert.match(refused('HTTP/1.1 101 OK\r\nUpgrade websocket\r\n\r\n'), /Header line 1 "Upgrade websocket" has no colon/);
      assert.match(refused('HTTP/1.1 101 OK\r\nA: b\r\nUpgrade : websocket\r\n\r\n'), /Header line 2 "Upgrade : websocket" has an invalid name "Upgrade ".*RFC 9112 section 5\.1/);
      assert.match(refused('HTTP/1.1 101 OK\r\n: nameless\r\n\r\n'), /invalid name ""/);
      assert.match(refused('HTTP/1.1 101 OK\r\n folded: first\r\n\r\n'), /starts with whitespace but there is no header before it/);
      assert.match(refused('HTTP/1.1 101 OK\r\nX: a\rb\r\n\r\n'), /Header "X" has a value with a NUL, CR or LF character/);
      assert.match(refused('HTTP/1.1 101 OK\r\nX: a\0b\r\n\r\n'), /NUL, CR or LF/);
    });

    it('never throws, whatever the bytes', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, terminate) => {
          const input = terminate ? Buffer.concat([Buffer.from(bytes), Buffer.from('\r\n\r\n')]) : Buffer.from(bytes);
          const head = parseHttpHead(input);
          assert.ok(head instanceof HttpHeadError ? head.message.length > 0 : head.byteLength <= input.length);
        }),
        { numRuns: 500 },
      );
    });
  });

  describe('headerValues', () => {
    it('finds every value of a header, whatever the case, in order', () => {
      const head = parsed('HTTP/1.1 101 OK\r\nSec-WebSocket-Extensions: a\r\nX: 1\r\nsec-websocket-extensions: b; c=1\r\n\r\n');
      assert.deepEqual(headerValues(head, 'SEC-WEBSOCKET-EXTENSIONS'), ['a', 'b; c=1']);
      assert.deepEqual(headerValues(head, 'x'), ['1']);
      assert.deepEqual(headerValues(head, 'Missing'), []);
    });
  });

  describe('Sec-WebSocket-Accept', () => {
    it('computes the RFC 6455 section 4.2.2 example', () => {
      // The RFC's key and accept (section 1.3 and 4.2.2).
      assert.equal(expectedAccept('dGhlIHNhbXBsZSBub25jZQ=='), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
      assert.equal(expectedAccept('  dGhlIHNhbXBsZSBub25jZQ==\t'), 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=', 'surrounding whitespace is not part of the key (section 1.3)');
    });

    it('says whether the server\'s accept matches the key, and what it should have been', () => {
      const ok = checkAccept('dGhlIHNhbXBsZSBub25jZQ==', 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
      assert.deepEqual(ok, { ok: true, expected: 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=', message: 'Sec-WebSocket-Accept "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" matches the Sec-WebSocket-Key (RFC 6455 section 4.2.2).' });

      const wrong = checkAccept('dGhlIHNhbXBsZSBub25jZQ==', 's3pPLMBiTxaQ9kK+xOo=');
      assert.equal(wrong.ok, false);
      assert.equal(wrong.expected, 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
      assert.match(wrong.message, /^The server's Sec-WebSocket-Accept is "s3pPLMBiTxaQ9kK\+xOo=" but the key "dGhlIHNhbXBsZSBub25jZQ==" calls for "s3pPLMBiTxaQ9kYGzzhZRbK\+xOo=" .*RFC 6455 section 4\.2\.2.*must fail the connection\.$/);
      // base64 is case-sensitive
      assert.equal(checkAccept('dGhlIHNhbXBsZSBub25jZQ==', 'S3PPLMBITXAQ9KYGZZHZRBK+XOO=').ok, false);

      const missing = checkAccept('dGhlIHNhbXBsZSBub25jZQ==', undefined);
      assert.equal(missing.ok, false);
      assert.equal(missing.expected, 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
      assert.match(missing.message, /has no Sec-WebSocket-Accept header; RFC 6455 section 4\.1 says the client must fail the connection\. For this key it should be "s3pPLMBiTxaQ9kYGzzhZRbK\+xOo="\./);

      const noKey = checkAccept(undefined, 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
      assert.deepEqual(noKey, { ok: false, message: 'The request had no Sec-WebSocket-Key header, so the server\'s Sec-WebSocket-Accept cannot be checked (RFC 6455 section 4.1).' });
    });

    it('agrees with the accept a real ws server sends for the RFC\'s sample key', async () => {
      const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
      await once(wss, 'listening');
      const socket = net.connect((wss.address() as net.AddressInfo).port, '127.0.0.1');
      try {
        socket.write(REQUEST.replace('server.example.com', '127.0.0.1'));
        const reader = new HeadReader();
        let found: { head: Buffer; rest: Buffer } | undefined;
        for await (const chunk of socket as AsyncIterable<Buffer>) {
          found = reader.push(chunk);
          if (found || reader.error) break;
        }
        assert.ok(found, reader.error?.message ?? 'the connection ended before the response head');
        const head = parsed(found.head.toString('latin1'));
        assert.equal(head.startLine, 'HTTP/1.1 101 Switching Protocols');
        const [accept] = headerValues(head, 'sec-websocket-accept');
        assert.equal(accept, 's3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
        assert.ok(checkAccept('dGhlIHNhbXBsZSBub25jZQ==', accept).ok);
      } finally {
        socket.destroy();
        wss.close();
        await once(wss, 'close');
      }
    });
  });

  describe('parseExtensionsHeader', () => {
    it('reads offers and their parameters (RFC 6455 section 9.1, RFC 7692 section 7)', () => {
      assert.deepEqual(parseExtensionsHeader('permessage-deflate; client_max_window_bits'), [{ name: 'permessage-deflate', params: { client_max_window_bits: true } }]);
      assert.deepEqual(parseExtensionsHeader('permessage-deflate;server_max_window_bits=10 ; client_no_context_takeover, permessage-deflate'), [
        { name: 'permessage-deflate', params: { server_max_window_bits: '10', client_no_context_takeover: true } },
        { name: 'permessage-deflate', params: {} },
      ]);
    });

    it('unquotes quoted values and does not split inside them', () => {
      assert.deepEqual(parseExtensionsHeader('x-ext; a="1,2;3"; b="say \\"hi\\""; c = "" , y'), [
        { name: 'x-ext', params: { a: '1,2;3', b: 'say "hi"', c: '' } },
        { name: 'y', params: {} },
      ]);
    });

    it('makes the best of bad input without throwing', () => {
      assert.deepEqual(parseExtensionsHeader(''), []);
      assert.deepEqual(parseExtensionsHeader(' , ,, '), []);
      assert.deepEqual(parseExtensionsHeader(';;;'), []);
      assert.deepEqual(parseExtensionsHeader('a; =1; b=; b=2; ;c'), [{ name: 'a', params: { b: '', c: true } }]);
      assert.deepEqual(parseExtensionsHeader('a; q="never closed, b'), [{ name: 'a', params: { q: 'never closed, b' } }]);
      const [offer] = parseExtensionsHeader('a; __proto__=1; constructor');
      assert.deepEqual(Object.keys(offer.params), ['__proto__', 'constructor']);
      assert.equal(Object.getPrototypeOf(offer.params), Object.prototype);
      fc.assert(
        fc.property(fc.string({ unit: fc.constantFrom('a', 'b', '=', ';', ',', '"', '\\', ' ', '\t') }), (text) => {
          for (const offer of parseExtensionsHeader(text)) {
            assert.notEqual(offer.name, '');
            assert.equal(typeof offer.params, 'object');
          }
        }),
        { numRuns: 1000 },
      );
    });
  });

  describe('HeadReader', () => {
    const frames = Buffer.from([0x81, 0x02, 0x68, 0x69, 0x88, 0x00]);

    it('hands back the head and the frames that shared its chunk', () => {
      const reader = new HeadReader();
      const result = reader.push(Buffer.concat([Buffer.from(RESPONSE), frames]));
      assert.ok(result);
      assert.equal(result.head.toString('latin1'), RESPONSE);
      assert.ok(result.rest.equals(frames));
      assert.ok(reader.done);
      assert.equal(reader.push(Buffer.from('more')), undefined, 'after the head, the reader is finished');
    });

    it('gives an empty rest when the head ends the chunk', () => {
      const result = new HeadReader().push(Buffer.from(RESPONSE));
      assert.ok(result);
      assert.equal(result.rest.length, 0);
    });

    it('copies the head, so it does not keep the socket\'s chunk alive, and hands back the rest as a view', () => {
      const chunk = Buffer.concat([Buffer.from(RESPONSE), frames]);
      const result = new HeadReader().push(chunk);
      assert.ok(result);
      chunk.fill(0);
      assert.equal(result.head.toString('latin1'), RESPONSE);
      assert.ok(result.rest.equals(Buffer.alloc(frames.length)));
    });

    it('finds the end of the head however the bytes are split, CRLF CRLF included', () => {
      const bytes = Buffer.concat([Buffer.from(RESPONSE), frames]);
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 1, max: bytes.length }), { minLength: 1, maxLength: 12 }), (cuts) => {
          const reader = new HeadReader();
          const offsets = [...new Set([0, ...cuts.map((c) => c % bytes.length), bytes.length])].sort((a, b) => a - b);
          const after: Buffer[] = [];
          let head: Buffer | undefined;
          for (let i = 1; i < offsets.length; i++) {
            const chunk = bytes.subarray(offsets[i - 1], offsets[i]);
            if (head) {
              after.push(chunk);
              continue;
            }
            const result = reader.push(chunk);
            assert.equal(reader.done, result !== undefined);
            if (result) {
              head = result.head;
              after.push(result.rest);
            }
          }
          assert.equal(head?.toString('latin1'), RESPONSE);
          assert.ok(Buffer.concat(after).equals(frames));
        }),
        { numRuns: 300 },
      );
      const reader = new HeadReader();
      const results = [...bytes].map((byte) => reader.push(Buffer.from([byte])));
      assert.equal(results.findIndex((r) => r !== undefined), RESPONSE.length - 1, 'byte by byte, the head completes with its last LF');
    });

    it(`gives up after ${MAX_HEAD_BYTES} bytes without the end of a head, and says why`, () => {
      const reader = new HeadReader();
      const line = Buffer.from(`X-Filler: ${'f'.repeat(1000)}\r\n`);
      assert.equal(reader.push(Buffer.from('HTTP/1.1 101 Switching Protocols\r\n')), undefined);
      let pushed = 34;
      while (pushed < MAX_HEAD_BYTES) {
        assert.equal(reader.error, undefined);
        assert.equal(reader.push(line), undefined);
        pushed += line.length;
      }
      assert.ok(reader.error instanceof HttpHeadError);
      assert.match(reader.error.message, /^No end of the HTTP head \(a blank line, CRLF CRLF\) in the first 65536 bytes; /);
      assert.equal(reader.done, false);
      assert.equal(reader.push(Buffer.from('\r\n\r\n')), undefined, 'once it gave up, it stays given up');
    });

    it('accepts a head of exactly the limit, and refuses one a byte longer', () => {
      const head = (size: number): Buffer => {
        const start = 'HTTP/1.1 101 OK\r\nX: ';
        return Buffer.from(`${start}${'v'.repeat(size - start.length - 4)}\r\n\r\n`);
      };
      const atLimit = new HeadReader().push(Buffer.concat([head(MAX_HEAD_BYTES), frames]));
      assert.equal(atLimit?.head.length, MAX_HEAD_BYTES);
      assert.ok(atLimit?.rest.equals(frames));
      const reader = new HeadReader();
      assert.equal(reader.push(head(MAX_HEAD_BYTES + 1)), undefined);
      assert.ok(reader.error);
    });

    it('reads a 101 and the frames a real server wrote with it in one write', async () => {
      // A raw TCP server, so that the head and the frames really leave in one write.
      const server = net.createServer((peer) => {
        peer.once('data', () => peer.end(Buffer.concat([Buffer.from(RESPONSE), frames])));
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const socket = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
      try {
        socket.write(REQUEST);
        const reader = new HeadReader();
        const after: Buffer[] = [];
        let head: Buffer | undefined;
        for await (const chunk of socket as AsyncIterable<Buffer>) {
          if (head) {
            after.push(chunk);
            continue;
          }
          const result = reader.push(chunk);
          if (result) {
            head = result.head;
            after.push(result.rest);
          }
        }
        assert.equal(head?.toString('latin1'), RESPONSE);
        assert.ok(Buffer.concat(after).equals(frames));
      } finally {
        socket.destroy();
        server.close();
      }
    });
  });
});
