/**
 * `.wsprofile` files: one saved WebSocket endpoint per file, JSON with comments, written by hand
 * and committed by users. The field names are a public format (media/wsprofile.schema.json is its
 * editor-facing description; this file is the authority). Parsing reports every problem at once,
 * each with a position, so an editor can underline all of them; resolving turns the parsed
 * profile into what a connection needs (variables replaced, TLS files read).
 */
import { promises as fsp } from 'node:fs';
import { basename, dirname, extname, resolve as resolvePath } from 'node:path';
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { decodeBinaryText, findBinaryTextProblem } from '../shared/binaryText';
import { checkEndpointUrl } from './endpointUrl';
import { DEFAULT_MAX_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES_LIMIT, maxPayloadTooLarge } from './messageSizeLimits';
import { checkProxyTemplate, PROXY_VARIABLE_EXAMPLE, resolveProxyTemplate } from './proxyTemplate';
import { displayUrlText, USERINFO_ENCODING_HINT } from './urlCredentials';
import { resolveUrlTemplate, UrlTemplateError } from './urlTemplate';
import { clampReconnect, reconnectBoundPassed } from './reconnectPolicy';
import { FOLLOW_REDIRECTS_STRINGS, FOLLOW_REDIRECTS_VALUES, redirectPolicyOf, type FollowRedirectsSetting, type RedirectPolicy } from './redirectPolicy';
import { RestrictedModeError } from './restrictedModeError';
import { SecretMask, type SecretValue } from './secretMask';
import { findVariables, resolveTemplate, type VariableRef, type VariableResolver } from './variables';

export interface SavedMessage {
  readonly name: string;
  readonly type: 'text' | 'json' | 'binary';
  /** As written, variables unresolved: they are resolved at each send. */
  readonly data?: string;
  readonly encoding: 'utf8' | 'hex' | 'base64';
  /** absolute path */
  readonly file?: string;
}

export interface WsProfileTls {
  readonly rejectUnauthorized: boolean;
  /** absolute path */
  readonly ca?: string;
  /** absolute path */
  readonly cert?: string;
  /** absolute path */
  readonly key?: string;
  readonly passphrase?: string;
}

export interface WsProfile {
  readonly name: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly origin?: string;
  readonly subprotocols: readonly string[];
  readonly perMessageDeflate: boolean;
  readonly handshakeTimeoutMs: number;
  readonly maxPayloadBytes: number;
  /** Written as false, true ("sameOrigin"), "sameOrigin" or "crossOrigin" (redirectPolicy.ts). */
  readonly followRedirects: RedirectPolicy;
  /** http:// proxy URL; undefined = follow VS Code's http.proxy setting and the proxy environment variables. */
  readonly proxy?: string;
  readonly tls: WsProfileTls;
  readonly keepAlive?: { readonly pingIntervalMs: number; readonly pongTimeoutMs: number };
  readonly reconnect: { readonly enabled: boolean; readonly maxAttempts: number; readonly initialDelayMs: number; readonly maxDelayMs: number };
  readonly messages: readonly SavedMessage[];
  /** Names of messages to send right after the connection opens, in order. */
  readonly onOpen: readonly string[];
}

export interface ProfileProblem {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly path: readonly (string | number)[];
  readonly offset: number;
  readonly length: number;
  /** 1-based */
  readonly line: number;
  /** 1-based, in UTF-16 code units like VS Code's columns */
  readonly column: number;
}

export interface ParsedProfile {
  /** undefined when there is any error (warnings alone keep the profile usable) */
  readonly profile?: WsProfile;
  readonly problems: readonly ProfileProblem[];
}

/** A profile with its variables replaced and its TLS files read: what a connection needs. */
export type ResolvedProfile = Omit<WsProfile, 'tls'> & {
  /** What each `${secret:…}` resolved to, so the session can keep the values off screen. */
  readonly secrets: readonly SecretValue[];
  /** Headers (and "Origin") whose values came from `${secret:…}`, `${env:…}` or `${input:…}`: not sent past a cross-origin redirect. */
  readonly fromVariables: readonly string[];
  readonly tls: {
    readonly rejectUnauthorized: boolean;
    readonly ca?: Buffer;
    readonly cert?: Buffer;
    readonly key?: Buffer;
    readonly passphrase?: string;
  };
};

/** A profile or saved message that cannot be used as it is, with a message meant for a person. */
export class ProfileResolveError extends Error {
  constructor(
    /** The field at fault, e.g. "tls.ca" or 'message "hello"'. */
    readonly field: string,
    message: string,
    /** `cause`: the error refused underneath, e.g. a RestrictedModeError. */
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'ProfileResolveError';
  }
}

export type ReadFile = (path: string) => Promise<Buffer>;
const readFromDisk: ReadFile = (path) => fsp.readFile(path);

export const PROFILE_DEFAULTS = {
  perMessageDeflate: true,
  handshakeTimeoutMs: 10_000,
  maxPayloadBytes: DEFAULT_MAX_PAYLOAD_BYTES,
  followRedirects: 'never',
  rejectUnauthorized: true,
  reconnect: { enabled: false, maxAttempts: 5, initialDelayMs: 1_000, maxDelayMs: 30_000 },
  messageType: 'text',
  encoding: 'utf8',
} as const;

/** Node's timers fire at once for longer delays, so no *Ms field may exceed this. */
const MAX_TIMER_MS = 2_147_483_647;

const TOP_LEVEL_KEYS = [
  '$schema', 'name', 'url', 'headers', 'origin', 'subprotocols', 'perMessageDeflate', 'handshakeTimeoutMs', 'maxPayloadBytes',
  'followRedirects', 'proxy', 'tls', 'keepAlive', 'reconnect', 'messages', 'onOpen',
] as const;
const TLS_KEYS = ['rejectUnauthorized', 'ca', 'cert', 'key', 'passphrase'] as const;
const KEEP_ALIVE_KEYS = ['pingIntervalMs', 'pongTimeoutMs'] as const;
const RECONNECT_KEYS = ['enabled', 'maxAttempts', 'initialDelayMs', 'maxDelayMs'] as const;
const MESSAGE_KEYS = ['name', 'type', 'data', 'encoding', 'file'] as const;
const MESSAGE_TYPES = ['text', 'json', 'binary'] as const;
const ENCODINGS = ['utf8', 'hex', 'base64'] as const;

const TEMPLATE_FIELDS = "url, header values, origin, message data, tls.passphrase and the proxy's user name and password";

