/** Variables in a profile's proxy: allowed in its user info only, found from the text even when the rest is not a URL yet. */
import * as assert from 'node:assert/strict';
import { checkProxyTemplate, resolveProxyTemplate } from '../../../src/core/proxyTemplate';
import type { VariableResolver } from '../../../src/core/variables';

const misplaced = (template: string): string[] => {
  const check = checkProxyTemplate(template);
  return check.ok ? [] : check.misplaced.map((ref) => ref.raw);
};

describe('proxyTemplate', () => {
  it('allows variables in the user name and the password, the whole user info included', () => {
    assert.deepEqual(misplaced('http://alice:${secret:pw}@proxy:3128'), []);
    assert.deepEqual(misplaced('http://${env:USER}:${secret:pw}@proxy:3128'), []);
    assert.deepEqual(misplaced('http://${secret:login}@proxy:3128'), []);
    // A "/" or "@" inside a variable's name is not URL syntax.
    assert.deepEqual(misplaced('http://u:${secret:team/pw@x}@proxy:3128'), []);
  });

  it('names every variable elsewhere: host, port, path, or the whole URL', () => {
    assert.deepEqual(misplaced('http://u:${secret:pw}@${env:HOST}:${env:PORT}'), ['${env:HOST}', '${env:PORT}']);
    assert.deepEqual(misplaced('http://proxy:3128/${secret:x}@y'), ['${secret:x}'], 'the user info ends at the first "/"');
    assert.deepEqual(misplaced('${env:HTTP_PROXY}'), ['${env:HTTP_PROXY}']);
    assert.deepEqual(misplaced('${env:SCHEME}://u:p@proxy:3128'), ['${env:SCHEME}']);
  });

  it('gives a skeleton to check as a URL, with "$${" read as "${"', () => {
    const check = checkProxyTemplate('http://u:a$${b${secret:pw}@proxy:3128');
    assert.ok(check.ok);
    assert.equal(check.skeleton, 'http://u:a${bwsiproxyvar0x@proxy:3128');
    assert.equal(new URL(check.skeleton).hostname, 'proxy');
  });

  it('resolves a secret into the user info percent-encoded, so it stays one password', async () => {
    const resolver: VariableResolver = async (ref) => (ref.kind === 'secret' ? 'a@b:c/d' : undefined);
    const resolved = await resolveProxyTemplate('http://alice:${secret:pw}@proxy:3128', resolver);
    assert.equal(resolved.url, 'http://alice:a%40b%3Ac%2Fd@proxy:3128');
    assert.equal(decodeURIComponent(new URL(resolved.url).password), 'a@b:c/d');
  });
});
