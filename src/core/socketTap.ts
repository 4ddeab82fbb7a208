/**
 * Opens the TCP/TLS connection for `ws` (its `createConnection` option) and taps every byte that
 * crosses it, both ways. For wss:// the tap sits on the TLS socket's plaintext side, so what it
 * sees is the HTTP handshake and the WebSocket frames, not ciphertext.
 */
import * as net from 'node:net';
import * as tls from 'node:tls';
import { connectThroughProxy, displayProxy, ProxyError } from './proxy';

export interface ByteTap {
  /** Bytes written by the client, in order, before they reach the socket. */
  outgoing(chunk: Buffer): void;
  /** Bytes received from the server, in order, before the HTTP parser or ws sees them. */
  incoming(chunk: Buffer): void;
  /** The connection failed or ended; `error` when it was an error. */
  ended(error?: Error): void;
}

/** What the request options ws hands to createConnection look like (a subset of http.RequestOptions + TLS options). */
type ConnectionOptions = net.NetConnectOpts & tls.ConnectionOptions & { host?: string; hostname?: string; port?: number | string; servername?: string };

export interface ConnectionFactoryOptions {
  readonly secure: boolean;
  /** HTTP proxy to tunnel through with CONNECT, if any. */
  readonly proxy?: URL;
  /** Limit for reaching the proxy and opening the tunnel: what is left of the handshake's deadline. */
  readonly proxyTimeoutMs: number;
  /** Aborted when the connection attempt is given up: a CONNECT still waiting for the proxy is dropped at once. */
  readonly signal?: AbortSignal;
  /** Called for every connection ws opens (one per redirect hop); returns the tap for it. */
  readonly onConnection: (target: { host: string; port: number }) => ByteTap;
}

type OnCreate = (error: Error | null, socket?: net.Socket) => void;

/**
 * Builds the `createConnection` function ws passes to http(s).request. Node calls it with the
 * request options and a callback; returning undefined and calling the callback later is how the
 * proxy tunnel gets to finish first.
 */
export function connectionFactory(options: ConnectionFactoryOptions): (requestOptions: ConnectionOptions, oncreate: OnCreate) => net.Socket | undefined {
  return (requestOptions, oncreate) => {
    const host = String(requestOptions.hostname ?? requestOptions.host ?? 'localhost').replace(/^\[|\]$/g, '');
    const port = Number(requestOptions.port ?? (options.secure ? 443 : 80));
    const tap = options.onConnection({ host, port });
    const tlsOptions = (): tls.ConnectionOptions => ({
      ...requestOptions,
      // As ws does: SNI carries the host name, never an IP address (RFC 6066 section 3).
      servername: requestOptions.servername ?? (net.isIP(host) ? '' : host),
    });
    if (!options.proxy) {
      const socket = options.secure ? tls.connect({ ...tlsOptions(), host, port }) : net.connect({ host, port });
      tapSocket(socket, tap);
      return socket;
    }
    connectThroughProxy(options.proxy, host, port, options.proxyTimeoutMs, options.signal).then(
      (tunnel) => {
        if (options.secure && tunnel.readableLength > 0) {
          // A TLS server speaks only after the ClientHello (RFC 8446 section 4.1), so bytes ahead of
          // it cannot be the server's; TLS would read past them and lose them without a word.
          const error = new ProxyError(`The proxy ${displayProxy(options.proxy!)} sent ${tunnel.readableLength} bytes after its 200 to CONNECT ${host}:${port}, before the TLS handshake began; this is not a working tunnel`);
          tunnel.destroy();
          tap.ended(error);
          oncreate(error);
          return;
        }
        if (options.secure) {
          // TLS takes over the tunnel's handle; hand it over flowing, as a socket that was never paused (pausing stops reading the handle).
          tunnel.resume();
        }
        const socket = options.secure ? tls.connect({ ...tlsOptions(), socket: tunnel }) : tunnel;
        tapSocket(socket, tap);
        if (!options.secure) {
          // The tunnel comes paused, perhaps holding the server's first bytes. It flows once the
          // HTTP parser attaches its 'data' listener (Node does that a tick after oncreate), so
          // the parser and the tap, attached above, both get those bytes.
          const onNewListener = (event: string | symbol): void => {
            if (event !== 'data') return;
            tunnel.off('newListener', onNewListener);
            tunnel.resume();
          };
          tunnel.on('newListener', onNewListener);
        }
        oncreate(null, socket);
      },
      (error: Error) => {
        tap.ended(error);
        oncreate(error);
      },
    );
    return undefined;
  };
}

/** Wraps a socket so the tap sees each byte once, in order, in both directions. */
export function tapSocket(socket: net.Socket, tap: ByteTap): void {
  const write = socket.write;
  socket.write = function tappedWrite(this: net.Socket, chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    if (typeof chunk === 'string') {
      tap.outgoing(Buffer.from(chunk, typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8'));
    } else if (chunk instanceof Uint8Array) {
      tap.outgoing(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
    }
    return (write as (...args: unknown[]) => boolean).call(this, chunk, encoding, callback);
  } as typeof socket.write;

  // ws puts the bytes that followed the 101 response back with unshift(); they come round as
  // 'data' a second time, and the tap has already seen them.
  let alreadySeen = 0;
  const unshift = socket.unshift;
  socket.unshift = function tappedUnshift(this: net.Socket, chunk: Buffer | string, encoding?: BufferEncoding): void {
    alreadySeen += typeof chunk === 'string' ? Buffer.byteLength(chunk, encoding) : chunk.length;
    unshift.call(this, chunk, encoding);
  };
  socket.prependListener('data', (chunk: Buffer) => {
    if (alreadySeen > 0) {
      const skip = Math.min(alreadySeen, chunk.length);
      alreadySeen -= skip;
      if (skip === chunk.length) return;
      chunk = chunk.subarray(skip);
    }
    tap.incoming(chunk);
  });
  socket.once('error', (error) => tap.ended(error));
  socket.once('close', () => tap.ended());
}