/** RFC 7230 section 3.2.6: a token is one or more tchar. Header names and subprotocols are tokens. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const TOKEN_CHARS = "letters, digits and !#$%&'*+-.^_`|~";

/** Headers the handshake sets itself (RFC 6455 section 4.1), and what to use instead. */
const HANDSHAKE_HEADERS: Readonly<Record<string, string>> = {
  'sec-websocket-key': 'the WebSocket handshake sets it itself',
  'sec-websocket-version': 'the WebSocket handshake sets it itself',
  upgrade: 'the WebSocket handshake sets it itself',
  connection: 'the WebSocket handshake sets it itself',
  'sec-websocket-protocol': 'use "subprotocols" instead',
  'sec-websocket-extensions': 'use "perMessageDeflate" instead',
  origin: 'use "origin" instead',
};

/** Syntax errors of jsonc-parser, keyed by printParseErrorCode, said the way a person would. */
const SYNTAX_MESSAGES: Readonly<Record<string, string>> = {
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'expected a property name in double quotes',
  ValueExpected: 'expected a value',
  ColonExpected: 'expected ":" after the property name',
  CommaExpected: 'expected a comma',
  CloseBraceExpected: 'expected "}"',
  CloseBracketExpected: 'expected "]"',
  EndOfFileExpected: 'expected nothing after the closing "}"',
  InvalidCommentToken: 'invalid comment',
  UnexpectedEndOfComment: 'this /* comment is never closed with */',
  UnexpectedEndOfString: 'this string is never closed with a double quote (a string cannot span lines; write \\n)',
  UnexpectedEndOfNumber: 'this number ends too early',
  InvalidUnicode: 'invalid \\u escape: it needs four hex digits',
  InvalidEscapeCharacter: 'invalid escape: only \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX are allowed',
  InvalidCharacter: 'a control character (such as a tab or line break) must be escaped inside a string',
};

type Path = readonly (string | number)[];

/**
 * Parses and validates a .wsprofile. Every problem is reported at once; `profile` is set only when
 * none of them is an error. Relative file paths are resolved against the folder of `profilePath`.
 */
export function parseProfile(text: string, options: { profilePath: string }): ParsedProfile {
  return new ProfileReader(text, options.profilePath).read();
}

class ProfileReader {
  private readonly problems: ProfileProblem[] = [];
  private readonly lineStarts: number[] = [0];
  private readonly folder: string;

