import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  encodeSavedMessage,
  parseProfile,
  PROFILE_DEFAULTS,
  ProfileResolveError,
  resolveProfile,
  type ProfileProblem,
  type SavedMessage,
  type WsProfile,
} from '../../../src/core/profile';
import { DEFAULT_MAX_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES_LIMIT } from '../../../src/core/messageSizeLimits';
import { processEnvResolver, UnresolvedVariableError, type VariableRef, type VariableResolver } from '../../../src/core/variables';

const fixtures = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'profiles');
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/;

function parseFixture(name: string): ReturnType<typeof parseProfile> {
  const path = join(fixtures, `${name}.wsprofile`);
  return parseProfile(readFileSync(path, 'utf8'), { profilePath: path });
}

/** "severity line:column path | message": one line a person can compare with the file. */
function describeProblem(p: ProfileProblem): string {
  return `${p.severity} ${p.line}:${p.column} ${p.path.length > 0 ? p.path.join('.') : '(root)'} | ${p.message}`;
}

/** A resolver as the VS Code adapter builds one: secrets and prompt answers from tables, env from process.env. */
function tableResolver(secrets: Record<string, string>, inputs: Record<string, string> = {}): VariableResolver & { asked: string[] } {
  const asked: string[] = [];
  const resolver = async (ref: VariableRef): Promise<string | undefined> => {
    asked.push(ref.raw);
    if (ref.kind === 'secret') return secrets[ref.name];
    if (ref.kind === 'input') return inputs[ref.name];
    return processEnvResolver(ref);
  };
  return Object.assign(resolver, { asked });
}

