/**
 * media/wsprofile.schema.json is what VS Code's JSON language server uses for completion, hover
 * and squiggles in .wsprofile files; src/core/profile.ts is what the extension uses to connect.
 * These tests keep the two in agreement over the shared fixture corpus, and list where (and why)
 * only the parser can tell.
 */
import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { MAX_PAYLOAD_BYTES_LIMIT } from '../../../src/core/messageSizeLimits';
import { parseProfile, type ParsedProfile } from '../../../src/core/profile';
import { redirectPolicyOf, type FollowRedirectsSetting } from '../../../src/core/redirectPolicy';

const root = join(__dirname, '..', '..', '..', '..');
const fixtures = join(root, 'test', 'fixtures', 'profiles');
const schema = JSON.parse(readFileSync(join(root, 'media', 'wsprofile.schema.json'), 'utf8')) as Record<string, unknown>;

/** Keywords VS Code's JSON language service understands beyond draft-07; Ajv must be told they are not typos. */
const VSCODE_KEYWORDS = ['markdownDescription', 'defaultSnippets', 'allowComments', 'allowTrailingCommas', 'patternErrorMessage', 'enumDescriptions'];

function compileSchema() {
  // Ajv's default export checks draft-07, the draft the schema declares; strict mode refuses
  // unknown keywords and ambiguous types, so a typo in the schema fails here. strictRequired is
  // off because `oneOf: [{ required: ["data"] }, { required: ["file"] }]` names properties the
  // enclosing schema defines: the usual draft-07 way to say "exactly one of".
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  ajv.addVocabulary(VSCODE_KEYWORDS);
  return ajv.compile(schema);
}
const validate = compileSchema();

const fixtureNames = readdirSync(fixtures)
  .filter((f) => f.endsWith('.wsprofile'))
  .map((f) => f.replace(/\.wsprofile$/, ''))
  .sort();

interface Verdicts {
  readonly parsed: ParsedProfile;
  readonly schemaErrors: readonly ErrorObject[];
  readonly syntaxErrors: readonly ParseError[];
}

function judge(name: string): Verdicts {
  const path = join(fixtures, `${name}.wsprofile`);
  const text = readFileSync(path, 'utf8');
  const syntaxErrors: ParseError[] = [];
  // The JSON language server reads .wsprofile the same way: comments and trailing commas allowed.
  const value: unknown = parseJsonc(text, syntaxErrors, { allowTrailingComma: true });
  const schemaErrors = validate(value) ? [] : [...(validate.errors ?? [])];
  return { parsed: parseProfile(text, { profilePath: path }), schemaErrors, syntaxErrors };
}