  constructor(
    private readonly text: string,
    private readonly profilePath: string,
  ) {
    this.folder = dirname(resolvePath(profilePath));
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.lineStarts.push(i + 1);
    }
  }

  read(): ParsedProfile {
    const syntaxErrors: ParseError[] = [];
    // Trailing commas are allowed, as in VS Code's own JSONC files (settings.json); the schema says so too.
    const root = parseTree(this.text, syntaxErrors, { allowTrailingComma: true, disallowComments: false });
    let previous: ParseError | undefined;
    for (const e of syntaxErrors) {
      // One broken token often yields more errors at the same spot or right after it ("unexpected
      // x", then "expected a value"); the first one says it best.
      const echo = previous !== undefined && (e.offset === previous.offset || e.offset === previous.offset + previous.length);
      previous = e;
      if (echo) continue;
      this.report('error', `Syntax error: ${syntaxMessage(e, this.text)}`, [], e.offset, e.length);
    }
    let profile: WsProfile | undefined;
    if (root === undefined) {
      // Nothing but whitespace and comments: say that, rather than "expected a value".
      if (syntaxErrors.every((e) => printParseErrorCode(e.error) === 'ValueExpected')) {
        this.problems.length = 0;
        this.report('error', 'The profile is empty: write an object such as { "url": "ws://127.0.0.1:8080/echo" }', [], 0, 0);
      }
    } else if (root.type !== 'object') {
      this.report('error', `A .wsprofile must be one JSON object { ... }, got ${describeNode(root)}`, [], root.offset, root.length);
    } else {
      const syntaxCount = this.problems.length;
      profile = this.readProfile(root);
      // What jsonc-parser made of a broken token (a key named "}", say) is noise next to the syntax error.
      const insideSyntaxError = (p: ProfileProblem): boolean => syntaxErrors.some((e) => p.offset >= e.offset && p.offset < e.offset + Math.max(e.length, 1));
      const semantic = this.problems.splice(syntaxCount).filter((p) => !insideSyntaxError(p));
      this.problems.push(...semantic);
    }
    this.problems.sort((a, b) => a.offset - b.offset || a.length - b.length);
    const failed = this.problems.some((p) => p.severity === 'error');
    return { profile: failed ? undefined : profile, problems: this.problems };
  }

  private readProfile(root: Node): WsProfile {
    const props = this.properties(root, [], TOP_LEVEL_KEYS);
    const name = this.readName(props.get('name'));
    const urlNode = props.get('url');
    // A "url" key whose value is broken is a syntax error, already reported: it is not missing.
    const urlKeyWritten = (root.children ?? []).some((p) => p.children?.[0]?.value === 'url');
    if (!urlKeyWritten) {
      this.report('error', 'url is missing: add "url": "ws://host:port/path" (or wss://)', [], root.offset, 1);
    }
    const url = urlNode ? this.readUrl(urlNode) : '';
    const schemaNode = props.get('$schema');
    if (schemaNode) this.string(schemaNode, ['$schema']);
    const messages = this.readMessages(props.get('messages'));
    const tls = this.readTls(props.get('tls'));
    const reconnect = this.readReconnect(props.get('reconnect'));
    const keepAlive = this.readKeepAlive(props.get('keepAlive'));
    const origin = props.get('origin') ? this.template(props.get('origin')!, ['origin'], 'header') : undefined;
    return {
      name,
      url,
      headers: this.readHeaders(props.get('headers')),
      ...(origin !== undefined ? { origin } : {}),
      subprotocols: this.readSubprotocols(props.get('subprotocols')),
      perMessageDeflate: this.boolean(props.get('perMessageDeflate'), ['perMessageDeflate'], PROFILE_DEFAULTS.perMessageDeflate),
      handshakeTimeoutMs: this.integer(props.get('handshakeTimeoutMs'), ['handshakeTimeoutMs'], undefined, 1, MAX_TIMER_MS) ?? PROFILE_DEFAULTS.handshakeTimeoutMs,
      maxPayloadBytes: this.readMaxPayloadBytes(props.get('maxPayloadBytes')),
      followRedirects: this.readFollowRedirects(props.get('followRedirects')),
      ...this.readProxy(props.get('proxy')),
      tls,
      ...(keepAlive ? { keepAlive } : {}),
      reconnect,
      messages,
      onOpen: this.readOnOpen(props.get('onOpen'), messages),
    };
  }

  /** At most MAX_PAYLOAD_BYTES_LIMIT: a message is held whole in the extension host's memory, which every extension shares. */
  private readMaxPayloadBytes(node: Node | undefined): number {
    const path = ['maxPayloadBytes'];
    if (node?.type === 'number' && Number.isInteger(node.value) && Number(node.value) > MAX_PAYLOAD_BYTES_LIMIT) {
      this.report('error', maxPayloadTooLarge(this.source(node)), path, node.offset, node.length);
      return PROFILE_DEFAULTS.maxPayloadBytes;
    }
    return this.integer(node, path, undefined, 1, MAX_PAYLOAD_BYTES_LIMIT) ?? PROFILE_DEFAULTS.maxPayloadBytes;
  }

  private readName(node: Node | undefined): string {
    const fallback = basename(this.profilePath, extname(this.profilePath));
    if (node === undefined) return fallback;
    const name = this.plainString(node, ['name']);
    if (name === '') {
      this.report('error', `name must not be empty; remove it to use the file name ("${fallback}")`, ['name'], node.offset, node.length);
    }
    return name ?? fallback;
  }

  private readUrl(node: Node): string {
    const path = ['url'];
    const url = this.template(node, path, 'url');
    if (url === undefined) return '';
    const { refs, problems } = findVariables(url);
    if (problems.length > 0 || this.hasControlCharacter(url)) return url;
    if (refs.length === 0) {
      const check = checkEndpointUrl(url);
      if (!check.ok) this.report('error', `url: ${check.message}`, path, node.offset, node.length);
      return url;
    }
    // With variables the URL is checked again once they are replaced (resolveProfile); what can be
    // checked now is that it is meant to be a WebSocket URL.
    const prefix = url.slice(0, refs[0].offset).trimStart().toLowerCase();
    if (prefix !== '' && !prefix.startsWith('ws://') && !prefix.startsWith('wss://')) {
      const hint = prefix.startsWith('http://') ? ' (use ws:// for http)' : prefix.startsWith('https://') ? ' (use wss:// for https)' : '';
      this.report('error', `url must start with ws://, wss:// or a variable, got ${shorten(url)}${hint}`, path, node.offset, node.length);
    }
    return url;
  }

  private readHeaders(node: Node | undefined): Record<string, string> {
    const headers: Record<string, string> = {};
    if (node === undefined) return headers;
    if (node.type !== 'object') {
      this.typeError(node, ['headers'], 'an object of header names to string values, e.g. { "Authorization": "Bearer ${secret:token}" }');
      return headers;
    }
    const seen = new Map<string, string>();
    for (const [name, { key, value }] of this.entries(node, ['headers'])) {
      const path = ['headers', name];
      if (!TOKEN.test(name)) {
        this.report('error', `headers: ${JSON.stringify(name)} is not a valid header name; use only ${TOKEN_CHARS} (RFC 7230 section 3.2.6)`, path, key.offset, key.length);
      } else {
        const lower = name.toLowerCase();
        const earlier = seen.get(lower);
        if (earlier !== undefined) {
          this.report('error', `headers: "${earlier}" and "${name}" are the same header (header names ignore case); keep one`, path, key.offset, key.length);
        }
        seen.set(lower, name);
        const advice = HANDSHAKE_HEADERS[lower];
        if (advice !== undefined) this.report('warning', `${renderPath(path)} should not be set here: ${advice}`, path, key.offset, key.length);
      }
      if (value === undefined) continue;
      const text = this.template(value, path, 'header');
      if (text !== undefined) headers[name] = text;
    }
    return headers;
  }

  private readSubprotocols(node: Node | undefined): string[] {
    const list: string[] = [];
    if (node === undefined) return list;
    if (node.type !== 'array') {
      this.typeError(node, ['subprotocols'], 'an array of strings, e.g. ["graphql-transport-ws"]');
      return list;
    }
    (node.children ?? []).forEach((item, i) => {
      const path = ['subprotocols', i];
      const value = this.plainString(item, path);
      if (value === undefined) return;
      // RFC 6455 section 4.1: each subprotocol is a token (RFC 2616), and the handshake lists each once.
      if (!TOKEN.test(value)) {
        this.report('error', `${renderPath(path)} ${JSON.stringify(value)} is not a valid subprotocol name; use only ${TOKEN_CHARS} (RFC 6455 section 4.1)`, path, item.offset, item.length);
      } else if (list.includes(value)) {
        this.report('error', `${renderPath(path)} "${value}" is listed twice; list each subprotocol once`, path, item.offset, item.length);
      }
      list.push(value);
    });
    return list;
  }

  private readFollowRedirects(node: Node | undefined): RedirectPolicy {
    if (node === undefined) return PROFILE_DEFAULTS.followRedirects;
    const value: unknown = node.value;
    if (node.type === 'boolean' || (node.type === 'string' && (FOLLOW_REDIRECTS_STRINGS as readonly unknown[]).includes(value))) {
      return redirectPolicyOf(value as FollowRedirectsSetting);
    }
    const suggestion = node.type === 'string' ? closest(String(value), FOLLOW_REDIRECTS_STRINGS) : undefined;
    this.report(
      'error',
      `followRedirects must be ${FOLLOW_REDIRECTS_VALUES}, got ${describeNode(node)}${suggestion ? `. Did you mean "${suggestion}"?` : ''}`,
      ['followRedirects'],
      node.offset,
      node.length,
    );
    return PROFILE_DEFAULTS.followRedirects;
  }

  private readProxy(node: Node | undefined): { proxy?: string } {
    if (node === undefined) return {};
    const path = ['proxy'];
    const proxy = this.template(node, path, 'url');
    // Variable syntax and control characters have already been reported; parsing it as a URL would only repeat that.
    if (proxy === undefined || findVariables(proxy).problems.length > 0 || this.hasControlCharacter(proxy)) return {};
    const check = checkProxyTemplate(proxy);
    if (!check.ok) {
      for (const ref of check.misplaced) {
        this.reportInString(node, path, 'error', `proxy: ${ref.raw} cannot stand there; variables may stand only in the proxy's user name and password, as in ${PROXY_VARIABLE_EXAMPLE}`, ref.offset, ref.raw.length);
      }
      return {};
    }
    let url: URL | undefined;
    try {
      url = new URL(check.skeleton);
    } catch {
      // The message may be shown away from the file (the profile quick pick), so the password stays out of it.
      const hint = proxy.includes('@') ? `; ${USERINFO_ENCODING_HINT}` : '';
      this.report('error', `proxy ${JSON.stringify(shorten(displayUrlText(proxy)))} is not a URL; write it like http://proxy.example:3128 or http://user:password@proxy.example:3128${hint}`, path, node.offset, node.length);
      return {};
    }
    if (url.protocol !== 'http:') {
      this.report('error', `proxy must be an http:// URL, got ${url.protocol}// (only plain HTTP proxies are supported; wss:// traffic stays encrypted through them)`, path, node.offset, node.length);
    } else if (url.hostname === '') {
      this.report('error', `proxy ${JSON.stringify(shorten(displayUrlText(proxy)))} has no host name`, path, node.offset, node.length);
    }
    return { proxy };
  }

  private readTls(node: Node | undefined): WsProfileTls {
    const tls: WsProfileTls = { rejectUnauthorized: PROFILE_DEFAULTS.rejectUnauthorized };
    if (node === undefined) return tls;
    if (node.type !== 'object') {
      this.typeError(node, ['tls'], 'an object, e.g. { "ca": "certs/ca.pem" }');
      return tls;
    }
    const props = this.properties(node, ['tls'], TLS_KEYS);
    const file = (key: 'ca' | 'cert' | 'key'): string | undefined => {
      const value = props.get(key);
      return value ? this.filePath(value, ['tls', key]) : undefined;
    };
    const result = {
      rejectUnauthorized: this.boolean(props.get('rejectUnauthorized'), ['tls', 'rejectUnauthorized'], PROFILE_DEFAULTS.rejectUnauthorized),
      ca: file('ca'),
      cert: file('cert'),
      key: file('key'),
      // A template, so that the passphrase can come from a secret instead of the committed file.
      passphrase: props.get('passphrase') ? this.template(props.get('passphrase')!, ['tls', 'passphrase'], 'data') : undefined,
    };
    // A client certificate is useless without its private key, and the other way round.
    const certNode = props.get('cert');
    const keyNode = props.get('key');
    if (certNode && !keyNode) this.report('error', 'tls.cert is set but tls.key is not: a client certificate needs its private key', ['tls', 'cert'], certNode.offset, certNode.length);
    if (keyNode && !certNode) this.report('error', 'tls.key is set but tls.cert is not: a private key needs its client certificate', ['tls', 'key'], keyNode.offset, keyNode.length);
    return withoutUndefined(result);
  }

  private readKeepAlive(node: Node | undefined): WsProfile['keepAlive'] {
    if (node === undefined) return undefined;
    if (node.type !== 'object') {
      this.typeError(node, ['keepAlive'], 'an object, e.g. { "pingIntervalMs": 30000, "pongTimeoutMs": 10000 }');
      return undefined;
    }
    const props = this.properties(node, ['keepAlive'], KEEP_ALIVE_KEYS);
    for (const key of KEEP_ALIVE_KEYS) {
      if (!props.has(key)) this.report('error', `keepAlive.${key} is missing: keepAlive needs both pingIntervalMs and pongTimeoutMs`, ['keepAlive'], node.offset, 1);
    }
    return {
      pingIntervalMs: this.integer(props.get('pingIntervalMs'), ['keepAlive', 'pingIntervalMs'], undefined, 1, MAX_TIMER_MS) ?? 0,
      pongTimeoutMs: this.integer(props.get('pongTimeoutMs'), ['keepAlive', 'pongTimeoutMs'], undefined, 1, MAX_TIMER_MS) ?? 0,
    };
  }

  private readReconnect(node: Node | undefined): WsProfile['reconnect'] {
    const defaults = PROFILE_DEFAULTS.reconnect;
    if (node === undefined) return { ...defaults };
    if (node.type !== 'object') {
      this.typeError(node, ['reconnect'], 'an object, e.g. { "enabled": true }');
      return { ...defaults };
    }
    const props = this.properties(node, ['reconnect'], RECONNECT_KEYS);
    const initialDelayMs = this.integer(props.get('initialDelayMs'), ['reconnect', 'initialDelayMs'], undefined, 0, MAX_TIMER_MS);
    const maxDelayMs = this.integer(props.get('maxDelayMs'), ['reconnect', 'maxDelayMs'], undefined, 0, MAX_TIMER_MS);
    const reconnect = {
      enabled: this.boolean(props.get('enabled'), ['reconnect', 'enabled'], defaults.enabled),
      maxAttempts: this.integer(props.get('maxAttempts'), ['reconnect', 'maxAttempts'], defaults.maxAttempts, 1, MAX_TIMER_MS) ?? defaults.maxAttempts,
      initialDelayMs: initialDelayMs ?? defaults.initialDelayMs,
      maxDelayMs: maxDelayMs ?? defaults.maxDelayMs,
    };
    // Compared only when both are valid, so one bad number is not reported twice.
    const bothValid = (initialDelayMs !== undefined || !props.has('initialDelayMs')) && (maxDelayMs !== undefined || !props.has('maxDelayMs'));
    if (bothValid && reconnect.maxDelayMs < reconnect.initialDelayMs) {
      // Point at whichever of the two the person wrote; the other is a default they may not know.
      const at = props.get('maxDelayMs') ?? props.get('initialDelayMs')!;
      const path = props.has('maxDelayMs') ? ['reconnect', 'maxDelayMs'] : ['reconnect', 'initialDelayMs'];
      this.report(
        'error',
        `reconnect.maxDelayMs (${reconnect.maxDelayMs}${props.has('maxDelayMs') ? '' : ', the default'}) must be at least reconnect.initialDelayMs (${reconnect.initialDelayMs}${props.has('initialDelayMs') ? '' : ', the default'})`,
        path,
        at.offset,
        at.length,
      );
    }
    return this.boundReconnect(reconnect, props);
  }

  /** Values past reconnectPolicy.ts's bounds are warned about and replaced by the bound: connecting still works, within limits. */
  private boundReconnect(reconnect: WsProfile['reconnect'], props: Map<string, Node>): WsProfile['reconnect'] {
    const bounded = clampReconnect(reconnect);
    for (const key of ['maxAttempts', 'initialDelayMs', 'maxDelayMs'] as const) {
      const node = props.get(key);
      // A maxDelayMs shorter than initialDelayMs is an error already reported; a bound on top of it would be noise.
      const past = node !== undefined && !(key === 'maxDelayMs' && reconnect.maxDelayMs < reconnect.initialDelayMs) ? reconnectBoundPassed(key, reconnect[key]) : undefined;
      if (past) this.report('warning', `reconnect.${key} is ${reconnect[key]}, ${past}; ${bounded[key]} is used`, ['reconnect', key], node!.offset, node!.length);
    }
    return bounded;
  }

  private readMessages(node: Node | undefined): SavedMessage[] {
    const messages: SavedMessage[] = [];
    if (node === undefined) return messages;
    if (node.type !== 'array') {
      this.typeError(node, ['messages'], 'an array of messages, e.g. [{ "name": "hello", "type": "text", "data": "hi" }]');
      return messages;
    }
    const names = new Map<string, number>();
    (node.children ?? []).forEach((item, i) => {
      const message = this.readMessage(item, i, names);
      if (message) messages.push(message);
    });
    return messages;
  }

  private readMessage(node: Node, index: number, names: Map<string, number>): SavedMessage | undefined {
    const base = ['messages', index];
    if (node.type !== 'object') {
      this.typeError(node, base, 'an object like { "name": "hello", "type": "text", "data": "hi" }');
      return undefined;
    }
    const props = this.properties(node, base, MESSAGE_KEYS);
    const nameNode = props.get('name');
    let name: string | undefined;
    if (nameNode === undefined) {
      this.report('error', `${renderPath(base)}.name is missing: every message needs a name (onOpen refers to messages by name)`, base, node.offset, 1);
    } else {
      name = this.plainString(nameNode, [...base, 'name']);
      if (name === '') {
        this.report('error', `${renderPath(base)}.name must not be empty`, [...base, 'name'], nameNode.offset, nameNode.length);
      } else if (name !== undefined) {
        const earlier = names.get(name);
        if (earlier !== undefined) {
          this.report('error', `${renderPath(base)}.name "${name}" is already the name of messages[${earlier}]; message names must be unique`, [...base, 'name'], nameNode.offset, nameNode.length);
        } else {
          names.set(name, index);
        }
      }
    }
    const type = this.oneOf(props.get('type'), [...base, 'type'], MESSAGE_TYPES, PROFILE_DEFAULTS.messageType);
    const encodingNode = props.get('encoding');
    const encoding = this.oneOf(encodingNode, [...base, 'encoding'], ENCODINGS, PROFILE_DEFAULTS.encoding);
    const dataNode = props.get('data');
    const fileNode = props.get('file');
    if (dataNode && fileNode) {
      this.report('error', `${renderPath(base)} has both data and file; keep one`, [...base, 'file'], fileNode.offset, fileNode.length);
    } else if (!dataNode && !fileNode) {
      this.report('error', `${renderPath(base)} needs either "data" (the message itself) or "file" (a path to it)`, base, node.offset, 1);
    }
    if (encodingNode && type !== 'binary') {
      this.report('warning', `${renderPath(base)}.encoding applies only to binary messages; a ${type} message is sent as UTF-8`, [...base, 'encoding'], encodingNode.offset, encodingNode.length);
    } else if (encodingNode && fileNode && !dataNode) {
      this.report('warning', `${renderPath(base)}.encoding applies to data, not to file: the file's bytes are sent as they are`, [...base, 'encoding'], encodingNode.offset, encodingNode.length);
    }
    const data = dataNode ? this.template(dataNode, [...base, 'data'], 'data') : undefined;
    if (data !== undefined && dataNode) this.checkData(data, dataNode, [...base, 'data'], type, encoding);
    const file = fileNode ? this.filePath(fileNode, [...base, 'file']) : undefined;
    if (name === undefined || name === '') return undefined;
    return withoutUndefined({ name, type, data, encoding, file });
  }

  /** What can be known about message data before its variables have values. */
  private checkData(data: string, node: Node, path: Path, type: SavedMessage['type'], encoding: SavedMessage['encoding']): void {
    const { refs, problems } = findVariables(data);
    if (problems.length > 0) return;
    const where = renderPath(path);
    if (type === 'json') {
      // Variables stand for values that are not known yet; "0" fits wherever a value, a number or
      // a part of a string can go, so the rest of the JSON can still be checked.
      const { text, sourceIndex } = substitute(data, refs, '0');
      const failure = jsonFailure(text);
      if (failure) {
        const at = sourceIndex[Math.min(failure.offset, text.length)];
        this.reportInString(node, path, 'error', `${where} is not valid JSON (the message type is "json"): ${failure.message}`, at, 1);
      }
    } else if (type === 'binary' && encoding !== 'utf8') {
      const unknown = refs.map((ref) => ({ offset: ref.offset, length: ref.raw.length }));
      const problem = findBinaryTextProblem(data, encoding, unknown);
      if (problem) this.reportInString(node, path, 'error', `${where} is not valid ${encoding}: ${problem.message}`, problem.offset, problem.length);
    }
  }

  private readOnOpen(node: Node | undefined, messages: readonly SavedMessage[]): string[] {
    const names: string[] = [];
    if (node === undefined) return names;
    if (node.type !== 'array') {
      this.typeError(node, ['onOpen'], 'an array of message names, e.g. ["hello"]');
      return names;
    }
    const known = messages.map((m) => m.name);
    (node.children ?? []).forEach((item, i) => {
      const path = ['onOpen', i];
      const name = this.plainString(item, path);
      if (name === undefined) return;
      if (!known.includes(name)) {
        const suggestion = closest(name, known);
        const hint = suggestion ? ` Did you mean "${suggestion}"?` : known.length > 0 ? ` Messages: ${known.map((k) => `"${k}"`).join(', ')}.` : ' Add it under "messages".';
        this.report('error', `${renderPath(path)}: there is no message named "${name}".${hint}`, path, item.offset, item.length);
      }
      names.push(name);
    });
    return names;
  }

  // ---- building blocks ---------------------------------------------------------------------

  /** The properties of an object node by name; warns about unknown names and flags duplicates. */
  private properties(node: Node, path: Path, known: readonly string[]): Map<string, Node> {
    const map = new Map<string, Node>();
    for (const [name, { key, value }] of this.entries(node, path)) {
      if (!known.includes(name)) {
        const suggestion = closest(name, known);
        const listed = known.filter((k) => k !== '$schema').join(', ');
        const hint = suggestion ? `Did you mean "${suggestion}"?` : `Known properties${path.length > 0 ? ` there` : ''}: ${listed}.`;
        // A warning, not an error: a typo must not block connecting, but it must not go unnoticed.
        this.report('warning', `Unknown property "${name}"${path.length > 0 ? ` in ${renderPath(path)}` : ''}. ${hint}`, [...path, name], key.offset, key.length);
      } else if (value) {
        map.set(name, value);
      }
    }
    return map;
  }

  /** The key/value pairs of an object node in document order, reporting duplicate names once each. */
  private entries(node: Node, path: Path): Map<string, { key: Node; value: Node | undefined }> {
    const entries = new Map<string, { key: Node; value: Node | undefined }>();
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (key === undefined) continue;
      const name = String(key.value);
      if (entries.has(name)) {
        // JSON readers silently keep only the last one; say so instead of guessing which was meant.
        this.report('error', `Duplicate property "${name}"${path.length > 0 ? ` in ${renderPath(path)}` : ''}: remove one (the first one is used here, other JSON readers use the last)`, [...path, name], key.offset, key.length);
        continue;
      }
      entries.set(name, { key, value });
    }
    return entries;
  }

  /** A string field that may contain variables; reports variable problems and control characters. */
  private template(node: Node, path: Path, kind: 'url' | 'header' | 'data'): string | undefined {
    const value = this.string(node, path);
    if (value === undefined) return undefined;
    for (const problem of findVariables(value).problems) {
      this.reportInString(node, path, 'error', `${renderPath(path)}: ${problem.message}`, problem.offset, problem.length);
    }
    if (kind !== 'data') this.controlCharacter(value, node, path, kind);
    return value;
  }

  /** A string field where variables are not allowed. */
  private plainString(node: Node, path: Path): string | undefined {
    const value = this.string(node, path);
    if (value === undefined) return undefined;
    const at = value.indexOf('${');
    if (at >= 0) {
      const end = value.indexOf('}', at);
      const found = value.slice(at, end < 0 ? value.length : end + 1);
      this.reportInString(node, path, 'error', `${renderPath(path)} cannot use variables (found ${shorten(found)}); variables are allowed only in ${TEMPLATE_FIELDS}`, at, found.length);
    }
    return value;
  }

  private string(node: Node, path: Path): string | undefined {
    if (node.type !== 'string') {
      this.typeError(node, path, 'a string');
      return undefined;
    }
    return String(node.value);
  }

  /** Reports the first control character; line breaks in URLs or headers would inject HTTP headers. */
  private controlCharacter(value: string, node: Node, path: Path, kind: 'url' | 'header'): boolean {
    const at = controlCharacterIndex(value, kind === 'header');
    if (at < 0) return false;
    const what = kind === 'url' ? 'a URL' : 'a header value';
    this.reportInString(node, path, 'error', `${renderPath(path)} contains ${describeControl(value.charCodeAt(at))}; control characters in ${what} could inject HTTP headers, so it is refused`, at, 1);
    return true;
  }

  private hasControlCharacter(value: string): boolean {
    return controlCharacterIndex(value, false) >= 0;
  }

  private filePath(node: Node, path: Path): string | undefined {
    const value = this.plainString(node, path);
    if (value === undefined) return undefined;
    if (value.trim() === '') {
      this.report('error', `${renderPath(path)} must be a file path, relative to the profile's folder`, path, node.offset, node.length);
      return undefined;
    }
    return resolvePath(this.folder, value);
  }

  private boolean(node: Node | undefined, path: Path, fallback: boolean): boolean {
    if (node === undefined) return fallback;
    if (node.type !== 'boolean') {
      this.typeError(node, path, 'true or false');
      return fallback;
    }
    return node.value === true;
  }

  /** The whole number in `node`, `fallback` when there is no node, undefined when it is not valid. */
  private integer<F extends number | undefined>(node: Node | undefined, path: Path, fallback: F, min: number, max: number): number | F {
    if (node === undefined) return fallback;
    if (node.type !== 'number') {
      this.typeError(node, path, 'a number');
      return undefined as F;
    }
    const value = Number(node.value);
    if (!Number.isInteger(value) || value < min || value > max) {
      this.report('error', `${renderPath(path)} must be a whole number from ${min} to ${max}, got ${this.source(node)}`, path, node.offset, node.length);
      return undefined as F;
    }
    return value;
  }

  private oneOf<T extends string>(node: Node | undefined, path: Path, allowed: readonly T[], fallback: T): T {
    if (node === undefined) return fallback;
    const value = node.type === 'string' ? String(node.value) : undefined;
    if (value !== undefined && (allowed as readonly string[]).includes(value)) return value as T;
    const suggestion = value !== undefined ? closest(value, allowed) : undefined;
    this.report(
      'error',
      `${renderPath(path)} must be ${allowed.map((a) => `"${a}"`).join(', ').replace(/, ([^,]*)$/, ' or $1')}, got ${describeNode(node)}${suggestion ? `. Did you mean "${suggestion}"?` : ''}`,
      path,
      node.offset,
      node.length,
    );
    return fallback;
  }

  private typeError(node: Node, path: Path, expected: string): void {
    this.report('error', `${renderPath(path)} must be ${expected}, got ${describeNode(node)}`, path, node.offset, node.length);
  }

  /** A problem at `index` (in the decoded value) of a string node, mapped to the document. */
  private reportInString(node: Node, path: Path, severity: ProfileProblem['severity'], message: string, index: number, length: number): void {
    const raw = this.text.slice(node.offset, node.offset + node.length);
    const map = decodedToSource(raw, String(node.value).length);
    if (map === undefined) {
      this.report(severity, message, path, node.offset, node.length);
      return;
    }
    const start = map[Math.min(index, map.length - 1)];
    const end = map[Math.min(index + length, map.length - 1)];
    this.report(severity, message, path, node.offset + start, Math.max(end - start, 1));
  }

  private report(severity: ProfileProblem['severity'], message: string, path: Path, offset: number, length: number): void {
    let line = 0;
    let high = this.lineStarts.length - 1;
    // Binary search for the last line starting at or before `offset`.
    while (line < high) {
      const mid = (line + high + 1) >> 1;
      if (this.lineStarts[mid] <= offset) line = mid;
      else high = mid - 1;
    }
    this.problems.push({ severity, message, path: [...path], offset, length, line: line + 1, column: offset - this.lineStarts[line] + 1 });
  }

  private source(node: Node): string {
    return this.text.slice(node.offset, node.offset + node.length);
  }
}

