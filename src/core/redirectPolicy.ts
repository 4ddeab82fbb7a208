/**
 * Which redirects of the opening handshake are followed, and what each hop sends. RFC 6455
 * section 4.1 leaves redirects to the client ("clients are not required to follow them"); a
 * redirect is a server telling the client to send its request, credentials and all, somewhere
 * else, so the inspector follows one only as far as the profile allows:
 *
 * - "never": a 3xx ends the attempt like any other refusal (the default).
 * - "sameOrigin" (`"followRedirects": true`): only to the origin of the profile's URL (RFC 6454
 *   section 4: scheme, host and port), so nothing the profile sends reaches anyone else.
 * - "crossOrigin": anywhere, but from the first hop that leaves the origin on, the request
 *   carries no credentials: no Authorization, Cookie or Proxy-Authorization header, no header
 *   whose name says it carries one (X-Api-Key, X-Auth-Token…), no header (nor Origin) whose value
 *   came from a variable (`${secret:…}`, `${env:…}` or `${input:…}`: that is where profiles keep
 *   their tokens), not the URL's user name and password (as the Fetch
 *   standard's HTTP-redirect fetch drops Authorization on a cross-origin hop), and no TLS client
 *   certificate (it tells the server who the person is).
 *
 * Whatever the policy, a redirect from wss:// to ws:// is refused (it would move the
 * conversation out of TLS), and a chain stops after MAX_REDIRECTS hops.
 */
import { isCredentialParameter } from './queryCredentials';
import { CREDENTIAL_HEADERS } from './secretMask';

export type RedirectPolicy = 'never' | 'sameOrigin' | 'crossOrigin';

/** What a profile's "followRedirects" may hold, as written. */
export type FollowRedirectsSetting = boolean | 'sameOrigin' | 'crossOrigin';

/** The written values of "followRedirects" that are strings, for the profile reader's messages. */
export const FOLLOW_REDIRECTS_STRINGS = ['sameOrigin', 'crossOrigin'] as const;

/** What "followRedirects" may be, for the profile reader's message. */
export const FOLLOW_REDIRECTS_VALUES =
  'false (the default: no redirects), true or "sameOrigin" (redirects within the same origin: scheme, host and port), or "crossOrigin" (redirects anywhere, without credentials past the origin)';

/** Redirects followed within one attempt at most, unless the session is told fewer. */
export const MAX_REDIRECTS = 10;

export function redirectPolicyOf(setting: FollowRedirectsSetting): RedirectPolicy {
  if (setting === true) return 'sameOrigin';
  if (setting === false) return 'never';
  return setting;
}

/** One request of the handshake: where it goes and what it carries beyond the handshake's own headers. */
export interface HopRequest {
  /** ws:// or wss://, with the user name and password to send as Basic credentials, if any. */
  readonly url: URL;
  readonly headers: Readonly<Record<string, string>>;
  readonly origin?: string;
  /** Present the profile's TLS client certificate (tls.cert and tls.key), if it has one, on a wss:// hop. */
  readonly clientCertificate: boolean;
}

export type RedirectDecision =
  /** Not a redirect (not 301, 302, 303, 307 or 308, or no Location): a refusal like any other. */
  | { readonly kind: 'not-a-redirect' }
  /** A redirect the policy "never" does not follow; `hint` says where it pointed and how to follow it. */
  | { readonly kind: 'not-followed'; readonly hint: string }
  /** A redirect refused: `message` is for the log, `cause` for the close. */
  | { readonly kind: 'refuse'; readonly message: string; readonly cause: string }
  | {
      readonly kind: 'follow';
      readonly hop: HopRequest;
      /** 1 for the first redirect. */
      readonly count: number;
      readonly max: number;
      /** What this hop no longer sends, by name (never a value); empty when nothing was dropped here. */
      readonly dropped: readonly string[];
      /** The hop leaves the origin of the profile's URL. */
      readonly crossOrigin: boolean;
    };

/** RFC 9110 section 15.4: the status codes that redirect with a Location (300, 304, 305 and 306 do not). */
const REDIRECT_STATUSES: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** How the Fetch standard maps a redirect to http(s) for a WebSocket (and how ws does). */
const WEBSOCKET_SCHEME: Readonly<Record<string, string>> = { 'ws:': 'ws:', 'wss:': 'wss:', 'http:': 'ws:', 'https:': 'wss:' };

const HOW_TO_CROSS = 'set "followRedirects": "crossOrigin" in the profile to follow redirects to other origins (credentials and headers holding secrets are then not sent there)';

/** The origin of a ws:// or wss:// URL (RFC 6454 section 4), its default port written out. */
export function originOf(url: URL): string {
  const port = url.port || (url.protocol === 'wss:' ? '443' : '80');
  return `${url.protocol}//${url.hostname}:${port}`;
}

export interface RedirectChainOptions {
  readonly policy: RedirectPolicy;
  /** At most this many redirects in one attempt (MAX_REDIRECTS when it is larger). */
  readonly maxRedirects?: number;
  /** True when a header's value holds a resolved `${secret:…}` (SecretMask). */
  readonly holdsSecret: (value: string) => boolean;
  /** True for a header (or "Origin") whose value came from a `${secret:…}`, `${env:…}` or `${input:…}` variable. */
  readonly fromVariable?: (name: string) => boolean;
  /** A URL as it may be shown (credentials and secrets hidden). */
  readonly show: (url: string) => string;
}

