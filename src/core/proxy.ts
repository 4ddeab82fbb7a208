/**
 * HTTP proxies for WebSocket connections: which proxy applies to an endpoint, and the CONNECT
 * tunnel through it (RFC 9110 section 9.3.6). ws:// and wss:// both go through CONNECT, so the
 * proxy sees only an opaque tunnel and the inspector still sees every byte of the WebSocket.
 */
import * as net from 'node:net';
import { displayUrlText, displayUserInfo, USERINFO_ENCODING_HINT } from './urlCredentials';
import { findHeadEnd, headerValues, HttpHeadError, parseHttpHead, type HttpHead } from './handshake';

/** Where proxy settings may come from, most specific first. */
export interface ProxySources {
  /** The profile's own `proxy` field. */
  readonly profile?: string;
  /** The editor's setting (VS Code `http.proxy`). */
  readonly editor?: string;
  /** Process environment, for HTTPS_PROXY / HTTP_PROXY / ALL_PROXY / NO_PROXY (either case). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

export interface ProxyChoice {
  /** The proxy URL, or undefined for a direct connection. */
  readonly url?: URL;
  /** Why this choice, for the session log. */
  readonly reason: string;
}

/** A proxy setting a person wrote that cannot be used. */
export class ProxyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProxyError';
  }
}

/** Picks the proxy for an endpoint: the profile's, else the editor's, else the environment's (with NO_PROXY). */
export function chooseProxy(endpoint: URL, sources: ProxySources): ProxyChoice {
  if (sources.profile) {
    const url = parseProxyUrl(sources.profile, 'the profile\'s "proxy"');
    return { url, reason: `proxy ${displayProxy(url)} from the profile` };
  }
  const env = sources.env ?? {};
  const read = (name: string): string | undefined => env[name] ?? env[name.toLowerCase()] ?? undefined;
  const noProxy = read('NO_PROXY');
  if (noProxy && bypasses(endpoint, noProxy)) {
    return { reason: `direct: ${endpoint.hostname} matches NO_PROXY` };
  }
  if (sources.editor) {
    const url = parseProxyUrl(sources.editor, 'the http.proxy setting');
    return { url, reason: `proxy ${displayProxy(url)} from the http.proxy setting` };
  }
  const secure = endpoint.protocol === 'wss:';
  const names = secure ? ['HTTPS_PROXY', 'ALL_PROXY'] : ['HTTP_PROXY', 'ALL_PROXY'];
  for (const name of names) {
    const value = read(name);
    if (value) {
      const url = parseProxyUrl(value, `the ${name} environment variable`);
      return { url, reason: `proxy ${displayProxy(url)} from ${name}` };
    }
  }
  return { reason: 'direct: no proxy configured' };
}

/**
 * The proxy as messages and the log show it: `http://alice:•••@proxy:3128` (displayUserInfo says
 * why a user name on its own is hidden too).
 */
export function displayProxy(url: URL): string {
  return `${url.protocol}//${displayUserInfo(url)}${url.host}`;
}

function parseProxyUrl(text: string, source: string): URL {
  const shown = `"${displayUrlText(text)}"`;
  // Characters that end the user info early are the usual reason a proxy URL with credentials will not parse.
  const encodingHint = text.includes('@') ? `; ${USERINFO_ENCODING_HINT}` : '';
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `http://${text}`);
  } catch {
    throw new ProxyError(`${source} is not a URL: ${shown}; it must look like http://host:port or http://user:password@host:port${encodingHint}`);
  }
  if (url.protocol !== 'http:') {
    throw new ProxyError(`${source} must be an http:// proxy URL, got ${url.protocol}// (${shown}); only plain HTTP proxies are supported, and wss:// traffic stays encrypted through them`);
  }
  return url;
}