// ---- resolving ----------------------------------------------------------------------------

/**
 * Replaces the variables in url, headers, origin, the proxy's user info and tls.passphrase, checks
 * the URL again, and reads the TLS files. Each distinct variable is asked for once, however often
 * it is used. Message data is not resolved here: encodeSavedMessage does that at each send, so
 * `${uuid}` differs per send.
 */
export async function resolveProfile(profile: WsProfile, resolver: VariableResolver, readFile: ReadFile = readFromDisk): Promise<ResolvedProfile> {
  const secrets = new Map<string, string>();
  const answers = new Map<string, Promise<string | undefined>>();
  const once: VariableResolver = (ref) => {
    const id = `${ref.kind}:${ref.name}`;
    let answer = answers.get(id);
    if (answer === undefined) {
      answer = resolver(ref).then((value) => {
        if (ref.kind === 'secret' && value) secrets.set(value, ref.raw);
        return value;
      });
      answers.set(id, answer);
    }
    return answer;
  };
  // Messages may quote the resolved URL; a secret in it must not end up on screen or in a log.
  // A message may quote the URL as the parser wrote it (a "#fragment" percent-encoded), so every form of a secret goes.
  const redact = (message: string): string => new SecretMask([...secrets].map(([value, placeholder]) => ({ value, placeholder }))).redact(message);

  // A secret inside a part of the URL is percent-encoded there (urlTemplate.ts says why and where).
  let resolvedUrl: string;
  try {
    const resolved = await resolveUrlTemplate(profile.url, 'url', once);
    for (const { value, placeholder } of resolved.derivedSecrets) if (!secrets.has(value)) secrets.set(value, placeholder);
    resolvedUrl = resolved.url;
  } catch (err) {
    if (err instanceof UrlTemplateError) throw new ProfileResolveError('url', redact(err.message));
    throw err;
  }
  refuseControlCharacters(resolvedUrl, 'url', false);
  const check = checkEndpointUrl(resolvedUrl);
  if (!check.ok) {
    throw new ProfileResolveError('url', redact(`url: once its variables were replaced, ${lowerFirst(check.message)}`));
  }
  // What cannot be found cannot be hidden: every secret in the URL must still be there, in a form the mask knows.
  const shownUrl = redact(check.url.toString());
  for (const ref of findVariables(profile.url).refs) {
    if (ref.kind === 'secret' && [...secrets.values()].includes(ref.raw) && !shownUrl.includes(ref.raw)) {
      throw new ProfileResolveError('url', `url: ${ref.raw} is written differently once the URL is parsed (upper-case letters in the scheme or host name, a default port such as :443, a "." or ".." path segment, characters the parser percent-encodes), so it could not be kept off screen; store it as the URL parser writes it (for example ws://host/path in lower case, without a default port)`);
    }
  }
  const headers: Record<string, string> = {};
  const fromVariables = [...Object.entries(profile.headers), ...(profile.origin !== undefined ? [['Origin', profile.origin] as const] : [])]
    .filter(([, template]) => findVariables(template).refs.some((ref) => ref.kind === 'secret' || ref.kind === 'env' || ref.kind === 'input'))
    .map(([name]) => name);
  for (const [name, template] of Object.entries(profile.headers)) {
    const field = `headers.${name}`;
    headers[name] = await resolveTemplate(template, field, once);
    refuseControlCharacters(headers[name], field, true);
  }
  let origin: string | undefined;
  if (profile.origin !== undefined) {
    origin = await resolveTemplate(profile.origin, 'origin', once);
    refuseControlCharacters(origin, 'origin', true);
  }
  const proxy = profile.proxy === undefined ? undefined : await resolveProxy(profile.proxy, once, secrets, redact);
  const passphrase = profile.tls.passphrase === undefined ? undefined : await resolveTemplate(profile.tls.passphrase, 'tls.passphrase', once);
  const [ca, cert, key] = await Promise.all(
    (['ca', 'cert', 'key'] as const).map((field) => {
      const path = profile.tls[field];
      return path === undefined ? undefined : readProfileFile(path, `tls.${field}`, readFile);
    }),
  );
  return {
    ...profile,
    url: check.url.toString(),
    headers,
    ...(origin !== undefined ? { origin } : {}),
    secrets: [...secrets].map(([value, placeholder]) => ({ value, placeholder })),
    fromVariables,
    ...(proxy !== undefined ? { proxy } : {}),
    tls: withoutUndefined({ rejectUnauthorized: profile.tls.rejectUnauthorized, ca, cert, key, passphrase }),
  };
}

