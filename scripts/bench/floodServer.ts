/**
 * The flood server of `npm run bench`, run as its own process so it does not share a CPU thread
 * with the client being measured. Binds to 127.0.0.1 on a free port and prints the port.
 * ws://127.0.0.1:PORT/?n=N&size=S&type=text|binary sends N messages of S bytes as fast as the
 * socket takes them; each payload starts with its index (8 ASCII digits) so order can be checked.
 * With `go=1` the flood starts when the client sends its first message (so a panel can be open and
 * ready before the clock starts); n=0 keeps a quiet socket open. ws://127.0.0.1:PORT/echo echoes
 * every message back.
 * With &rate=R the N messages are paced at R per second from the start (a steady stream, as the
 * load test of `npm run stress` wants) instead of as fast as the socket takes them.
 * With &close=1 the server then closes (1000) and, once the client's close arrives, prints one JSON
 * line {url, closeCode, seconds} timed from 'connection': a client answers a close only after it
 * has read every message before it (RFC 6455 section 5.5.1), so this times clients we cannot
 * instrument, such as wscat.
 */
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

function payloadMaker(size: number, binary: boolean): (i: number) => Buffer {
  const template = Buffer.alloc(size, binary ? 0xab : 0x61);
  return (i) => {
    const payload = Buffer.from(template);
    payload.write(String(i).padStart(8, '0').slice(-Math.min(8, size)), 0, 'latin1');
    return payload;
  };
}

function flood(ws: WebSocket, n: number, size: number, binary: boolean, close: boolean): void {
  const payload = payloadMaker(size, binary);
  let i = 0;
  const pump = (): void => {
    // Keep a few MB queued: enough to saturate the socket, bounded so memory stays flat.
    while (i < n && ws.bufferedAmount < 4 * 1024 * 1024) ws.send(payload(i++), { binary });
    if (i < n) setImmediate(pump);
    else if (close) ws.close(1000);
  };
  pump();
}

/**
 * Paced floods share one 10 ms ticker; each sends what its rate says is due since it started, so a late tick catches up.
 * A tick's messages leave in one write (the socket is corked while they are queued), as a server that sends a batch
 * at a time would: without that each 128-byte message was its own system call on both sides, and the server, which
 * shares this machine's two cores with the extension being measured, took up to a core for 50,000 messages/s.
 */
const paced = new Set<() => void>();
let ticker: NodeJS.Timeout | undefined;

function pacedFlood(ws: WebSocket, n: number, size: number, binary: boolean, close: boolean, perSecond: number): void {
  const payload = payloadMaker(size, binary);
  const started = performance.now();
  // ws keeps its net.Socket private; corking it only groups writes, the frames are ws's own.
  const socket = (ws as unknown as { _socket: Socket })._socket;
  let i = 0;
  const tick = (): void => {
    const due = Math.min(n, Math.floor(((performance.now() - started) * perSecond) / 1000));
    if (i < due && ws.readyState === ws.OPEN) {
      socket.cork();
      while (i < due && ws.readyState === ws.OPEN) ws.send(payload(i++), { binary });
      socket.uncork();
    }
    if (i < n && ws.readyState === ws.OPEN) return;
    paced.delete(tick);
    if (paced.size === 0) ticker = void clearInterval(ticker);
    if (close && ws.readyState === ws.OPEN) ws.close(1000);
  };
  paced.add(tick);
  ticker ??= setInterval(() => paced.forEach((t) => t()), 10);
}

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
wss.on('listening', () => console.log((wss.address() as AddressInfo).port));
wss.on('connection', (ws, request) => {
  const started = process.hrtime.bigint();
  const url = new URL(request.url ?? '/', 'http://localhost');
  if (url.pathname === '/echo') {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
    return;
  }
  const params = url.searchParams;
  const close = params.get('close') === '1';
  const n = Number(params.get('n') ?? 1000);
  const size = Number(params.get('size') ?? 64);
  const binary = params.get('type') === 'binary';
  const perSecond = Number(params.get('rate') ?? 0);
  const start = (): void => (perSecond > 0 ? pacedFlood(ws, n, size, binary, close, perSecond) : flood(ws, n, size, binary, close));
  if (params.get('go') === '1') ws.once('message', start);
  else start();
  if (close) {
    // 'close' fires when the TCP connection ends, which ws does right after the client's close frame.
    ws.on('close', (closeCode) => console.log(JSON.stringify({ url: request.url, closeCode, seconds: Number(process.hrtime.bigint() - started) / 1e9 })));
  }
});
process.on('SIGTERM', () => process.exit(0));
