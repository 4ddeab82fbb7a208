import * as assert from 'node:assert/strict';
import { displayUrl, displayUrlString, displayUrlText, hasUrlCredentials, hideUrlCredentials } from '../../../src/core/urlCredentials';

describe('urlCredentials', () => {
  it('shows a URL with its password as •••, a user name beside it, and a lone user name (a token) hidden too', () => {
    assert.equal(displayUrl(new URL('ws://alice:s3cret@h.test:8080/chat?room=1')), 'ws://alice:•••@h.test:8080/chat?room=1');
    assert.equal(displayUrl(new URL('wss://TOKEN@h.test/')), 'wss://•••@h.test/');
    assert.equal(displayUrl(new URL('ws://:s3cret@h.test/')), 'ws://•••:•••@h.test/');
    assert.equal(displayUrl(new URL('ws://h.test/a@b')), 'ws://h.test/a@b');
    assert.equal(displayUrlString('ws://alice:s%40cret@h.test/'), 'ws://alice:•••@h.test/');
    assert.equal(displayUrlString('ws://alice:s/cret@h.test/'), 'ws://alice:•••@h.test/');
  });

  it('knows when a URL carries credentials', () => {
    assert.ok(hasUrlCredentials(new URL('ws://a:b@h/')));
    assert.ok(hasUrlCredentials(new URL('ws://a@h/')));
    assert.ok(!hasUrlCredentials(new URL('ws://h/')));
  });

  it('hides credentials in text that does not parse, up to the last "@"', () => {
    assert.equal(displayUrlText('ws://alice:p@ss/w0rd@h.test:99999/'), 'ws://alice:•••@h.test:99999/');
    assert.equal(displayUrlText('h.test:3128'), 'h.test:3128');
  });

  it('hides the user info of every URL quoted in running text, and nothing else', () => {
    assert.equal(
      hideUrlCredentials('Invalid URL: ws://bob:hunter2@h.test/x and "wss://TOKEN@other.test" (mail me@example.test)'),
      'Invalid URL: ws://bob:•••@h.test/x and "wss://•••@other.test" (mail me@example.test)',
    );
    assert.equal(hideUrlCredentials('nothing at ws://h.test/a@b'), 'nothing at ws://h.test/a@b');
  });
});