/** The profile's proxy with the variables of its user info replaced; the pieces of a secret it was split into are hidden too. */
async function resolveProxy(template: string, resolver: VariableResolver, secrets: Map<string, string>, redact: (message: string) => string): Promise<string> {
  let resolved: Awaited<ReturnType<typeof resolveProxyTemplate>>;
  try {
    resolved = await resolveProxyTemplate(template, resolver);
  } catch (err) {
    if (err instanceof UrlTemplateError) throw new ProfileResolveError('proxy', redact(err.message));
    throw err;
  }
  for (const { value, placeholder } of resolved.derivedSecrets) if (!secrets.has(value)) secrets.set(value, placeholder);
  refuseControlCharacters(resolved.url, 'proxy', false);
  return resolved.url;
}

/**
 * The bytes to send for a saved message: variables in `data` are resolved now (every send gets a
 * new `${uuid}`), JSON is checked, hex and base64 are decoded, `file` is read.
 *
 * hex and base64 follow the one rule the composer checks by too (shared/binaryText.ts). A `file`
 * is sent as its bytes; for text and json it must be UTF-8, and json must parse.
 */
export async function encodeSavedMessage(message: SavedMessage, resolver: VariableResolver, readFile: ReadFile = readFromDisk): Promise<{ binary: boolean; payload: Buffer }> {
  const field = `message "${message.name}"`;
  const binary = message.type === 'binary';
  if (message.file !== undefined) {
    const payload = await readProfileFile(message.file, `${field} file`, readFile);
    if (!binary) {
      let text: string;
      try {
        // RFC 6455 section 8.1: a text frame must be valid UTF-8.
        text = new TextDecoder('utf-8', { fatal: true }).decode(payload);
      } catch {
        throw new ProfileResolveError(field, `${field}: ${message.file} is not valid UTF-8, so it cannot be sent as a ${message.type} message; use "type": "binary"`);
      }
      if (message.type === 'json') refuseInvalidJson(text, field, `${message.file} is not valid JSON`);
    }
    return { binary, payload };
  }
  if (message.data === undefined) {
    throw new ProfileResolveError(field, `${field} has neither data nor file`);
  }
  const data = await resolveTemplate(message.data, field, resolver);
  const hadVariables = findVariables(message.data).refs.length > 0;
  if (message.type === 'json') {
    // Once variables have values the text may hold a secret: then say where, never what.
    refuseInvalidJson(data, field, hadVariables ? 'data is not valid JSON once its variables were replaced (a value may hold a quote or a backslash)' : 'data is not valid JSON', !hadVariables);
  }
  if (!binary || message.encoding === 'utf8') return { binary, payload: Buffer.from(data, 'utf8') };
  const decoded = decodeBinaryText(data, message.encoding);
  if (!decoded.ok) {
    // A single offending character may come from a secret: then say where, never what.
    const { problem } = decoded;
    const detail = hadVariables && problem.kind === 'character' ? `character ${problem.offset + 1} is not allowed there (once its variables were replaced)` : problem.message;
    throw new ProfileResolveError(field, `${field}: data is not valid ${message.encoding}: ${detail}`);
  }
  return { binary, payload: Buffer.from(decoded.bytes.buffer, decoded.bytes.byteOffset, decoded.bytes.byteLength) };
}