/** The hops of one connection attempt: where the next one goes, and what it still carries. */
export class RedirectChain {
  private current: HopRequest;
  private readonly startOrigin: string;
  private count = 0;
  /** Set by the first hop that left the origin: from then on no hop carries credentials. */
  private stripped = false;
  private readonly max: number;

  constructor(
    first: HopRequest,
    private readonly options: RedirectChainOptions,
  ) {
    this.current = first;
    this.startOrigin = originOf(first.url);
    this.max = Math.max(0, Math.min(options.maxRedirects ?? MAX_REDIRECTS, MAX_REDIRECTS));
  }

  /** The request the current hop sends. */
  get hop(): HopRequest {
    return this.current;
  }

  /** What to do with the current hop's response, when it is not a 101. */
  next(status: number, location: string | undefined): RedirectDecision {
    if (!REDIRECT_STATUSES.has(status) || location === undefined || location === '') return { kind: 'not-a-redirect' };
    const show = this.options.show;
    let target: URL;
    try {
      target = new URL(location, this.current.url);
    } catch {
      return this.refuse(`The server redirected (HTTP ${status}) to ${JSON.stringify(show(location))}, which is not a URL; the redirect is not followed.`, 'invalid redirect');
    }
    const scheme = WEBSOCKET_SCHEME[target.protocol];
    if (this.options.policy === 'never') {
      return { kind: 'not-followed', hint: `it redirects to ${show(target.href)}; set "followRedirects": true in the profile to follow redirects within the same origin` };
    }
    if (scheme === undefined) {
      return this.refuse(`The server redirected (HTTP ${status}) to ${show(target.href)}, which is not a ws://, wss://, http:// or https:// URL; the redirect is not followed.`, 'invalid redirect');
    }
    target.protocol = scheme;
    // RFC 6455 section 3: a WebSocket URL has no fragment; one inherited or sent along means nothing to the server.
    target.hash = '';
    if (this.count + 1 > this.max) {
      return this.refuse(`Too many redirects (a redirect loop?): the server redirected ${this.count + 1} times, more than the ${this.max} followed; the last one pointed to ${show(target.href)}.`, 'redirect loop');
    }
    if (this.current.url.protocol === 'wss:' && target.protocol === 'ws:') {
      return this.refuse(
        `The server redirected (HTTP ${status}) from ${show(this.current.url.href)} to ${show(target.href)}, out of TLS to plain ws://; such a downgrade is never followed. The server should redirect to a wss:// URL.`,
        'redirect to ws:// refused',
      );
    }
    const crossOrigin = originOf(target) !== this.startOrigin;
    if (crossOrigin && this.options.policy === 'sameOrigin') {
      return this.refuse(
        `The server redirected (HTTP ${status}) to ${show(target.href)}, another origin (${originOf(target)}, not ${this.startOrigin}); "followRedirects": true follows redirects within the same origin only. To follow this one, ${HOW_TO_CROSS}.`,
        'cross-origin redirect refused',
      );
    }
    const { hop, dropped } = this.nextHop(target, crossOrigin && !this.stripped);
    if (crossOrigin) this.stripped = true;
    this.count++;
    this.current = hop;
    return { kind: 'follow', hop, count: this.count, max: this.max, dropped, crossOrigin };
  }

  private refuse(message: string, cause: string): RedirectDecision {
    return { kind: 'refuse', message, cause };
  }

  private carriesCredential(name: string, value: string): boolean {
    return CREDENTIAL_HEADERS.has(name.toLowerCase()) || isCredentialParameter(name) || this.options.holdsSecret(value) || (this.options.fromVariable?.(name) ?? false);
  }

  /** The request for `target`: credentials kept only while the chain has not left the origin. */
  private nextHop(target: URL, strip: boolean): { hop: HopRequest; dropped: string[] } {
    const previous = this.current;
    const url = new URL(target.href);
    const locationHasCredentials = url.username !== '' || url.password !== '';
    const previousHasCredentials = previous.url.username !== '' || previous.url.password !== '';
    if (!strip && !this.stripped) {
      // Within the origin the hop is the same request sent again: the URL's credentials go along,
      // unless the Location brings its own.
      if (!locationHasCredentials && previousHasCredentials) {
        url.username = previous.url.username;
        url.password = previous.url.password;
      }
      return { hop: { ...previous, url }, dropped: [] };
    }
    const dropped: string[] = [];
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(previous.headers)) {
      if (this.carriesCredential(name, value)) dropped.push(name);
      else headers[name] = value;
    }
    let origin = previous.origin;
    if (origin !== undefined && (this.options.holdsSecret(origin) || this.options.fromVariable?.('Origin'))) {
      dropped.push('Origin');
      origin = undefined;
    }
    // The Location's own user info is the server's to give; the profile's is not sent on.
    if (previousHasCredentials && !locationHasCredentials) dropped.push("the URL's user name and password");
    if (previous.clientCertificate) dropped.push('the TLS client certificate');
    return { hop: { url, headers, ...(origin !== undefined ? { origin } : {}), clientCertificate: false }, dropped };
  }
}
