/**
 * A profile's `proxy` with variables in its user info (`http://alice:${secret:proxyPassword}@proxy:3128`),
 * so that proxy credentials need not sit in a committed file. Variables may stand only in the
 * user name and password: the proxy's host and port say where every connection goes, and are
 * written as they are. Resolving puts a `${secret:…}` in percent-encoded (urlTemplate.ts), so a
 * password holding "@" or ":" stays one password.
 */
import { resolveUrlTemplate, type ResolvedUrlTemplate } from './urlTemplate';
import { findVariables, type VariableRef, type VariableResolver } from './variables';

/** How to write it, for messages that refuse a variable elsewhere in the proxy URL. */
export const PROXY_VARIABLE_EXAMPLE = 'http://alice:${secret:proxyPassword}@proxy.example:3128';

export type ProxyTemplateCheck =
  /** `skeleton`: the proxy URL with each variable replaced by letters and digits, to check as a URL (it may not be one). */
  | { readonly ok: true; readonly skeleton: string }
  /** Variables outside the user info, each with where it is. */
  | { readonly ok: false; readonly misplaced: readonly VariableRef[] };

/**
 * Where the variables of `template` stand. Each is replaced by a marker of letters and digits
 * (which every part of a URL keeps as it is), and the user info is read from that text the way
 * the URL parser reads it: after the scheme, up to the last "@" before the first "/", "?" or "#".
 * Read from the text rather than from a parsed URL, so that a variable in the wrong place is
 * named even when the rest is not a URL yet. The template must have no variable syntax problems
 * (findVariables).
 */
export function checkProxyTemplate(template: string): ProxyTemplateCheck {
  const { refs } = findVariables(template);
  const marker = (i: number): string => `wsiproxyvar${i}x`;
  let skeleton = '';
  let last = 0;
  refs.forEach((ref, i) => {
    skeleton += unescapeLiteral(template.slice(last, ref.offset)) + marker(i);
    last = ref.offset + ref.raw.length;
  });
  skeleton += unescapeLiteral(template.slice(last));
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(skeleton)?.[0] ?? '';
  const authority = skeleton.slice(scheme.length).split(/[/?#\\]/)[0];
  const userInfo = authority.slice(0, Math.max(0, authority.lastIndexOf('@')));
  const misplaced = scheme === '' ? refs : refs.filter((_ref, i) => !userInfo.includes(marker(i)));
  return misplaced.length === 0 ? { ok: true, skeleton } : { ok: false, misplaced };
}

/** `$${` stands for a literal "${" (variables.ts). */
function unescapeLiteral(text: string): string {
  return text.split('$${').join('${');
}

/** The proxy URL to use, its variables replaced; throws as resolveUrlTemplate does (UrlTemplateError, UnresolvedVariableError). */
export function resolveProxyTemplate(template: string, resolver: VariableResolver): Promise<ResolvedUrlTemplate> {
  return resolveUrlTemplate(template, 'proxy', resolver);
}