async function readProfileFile(path: string, field: string, readFile: ReadFile): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    // A refusal (Restricted Mode) already says why; it only needs the field in front.
    if (err instanceof RestrictedModeError) throw new ProfileResolveError(field, `${field}: ${err.message}`, { cause: err });
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    const why = code === 'ENOENT' ? 'the file does not exist' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : String(err instanceof Error ? err.message : err);
    throw new ProfileResolveError(field, `${field}: cannot read ${path}: ${why}. Relative paths in a .wsprofile are resolved against the profile's folder.`);
  }
}

function refuseControlCharacters(value: string, field: string, allowTab: boolean): void {
  const at = controlCharacterIndex(value, allowTab);
  if (at >= 0) {
    // The value is not echoed: it may be a secret.
    throw new ProfileResolveError(field, `${field} contains ${describeControl(value.charCodeAt(at))} once its variables were replaced; it is refused because it could inject HTTP headers`);
  }
}

function refuseInvalidJson(text: string, field: string, what: string, quote = true): void {
  const failure = jsonFailure(text, quote);
  if (failure) {
    const { line, column } = lineAndColumn(text, failure.offset);
    throw new ProfileResolveError(field, `${field}: ${what}: ${failure.message} at line ${line}, column ${column}`);
  }
}

// ---- pure helpers -------------------------------------------------------------------------

