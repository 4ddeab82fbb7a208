/** Checks a WebSocket endpoint URL typed by a person, and says exactly what is wrong with it. */
import { displayUrlText, USERINFO_ENCODING_HINT } from './urlCredentials';

export type EndpointUrlCheck = { ok: true; url: URL } | { ok: false; message: string };

/** Accepts only absolute ws:// and wss:// URLs with a host (RFC 6455 section 3). */
export function checkEndpointUrl(input: string): EndpointUrlCheck {
  const text = input.trim();
  if (text === '') {
    return { ok: false, message: 'Enter a WebSocket URL, for example ws://127.0.0.1:8080/echo' };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    // A password with an unencoded "@" or "/" is a common reason; the message never quotes the password.
    const hint = text.includes('@') ? `; ${USERINFO_ENCODING_HINT}` : '';
    return { ok: false, message: `"${shorten(displayUrlText(text))}" is not a URL; it must look like ws://host:port/path or wss://host/path${hint}` };
  }
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    const hint = url.protocol === 'http:' ? ' (use ws:// for http)' : url.protocol === 'https:' ? ' (use wss:// for https)' : '';
    return { ok: false, message: `The URL must start with ws:// or wss://, got ${url.protocol}//${hint}` };
  }
  if (url.hostname === '') {
    return { ok: false, message: `"${shorten(displayUrlText(text))}" has no host name` };
  }
  // RFC 6455 section 3: fragment identifiers are meaningless in WebSocket URIs and must not be used.
  if (url.hash !== '') {
    return { ok: false, message: `WebSocket URLs cannot have a #fragment; remove "${shorten(url.hash)}"` };
  }
  return { ok: true, url };
}

function shorten(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
