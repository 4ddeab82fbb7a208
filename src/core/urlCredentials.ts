/**
 * Credentials written into a URL's user info (`ws://user:password@host/`, an HTTP proxy's
 * `http://user:password@proxy:3128`): how such a URL is shown wherever it is displayed or
 * written, so that the password never appears. The URL itself, credentials and all, is still the
 * one connected to.
 */

/** What stands in for a credential wherever a URL is written out. */
export const HIDDEN_CREDENTIAL = '•••';

/** Why a URL with credentials will not parse, most often: said wherever such a URL is refused. */
export const USERINFO_ENCODING_HINT = 'characters such as @ : / ? # in the user name or password must be percent-encoded (%40 for @, %3A for :, %2F for /)';

/** True when the URL carries a user name or a password. */
export function hasUrlCredentials(url: URL): boolean {
  return url.username !== '' || url.password !== '';
}

/**
 * The user info as shown, with its "@": `alice:•••@`, or `•••@` for a user name that stands alone
 * (that is how token-style credentials are usually written, `ws://TOKEN@host`), or '' when there is none.
 */
export function displayUserInfo(url: URL): string {
  return url.password ? `${url.username || HIDDEN_CREDENTIAL}:${HIDDEN_CREDENTIAL}@` : url.username ? `${HIDDEN_CREDENTIAL}@` : '';
}

/** The whole URL as shown: `ws://alice:•••@host/path?query`, the password hidden as displayUserInfo says. */
export function displayUrl(url: URL): string {
  return `${url.protocol}//${displayUserInfo(url)}${url.host}${url.pathname}${url.search}${url.hash}`;
}

/** A URL held as a string (ws keeps them so) as displayUrl shows it; text that does not parse as displayUrlText does. */
export function displayUrlString(text: string): string {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return displayUrlText(text);
  }
  return displayUrl(url);
}

/**
 * URL text as a person wrote it, for a message about why it cannot be used, with the same
 * redaction as displayUserInfo. The text may not parse (an unencoded "@" or "/" in the password
 * is a common reason), so everything between the scheme and the last "@" is taken as user info;
 * that hides too much rather than too little when a path holds an "@".
 */
export function displayUrlText(text: string): string {
  const at = text.lastIndexOf('@');
  if (at < 0) return text;
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text)?.[0] ?? '';
  return `${scheme}${hideUserInfoText(text.slice(scheme.length, at))}${text.slice(at)}`;
}

/** `scheme://userinfo@` in running text: the user info runs to the last "@" before white space or the path. */
const URL_USER_INFO = /\b([A-Za-z][A-Za-z0-9+.-]*:\/\/)([^\s/?#]*)@/g;

/**
 * Free text (an error message, a redirect's target) with the user info of every URL in it
 * hidden as displayUserInfo says. For text the session writes itself, as a safety net where a URL
 * may be quoted by someone else (Node, ws, a server's Location header).
 */
export function hideUrlCredentials(text: string): string {
  if (!text.includes('@')) return text;
  return text.replace(URL_USER_INFO, (_found: string, scheme: string, userInfo: string) => `${scheme}${hideUserInfoText(userInfo)}@`);
}

/**
 * "user:password" as "user:•••", "TOKEN" as "•••" (user info as written, without its "@"). A
 * variable shown in place of a secret ("${secret:user}") is one piece: its ":" separates nothing.
 */
function hideUserInfoText(userInfo: string): string {
  const user = /^(?:\$\{[^}]*\}|\$(?!\{)|[^:$])*/.exec(userInfo)?.[0] ?? '';
  return user.length < userInfo.length ? `${user || HIDDEN_CREDENTIAL}:${HIDDEN_CREDENTIAL}` : HIDDEN_CREDENTIAL;
}