/** Where strict JSON (no comments, no trailing commas: it goes on the wire) first fails, if it does. */
function jsonFailure(text: string, quote = true): { message: string; offset: number } | undefined {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length > 0) {
    const first = errors[0];
    const afterValue = root !== undefined && first.offset >= root.offset + root.length;
    return { message: afterValue ? 'unexpected text after the JSON value' : syntaxMessage(first, text, quote), offset: first.offset };
  }
  try {
    JSON.parse(text);
    return undefined;
  } catch (err) {
    // jsonc-parser is more lenient in a few corners; JSON.parse is the authority.
    return { message: quote && err instanceof Error ? err.message : 'not valid JSON', offset: 0 };
  }
}

function syntaxMessage(error: ParseError, text: string, quote = true): string {
  const code = printParseErrorCode(error.error);
  if (code === 'InvalidSymbol') {
    if (!quote) return 'unexpected character';
    return `unexpected ${JSON.stringify(shorten(text.slice(error.offset, error.offset + Math.max(error.length, 1))))}`;
  }
  return SYNTAX_MESSAGES[code] ?? code;
}

/** `text` with each variable replaced by `placeholder`, and for each result index its index in `text`. */
function substitute(text: string, refs: readonly VariableRef[], placeholder: string): { text: string; sourceIndex: number[] } {
  let out = '';
  const sourceIndex: number[] = [];
  let last = 0;
  const literal = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      // $${ stands for "${": drop the first "$" but keep positions pointing at the source.
      if (text.startsWith('$${', i)) continue;
      out += text[i];
      sourceIndex.push(i);
    }
  };
  for (const ref of refs) {
    literal(last, ref.offset);
    for (let i = 0; i < placeholder.length; i++) sourceIndex.push(ref.offset);
    out += placeholder;
    last = ref.offset + ref.raw.length;
  }
  literal(last, text.length);
  sourceIndex.push(text.length);
  return { text: out, sourceIndex };
}

