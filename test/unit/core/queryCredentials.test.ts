import * as assert from 'node:assert/strict';
import { emptiedCredentialParameters, isCredentialParameter, withoutQueryCredentials } from '../../../src/core/queryCredentials';

describe('query credentials', () => {
  it('recognise the names services use for tokens, keys and signatures, and not ordinary ones', () => {
    for (const name of ['token', 'access_token', 'ACCESS-TOKEN', 'id_token', 'apiKey', 'api-key', 'key', 'X-Amz-Signature', 'X-Amz-Security-Token', 'sig', 'auth', 'password', 'client_secret', 'jwt', 'sessionId', 'code', 'authToken', 'apiToken', 'sessionToken', 'accessKey', 'X-Auth-Token']) {
      assert.ok(isCredentialParameter(name), name);
    }
    for (const name of ['room', 'channel', 'v', 'encoding', 'monkey', 'format', 'tokenizer', 'keys', 'keyboard', 'passage']) {
      assert.ok(!isCredentialParameter(name), name);
    }
  });

  it('drop the values of credential parameters and keep everything else byte for byte', () => {
    const { url, removed } = withoutQueryCredentials('wss://api.example.com:8443/socket?room=a%20b&access_token=eyJhbGciOi.x.y&v=2&api-key=K3y#frag');
    assert.equal(url, 'wss://api.example.com:8443/socket?room=a%20b&access_token=&v=2&api-key=#frag');
    assert.deepEqual(removed, ['access_token', 'api-key']);
    assert.deepEqual(emptiedCredentialParameters(url), ['access_token', 'api-key']);
  });

  it('leave a URL without credentials, or that does not parse, as it is', () => {
    for (const url of ['ws://127.0.0.1:8080/echo', 'ws://127.0.0.1:8080/echo?room=1&token', 'ws://h/?token=', 'not a url ?token=abc']) {
      assert.deepEqual(withoutQueryCredentials(url), { url, removed: [] });
    }
  });
});
