import * as assert from 'node:assert/strict';
import { checkEndpointUrl } from '../../../src/core/endpointUrl';

describe('checkEndpointUrl', () => {
  it('accepts ws:// and wss:// URLs', () => {
    for (const url of ['ws://127.0.0.1:8080/echo', 'wss://example.com/socket?x=1', 'ws://[::1]:9000/']) {
      const check = checkEndpointUrl(url);
      assert.ok(check.ok, `${url}: ${check.ok ? '' : check.message}`);
    }
  });

  it('trims surrounding whitespace', () => {
    const check = checkEndpointUrl('  ws://localhost:1/a  ');
    assert.ok(check.ok && check.url.href === 'ws://localhost:1/a');
  });

  it('explains what is wrong with other input', () => {
    const cases: Array<[string, RegExp]> = [
      ['', /Enter a WebSocket URL/],
      ['   ', /Enter a WebSocket URL/],
      ['http://example.com/', /must start with ws:\/\/ or wss:\/\/, got http:\/\/ \(use ws:\/\/ for http\)/],
      ['https://example.com/', /use wss:\/\/ for https/],
      ['ftp://example.com/', /got ftp:\/\//],
      ['example.com/socket', /is not a URL/],
      ['ws://host/path#frag', /cannot have a #fragment/],
    ];
    for (const [input, expected] of cases) {
      const check = checkEndpointUrl(input);
      assert.equal(check.ok, false, `${JSON.stringify(input)} should be refused`);
      assert.match((check as { message: string }).message, expected);
    }
  });

  it('never quotes the password of a URL it refuses, and says how to write one', () => {
    const check = checkEndpointUrl('ws://alice:p@ss S3cr3t@h.test:99999/');
    assert.equal(check.ok, false);
    const message = (check as { message: string }).message;
    assert.ok(!message.includes('S3cr3t') && !message.includes('p@ss'), message);
    assert.match(message, /^"ws:\/\/alice:•••@h\.test:99999\/" is not a URL; .*must be percent-encoded \(%40 for @, %3A for :, %2F for \/\)$/);
  });
});