/**
 * For each index of a decoded JSON string value (and one past its end), its index in the string
 * literal's source `raw` (quotes included); undefined when `raw` does not decode to that length.
 */
function decodedToSource(raw: string, decodedLength: number): number[] | undefined {
  const map: number[] = [];
  let i = 1;
  const end = raw.endsWith('"') && raw.length > 1 ? raw.length - 1 : raw.length;
  while (i < end) {
    map.push(i);
    if (raw[i] === '\\') i += raw[i + 1] === 'u' ? 6 : 2;
    else i += 1;
  }
  map.push(Math.min(i, end));
  return map.length === decodedLength + 1 ? map : undefined;
}

/** Index of the first control character: C0 and DEL; a tab is allowed in header values (RFC 7230 section 3.2). */
function controlCharacterIndex(value: string, allowTab: boolean): number {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if ((c < 0x20 && !(allowTab && c === 0x09)) || c === 0x7f) return i;
  }
  return -1;
}

function describeControl(code: number): string {
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  if (code === 0x0a) return `a line feed (${hex})`;
  if (code === 0x0d) return `a carriage return (${hex})`;
  if (code === 0x09) return `a tab (${hex})`;
  return `the control character ${hex}`;
}

function describeNode(node: Node): string {
  switch (node.type) {
    case 'object':
      return 'an object';
    case 'array':
      return 'an array';
    case 'string':
      return JSON.stringify(shorten(String(node.value)));
    default:
      return String(node.value);
  }
}

/** headers.Authorization, messages[0].data, headers["X Y"] */
function renderPath(path: Path): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * The known name nearest to `name` (case-insensitive edit distance) when near enough to be a typo,
 * else the one known name that contains it ("timeout" -> "handshakeTimeoutMs").
 */
function closest(name: string, known: readonly string[]): string | undefined {
  const lower = name.toLowerCase();
  const containing = lower.length >= 4 ? known.filter((k) => k.toLowerCase().includes(lower)) : [];
  let best: string | undefined = containing.length === 1 ? containing[0] : undefined;
  let bestDistance = Math.max(2, Math.floor(name.length / 3)) + 1;
  for (const candidate of known) {
    const d = editDistance(lower, candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const lines = before.split(/\r\n|\r|\n/);
  return { line: lines.length, column: lines[lines.length - 1].length + 1 };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** `value` without its undefined properties, so optional fields are absent rather than undefined. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
