/**
 * The bundled demo WebSocket server, used by `npm start` and by the tests. Binds to 127.0.0.1 only.
 *   /echo     echoes every message back, text as text and binary as binary
 *   /ticker   sends a JSON object every 500 ms
 *   /binary   sends a binary frame every second
 *   /ping     the server pings every second (the client answers with pongs)
 *   /close    closes with 4000 and a reason after 5 s
 *   /reject   refuses the upgrade with HTTP 401 and a JSON body
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';

export const DEMO_ENDPOINTS = ['echo', 'ticker', 'binary', 'ping', 'close', 'reject'] as const;
export type DemoEndpoint = (typeof DEMO_ENDPOINTS)[number];

export interface DemoServer {
  readonly port: number;
  /** ws://127.0.0.1:port/<endpoint> */
  url(endpoint: DemoEndpoint): string;
  /** Every connection so far, in the order they were made, with how it ended as the server saw it (tests read it). */
  readonly connections: readonly DemoConnection[];
  close(): Promise<void>;
}

export interface DemoConnection {
  readonly endpoint: DemoEndpoint;
  /** The upgrade request's headers, as the server received them (lower-case names). */
  readonly headers: IncomingMessage['headers'];
  /** The close code and reason, once the connection has ended (1005 for a close frame without a code, 1006 for none). */
  closed?: { readonly code: number; readonly reason: string };
}

export interface DemoServerOptions {
  readonly port?: number;
  /** Delay before /close closes, in ms (default 5000). */
  readonly closeAfterMs?: number;
}

export async function startDemoServer(options: DemoServerOptions = {}): Promise<DemoServer> {
  const closeAfterMs = options.closeAfterMs ?? 5000;
  const http: Server = createServer((_req, res) => {
    res.writeHead(426, { 'Content-Type': 'text/plain', Upgrade: 'websocket' });
    res.end(`WebSocket demo server. Endpoints: ${DEMO_ENDPOINTS.map((e) => `/${e}`).join(' ')}\n`);
  });
  // Offer permessage-deflate like many production servers, so compressed frames show up in the demo.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: true });
  const timers = new Set<NodeJS.Timeout>();
  const connections: DemoConnection[] = [];
  const every = (ms: number, socket: WebSocket, tick: () => void): void => {
    const timer = setInterval(tick, ms);
    timers.add(timer);
    socket.on('close', () => {
      clearInterval(timer);
      timers.delete(timer);
    });
  };

  http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/^\//, '');
    if (path === 'reject') {
      const body = JSON.stringify({ error: 'unauthorized', message: 'This endpoint always refuses the upgrade (demo of a refused handshake).' });
      socket.end(
        `HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nWWW-Authenticate: Bearer\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    if (!(DEMO_ENDPOINTS as readonly string[]).includes(path)) {
      socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nUnknown endpoint\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serve(path as DemoEndpoint, req, ws));
  });

  function serve(endpoint: DemoEndpoint, req: IncomingMessage, ws: WebSocket): void {
    const connection: DemoConnection = { endpoint, headers: req.headers };
    connections.push(connection);
    ws.on('close', (code, reason) => (connection.closed = { code, reason: reason.toString() }));
    switch (endpoint) {
      case 'echo':
        ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
        return;
      case 'ticker': {
        let n = 0;
        every(500, ws, () => ws.send(JSON.stringify({ type: 'tick', n: n++, time: new Date().toISOString(), price: +(100 + Math.sin(n / 5) * 3).toFixed(2) })));
        return;
      }
      case 'binary': {
        let n = 0;
        every(1000, ws, () => {
          const frame = Buffer.alloc(16);
          frame.writeUInt32BE(n++, 0);
          for (let i = 4; i < frame.length; i++) frame[i] = (n * 31 + i) & 0xff;
          ws.send(frame, { binary: true });
        });
        return;
      }
      case 'ping': {
        let n = 0;
        every(1000, ws, () => ws.ping(Buffer.from(`ping ${n++}`)));
        return;
      }
      case 'close': {
        ws.send(`This connection will be closed with code 4000 in ${closeAfterMs / 1000} s.`);
        const timer = setTimeout(() => ws.close(4000, 'demo: closing after 5 seconds'), closeAfterMs);
        timers.add(timer);
        ws.on('close', () => clearTimeout(timer));
        return;
      }
      case 'reject':
        return; // answered before the upgrade
      default: {
        const unhandled: never = endpoint;
        ws.close(1011, `unhandled endpoint ${String(unhandled)}`);
      }
    }
  }

  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;
  return {
    port,
    url: (endpoint) => `ws://127.0.0.1:${port}/${endpoint}`,
    connections,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const client of wss.clients) client.terminate();
      wss.close();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

// `node out/scripts/demoServer.js [port]` runs it on its own.
if (require.main === module) {
  const port = Number(process.argv[2] ?? 0);
  void startDemoServer({ port }).then((server) => {
    for (const endpoint of DEMO_ENDPOINTS) console.log(server.url(endpoint));
    const stop = (): void => void server.close().then(() => process.exit(0));
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