function withEnv(values: Record<string, string | undefined>): () => void {
  const before = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  const set = (entries: Record<string, string | undefined>): void => {
    for (const [k, v] of Object.entries(entries)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  set(values);
  return () => set(before);
}

/**
 * Every fixture of the corpus with every problem it must produce, in document order. Warnings
 * alone leave the profile usable; any error means no profile.
 */
const corpus: Record<string, string[]> = {
  "clamped-reconnect": [
    'warning 4:50 reconnect.maxAttempts | reconnect.maxAttempts is 1000000, above the maximum of 100 reconnects in a row (a connection that stays up for 10 s starts the count over); 100 is used',
    'warning 4:77 reconnect.initialDelayMs | reconnect.initialDelayMs is 0, below the minimum of 100 ms (reconnects never come faster, so that a server refusing connections is not flooded with them); 100 is used',
    'warning 4:94 reconnect.maxDelayMs | reconnect.maxDelayMs is 0, below the minimum of 100 ms (reconnects never come faster, so that a server refusing connections is not flooded with them); 100 is used',
  ],
  "invalid-data-and-file": [
    'error 5:49 messages.0.file | messages[0] has both data and file; keep one',
  ],
  "invalid-duplicate-subprotocol": [
    'error 4:28 subprotocols.1 | subprotocols[1] "chat" is listed twice; list each subprotocol once',
  ],
  "invalid-follow-redirects": [
    'error 4:22 followRedirects | followRedirects must be false (the default: no redirects), true or "sameOrigin" (redirects within the same origin: scheme, host and port), or "crossOrigin" (redirects anywhere, without credentials past the origin), got "crossorigin". Did you mean "crossOrigin"?',
  ],
  "invalid-header-injection": [
    'error 5:33 headers.X-Forwarded-For | headers.X-Forwarded-For contains a carriage return (U+000D); control characters in a header value could inject HTTP headers, so it is refused',
  ],
  "invalid-header-name": [
    "error 4:16 headers.X Api Key | headers: \"X Api Key\" is not a valid header name; use only letters, digits and !#$%&'*+-.^_`|~ (RFC 7230 section 3.2.6)",
  ],
  "invalid-keepalive-incomplete": [
    'error 3:16 keepAlive | keepAlive.pongTimeoutMs is missing: keepAlive needs both pingIntervalMs and pongTimeoutMs',
  ],
  "invalid-message-type": [
    'error 4:32 messages.0.type | messages[0].type must be "text", "json" or "binary", got "txt". Did you mean "text"?',
  ],
  "invalid-max-payload-too-large": [
    'error 4:22 maxPayloadBytes | maxPayloadBytes must be at most 268435456 (256 MiB), got 1073741824: a message is held whole in the memory of the extension host, which every extension shares. Lower it to 268435456 or less, or remove it for the default of 16777216 (16 MiB)',
  ],
  "invalid-message-without-name": [
    'error 4:5 messages.0 | messages[0].name is missing: every message needs a name (onOpen refers to messages by name)',
  ],
  "invalid-missing-url": [
    'error 2:1 (root) | url is missing: add "url": "ws://host:port/path" (or wss://)',
  ],
  "invalid-no-data-nor-file": [
    'error 4:5 messages.0 | messages[0] needs either "data" (the message itself) or "file" (a path to it)',
  ],
  "invalid-number-range": [
    'error 4:25 handshakeTimeoutMs | handshakeTimeoutMs must be a whole number from 1 to 2147483647, got 0',
  ],
  "invalid-proxy-scheme": [
    'error 4:12 proxy | proxy must be an http:// URL, got https:// (only plain HTTP proxies are supported; wss:// traffic stays encrypted through them)',
  ],
  "invalid-subprotocol": [
    "error 4:20 subprotocols.0 | subprotocols[0] \"chat v2\" is not a valid subprotocol name; use only letters, digits and !#$%&'*+-.^_`|~ (RFC 6455 section 4.1)",
  ],
  "invalid-tls-cert-without-key": [
    'error 4:20 tls.cert | tls.cert is set but tls.key is not: a client certificate needs its private key',
  ],
  "invalid-unknown-variable": [
    'error 4:41 headers.Authorization | headers.Authorization: Unknown variable ${token}. Known forms: ${env:NAME}, ${secret:KEY}, ${input:Prompt text}, ${uuid}, ${timestamp} (write $${ for a literal "${").',
  ],
  "invalid-url-injection": [
    'error 3:44 url | url contains a carriage return (U+000D); control characters in a URL could inject HTTP headers, so it is refused',
  ],
  "invalid-url-scheme": [
    'error 4:10 url | url: The URL must start with ws:// or wss://, got http:// (use ws:// for http)',
  ],
  "invalid-url-type": [
    'error 3:10 url | url must be a string, got 8080',
  ],
  "invalid-variable-in-name": [
    "error 3:12 name | name cannot use variables (found ${env:USER}); variables are allowed only in url, header values, origin, message data, tls.passphrase and the proxy's user name and password",
  ],
  "invalid-wrong-type": [
    'error 4:24 perMessageDeflate | perMessageDeflate must be true or false, got "yes"',
  ],
  "malformed-everything": [
    'error 3:11 name | name must not be empty; remove it to use the file name ("malformed-everything")',
    'error 4:10 url | url: The URL must start with ws:// or wss://, got http:// (use ws:// for http)',
    "error 6:5 headers.Bad Header | headers: \"Bad Header\" is not a valid header name; use only letters, digits and !#$%&'*+-.^_`|~ (RFC 7230 section 3.2.6)",
    'error 7:13 headers.X-Ok | headers.X-Ok must be a string, got 42',
    'error 8:19 headers.X-Inject | headers.X-Inject contains a line feed (U+000A); control characters in a header value could inject HTTP headers, so it is refused',
    'error 10:19 subprotocols | subprotocols must be an array of strings, e.g. ["graphql-transport-ws"], got "chat"',
    'error 11:24 perMessageDeflate | perMessageDeflate must be true or false, got 1',
    'error 12:22 maxPayloadBytes | maxPayloadBytes must be a whole number from 1 to 268435456, got 1.5',
    'error 13:13 proxy | proxy: ${env:PROXY} cannot stand there; variables may stand only in the proxy\'s user name and password, as in http://alice:${secret:proxyPassword}@proxy.example:3128',
    'error 14:33 reconnect.maxAttempts | reconnect.maxAttempts must be a whole number from 1 to 2147483647, got 0',
    'error 14:47 reconnect.enabled | reconnect.enabled must be true or false, got "no"',
    'error 16:66 messages.0.data | messages[0].data is not valid hex: "z" at character 1 is not a hex digit (use 0-9 and a-f; spaces are ignored)',
    'error 17:53 messages.1.data | messages[1].data is not valid JSON (the message type is "json"): expected a value',
    'warning 17:57 messages.1.encodng | Unknown property "encodng" in messages[1]. Did you mean "encoding"?',
    'error 18:5 messages.2 | messages[2] must be an object like { "name": "hello", "type": "text", "data": "hi" }, got "not a message"',
    'error 20:19 onOpen.1 | onOpen[1]: there is no message named "c". Did you mean "a"?',
    'error 20:24 onOpen.2 | onOpen[2] must be a string, got 3',
  ],
  "semantic-bad-base64": [
    'error 4:76 messages.0.data | messages[0].data is not valid base64: "*" at character 5 is not a base64 character (use A-Z, a-z, 0-9 and either + / or the URL-safe - _; spaces are ignored)',
    'error 5:73 messages.1.data | messages[1].data is not valid base64: its length (5 characters) is not a whole number of base64 groups: one character is left over, and a byte needs two; look for a missing or an extra character',
  ],
  "semantic-bad-hex": [
    'error 5:74 messages.0.data | messages[0].data is not valid hex: "," at character 5 is not a hex digit (separate bytes with spaces, not commas)',
    'error 6:68 messages.1.data | messages[1].data is not valid hex: it has an odd number of hex digits (3); every byte needs two digits, so add the missing one or remove the extra one',
  ],
  "semantic-bad-json": [
    "error 5:75 messages.0.data | messages[0].data is not valid JSON (the message type is \"json\"): unexpected \"'op'\"",
  ],
  "semantic-duplicate-key": [
    'error 4:3 url | Duplicate property "url": remove one (the first one is used here, other JSON readers use the last)',
  ],
  "semantic-duplicate-message-names": [
    'error 5:15 messages.1.name | messages[1].name "hello" is already the name of messages[0]; message names must be unique',
  ],
  "semantic-header-case": [
    'error 4:45 headers.authorization | headers: "Authorization" and "authorization" are the same header (header names ignore case); keep one',
  ],
  "semantic-onopen-missing": [
    'error 5:14 onOpen.0 | onOpen[0]: there is no message named "helo". Did you mean "hello"?',
  ],
  "semantic-reconnect-delays": [
    'error 3:73 reconnect.maxDelayMs | reconnect.maxDelayMs (1000) must be at least reconnect.initialDelayMs (5000)',
  ],
  "semantic-url-fragment": [
    'error 3:10 url | url: WebSocket URLs cannot have a #fragment; remove "#room-1"',
  ],
  "syntax-errors": [
    'error 4:3 (root) | Syntax error: expected a comma',
    'error 4:10 (root) | Syntax error: this string is never closed with a double quote (a string cannot span lines; write \\n)',
    'error 5:3 (root) | Syntax error: expected a comma',
  ],
  "unknown-keys": [
    'warning 3:3 urll | Unknown property "urll". Did you mean "url"?',
    'warning 5:3 timeout | Unknown property "timeout". Did you mean "handshakeTimeoutMs"?',
    'warning 6:12 tls.rejectUnauthorised | Unknown property "rejectUnauthorised" in tls. Did you mean "rejectUnauthorized"?',
    'warning 7:32 messages.0.dat | Unknown property "dat" in messages[0]. Did you mean "data"?',
  ],
  "valid-minimal": [
  ],
  "valid-variables": [
  ],
  "valid-with-warnings": [
    'warning 6:5 headers.Sec-WebSocket-Protocol | headers.Sec-WebSocket-Protocol should not be set here: use "subprotocols" instead',
    'warning 10:49 messages.0.encoding | messages[0].encoding applies only to binary messages; a text message is sent as UTF-8',
  ],
};

describe('parseProfile', () => {
  describe('the fixture corpus', () => {
    it('covers every fixture file', () => {
      const files = readdirSync(fixtures).filter((f) => f.endsWith('.wsprofile')).map((f) => f.replace(/\.wsprofile$/, ''));
      assert.deepEqual(files.filter((f) => f !== 'valid-full').sort(), Object.keys(corpus).sort());
    });
    for (const [name, expected] of Object.entries(corpus)) {
      it(`${name}: ${expected.length === 0 ? 'no problems' : `${expected.length} problem(s), each with its position`}`, () => {
        const parsed = parseFixture(name);
        assert.deepEqual(parsed.problems.map(describeProblem), expected);
        const hasError = expected.some((e) => e.startsWith('error'));
        assert.equal(parsed.profile === undefined, hasError, hasError ? 'a profile with errors must not be returned' : 'a profile with only warnings must be returned');
      });
    }
  });

  it('points each problem at the offending text', () => {
    const path = join(fixtures, 'malformed-everything.wsprofile');
    const text = readFileSync(path, 'utf8');
    const at = (p: ProfileProblem): string => text.slice(p.offset, p.offset + p.length);
    assert.deepEqual(parseProfile(text, { profilePath: path }).problems.map(at), [
      '""',
      '"http://example.com/socket"',
      '"Bad Header"',
      '42',
      '\\n',
      '"chat"',
      '1',
      '1.5',
      '${env:PROXY}',
      '0',
      '"no"',
      'z',
      '}',
      '"encodng"',
      '"not a message"',
      '"c"',
      '3',
    ]);
  });

  it('reads a profile that uses every field, resolving paths against the profile\'s folder', () => {
    const parsed = parseFixture('valid-full');
    assert.deepEqual(parsed.problems, []);
    const expected: WsProfile = {
      name: 'Orders feed (staging)',
      url: 'wss://staging.example.com:8443/orders?v=2',
      headers: { Authorization: 'Bearer ${secret:ordersToken}', 'X-Request-Id': '${uuid}', 'X-Trace': 'a\tb' },
      origin: 'https://app.example.com',
      subprotocols: ['orders.v2', 'orders.v1'],
      perMessageDeflate: false,
      handshakeTimeoutMs: 5000,
      maxPayloadBytes: 1048576,
      followRedirects: 'sameOrigin',
      proxy: 'http://proxy.example:3128',
      tls: {
        rejectUnauthorized: false,
        ca: join(fixtures, 'certs', 'ca.pem'),
        cert: join(fixtures, 'certs', 'client.pem'),
        key: '/etc/ssl/private/client.key',
        passphrase: 'correct horse',
      },
      keepAlive: { pingIntervalMs: 20000, pongTimeoutMs: 5000 },
      reconnect: { enabled: true, maxAttempts: 10, initialDelayMs: 500, maxDelayMs: 60000 },
      messages: [
        { name: 'hello', type: 'text', data: 'hello at ${timestamp}', encoding: 'utf8' },
        { name: 'subscribe', type: 'json', data: '{"op": "subscribe", "id": "${uuid}", "seq": ${timestamp}}', encoding: 'utf8' },
        { name: 'ping-bytes', type: 'binary', data: '0x70 69 6e 67', encoding: 'hex' },
        { name: 'blob', type: 'binary', data: 'AAEC/w==', encoding: 'base64' },
        { name: 'big', type: 'json', encoding: 'utf8', file: join(fixtures, 'messages', 'big.json') },
      ],
      onOpen: ['hello', 'subscribe'],
    };
    assert.deepEqual(parsed.profile, expected);
  });

  it('fills in every default and takes the name from the file name', () => {
    assert.deepEqual(parseFixture('valid-minimal').profile, {
      name: 'valid-minimal',
      url: 'ws://127.0.0.1:8080/echo',
      headers: {},
      subprotocols: [],
      perMessageDeflate: true,
      handshakeTimeoutMs: 10000,
      maxPayloadBytes: 16777216,
      followRedirects: 'never',
      tls: { rejectUnauthorized: true },
      reconnect: { enabled: false, maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 30000 },
      messages: [],
      onOpen: [],
    });
    assert.equal(PROFILE_DEFAULTS.maxPayloadBytes, 16 * 1024 * 1024);
    const parsed = parseProfile('{ "url": "ws://h/", "messages": [{ "name": "m", "data": "x" }], "reconnect": { "enabled": true } }', { profilePath: '/p/Échos.v2.wsprofile' });
    assert.equal(parsed.profile?.name, 'Échos.v2');
    assert.deepEqual(parsed.profile?.messages, [{ name: 'm', type: 'text', data: 'x', encoding: 'utf8' }]);
    assert.deepEqual(parsed.profile?.reconnect, { enabled: true, maxAttempts: 5, initialDelayMs: 1000, maxDelayMs: 30000 });
  });

  it('takes maxPayloadBytes up to 256 MiB and refuses more, saying what the maximum is and how to fix it', () => {
    assert.equal(MAX_PAYLOAD_BYTES_LIMIT, 256 * 1024 * 1024);
    assert.equal(DEFAULT_MAX_PAYLOAD_BYTES, PROFILE_DEFAULTS.maxPayloadBytes);
    const withMax = (value: number) => parseProfile(`{ "url": "ws://h/", "maxPayloadBytes": ${value} }`, { profilePath: '/p/x.wsprofile' });
    assert.equal(withMax(MAX_PAYLOAD_BYTES_LIMIT).profile?.maxPayloadBytes, MAX_PAYLOAD_BYTES_LIMIT);
    const over = withMax(MAX_PAYLOAD_BYTES_LIMIT + 1);
    assert.equal(over.profile, undefined);
    assert.deepEqual(over.problems.map((p) => p.message), [
      'maxPayloadBytes must be at most 268435456 (256 MiB), got 268435457: a message is held whole in the memory of the extension host, which every extension shares. Lower it to 268435456 or less, or remove it for the default of 16777216 (16 MiB)',
    ]);
  });

  it('uses the reconnect bounds in place of values past them, and leaves values within them alone', () => {
    assert.deepEqual(parseFixture('clamped-reconnect').profile?.reconnect, { enabled: true, maxAttempts: 100, initialDelayMs: 100, maxDelayMs: 100 });
    const parsed = parseProfile('{ "url": "ws://h/", "reconnect": { "enabled": true, "maxAttempts": 100, "initialDelayMs": 100, "maxDelayMs": 100 } }', { profilePath: '/p/x.wsprofile' });
    assert.deepEqual(parsed.problems, []);
    assert.deepEqual(parsed.profile?.reconnect, { enabled: true, maxAttempts: 100, initialDelayMs: 100, maxDelayMs: 100 });
    // A short maxDelayMs with a longer default initialDelayMs is the ordering error, not a bound warning.
    assert.deepEqual(parseProfile('{ "url": "ws://h/", "reconnect": { "maxDelayMs": 50 } }', { profilePath: '/p/x.wsprofile' }).problems.map((p) => `${p.severity} ${p.message}`), [
      'error reconnect.maxDelayMs (50) must be at least reconnect.initialDelayMs (1000, the default)',
    ]);
  });

  it('keeps variables as written and checks the literal start of a URL that has them', () => {
    assert.deepEqual(parseFixture('valid-variables').problems, []);
    const check = (url: string): string[] => parseProfile(JSON.stringify({ url }), { profilePath: '/p/x.wsprofile' }).problems.map((p) => p.message);
    assert.deepEqual(check('${env:URL}'), []);
    assert.deepEqual(check('wss://${env:HOST}:${env:PORT}/x'), []);
    assert.deepEqual(check('http://${env:HOST}/x'), ['url must start with ws://, wss:// or a variable, got http://${env:HOST}/x (use ws:// for http)']);
    assert.deepEqual(check('example.com/${env:PATH}'), ['url must start with ws://, wss:// or a variable, got example.com/${env:PATH}']);
  });

  it('counts lines and columns in UTF-16 code units across \\r\\n, \\r and \\n, and inside escaped strings', () => {
    const text = '// \u{1F50C} plug\r\n{\r"url": "ws://h/",\n"headers": { "X": "\\u00e9\\t\\r" } }';
    const [problem] = parseProfile(text, { profilePath: '/p/x.wsprofile' }).problems;
    assert.equal(describeProblem(problem), 'error 4:28 headers.X | headers.X contains a carriage return (U+000D); control characters in a header value could inject HTTP headers, so it is refused');
    assert.equal(text.slice(problem.offset, problem.offset + problem.length), '\\r');
  });

  it('explains a proxy URL that does not parse without quoting its password', () => {
    const text = JSON.stringify({ url: 'ws://example.test/', proxy: 'http://alice:pa/ss-w0rd@proxy.example:3128' });
    const problems = parseProfile(text, { profilePath: join(tmpdir(), 'proxy.wsprofile') }).problems.map((p) => p.message);
    assert.deepEqual(problems, [
      'proxy "http://alice:•••@proxy.example:3128" is not a URL; write it like http://proxy.example:3128 or http://user:password@proxy.example:3128; characters such as @ : / ? # in the user name or password must be percent-encoded (%40 for @, %3A for :, %2F for /)',
    ]);
  });

  it('reports an empty file and a file that is not an object', () => {
    const problems = (text: string): string[] => parseProfile(text, { profilePath: '/p/x.wsprofile' }).problems.map(describeProblem);
    assert.deepEqual(problems('  // nothing yet\n'), ['error 1:1 (root) | The profile is empty: write an object such as { "url": "ws://127.0.0.1:8080/echo" }']);
    assert.deepEqual(problems('["ws://h/"]'), ['error 1:1 (root) | A .wsprofile must be one JSON object { ... }, got an array']);
    assert.deepEqual(problems('{"url": yes}'), ['error 1:9 (root) | Syntax error: unexpected "yes"']);
  });
});

describe('resolveProfile', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wsi-profile-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  function parseIn(text: string): WsProfile {
    const parsed = parseProfile(text, { profilePath: join(dir, 'test.wsprofile') });
    assert.deepEqual(parsed.problems, []);
    assert.ok(parsed.profile);
    return parsed.profile;
  }

  it('resolves every variable kind and reads the TLS files from the profile\'s folder', async () => {
    mkdirSync(join(dir, 'certs'));
    writeFileSync(join(dir, 'certs', 'ca.pem'), 'CA BYTES');
    writeFileSync(join(dir, 'client.pem'), 'CERT BYTES');
    writeFileSync(join(dir, 'client.key'), Buffer.from([0, 1, 2, 255]));
    const profile = parseIn(`{
      // every kind of variable where variables are allowed
      "url": "wss://\${env:WSI_PROFILE_TEST_HOST}/feed?id=\${uuid}&t=\${timestamp}",
      "headers": { "Authorization": "Bearer \${secret:token}", "X-User": "\${input:User name}", "X-Again": "\${secret:token}" },
      "origin": "https://\${env:WSI_PROFILE_TEST_HOST}",
      "tls": { "ca": "certs/ca.pem", "cert": "client.pem", "key": "${join(dir, 'client.key')}", "passphrase": "pw" },
      "messages": [{ "name": "m", "data": "\${uuid}" }],
    }`);
    const restore = withEnv({ WSI_PROFILE_TEST_HOST: 'feed.example.test' });
    try {
      const resolver = tableResolver({ token: 't0k3n' }, { 'User name': 'ada' });
      const before = Date.now();
      const resolved = await resolveProfile(profile, resolver);
      const match = /^wss:\/\/feed\.example\.test\/feed\?id=(.+)&t=(\d+)$/.exec(resolved.url);
      assert.ok(match, resolved.url);
      assert.match(match[1], UUID);
      assert.ok(Number(match[2]) >= before && Number(match[2]) <= Date.now());
      assert.deepEqual(resolved.headers, { Authorization: 'Bearer t0k3n', 'X-User': 'ada', 'X-Again': 't0k3n' });
      assert.equal(resolved.origin, 'https://feed.example.test');
      assert.deepEqual(resolved.tls, { rejectUnauthorized: true, ca: Buffer.from('CA BYTES'), cert: Buffer.from('CERT BYTES'), key: Buffer.from([0, 1, 2, 255]), passphrase: 'pw' });
      // Each distinct variable is asked for once, however often it is used (one prompt, not two).
      assert.deepEqual(resolver.asked, ['${env:WSI_PROFILE_TEST_HOST}', '${secret:token}', '${input:User name}']);
      // Message data is resolved at each send, not here.
      assert.deepEqual(resolved.messages, profile.messages);
    } finally {
      restore();
    }
  });

  it('resolves variables in tls.passphrase and in the proxy\'s user info, percent-encoded there, and counts them as secrets', async () => {
    const password = 'p@ss:w/rd ü';
    const profile = parseIn(`{
      "url": "ws://h/",
      "proxy": "http://\${input:Proxy user}:\${secret:proxyPassword}@proxy.example:3128",
      "tls": { "passphrase": "\${secret:keyPassphrase}" }
    }`);
    assert.equal(profile.proxy, 'http://${input:Proxy user}:${secret:proxyPassword}@proxy.example:3128', 'kept as written until resolved');
    const resolved = await resolveProfile(profile, tableResolver({ proxyPassword: password, keyPassphrase: 'horse battery' }, { 'Proxy user': 'alice' }));
    assert.equal(resolved.proxy, `http://alice:${encodeURIComponent(password).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}@proxy.example:3128`);
    assert.equal(decodeURIComponent(new URL(resolved.proxy!).password), password);
    assert.equal(resolved.tls.passphrase, 'horse battery');
    assert.deepEqual(resolved.secrets, [
      { value: password, placeholder: '${secret:proxyPassword}' },
      { value: 'horse battery', placeholder: '${secret:keyPassphrase}' },
    ]);
    // A secret that is the whole user info holds "user:password"; each piece is hidden too.
    const whole = await resolveProfile(parseIn('{ "url": "ws://h/", "proxy": "http://${secret:proxyLogin}@proxy.example:3128" }'), tableResolver({ proxyLogin: 'bob:s3cr3t@x' }));
    assert.equal(whole.proxy, 'http://bob:s3cr3t%40x@proxy.example:3128');
    assert.deepEqual(whole.secrets.map((secret) => secret.value).sort(), ['bob', 'bob:s3cr3t@x', 's3cr3t@x']);
    // A literal "$${" in a proxy is a "${".
    assert.equal((await resolveProfile(parseIn('{ "url": "ws://h/", "proxy": "http://u:a$${b@proxy.example:3128" }'), tableResolver({}))).proxy, 'http://u:a${b@proxy.example:3128');
  });

  it('refuses variables anywhere in the proxy but its user info, pointing at each', () => {
    const problems = (proxy: string): string[] => parseProfile(JSON.stringify({ url: 'ws://h/', proxy }), { profilePath: '/p/x.wsprofile' }).problems.map((p) => `${p.column} ${p.message}`);
    const where = "variables may stand only in the proxy's user name and password, as in http://alice:${secret:proxyPassword}@proxy.example:3128";
    assert.deepEqual(problems('http://alice:pw@${env:PROXY_HOST}:3128'), [`43 proxy: \${env:PROXY_HOST} cannot stand there; ${where}`]);
    assert.deepEqual(problems('${env:HTTP_PROXY}'), [`27 proxy: \${env:HTTP_PROXY} cannot stand there; ${where}`]);
    assert.deepEqual(problems('http://proxy.example:3128/${secret:a@b}'), [`53 proxy: \${secret:a@b} cannot stand there; ${where}`]);
    assert.deepEqual(problems('http://${secret:login}@proxy.example:3128'), []);
    assert.match(problems('http://${secret:login}@')[0], /^26 proxy "http:\/\/•••@" is not a URL; write it like http:\/\/proxy\.example:3128/);
  });

  it('names the variable and the field when a value is missing', async () => {
    const profile = parseIn('{ "url": "ws://h/", "headers": { "Authorization": "Bearer ${secret:apiToken}" } }');
    await assert.rejects(resolveProfile(profile, processEnvResolver), (err: unknown) => {
      assert.ok(err instanceof UnresolvedVariableError);
      assert.equal(err.message, 'headers.Authorization: ${secret:apiToken} has no value. Store the secret "apiToken" first; secrets live in VS Code\'s secret storage, never in the profile.');
      return true;
    });
  });

  it('says which TLS file is missing, where it was looked for, and how relative paths work', async () => {
    const profile = parseIn('{ "url": "wss://h/", "tls": { "ca": "certs/missing-ca.pem" } }');
    await assert.rejects(resolveProfile(profile, processEnvResolver), (err: unknown) => {
      assert.ok(err instanceof ProfileResolveError);
      assert.equal(err.field, 'tls.ca');
      assert.equal(err.message, `tls.ca: cannot read ${join(dir, 'certs', 'missing-ca.pem')}: the file does not exist. Relative paths in a .wsprofile are resolved against the profile's folder.`);
      return true;
    });
  });

  it('checks the URL again once its variables have values, without showing secrets', async () => {
    const profile = parseIn('{ "url": "${env:WSI_PROFILE_TEST_URL}", "headers": { "X": "${env:WSI_PROFILE_TEST_HEADER}" } }');
    const restore = withEnv({ WSI_PROFILE_TEST_URL: 'https://example.test/', WSI_PROFILE_TEST_HEADER: 'ok' });
    try {
      await assert.rejects(resolveProfile(profile, processEnvResolver), {
        name: 'ProfileResolveError',
        message: 'url: once its variables were replaced, the URL must start with ws:// or wss://, got https:// (use wss:// for https)',
      });
      process.env.WSI_PROFILE_TEST_URL = 'ws://example.test/';
      process.env.WSI_PROFILE_TEST_HEADER = 'ok\r\nX-Admin: 1';
      await assert.rejects(resolveProfile(profile, processEnvResolver), {
        name: 'ProfileResolveError',
        message: 'headers.X contains a carriage return (U+000D) once its variables were replaced; it is refused because it could inject HTTP headers',
      });
    } finally {
      restore();
    }
    const secretUrl = parseIn('{ "url": "${secret:endpoint}" }');
    await assert.rejects(resolveProfile(secretUrl, tableResolver({ endpoint: 'not a url sk_live_123' })), {
      message: 'url: once its variables were replaced, "${secret:endpoint}" is not a URL; it must look like ws://host:port/path or wss://host/path',
    });
    // The message quotes the fragment as the URL parser wrote it: percent-encoded.
    const secretFragment = parseIn('{ "url": "ws://example.test/#${secret:anchor}" }');
    await assert.rejects(resolveProfile(secretFragment, tableResolver({ anchor: 'sk live ü' })), {
      message: 'url: once its variables were replaced, webSocket URLs cannot have a #fragment; remove "#${secret:anchor}"',
    });
  });
});

describe('encodeSavedMessage', () => {
  const message = (fields: Partial<SavedMessage>): SavedMessage => ({ name: 'm', type: 'text', encoding: 'utf8', ...fields });

  it('sends text as UTF-8 with its variables resolved at each send', async () => {
    const first = await encodeSavedMessage(message({ data: 'héllo ${uuid}' }), processEnvResolver);
    const second = await encodeSavedMessage(message({ data: 'héllo ${uuid}' }), processEnvResolver);
    assert.equal(first.binary, false);
    assert.match(first.payload.toString('utf8'), new RegExp(`^héllo ${UUID.source}$`));
    assert.notEqual(first.payload.toString(), second.payload.toString());
  });

  it('checks json and says where it fails', async () => {
    const ok = await encodeSavedMessage(message({ type: 'json', data: '{"at": ${timestamp}}' }), processEnvResolver);
    assert.match(ok.payload.toString(), /^\{"at": \d+\}$/);
    await assert.rejects(encodeSavedMessage(message({ name: 'sub', type: 'json', data: '{\n  "op": "x",\n}' }), processEnvResolver), {
      name: 'ProfileResolveError',
      message: 'message "sub": data is not valid JSON: expected a property name in double quotes at line 3, column 1',
    });
    await assert.rejects(encodeSavedMessage(message({ name: 'sub', type: 'json', data: '{"q": "${input:Query}"}' }), tableResolver({}, { Query: 'say "hi"' })), {
      message: 'message "sub": data is not valid JSON once its variables were replaced (a value may hold a quote or a backslash): unexpected character at line 1, column 13',
    });
  });

  it('decodes hex (whitespace and one leading 0x allowed) and base64 (standard or URL-safe)', async () => {
    const bytes = async (encoding: SavedMessage['encoding'], data: string): Promise<number[]> => {
      const encoded = await encodeSavedMessage(message({ type: 'binary', encoding, data }), processEnvResolver);
      assert.equal(encoded.binary, true);
      return [...encoded.payload];
    };
    assert.deepEqual(await bytes('hex', '0xDE ad\n be\tEF'), [0xde, 0xad, 0xbe, 0xef]);
    assert.deepEqual(await bytes('hex', ''), []);
    assert.deepEqual(await bytes('base64', 'AAEC/w=='), [0, 1, 2, 255]);
    assert.deepEqual(await bytes('base64', 'AAEC_w'), [0, 1, 2, 255]);
    assert.deepEqual(await bytes('utf8', 'é'), [0xc3, 0xa9]);
    const restore = withEnv({ WSI_PROFILE_TEST_BYTES: '0102' });
    try {
      assert.deepEqual(await bytes('hex', 'ff ${env:WSI_PROFILE_TEST_BYTES}'), [0xff, 1, 2]);
      process.env.WSI_PROFILE_TEST_BYTES = '012';
      await assert.rejects(bytes('hex', 'ff ${env:WSI_PROFILE_TEST_BYTES}'), {
        message: 'message "m": data is not valid hex: it has an odd number of hex digits (5); every byte needs two digits, so add the missing one or remove the extra one',
      });
      // A character that came from a variable is not quoted: it may be part of a secret.
      process.env.WSI_PROFILE_TEST_BYTES = '01zz';
      await assert.rejects(bytes('hex', 'ff ${env:WSI_PROFILE_TEST_BYTES}'), {
        message: 'message "m": data is not valid hex: character 6 is not allowed there (once its variables were replaced)',
      });
    } finally {
      restore();
    }
    await assert.rejects(bytes('base64', 'aGVsbG8=x'), { message: 'message "m": data is not valid base64: "x" at character 9 comes after "=" padding, which may only end the text' });
  });

  it('sends a file\'s bytes, and refuses a text file that is not UTF-8', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wsi-message-'));
    try {
      writeFileSync(join(dir, 'blob.bin'), Buffer.from([0xff, 0x00, 0x41]));
      writeFileSync(join(dir, 'body.json'), '{"x": "${uuid}"}');
      const binary = await encodeSavedMessage(message({ type: 'binary', file: join(dir, 'blob.bin') }), processEnvResolver);
      assert.deepEqual(binary, { binary: true, payload: Buffer.from([0xff, 0x00, 0x41]) });
      // Files are sent as they are: no variables are replaced in them.
      const json = await encodeSavedMessage(message({ type: 'json', file: join(dir, 'body.json') }), processEnvResolver);
      assert.equal(json.payload.toString(), '{"x": "${uuid}"}');
      await assert.rejects(encodeSavedMessage(message({ name: 'raw', file: join(dir, 'blob.bin') }), processEnvResolver), {
        message: `message "raw": ${join(dir, 'blob.bin')} is not valid UTF-8, so it cannot be sent as a text message; use "type": "binary"`,
      });
      await assert.rejects(encodeSavedMessage(message({ name: 'gone', file: join(dir, 'gone.txt') }), processEnvResolver), {
        message: `message "gone" file: cannot read ${join(dir, 'gone.txt')}: the file does not exist. Relative paths in a .wsprofile are resolved against the profile's folder.`,
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names the message and the variable when a value is missing', async () => {
    await assert.rejects(encodeSavedMessage(message({ name: 'auth', data: '${secret:pw}' }), processEnvResolver), (err: unknown) => {
      assert.ok(err instanceof UnresolvedVariableError);
      assert.equal(err.field, 'message "auth"');
      assert.match(err.message, /^message "auth": \$\{secret:pw\} has no value\./);
      return true;
    });
  });
});
