/**
 * The prompt an ${input:…} variable opens. Its text is written by the profile, so in an untrusted
 * workspace a prompt such as "Enter your GitHub token" could pass for VS Code's own; there it first
 * says which profile asks, for which host, and that the workspace is not trusted.
 */
import { notificationText } from './notificationText';

/** The profile whose variables are being resolved. */
export interface PromptOrigin {
  readonly profileName: string;
  /** The profile's URL (a template, before its variables are replaced). */
  readonly url: string;
}

/** Quick inputs render link syntax too, so the whole prompt passes the notification sanitizer. */
export function inputPrompt(text: string, origin: PromptOrigin | undefined, trusted: boolean): string {
  if (trusted) return notificationText(text);
  const who = origin ? `The profile "${notificationText(origin.profileName, 80)}" (for ${hostOf(origin.url)})` : 'A profile';
  return notificationText(`${who} from this untrusted workspace asks: ${text}`);
}

/**
 * The host (and port) a profile's URL names, without any user name or password, or the URL itself,
 * shortened, when it has no authority (RFC 3986 section 3.2: between "//" and the path).
 */
function hostOf(url: string): string {
  // The URL parser ends a ws: or wss: URL's authority at "\\" too (WHATWG URL, special schemes).
  const authority = /^[a-z][a-z0-9+.-]*:[/\\]{2}([^/?#\\]*)/i.exec(url)?.[1];
  const host = authority?.slice(authority.lastIndexOf('@') + 1);
  return notificationText(host || url, 80);
}
