import * as assert from 'node:assert/strict';
import { SecretMask } from '../../../src/core/secretMask';

describe('SecretMask', () => {
  const mask = new SecretMask([
    { value: 'tok', placeholder: '${secret:short}' },
    { value: 'tok-123', placeholder: '${secret:long}' },
    { value: '', placeholder: '${secret:empty}' },
  ]);

  it('replaces every occurrence of every secret by its placeholder, the longest first', () => {
    assert.equal(mask.redact('ws://h/?a=tok-123&b=tok&c=tok'), 'ws://h/?a=${secret:long}&b=${secret:short}&c=${secret:short}');
  });

  it('ignores an empty secret (it would match everywhere) and leaves other text alone', () => {
    assert.equal(mask.redact('nothing here'), 'nothing here');
    assert.equal(new SecretMask().redact('ws://h/?a=tok'), 'ws://h/?a=tok');
  });

  it('masks credential headers by name and any header whose value holds a secret', () => {
    for (const name of ['Authorization', 'proxy-authorization', 'Cookie', 'Set-Cookie']) {
      assert.ok(new SecretMask().isSensitiveHeader(name, 'literal'), name);
    }
    assert.ok(mask.isSensitiveHeader('Sec-WebSocket-Protocol', 'chat, tok-123'));
    assert.ok(!mask.isSensitiveHeader('Host', '127.0.0.1:80'));
  });
});
