import * as assert from 'node:assert/strict';
import { checkEndpointUrl } from '../../../src/core/endpointUrl';
import { SecretMask, secretForms } from '../../../src/core/secretMask';
import { percentEncodeAll } from '../../../src/core/urlTemplate';

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

/**
 * Every %XX in `text` decoded (UTF-8, a run at a time), and "+" read as a space when `plus`: what
 * a person could read the secret back from, whatever encoding it came out in.
 */
function decodeEverything(text: string, plus: boolean): string {
  const spaced = plus ? text.replace(/\+/g, ' ') : text;
  return spaced.replace(/(?:%[0-9a-f]{2})+/gi, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('utf8'));
}

describe('SecretMask and URL encodings', () => {
  // Values with characters the URL parser or encodeURIComponent write differently.
  const values = [
    'to ken with spaces',
    'ab/cd+ef==',
    'q?u&e=ry#frag',
    'pässwört-€-日本',
    'quote"lt<gt>`tick{brace}|pipe^caret',
    "it's (so) ~!*",
    '50%off and%20already',
    'back\\slash:colon;semi@at[br]',
    'emoji-😀-end',
  ];
  // Where a ${secret:…} can stand in a ws:// URL.
  const places = [
    { name: 'a path segment', url: (v: string) => `ws://127.0.0.1:8080/rooms/${v}/join` },
    { name: 'a query value', url: (v: string) => `ws://127.0.0.1:8080/socket?token=${v}&room=1` },
    { name: 'the password', url: (v: string) => `ws://user:${v}@127.0.0.1:8080/socket` },
    { name: 'the user name', url: (v: string) => `ws://${v}@127.0.0.1:8080/socket` },
  ];
  const placeholder = '${secret:token}';

  /** Asserts the value is in `shown` in no form, and that the placeholder stands where it was in `unmasked`. */
  const assertHidden = (shown: string, value: string, context: string, unmasked: string): void => {
    // In a special URL's path a "\\" is a "/" (WHATWG URL), which gives the value away just the same.
    const readable = (text: string): boolean => [false, true].some((plus) => [value, value.replace(/\\/g, '/')].some((v) => decodeEverything(text, plus).includes(v)));
    assert.ok(!readable(shown), `${context}: the value can be read back from ${JSON.stringify(shown)}`);
    if (readable(unmasked)) assert.ok(shown.includes(placeholder), `${context}: ${JSON.stringify(shown)} does not name the secret`);
  };

  // Only where the product would connect to the URL as meant: a "#" makes a fragment (refused
  // before anything is shown), and a "/" or "@" in the user name moves the host elsewhere.
  // A value with a literal "%XX" cannot be told from its encoding by decoding; it has its own test below.
  const cases = values.filter((value) => !value.includes('%')).flatMap((value) =>
    places.flatMap((place) => {
      const check = checkEndpointUrl(place.url(value));
      return check.ok && check.url.host === '127.0.0.1:8080' ? [{ value, place: place.name, url: check.url }] : [];
    }));

  it('hides a value as a profile URL puts it in a user name, password, path or query: every byte but the unreserved ones encoded', () => {
    for (const value of values) {
      const encoded = `ws://h/?t=${percentEncodeAll(value)}&x=1`;
      assert.equal(new SecretMask([{ value, placeholder }]).redact(encoded), `ws://h/?t=${placeholder}&x=1`, value);
    }
  });

  it('tries most values in most places', () => {
    assert.ok(cases.length >= 24, `only ${cases.length} cases`);
  });

  for (const { value, place, url } of cases) {
    it(`hides ${JSON.stringify(value)} in ${place} as the URL parser writes it`, () => {
      const mask = new SecretMask([{ value, placeholder }]);
      const connecting = `Connecting to ${url.href} (direct: no proxy configured)`;
      assertHidden(mask.redact(connecting), value, place, connecting);
      const requestLine = `GET ${url.pathname}${url.search} HTTP/1.1`;
      assertHidden(mask.redact(requestLine), value, `${place}, request line`, requestLine);
    });
  }

  for (const value of values) {
    it(`hides ${JSON.stringify(value)} quoted back encoded by a server (encodeURIComponent, a form, lower-case hex)`, () => {
      const mask = new SecretMask([{ value, placeholder }]);
      const component = encodeURIComponent(value);
      for (const shown of [
        `Location: /next?token=${component}`,
        `Location: /next?token=${component.replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase())}`,
        `Location: /next?${new URLSearchParams({ token: value }).toString()}`,
        `Location: /next?token=${component.replace(/%20/g, '+')}`,
        `Location: /next/${encodeURI(value)}`,
      ]) {
        assertHidden(mask.redact(shown), value, shown, shown);
        assert.ok(mask.isSensitiveHeader('Location', shown.slice('Location: '.length)), `${shown} is not masked as a header`);
      }
    });
  }

  it('names the secret once per occurrence and leaves the text around it as it was', () => {
    const mask = new SecretMask([{ value: 'a b/c', placeholder }]);
    assert.equal(mask.redact('ws://h/x/a%20b/c?t=a%20b%2Fc&u=a+b%2fc&v=a b/c'), `ws://h/x/${placeholder}?t=${placeholder}&u=${placeholder}&v=${placeholder}`);
    // Decoding cannot tell a literal "%20" in the value from an encoded space, so this one is spelled out.
    const percent = new SecretMask([{ value: '50%off and%20already', placeholder }]);
    assert.equal(percent.redact(new URL('ws://h/50%off and%20already?t=50%off and%20already').href), `ws://h/${placeholder}?t=${placeholder}`);
    assert.equal(percent.redact(`t=${encodeURIComponent('50%off and%20already')}`), `t=${placeholder}`);
  });

  it('does not rewrite a placeholder that contains another secret\'s text', () => {
    const mask = new SecretMask([{ value: 'my-secret-value', placeholder: '${secret:api}' }, { value: 'secret', placeholder: '${secret:short}' }]);
    assert.equal(mask.redact('ws://h/?t=my-secret-value&u=secret'), 'ws://h/?t=${secret:api}&u=${secret:short}');
  });

  it('leaves out a form shorter than the value, so a dot segment does not hide every "x"', () => {
    const mask = new SecretMask([{ value: '../x', placeholder }]);
    assert.equal(mask.redact('x marks ../x'), `x marks ${placeholder}`);
    assert.ok(secretForms('a b').includes('a%20b') && secretForms('a b').includes('a+b'));
    assert.ok(!secretForms('../x').some((form) => form.length < '../x'.length));
  });
});