const pointer = (path: readonly (string | number)[]): string => path.map((s) => `/${String(s).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
const describeSchemaErrors = (errors: readonly ErrorObject[]): string => errors.map((e) => `${e.instancePath || '(root)'} ${e.message}`).join('; ');

/**
 * Refused by the parser, accepted by the schema: checks JSON Schema (as VS Code's JSON language
 * service implements draft-07) cannot express. The parser reports them in the editor through
 * the extension instead.
 */
const PARSER_ONLY: Record<string, string> = {
  'semantic-onopen-missing': 'onOpen must name a message of the same file; draft-07 cannot compare one value with others ($data is an Ajv extension VS Code lacks)',
  'semantic-bad-hex': 'hex validity depends on "encoding" and on which parts are variables (their digits are known only at send time); a pattern would give a cryptic message at best',
  'semantic-bad-base64': 'base64 validity depends on "encoding", on padding arithmetic and on which parts are variables',
  'semantic-bad-json': 'JSON Schema cannot parse a string as JSON',
  'semantic-duplicate-message-names': 'uniqueItems compares whole items, not one property of them',
  'semantic-duplicate-key': 'a JSON reader keeps only the last of duplicate keys, so the schema never sees the first',
  'semantic-header-case': 'JSON property names are case-sensitive; HTTP header names are not (RFC 7230 section 3.2)',
  'semantic-url-fragment': 'the schema checks only the scheme; host, port and #fragment need a URL parser (checkEndpointUrl)',
  'semantic-reconnect-delays': 'draft-07 cannot compare two values (maxDelayMs must be at least initialDelayMs)',
};

describe('wsprofile.schema.json', () => {
  it('compiles as strict draft-07 with only the VS Code keywords added', () => {
    assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
    assert.equal(typeof validate, 'function');
    // Comments and trailing commas are part of the format; VS Code reads these two from the schema.
    assert.equal(schema.allowComments, true);
    assert.equal(schema.allowTrailingCommas, true);
  });

  it('documents every property with description and markdownDescription', () => {
    const undocumented: string[] = [];
    const walk = (node: unknown, at: string): void => {
      if (typeof node !== 'object' || node === null) return;
      const n = node as { properties?: Record<string, Record<string, unknown>>; items?: unknown; additionalProperties?: unknown };
      for (const [key, child] of Object.entries(n.properties ?? {})) {
        if (typeof child.description !== 'string' || typeof child.markdownDescription !== 'string') undocumented.push(`${at}.${key}`);
        walk(child, `${at}.${key}`);
      }
      walk(n.items, `${at}[]`);
      walk(n.additionalProperties, `${at}{}`);
    };
    walk(schema, '');
    assert.deepEqual(undocumented, []);
  });

  it('has the same defaults as the parser', () => {
    const profile = parseProfile('{ "url": "ws://h/", "messages": [{ "name": "m", "data": "x" }] }', { profilePath: '/p/x.wsprofile' }).profile;
    assert.ok(profile);
    type Props = Record<string, { default?: unknown; properties?: Props; items?: { properties?: Props } }>;
    const props = (schema as { properties: Props }).properties;
    const defaults = {
      perMessageDeflate: props.perMessageDeflate.default,
      handshakeTimeoutMs: props.handshakeTimeoutMs.default,
      maxPayloadBytes: props.maxPayloadBytes.default,
      // The schema holds the value as written; the parser, the policy it stands for.
      followRedirects: redirectPolicyOf(props.followRedirects.default as FollowRedirectsSetting),
      rejectUnauthorized: props.tls.properties?.rejectUnauthorized.default,
      reconnect: Object.fromEntries(Object.entries(props.reconnect.properties ?? {}).map(([k, v]) => [k, v.default])),
      type: props.messages.items?.properties?.type.default,
      encoding: props.messages.items?.properties?.encoding.default,
    };
    assert.deepEqual(defaults, {
      perMessageDeflate: profile.perMessageDeflate,
      handshakeTimeoutMs: profile.handshakeTimeoutMs,
      maxPayloadBytes: profile.maxPayloadBytes,
      followRedirects: profile.followRedirects,
      rejectUnauthorized: profile.tls.rejectUnauthorized,
      reconnect: profile.reconnect,
      type: profile.messages[0].type,
      encoding: profile.messages[0].encoding,
    });
  });

  it('has the parser\'s maximum for maxPayloadBytes', () => {
    const props = (schema as { properties: Record<string, { maximum?: number }> }).properties;
    assert.equal(props.maxPayloadBytes.maximum, MAX_PAYLOAD_BYTES_LIMIT);
  });

  it('knows every fixture', () => {
    const grouped = fixtureNames.filter((n) => /^(valid|invalid|unknown|clamped|syntax)-/.test(n) || n in PARSER_ONLY || n === 'malformed-everything');
    assert.deepEqual(grouped, fixtureNames);
    for (const name of Object.keys(PARSER_ONLY)) assert.ok(fixtureNames.includes(name), `${name}.wsprofile is missing`);
  });

  describe('agrees with the parser', () => {
    for (const name of fixtureNames.filter((n) => n.startsWith('valid-'))) {
      it(`${name}: valid for both`, () => {
        const { parsed, schemaErrors } = judge(name);
        assert.ok(parsed.profile, `the parser refused it: ${parsed.problems.map((p) => p.message).join('; ')}`);
        assert.deepEqual(schemaErrors, [], `the schema refused it: ${describeSchemaErrors(schemaErrors)}`);
      });
    }

    for (const name of fixtureNames.filter((n) => n.startsWith('invalid-'))) {
      it(`${name}: invalid for both, at the same place`, () => {
        const { parsed, schemaErrors, syntaxErrors } = judge(name);
        assert.deepEqual(syntaxErrors, []);
        assert.equal(parsed.profile, undefined, 'the parser accepted it');
        assert.notDeepEqual(schemaErrors, [], 'the schema accepted it');
        // Each invalid-* fixture has one fault. The schema reports it at the parser's path or at
        // the object holding it (a missing or conflicting property is the object's fault).
        const [problem] = parsed.problems.filter((p) => p.severity === 'error');
        const at = pointer(problem.path);
        const parent = pointer(problem.path.slice(0, -1));
        const deepest = schemaErrors.map((e) => e.instancePath).sort((a, b) => b.length - a.length)[0];
        assert.ok(deepest === at || deepest === parent, `parser: ${at || '(root)'} "${problem.message}"; schema: ${describeSchemaErrors(schemaErrors)}`);
      });
    }

    it('malformed-everything: invalid for both', () => {
      const { parsed, schemaErrors } = judge('malformed-everything');
      assert.equal(parsed.profile, undefined);
      assert.ok(schemaErrors.length >= 10, describeSchemaErrors(schemaErrors));
    });
  });

  describe('where only the parser can tell', () => {
    for (const [name, why] of Object.entries(PARSER_ONLY)) {
      it(`${name}: ${why}`, () => {
        const { parsed, schemaErrors, syntaxErrors } = judge(name);
        assert.deepEqual(syntaxErrors, []);
        assert.deepEqual(schemaErrors, [], `the schema refuses it after all (${describeSchemaErrors(schemaErrors)}): move it to the shared corpus as invalid-*`);
        assert.equal(parsed.profile, undefined, 'the parser accepted it');
      });
    }
  });

  describe('where they deliberately differ', () => {
    for (const name of fixtureNames.filter((n) => n.startsWith('unknown-'))) {
      // Unknown properties are typos to point out, not reasons to refuse connecting: the parser
      // warns, and the schema's additionalProperties: false makes VS Code show a warning too
      // (VS Code shows every schema violation as a warning).
      it(`${name}: the parser warns, the schema refuses (shown as warnings in VS Code)`, () => {
        const { parsed, schemaErrors } = judge(name);
        assert.ok(parsed.profile);
        const warned = parsed.problems.map((p) => pointer(p.path)).sort();
        assert.ok(parsed.problems.every((p) => p.severity === 'warning'));
        const refused = schemaErrors.filter((e) => e.keyword === 'additionalProperties').map((e) => `${e.instancePath}/${String(e.params.additionalProperty)}`).sort();
        assert.deepEqual(refused, warned);
      });
    }

    for (const name of fixtureNames.filter((n) => n.startsWith('clamped-'))) {
      // Values past the engine's bounds (reconnectPolicy.ts) still let the profile connect: the
      // parser warns and uses the bound; the schema's minimum and maximum refuse them, which VS
      // Code shows as warnings too.
      it(`${name}: the parser warns and uses the bound, the schema refuses (shown as warnings in VS Code)`, () => {
        const { parsed, schemaErrors } = judge(name);
        assert.ok(parsed.profile);
        assert.ok(parsed.problems.length > 0 && parsed.problems.every((p) => p.severity === 'warning'));
        const warned = parsed.problems.map((p) => pointer(p.path)).sort();
        const refused = schemaErrors.filter((e) => e.keyword === 'minimum' || e.keyword === 'maximum').map((e) => e.instancePath).sort();
        assert.deepEqual(refused, warned);
      });
    }

    for (const name of fixtureNames.filter((n) => n.startsWith('syntax-'))) {
      // Not JSON at all: that is the JSON parser's to report, in the editor as in the extension.
      it(`${name}: a syntax error for the JSON parser and for the profile parser`, () => {
        const { parsed, syntaxErrors } = judge(name);
        assert.notDeepEqual(syntaxErrors, []);
        assert.deepEqual(
          parsed.problems.filter((p) => p.message.startsWith('Syntax error')).map((p) => p.offset),
          syntaxErrors.filter((e, i) => i === 0 || (e.offset !== syntaxErrors[i - 1].offset && e.offset !== syntaxErrors[i - 1].offset + syntaxErrors[i - 1].length)).map((e) => e.offset),
        );
      });
    }
  });
});
