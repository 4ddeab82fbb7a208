/**
 * HTTP proxies for WebSocket connections: which proxy applies to an endpoint, and the CONNECT
 * tunnel through it (RFC 9110 section 9.3.6). ws:// and wss:// both go through CONNECT, so the
 * proxy sees only an opaque tunnel and the inspector still sees every byte of the WebSocket.
 */
import * as net from 'node:net';
import { findHeadEnd, HttpHeadError, parseHttpHead } from './handshake';

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

/** The proxy as the log shows it: credentials in the URL are never written out. */
function displayProxy(url: URL): string {
  return `${url.protocol}//${url.username || url.password ? '***@' : ''}${url.host}`;
}

function parseProxyUrl(text: string, source: string): URL {
  let url: URL;
  try {
    url = new URL(text.includes('://') ? text : `http://${text}`);
  } catch {
    throw new ProxyError(`${source} is not a URL: "${text}"; it must look like http://host:port`);
  }
  if (url.protocol !== 'http:') {
    throw new ProxyError(`${source} must be an http:// proxy URL, got ${url.protocol}// ("${text}")`);
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

/** Opens a CONNECT tunnel to host:port through the proxy; resolves with the tunnel's socket. */
export function connectThroughProxy(proxy: URL, host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: proxy.hostname.replace(/^\[|\]$/g, ''), port: Number(proxy.port || 80) });
    const target = `${host.includes(':') ? `[${host}]` : host}:${port}`;
    let received = Buffer.alloc(0);
    const fail = (message: string): void => {
      cleanup();
      socket.destroy();
      reject(new ProxyError(message));
    };
    const timer = setTimeout(() => fail(`The proxy ${proxy.host} did not answer CONNECT ${target} within ${timeoutMs} ms`), timeoutMs);
    const onData = (chunk: Buffer): void => {
      received = Buffer.concat([received, chunk]);
      const end = findHeadEnd(received);
      if (end < 0) {
        if (received.length > 64 * 1024) fail(`The proxy ${proxy.host} sent an over-long answer to CONNECT`);
        return;
      }
      const head = parseHttpHead(received.subarray(0, end));
      const status = head instanceof HttpHeadError ? '' : head.startLine;
      const code = Number(/^HTTP\/\d(?:\.\d)?\s+(\d{3})/.exec(status)?.[1]);
      if (code !== 200) {
        fail(`The proxy ${proxy.host} refused CONNECT ${target}: ${status || 'no valid status line'}`);
        return;
      }
      cleanup();
      // A proxy may not send anything after its 200 before the tunnel carries our bytes; if it did, keep them.
      if (received.length > end) socket.unshift(received.subarray(end));
      resolve(socket);
    };
    const onError = (error: Error & { code?: string }): void => fail(`Could not reach the proxy ${proxy.host}: ${error.message}`);
    const onClose = (): void => fail(`The proxy ${proxy.host} closed the connection during CONNECT ${target}`);
    function cleanup(): void {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    }
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.once('connect', () => {
      const auth = proxy.username ? `Proxy-Authorization: Basic ${Buffer.from(`${decodeURIComponent(proxy.username)}:${decodeURIComponent(proxy.password)}`).toString('base64')}\r\n` : '';
      socket.write(`CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${auth}\r\n`);
    });
  });
}
