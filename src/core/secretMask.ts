/**
 * Keeps resolved `${secret:…}` values off screen and out of everything the extension persists.
 * The event log itself keeps the real bytes (the handshake is recorded from the socket, and the
 * spill file is encrypted); what leaves the host for a webview, a title or a tooltip goes through
 * a SecretMask first. A header is masked when its value contains a resolved secret, and
 * credential headers (CREDENTIAL_HEADERS) are masked by name whatever their value.
 */

/** A value a `${secret:KEY}` resolved to, and the text shown instead of it (the variable itself). */
export interface SecretValue {
  readonly value: string;
  /** e.g. "${secret:token}" */
  readonly placeholder: string;
}

/** Headers that carry credentials by definition (RFC 9110 section 11.6.2 and 11.7.2, RFC 6265). */
export const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

export class SecretMask {
  /** Longest first, so a secret that contains another is replaced whole. */
  private readonly secrets: readonly SecretValue[];

  constructor(secrets: readonly SecretValue[] = []) {
    this.secrets = secrets.filter((s) => s.value !== '').sort((a, b) => b.value.length - a.value.length);
  }

  /** `text` with every resolved secret replaced by its placeholder. */
  redact(text: string): string {
    let out = text;
    for (const { value, placeholder } of this.secrets) out = out.split(value).join(placeholder);
    return out;
  }

  /** True when a header's value must be hidden until the person asks to see it. */
  isSensitiveHeader(name: string, value: string): boolean {
    return CREDENTIAL_HEADERS.has(name.toLowerCase()) || this.secrets.some((s) => value.includes(s.value));
  }
}
