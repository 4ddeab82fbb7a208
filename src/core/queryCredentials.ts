/**
 * Query parameters that carry credentials: browsers cannot set headers on a WebSocket handshake,
 * so many services take the token in the URL (`?access_token=…`, `?token=…`, a signed URL's
 * `X-Amz-Signature`). Such a URL is worth offering again, but not with its token kept in VS Code's
 * state in plain text.
 */

/** Names (compared in lower case, "-", "." and a camelCase hump read as "_") that usually hold a credential. */
const CREDENTIAL_NAME = /(^|_)(token|access_?key|access_?token|id_?token|refresh_?token|secret|client_?secret|password|passwd|pwd|pass|api_?key|apikey|key|auth|authorization|sig|signature|credential|credentials|security_?token|session|session_?id|sessionid|sid|jwt|bearer|ticket|code)$/;

/** True when a query parameter (or a header) of this name usually holds a credential. */
export function isCredentialParameter(name: string): boolean {
  // camelCase parts count as words too: authToken, apiKey, sessionToken.
  return CREDENTIAL_NAME.test(name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase().replace(/[-.]/g, '_'));
}

/**
 * `url` with the value of every credential parameter removed (the name stays, `?access_token=`,
 * so the person sees what to type again), and the names removed. Text that is not a URL is
 * returned as it is.
 */
export function withoutQueryCredentials(url: string): { url: string; removed: string[] } {
  return replaceQueryCredentials(url, '');
}

/** `url` with the value of every credential parameter shown as `shown` (e.g. "•••"), for display. */
export function hideQueryCredentials(url: string, shown: string): string {
  return replaceQueryCredentials(url, shown).url;
}

/** The non-empty values of `url`'s credential parameters, decoded. */
export function queryCredentialValues(url: string): string[] {
  return credentialParameters(url).filter(([, value]) => value !== '').map(([, value]) => value);
}

/** `url`'s query parameters that usually hold a credential, decoded; none when `url` is not a URL. */
function credentialParameters(url: string): Array<[name: string, value: string]> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  return [...parsed.searchParams].filter(([name]) => isCredentialParameter(name));
}

function replaceQueryCredentials(url: string, replacement: string): { url: string; removed: string[] } {
  const removed: string[] = [];
  const queryAt = url.indexOf('?');
  if (queryAt < 0 || !URL.canParse(url)) return { url, removed };
  const hashAt = url.indexOf('#', queryAt);
  const query = url.slice(queryAt + 1, hashAt < 0 ? undefined : hashAt);
  // Rebuilt as text rather than with URLSearchParams, which would re-encode every other parameter.
  const kept = query.split('&').map((pair) => {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    let decoded = name;
    try {
      decoded = decodeURIComponent(name.replace(/\+/g, ' '));
    } catch {
      // a malformed escape: judge the name as written
    }
    // A value already shown as its variable (${secret:…}) says more than "•••" would.
    if (eq < 0 || eq === pair.length - 1 || pair.startsWith('${', eq + 1) || !isCredentialParameter(decoded)) return pair;
    removed.push(decoded);
    return `${name}=${replacement}`;
  });
  if (removed.length === 0) return { url, removed };
  return { url: `${url.slice(0, queryAt)}?${kept.join('&')}${hashAt < 0 ? '' : url.slice(hashAt)}`, removed };
}

/** The credential parameters of `url` whose values were removed (present with an empty value). */
export function emptiedCredentialParameters(url: string): string[] {
  return credentialParameters(url).filter(([, value]) => value === '').map(([name]) => name);
}
