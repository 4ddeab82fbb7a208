/**
 * One WebSocket connection and its event log. Everything the connection does becomes an event in
 * `store`, in the order it happened; nothing here knows about VS Code.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import type { SessionState } from '../shared/sessionEvent';
import { checkEndpointUrl } from './endpointUrl';
import { EventStore, type NewSessionEvent } from './eventStore';

export interface SessionOptions {
  /** ws:// or wss:// endpoint. */
  readonly url: string;
  /** Shown as the panel title; defaults to the URL. */
  readonly title?: string;
  readonly subprotocols?: readonly string[];
  readonly headers?: Readonly<Record<string, string>>;
  /** Give up on the opening handshake after this long (default 10 s). */
  readonly handshakeTimeoutMs?: number;
}

/** A request the session cannot carry out, with a message meant for a person. */
export class SessionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionError';
  }
}

/** Close code for "going away" (RFC 6455 section 7.4.1): used when the inspector itself shuts down. */
export const CLOSE_GOING_AWAY = 1001;

/** First bytes of a refused upgrade's body that are kept. */
const REFUSED_BODY_LIMIT = 64 * 1024;

export class WebSocketSession {
  readonly id = randomUUID();
  readonly url: string;
  readonly title: string;
  readonly store = new EventStore();

  private socket: WebSocket | undefined;
  private currentState: SessionState = 'connecting';
  private readonly startedAt = process.hrtime.bigint();
  private readonly stateListeners = new Set<(state: SessionState) => void>();
  private upgradeRefused = false;

  constructor(private readonly options: SessionOptions) {
    const check = checkEndpointUrl(options.url);
    if (!check.ok) {
      throw new SessionError(check.message);
    }
    this.url = check.url.toString();
    this.title = options.title ?? this.url;
  }

  get state(): SessionState {
    return this.currentState;
  }

  /** Calls `listener` on every state change until the returned function is called. */
  onStateChange(listener: (state: SessionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Opens the connection. Progress and failure arrive as events, never as exceptions. */
  connect(): void {
    if (this.socket) {
      throw new SessionError('This session has already connected; start a new session to connect again.');
    }
    this.record({ kind: 'info', direction: 'local', message: `Connecting to ${this.url}` });
    const socket = new WebSocket(this.url, this.options.subprotocols ? [...this.options.subprotocols] : [], {
      headers: this.options.headers ? { ...this.options.headers } : undefined,
      handshakeTimeout: this.options.handshakeTimeoutMs ?? 10_000,
    });
    this.socket = socket;

    socket.on('open', () => {
      const protocol = socket.protocol ? `, subprotocol ${socket.protocol}` : '';
      const extensions = socket.extensions ? `, extensions ${socket.extensions}` : '';
      this.record({ kind: 'open', direction: 'local', message: `Connected to ${this.url}${protocol}${extensions}` });
      this.setState('open');
    });
    socket.on('message', (data, isBinary) => {
      const payload = toBuffer(data);
      this.record({ kind: isBinary ? 'binary' : 'text', direction: 'received', payload });
    });
    socket.on('ping', (data) => {
      this.record({ kind: 'ping', direction: 'received', payload: data });
      // ws answers every ping with a pong carrying the same payload (autoPong); that pong went out too.
      this.record({ kind: 'pong', direction: 'sent', payload: data, message: 'automatic reply to ping' });
    });
    socket.on('pong', (data) => {
      this.record({ kind: 'pong', direction: 'received', payload: data });
    });
    socket.on('unexpected-response', (_request, response) => {
      this.upgradeRefused = true;
      void this.recordRefusedUpgrade(response).finally(() => socket.terminate());
    });
    socket.on('error', (error: Error & { code?: string }) => {
      if (this.upgradeRefused) {
        return; // the refusal was already recorded with its status and body
      }
      const code = error.code ? ` (${error.code})` : '';
      this.record({ kind: 'error', direction: 'local', message: `${error.message}${code}` });
    });
    socket.on('close', (code, reasonBytes) => {
      const reason = reasonBytes.toString('utf8');
      // 1006 is never sent on the wire (RFC 6455 section 7.4.1): it means the connection dropped without a close frame.
      const message = code === 1006 ? 'connection closed without a close frame' : undefined;
      this.record({ kind: 'close', direction: 'local', close: { code, reason }, message });
      this.setState('closed');
    });
  }

  /** Sends a text message; returns the number of payload bytes. */
  sendText(text: string): number {
    const socket = this.requireOpen('send a message');
    const payload = Buffer.from(text, 'utf8');
    socket.send(payload, { binary: false });
    this.record({ kind: 'text', direction: 'sent', payload });
    return payload.length;
  }

  /** Starts the closing handshake (RFC 6455 section 5.5.1). */
  close(code = 1000, reason = ''): void {
    const socket = this.socket;
    if (!socket || this.currentState === 'closed' || this.currentState === 'closing') {
      return;
    }
    if (socket.readyState === WebSocket.CONNECTING) {
      socket.terminate();
      return;
    }
    this.setState('closing');
    this.record({ kind: 'info', direction: 'local', message: `Closing with ${code}${reason ? ` ${reason}` : ''}` });
    socket.close(code, reason);
  }

  /** Closes with 1001 "going away" and, if the peer does not finish the handshake soon, drops the socket. */
  dispose(): void {
    const socket = this.socket;
    if (!socket || this.currentState === 'closed') {
      return;
    }
    this.close(CLOSE_GOING_AWAY, 'inspector closed');
    // Do not hold the extension host open waiting for a peer that never answers the close frame.
    const timer = setTimeout(() => socket.terminate(), 2000);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  }

  private requireOpen(action: string): WebSocket {
    if (!this.socket || this.currentState !== 'open') {
      throw new SessionError(`Cannot ${action}: the connection is ${this.currentState}.`);
    }
    return this.socket;
  }

  private async recordRefusedUpgrade(response: IncomingMessage): Promise<void> {
    const chunks: Buffer[] = [];
    let kept = 0;
    let total = 0;
    try {
      for await (const chunk of response as AsyncIterable<Buffer>) {
        total += chunk.length;
        if (kept < REFUSED_BODY_LIMIT) {
          const slice = chunk.subarray(0, REFUSED_BODY_LIMIT - kept);
          chunks.push(slice);
          kept += slice.length;
        }
      }
    } catch (err) {
      this.record({ kind: 'error', direction: 'local', message: `Reading the refused upgrade's body failed: ${String(err)}` });
    }
    const body = Buffer.concat(chunks);
    const cut = total > kept ? ` (first ${kept} of ${total} bytes)` : '';
    this.record({
      kind: 'handshake-response',
      direction: 'received',
      payload: body,
      message: `HTTP ${response.statusCode} ${response.statusMessage ?? ''}`.trim() + cut,
    });
    this.record({
      kind: 'error',
      direction: 'local',
      message: `The server refused the WebSocket upgrade with HTTP ${response.statusCode} ${response.statusMessage ?? ''}`.trim(),
    });
  }

  private record(event: Omit<NewSessionEvent, 'monoUs' | 'wallMs'>): void {
    const monoUs = Number((process.hrtime.bigint() - this.startedAt) / 1000n);
    this.store.append({ ...event, monoUs, wallMs: Date.now() });
  }

  private setState(state: SessionState): void {
    if (state === this.currentState) {
      return;
    }
    this.currentState = state;
    for (const listener of this.stateListeners) {
      listener(state);
    }
  }
}

function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) {
    return data;
  }
  if (Array.isArray(data)) {
    return Buffer.concat(data);
  }
  return Buffer.from(data);
}