/** NO_PROXY: comma-separated host names, domain suffixes (".example.com" or "example.com"), host:port, or "*". */
export function bypasses(endpoint: URL, noProxy: string): boolean {
  const host = endpoint.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = endpoint.port || (endpoint.protocol === 'wss:' ? '443' : '80');
  for (const raw of noProxy.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    const [name, entryPort] = entry.startsWith('[') ? [entry.slice(1, entry.indexOf(']')), entry.split(']:')[1]] : entry.split(':');
    if (entryPort && entryPort !== port) continue;
    const domain = name.replace(/^\*?\./, '');
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

/**
 * Opens a CONNECT tunnel to host:port through the proxy; resolves with the tunnel's socket,
 * paused: anything the proxy sent after its 200 (the server's first bytes may share a TCP read
 * with it) is back in the socket's buffer, and the caller resumes once its reader is attached.
 * Aborting `signal` before then destroys the socket at once and rejects (the session was closed).
 */
export function connectThroughProxy(proxy: URL, host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new ProxyError(`Connecting through the proxy ${displayProxy(proxy)} was cancelled: the connection attempt was closed`));
      return;
    }
    const socket = net.connect({ host: proxy.hostname.replace(/^\[|\]$/g, ''), port: Number(proxy.port || 80) });
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    const shown = displayProxy(proxy);
    const credentials = proxyCredentials(proxy);
    let received = Buffer.alloc(0);
    const fail = (message: string): void => {
      cleanup();
      socket.destroy();
      reject(new ProxyError(message));
    };
    const timer = setTimeout(() => fail(`The proxy ${shown} did not answer CONNECT ${target} within ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const end = findHeadEnd(received);
      if (end < 0) {
        if (received.length > 64 * 1024) fail(`The proxy ${shown} sent an over-long answer to CONNECT ${target}`);
        return;
      }
      const head = parseHttpHead(received.subarray(0, end));
      if (head instanceof HttpHeadError) {
        fail(`The proxy ${shown} sent an answer to CONNECT ${target} that is not HTTP: ${head.message}`);
        return;
      }
      const code = Number(/^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(head.startLine)?.[1]);
      if (code === 407) {
        fail(explainProxyAuthRequired(shown, target, head, credentials !== undefined));
        return;
      }
      if (code !== 200) {
        fail(`The proxy ${shown} refused CONNECT ${target}: ${head.startLine || 'no valid status line'}`);
        return;
      }
      // Stop the flow before letting go of 'data': bytes put back into a flowing socket with no
      // listener are emitted to nobody and lost. The caller resumes once its reader is attached.
      socket.pause();
      cleanup();
      if (received.length > end) socket.unshift(received.subarray(end));
      resolve(socket);
    };
    const onError = (error: Error & { code?: string }): void => fail(`Could not reach the proxy ${shown}: ${error.message}`);
    const onClose = (): void => fail(`The proxy ${shown} closed the connection during CONNECT ${target}`);
    // Whoever asked went away (the session was closed or disposed): a proxy that never answers must not keep this socket until the timeout.
    const onAbort = (): void => fail(`Connecting through the proxy ${shown} was cancelled: the connection attempt was closed before the proxy answered CONNECT ${target}`);
    function cleanup(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    }
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      // This request goes to the raw socket before any byte tap is attached, so the
      // Proxy-Authorization header never reaches the session's events.
      const auth = credentials ? `Proxy-Authorization: Basic ${Buffer.from(credentials).toString('base64')}\r\n` : '';
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
    });
  });
}

/** "user:password" for Basic proxy authentication (RFC 7617), from the URL's percent-encoded user info. */
function proxyCredentials(proxy: URL): string | undefined {
  if (!proxy.username && !proxy.password) return undefined;
  // A "%" the person did not mean as an escape (a password "50%off") stays as written rather than throwing.
  const decode = (text: string): string => {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  };
  return `${decode(proxy.username)}:${decode(proxy.password)}`;
}

/** A 407 (RFC 9110 section 15.5.8): says whether credentials were sent and what to change. */
function explainProxyAuthRequired(shown: string, target: string, head: HttpHead, sentCredentials: boolean): string {
  const schemes = headerValues(head, 'proxy-authenticate').map((value) => value.trim().split(/\s+/)[0]).filter(Boolean);
  const asked = schemes.length > 0 ? ` (it asks for ${schemes.join(', ')})` : '';
  const basicOffered = schemes.length === 0 || schemes.some((scheme) => scheme.toLowerCase() === 'basic');
  const fix = !basicOffered
    ? 'Only Basic proxy authentication is supported; use a proxy that accepts it, or a local forwarding proxy that authenticates for you'
    : sentCredentials
      ? `The user name and password in the proxy URL were not accepted; check them (${USERINFO_ENCODING_HINT})`
      : 'No credentials were sent; put them in the proxy URL, like http://user:password@host:port';
  return `The proxy ${shown} requires authentication for CONNECT ${target}: ${head.startLine}${asked}. ${fix}.`;
}
