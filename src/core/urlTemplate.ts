/**
 * A profile's `url` with its variables replaced, where a `${secret:…}` is data and never structure.
 *
 * Put into the URL as written, a secret holding "#", "/", "?", "@" or ":" would move the URL's
 * parts around (a "#" starts a fragment, an "@" ends the user info), send something else than the
 * secret, and leave pieces of it where the mask cannot recognise them. So a secret is placed by
 * where it stands in the URL:
 *
 * - inside the user name, password, path or query: percent-encoded for that part (every byte but
 *   the RFC 3986 unreserved characters), so the server decodes exactly the secret. A secret that is
 *   the whole user info (`ws://${secret:login}@host`) may hold "user:password": its first ":"
 *   separates them, as in the URL itself.
 * - at the very start (the whole URL, or its scheme and host): as written; it is the structure.
 * - inside the host name: as written, and refused if it holds a character a host name cannot.
 * - anywhere else (the port, the scheme after other text): refused.
 *
 * Other variables (`${env:…}`, `${input:…}`) are put in as written: they usually carry structure
 * (a host, a base URL), and they are not hidden anyway.
 */
import { randomBytes } from 'node:crypto';
import { resolveTemplateParts, type TemplatePart, type VariableResolver } from './variables';

/** A URL template that cannot be resolved as written, with a message for a person (it never quotes a secret's value). */
export class UrlTemplateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UrlTemplateError';
  }
}

export interface ResolvedUrlTemplate {
  /** The URL text to connect to, for checkEndpointUrl. */
  readonly url: string;
  /**
   * Further texts to hide as the named secret: the pieces a secret was split into (user name and
   * password), and a whole-URL secret as the URL parser writes it when that differs.
   */
  readonly derivedSecrets: ReadonlyArray<{ readonly value: string; readonly placeholder: string }>;
}

/** Where a `${secret:…}` may stand, for messages that refuse one. */
const ALLOWED_PLACES = 'a ${secret:…} in a url can be the whole URL or its start, or sit inside the user name, password, host name, path or query';

/** Characters a host name cannot hold without changing the URL's structure (WHATWG URL forbidden host code points, and "%"). */
const NOT_IN_HOST = /[\s\x00-\x1f\x7f/?#@:[\]\\%<>^|]/;

/**
 * Every UTF-8 byte of `value` as %XX except the unreserved characters of RFC 3986 section 2.3
 * (letters, digits, "-", ".", "_", "~"): data in any part of a URL, and left alone by the URL parser.
 */
export function percentEncodeAll(value: string): string {
  return Array.from(Buffer.from(value, 'utf8'), (byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9\-._~]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

/** Resolves `template` (a profile's url) as the module comment says. */
export async function resolveUrlTemplate(template: string, field: string, resolver: VariableResolver): Promise<ResolvedUrlTemplate> {
  const parts = await resolveTemplateParts(template, field, resolver);
  const isSecret = (part: TemplatePart): boolean => 'ref' in part && part.ref.kind === 'secret';
  const joinedRaw = parts.map((part) => ('literal' in part ? part.literal : part.value)).join('');
  if (!parts.some(isSecret)) return { url: joinedRaw, derivedSecrets: [] };

  const derivedSecrets: Array<{ value: string; placeholder: string }> = [];
  if (parts.length === 1) {
    // The whole URL: it is the structure. The parser may write it differently (a host in lower case, an
    // encoded character); that form is hidden too.
    const only = parts[0] as Extract<TemplatePart, { ref: unknown }>;
    const href = parseOrUndefined(only.value)?.href;
    if (href !== undefined && href !== only.value) derivedSecrets.push({ value: href, placeholder: only.ref.raw });
    return { url: only.value, derivedSecrets };
  }

  // Each secret after the start stands in the URL as a marker of letters and digits, which every
  // part of a URL keeps as it is; where the parser puts the marker says which part the secret is in.
  const nonce = randomBytes(6).toString('hex');
  const marker = (i: number): string => `wsisecret${i}x${nonce}`;
  let skeleton = '';
  let shownSkeleton = '';
  parts.forEach((part, i) => {
    if ('literal' in part) {
      skeleton += part.literal;
      shownSkeleton += part.literal;
    } else if (part.ref.kind !== 'secret') {
      skeleton += part.value;
      shownSkeleton += part.value;
    } else if (i === 0) {
      skeleton += part.value;
      shownSkeleton += part.ref.raw;
    } else {
      skeleton += marker(i);
      shownSkeleton += part.ref.raw;
    }
  });
  const parsed = parseOrUndefined(skeleton);
  if (parsed === undefined) {
    throw new UrlTemplateError(`${field}: "${shorten(shownSkeleton)}" is not a URL, whatever its secrets hold; it must look like ws://host:port/path (${ALLOWED_PLACES})`);
  }

  let url = '';
  parts.forEach((part, i) => {
    if ('literal' in part) {
      url += part.literal;
      return;
    }
    if (part.ref.kind !== 'secret' || i === 0) {
      url += part.value;
      return;
    }
    const name = part.ref.raw;
    const at = marker(i);
    if (parsed.username === at && parsed.password === '') {
      // The whole user info: "user:password" keeps its first ":" as the separator.
      const colon = part.value.indexOf(':');
      if (colon < 0) {
        url += percentEncodeAll(part.value);
        return;
      }
      const user = part.value.slice(0, colon);
      const password = part.value.slice(colon + 1);
      url += `${percentEncodeAll(user)}:${percentEncodeAll(password)}`;
      for (const piece of [user, password]) if (piece !== '') derivedSecrets.push({ value: piece, placeholder: name });
      return;
    }
    if ([parsed.username, parsed.password, parsed.pathname, parsed.search, parsed.hash].some((component) => component.includes(at))) {
      url += percentEncodeAll(part.value);
      return;
    }
    if (parsed.hostname.includes(at)) {
      if (NOT_IN_HOST.test(part.value)) {
        throw new UrlTemplateError(`${field}: ${name} is in the host name, and its value holds a character a host name cannot (such as / ? # @ : % or a space), which would change where the URL points; store only the host name in that secret, or make the secret the whole URL`);
      }
      url += part.value;
      return;
    }
    throw new UrlTemplateError(`${field}: ${name} cannot stand where it is in "${shorten(shownSkeleton)}"; ${ALLOWED_PLACES}`);
  });
  return { url, derivedSecrets };
}

function parseOrUndefined(text: string): URL | undefined {
  try {
    return new URL(text.trim());
  } catch {
    return undefined;
  }
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
