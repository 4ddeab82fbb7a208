/**
 * Keeps resolved `${secret:…}` values off screen and out of everything the extension persists.
 * The event log itself keeps the real bytes (the handshake is recorded from the socket, and the
 * spill file is encrypted); what leaves the host for a webview, a title or a tooltip goes through
 * a SecretMask first. A header is masked when its value contains a resolved secret, and
 * credential headers (CREDENTIAL_HEADERS) are masked by name whatever their value.
 */
import { percentEncodeAll } from './urlTemplate';

/** A value a `${secret:KEY}` resolved to, and the text shown instead of it (the variable itself). */
export interface SecretValue {
  readonly value: string;
  /** e.g. "${secret:token}" */
  readonly placeholder: string;
}

/** Headers that carry credentials by definition (RFC 9110 section 11.6.2 and 11.7.2, RFC 6265). */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

export class SecretMask {
  /** Every form of every secret, each with its placeholder; undefined when there is nothing to hide. */
  private readonly pattern: RegExp | undefined;
  private readonly placeholders = new Map<string, string>();

  constructor(secrets: readonly SecretValue[] = []) {
    const forms: string[] = [];
    for (const { value, placeholder } of secrets) {
      if (value === '') continue;
      for (const form of secretForms(value)) {
        const key = percentEscapesUpper(form);
        if (this.placeholders.has(key)) continue;
        this.placeholders.set(key, placeholder);
        forms.push(form);
      }
    }
    // Longest first, so a secret that contains another is replaced whole; one pass, so a
    // placeholder that happens to contain a secret's text is never rewritten.
    forms.sort((a, b) => b.length - a.length);
    this.pattern = forms.length === 0 ? undefined : new RegExp(forms.map(formPattern).join('|'), 'g');
  }

  /** `text` with every resolved secret, as written or in any form secretForms lists, replaced by its placeholder. */
  redact(text: string): string {
    if (!this.pattern) return text;
    return text.replace(this.pattern, (found) => this.placeholders.get(percentEscapesUpper(found)) ?? found);
  }

  /** True when a header's value must be hidden until the person asks to see it. */
  isSensitiveHeader(name: string, value: string): boolean {
    if (CREDENTIAL_HEADERS.has(name.toLowerCase())) return true;
    if (!this.pattern) return false;
    this.pattern.lastIndex = 0;
    return this.pattern.test(value);
  }
}

/**
 * The texts a secret's value can turn into on its way into what is shown. A `${secret:…}` inside a
 * part of a profile's URL is percent-encoded for it (urlTemplate.ts, percentEncodeAll); one that is
 * the whole URL, or its host, is put in as written, and the URL parser then percent-encodes what the
 * part it lands in does not allow (WHATWG URL, the path, query, fragment and userinfo percent-encode
 * sets; a host is lowercased and turned into punycode); the server may quote it back encoded another
 * way (a redirect's Location, an echo), as encodeURIComponent, encodeURI or a form (space as "+") would.
 * Forms shorter than the value (a "." or ".." path segment removed) are left out: they would hide
 * unrelated text.
 */
export function secretForms(value: string): string[] {
  const forms = new Set<string>([value]);
  const add = (form: string | undefined): void => {
    if (form !== undefined && form.length >= value.length) forms.add(form);
  };
  const tryEncode = (encode: (text: string) => string): string | undefined => {
    try {
      return encode(value);
    } catch {
      return undefined; // a lone surrogate: encodeURI* throw, the URL parser writes U+FFFD (below)
    }
  };
  add(percentEncodeAll(value));
  const component = tryEncode(encodeURIComponent);
  add(component);
  add(component?.replace(/%20/g, '+'));
  add(tryEncode(encodeURI));
  add(new URLSearchParams([['', value]]).toString().slice(1));
  // Path, query, fragment (quoted when a URL is refused for having one), user name, password, host.
  for (const [before, after] of [['ws://h/', ''], ['ws://h/?', ''], ['ws://h/#', ''], ['ws://', '@h/'], ['ws://u:', '@h/'], ['ws://', '/']]) {
    add(asTheUrlParserWritesIt(before, value, after));
  }
  return [...forms];
}

/** `value` as it comes out of `new URL(before + value + after)`, or undefined if the URL does not keep that shape. */
function asTheUrlParserWritesIt(before: string, value: string, after: string): string | undefined {
  let href: string;
  try {
    href = new URL(`${before}${value}${after}`).href;
  } catch {
    return undefined;
  }
  return href.startsWith(before) && href.endsWith(after) && href.length >= before.length + after.length ? href.slice(before.length, href.length - after.length) : undefined;
}

/** A form as a regular expression: literal, except that a percent escape matches in either case (%2f is %2F). */
function formPattern(form: string): string {
  return form.replace(/%([0-9A-Fa-f])([0-9A-Fa-f])|[.*+?^${}()|[\]\\/]/g, (found: string, high?: string, low?: string) =>
    high !== undefined && low !== undefined ? `%${hexEitherCase(high)}${hexEitherCase(low)}` : `\\${found}`);
}

function hexEitherCase(digit: string): string {
  return /[0-9]/.test(digit) ? digit : `[${digit.toLowerCase()}${digit.toUpperCase()}]`;
}

function percentEscapesUpper(text: string): string {
  return text.replace(/%[0-9a-f]{2}/gi, (escape) => escape.toUpperCase());
}
