import * as assert from 'node:assert/strict';
import { parseProfile, resolveProfile } from '../../../src/core/profile';
import { percentEncodeAll, resolveUrlTemplate, UrlTemplateError } from '../../../src/core/urlTemplate';
import type { VariableResolver } from '../../../src/core/variables';

const resolverOf = (secrets: Record<string, string>, env: Record<string, string> = {}): VariableResolver => async (ref) =>
  ref.kind === 'secret' ? secrets[ref.name] : ref.kind === 'env' ? env[ref.name] : undefined;

/** The message of the UrlTemplateError `promise` rejects with. */
async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof Error, String(err));
    return err.message;
  }
  assert.fail('expected a refusal');
}

describe('resolveUrlTemplate', () => {
  const nasty = 'a/b?c#d@e:f g&h=i+j%k';

  it('percent-encodes a secret inside the user name, password, path or query, so the URL keeps its shape', async () => {
    const template = 'ws://${secret:u}:${secret:p}@h.test:8080/rooms/${secret:r}/join?token=${secret:t}&n=1';
    const { url } = await resolveUrlTemplate(template, 'url', resolverOf({ u: nasty, p: nasty, r: nasty, t: nasty }));
    const parsed = new URL(url);
    assert.equal(parsed.host, 'h.test:8080');
    assert.equal(decodeURIComponent(parsed.username), nasty);
    assert.equal(decodeURIComponent(parsed.password), nasty);
    assert.deepEqual(parsed.pathname.split('/').map(decodeURIComponent), ['', 'rooms', nasty, 'join']);
    assert.deepEqual([...parsed.searchParams], [['token', nasty], ['n', '1']]);
    assert.equal(parsed.hash, '');
  });

  it('splits a secret that is the whole user info at its first ":", and hides each piece', async () => {
    const { url, derivedSecrets } = await resolveUrlTemplate('ws://${secret:login}@h.test/', 'url', resolverOf({ login: 'al@ice:p:w/d' }));
    const parsed = new URL(url);
    assert.equal(decodeURIComponent(parsed.username), 'al@ice');
    assert.equal(decodeURIComponent(parsed.password), 'p:w/d');
    assert.deepEqual(derivedSecrets, [{ value: 'al@ice', placeholder: '${secret:login}' }, { value: 'p:w/d', placeholder: '${secret:login}' }]);
  });

  it('puts a secret that is the whole URL, or its start, in as written; other variables too', async () => {
    assert.equal((await resolveUrlTemplate('${secret:url}', 'url', resolverOf({ url: 'wss://u:p@h.test/x?y=1' }))).url, 'wss://u:p@h.test/x?y=1');
    assert.equal((await resolveUrlTemplate('${secret:base}/x?t=${secret:t}', 'url', resolverOf({ base: 'ws://h.test:1', t: 'a&b' }))).url, 'ws://h.test:1/x?t=a%26b');
    assert.equal((await resolveUrlTemplate('${env:BASE}/x/${env:P}', 'url', resolverOf({}, { BASE: 'ws://h.test', P: 'a/b?c' }))).url, 'ws://h.test/x/a/b?c');
  });

  it('hides a whole-URL secret as the URL parser writes it too', async () => {
    const { derivedSecrets } = await resolveUrlTemplate('${secret:url}', 'url', resolverOf({ url: 'WS://H.test/a b' }));
    assert.deepEqual(derivedSecrets, [{ value: 'ws://h.test/a%20b', placeholder: '${secret:url}' }]);
  });

  it('accepts a host name in a secret, and refuses one that holds URL syntax without quoting it', async () => {
    assert.equal((await resolveUrlTemplate('ws://${secret:tenant}.h.test/', 'url', resolverOf({ tenant: 'acme' }))).url, 'ws://acme.h.test/');
    const message = await refusal(resolveUrlTemplate('ws://${secret:tenant}.h.test/', 'url', resolverOf({ tenant: 'evil.test/x?' })));
    assert.match(message, /^url: \$\{secret:tenant\} is in the host name, and its value holds a character a host name cannot/);
    assert.ok(!message.includes('evil'), message);
  });

  it('refuses a secret where a URL cannot hold it as data, and says where it can go', async () => {
    const port = await refusal(resolveUrlTemplate('ws://h.test:${secret:port}/', 'url', resolverOf({ port: '8080' })));
    assert.match(port, /^url: "ws:\/\/h\.test:\$\{secret:port\}\/" is not a URL, whatever its secrets hold; .*can be the whole URL or its start, or sit inside the user name, password, host name, path or query\)$/);
    const scheme = await refusal(resolveUrlTemplate('${env:S}${secret:rest}', 'url', resolverOf({ rest: '//h.test/' }, { S: 'ws:' })));
    assert.ok(scheme.includes('${secret:rest}') && !scheme.includes('h.test'), scheme);
  });

  it('encodes every byte but the unreserved characters', () => {
    assert.equal(percentEncodeAll("aZ09-._~ !*'()/ü"), 'aZ09-._~%20%21%2A%27%28%29%2F%C3%BC');
  });

  it('raises UrlTemplateError, which resolveProfile reports against "url"', async () => {
    await assert.rejects(resolveUrlTemplate('ws://h:${secret:p}/', 'url', resolverOf({ p: '1' })), UrlTemplateError);
    const { profile } = parseProfile('{ "url": "ws://h.test:${secret:port}/" }', { profilePath: '/tmp/x.wsprofile' });
    assert.ok(profile);
    await assert.rejects(resolveProfile(profile, resolverOf({ port: '1' })), { name: 'ProfileResolveError', field: 'url' });
  });

  it('refuses, through resolveProfile, a secret the URL parser would rewrite past recognition', async () => {
    const { profile } = parseProfile('{ "url": "${secret:base}/socket" }', { profilePath: '/tmp/x.wsprofile' });
    assert.ok(profile);
    const message = await refusal(resolveProfile(profile, resolverOf({ base: 'WS://Upper.Case.test' })));
    assert.match(message, /^url: \$\{secret:base\} is written differently once the URL is parsed/);
    assert.ok(!message.toLowerCase().includes('upper.case'), message);
    const dots = parseProfile('{ "url": "ws://h.test/a/${secret:seg}/b" }', { profilePath: '/tmp/x.wsprofile' }).profile;
    assert.ok(dots);
    assert.match(await refusal(resolveProfile(dots, resolverOf({ seg: '..' }))), /\$\{secret:seg\} is written differently/);
  });
});
