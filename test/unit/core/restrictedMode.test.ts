/** Restricted Mode: an untrusted workspace's profile cannot read env, secrets or TLS files; the rest still works. */
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encodeSavedMessage, parseProfile, ProfileResolveError, resolveProfile, type WsProfile } from '../../../src/core/profile';
import { sessionOptionsFromProfile } from '../../../src/core/profileSession';
import { isRestrictedModeRefusal, restrictedReads, RestrictedModeError, restrictResolver, restrictProfileFileReader } from '../../../src/core/restrictedMode';
import { resolveTemplate, type VariableRef, type VariableResolver } from '../../../src/core/variables';

/** A resolver that answers every env, secret and input with a value, and records what it was asked. */
function answeringResolver(): { resolver: VariableResolver; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    resolver: async (ref: VariableRef) => {
      asked.push(ref.raw);
      return `value-of-${ref.kind}-${ref.name}`;
    },
  };
}

describe('Restricted Mode', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wsi-restricted-'));
    writeFileSync(join(dir, 'ca.pem'), 'CA BYTES');
    writeFileSync(join(dir, 'client.pem'), 'CERT BYTES');
    writeFileSync(join(dir, 'client.key'), 'KEY BYTES');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const parse = (text: string): WsProfile => {
    const parsed = parseProfile(text, { profilePath: join(dir, 'p.wsprofile') });
    assert.ok(parsed.profile, JSON.stringify(parsed.problems));
    return parsed.profile;
  };
  const diskReader = (path: string): Promise<Buffer> => Promise.resolve(readFileSync(path));

  it('isRestrictedModeRefusal tells a refusal from other resolve errors', () => {
    assert.equal(isRestrictedModeRefusal(new ProfileResolveError('tls.ca', 'tls.ca: cannot read ca.pem: the file does not exist.')), false);
    assert.equal(isRestrictedModeRefusal(new Error('x', { cause: new Error('y') })), false);
    assert.equal(isRestrictedModeRefusal('a string'), false);
  });

  describe('restrictResolver', () => {
    it('refuses ${env:…} with a message naming the variable, Restricted Mode and how to lift it, without asking the inner resolver', async () => {
      const { resolver, asked } = answeringResolver();
      const guarded = restrictResolver(resolver, () => false);
      await assert.rejects(resolveTemplate('Bearer ${env:API_TOKEN}', 'headers.Authorization', guarded), (err: unknown) => {
        assert.ok(err instanceof RestrictedModeError);
        assert.ok(isRestrictedModeRefusal(err));
        assert.equal(err.what, '${env:API_TOKEN}');
        assert.equal(
          err.message,
          'headers.Authorization: ${env:API_TOKEN} was not read: this workspace is not trusted (Restricted Mode), and environment variables are not read for a profile from an untrusted workspace. Trust the workspace (Manage Workspace Trust) and connect again.',
        );
        return true;
      });
      assert.deepEqual(asked, []);
    });

    it('refuses ${secret:…} the same way, so no stored secret and no secret prompt is reached', async () => {
      const { resolver, asked } = answeringResolver();
      await assert.rejects(resolveTemplate('${secret:prod-key}', 'url', restrictResolver(resolver, () => false)), /^RestrictedModeError: url: \$\{secret:prod-key\} was not read: this workspace is not trusted \(Restricted Mode\), and secrets are not read/);
      assert.deepEqual(asked, []);
    });

    it('still resolves ${input:…}, ${uuid} and ${timestamp} while untrusted', async () => {
      const { resolver, asked } = answeringResolver();
      const text = await resolveTemplate('${input:Room} ${uuid} ${timestamp}', 'url', restrictResolver(resolver, () => false));
      assert.match(text, /^value-of-input-Room [0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12} \d{13}$/);
      assert.deepEqual(asked, ['${input:Room}']);
    });

    it('asks for trust at every call, so trust granted later lifts the refusal', async () => {
      let trusted = false;
      const { resolver } = answeringResolver();
      const guarded = restrictResolver(resolver, () => trusted);
      await assert.rejects(resolveTemplate('${env:HOME_X}', 'origin', guarded), RestrictedModeError);
      trusted = true;
      assert.equal(await resolveTemplate('${env:HOME_X}', 'origin', guarded), 'value-of-env-HOME_X');
    });

    it('refuses ${secret:…} in tls.passphrase and in the proxy\'s user info, naming the field', async () => {
      const { resolver, asked } = answeringResolver();
      const guarded = restrictResolver(resolver, () => false);
      await assert.rejects(resolveProfile(parse('{ "url": "ws://h/", "proxy": "http://alice:${secret:proxyPassword}@proxy.example:3128" }'), guarded), /^RestrictedModeError: proxy: \$\{secret:proxyPassword\} was not read: this workspace is not trusted/);
      await assert.rejects(resolveProfile(parse('{ "url": "ws://h/", "tls": { "passphrase": "${secret:keyPassphrase}" } }'), guarded), /^RestrictedModeError: tls\.passphrase: \$\{secret:keyPassphrase\} was not read: this workspace is not trusted/);
      assert.deepEqual(asked, []);
    });

    it('refuses env in a saved message, naming the message', async () => {
      const { resolver } = answeringResolver();
      await assert.rejects(
        encodeSavedMessage({ name: 'auth', type: 'text', encoding: 'utf8', data: '{"token":"${env:TOKEN}"}' }, restrictResolver(resolver, () => false)),
        (err: unknown) => err instanceof RestrictedModeError && err.message.startsWith('message "auth": ${env:TOKEN} was not read: this workspace is not trusted (Restricted Mode)'),
      );
    });
  });

  describe('restrictProfileFileReader', () => {
    const tlsProfile = (): WsProfile => parse('{ "url": "wss://127.0.0.1:1/", "tls": { "ca": "ca.pem", "cert": "client.pem", "key": "client.key" } }');

    it('reads no TLS file while untrusted, and the error names the tls field, the path and Restricted Mode', async () => {
      const read: string[] = [];
      const reader = restrictProfileFileReader(async (path) => {
        read.push(path);
        return diskReader(path);
      }, () => false);
      await assert.rejects(resolveProfile(tlsProfile(), answeringResolver().resolver, reader), (err: unknown) => {
        assert.ok(err instanceof ProfileResolveError);
        // The adapter offers "Manage Workspace Trust" on exactly these errors.
        assert.ok(isRestrictedModeRefusal(err), 'the refusal is the cause');
        assert.match(err.field, /^tls\.(ca|cert|key)$/);
        assert.ok(err.message.startsWith(`${err.field}: ${join(dir, err.field === 'tls.ca' ? 'ca.pem' : err.field === 'tls.cert' ? 'client.pem' : 'client.key')} was not read: this workspace is not trusted (Restricted Mode)`), err.message);
        assert.match(err.message, /files named by a profile from an untrusted workspace \(TLS certificate, key and CA files, message files\) are not read\. Trust the workspace/);
        return true;
      });
      assert.deepEqual(read, []);
    });

    it('reads them once trusted', async () => {
      const resolved = await resolveProfile(tlsProfile(), answeringResolver().resolver, restrictProfileFileReader(diskReader, () => true));
      assert.deepEqual(resolved.tls, { rejectUnauthorized: true, ca: Buffer.from('CA BYTES'), cert: Buffer.from('CERT BYTES'), key: Buffer.from('KEY BYTES') });
    });

    it('is what sessionOptionsFromProfile uses for TLS when given readTlsFile, while a profile without TLS files connects untrusted', async () => {
      const untrusted = restrictProfileFileReader(diskReader, () => false);
      await assert.rejects(sessionOptionsFromProfile(tlsProfile(), { resolver: answeringResolver().resolver, readFile: untrusted }), /^ProfileResolveError: tls\.(ca|cert|key): .* was not read: this workspace is not trusted \(Restricted Mode\)/);
      const plain = parse('{ "url": "ws://127.0.0.1:1/${input:Path}", "headers": { "X-Id": "${uuid}" } }');
      const options = await sessionOptionsFromProfile(plain, { resolver: restrictResolver(answeringResolver().resolver, () => false), readFile: untrusted });
      assert.equal(options.url, 'ws://127.0.0.1:1/value-of-input-Path');
      assert.match(options.headers?.['X-Id'] ?? '', /^[0-9a-f-]{36}$/);
    });
  });

  describe('saved messages\' files', () => {
    // A message's file is sent to the profile's server: from an untrusted workspace it could name any file on disk.
    const fileProfile = (): WsProfile => parse('{ "url": "ws://127.0.0.1:1/", "messages": [{ "name": "blob", "type": "binary", "file": "client.key" }], "onOpen": ["blob"] }');

    it('are not read while untrusted, from the panel or on open, and the error names the message', async () => {
      const read: string[] = [];
      const reader = restrictProfileFileReader(async (path) => {
        read.push(path);
        return diskReader(path);
      }, () => false);
      const [blob] = fileProfile().messages;
      await assert.rejects(encodeSavedMessage(blob, answeringResolver().resolver, reader), (err: unknown) => {
        assert.ok(err instanceof ProfileResolveError);
        assert.equal(err.message.split(' was not read: ')[0], `message "blob" file: ${join(dir, 'client.key')}`);
        assert.match(err.message, /this workspace is not trusted \(Restricted Mode\)/);
        return true;
      });
      const options = await sessionOptionsFromProfile(fileProfile(), { resolver: answeringResolver().resolver, readFile: reader });
      await assert.rejects(options.onOpen!(), /^ProfileResolveError: message "blob" file: .* was not read: this workspace is not trusted/);
      assert.deepEqual(read, []);
    });

    it('are read once trusted', async () => {
      const options = await sessionOptionsFromProfile(fileProfile(), { resolver: answeringResolver().resolver, readFile: restrictProfileFileReader(diskReader, () => true) });
      const [message] = await options.onOpen!();
      assert.deepEqual(message, { binary: true, payload: Buffer.from('KEY BYTES') });
    });
  });

  describe('restrictedReads', () => {
    it('lists each env and secret variable once (url, headers, origin, proxy, tls.passphrase, saved messages) and each TLS file field', () => {
      const profile = parse(`{
        "url": "wss://\${env:HOST}/x",
        "headers": { "Authorization": "Bearer \${secret:token}", "X-Host": "\${env:HOST}", "X-Who": "\${input:Who}" },
        "origin": "https://\${env:ORIGIN}",
        "proxy": "http://\${env:PROXY_USER}:\${secret:proxyPassword}@proxy.example:3128",
        "tls": { "ca": "ca.pem", "cert": "client.pem", "key": "client.key", "passphrase": "\${secret:keyPassphrase}" },
        "messages": [{ "name": "m", "type": "text", "data": "\${secret:other} \${uuid}" }, { "name": "blob", "type": "binary", "file": "client.key" }]
      }`);
      assert.deepEqual(restrictedReads(profile), ['${env:HOST}', '${secret:token}', '${env:ORIGIN}', '${env:PROXY_USER}', '${secret:proxyPassword}', '${secret:keyPassphrase}', '${secret:other}', 'tls.ca', 'tls.cert', 'tls.key', 'the file of message "blob"']);
    });

    it('is empty for a profile that reads nothing Restricted Mode refuses', () => {
      assert.deepEqual(restrictedReads(parse('{ "url": "ws://h/${input:Path}", "headers": { "X-Id": "${uuid}" } }')), []);
    });
  });
});
