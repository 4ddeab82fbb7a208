/**
 * One WebSocket session: a connection (and its reconnects) and its event log. Everything the
 * connection does becomes an event in `store`, in the order it happened on the wire; nothing here
 * knows about VS Code.
 *
 * How the log stays in wire order: a tap sees the socket's bytes before the HTTP parser and ws do.
 * Its frame decoders know each frame first; ws then delivers the decoded (and inflated) messages.
 * Frames wait in a reorder queue, in the order the tap saw them, until ws has delivered the payload
 * of every incoming message ahead of them: a ping that followed a compressed message on the wire is
 * logged after it, and the close frame ws sends because of a bad message is logged after that message.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type WebSocket from 'ws';
import { CLOSE_ABNORMAL, CLOSE_GOING_AWAY, CLOSE_NORMAL, MAX_CONTROL_PAYLOAD_BYTES } from '../shared/rfc6455';
import type { SessionState } from '../shared/sessionEvent';
import { checkCloseToSend, describeCloseCode, describeCloseFrame } from './closeCodes';
import { explainConnectionError } from './connectionErrors';
import { checkEndpointUrl } from './endpointUrl';
import { Attempt, remainingMs } from './attempt';
import { EventStore, type CloseDetails, type EventStoreOptions, type SingleFrameEvent } from './eventStore';
import { handshakeTap } from './handshakeTap';
import { DEFAULT_MAX_PAYLOAD_BYTES, MAX_PAYLOAD_BYTES_LIMIT, maxPayloadTooLarge } from './messageSizeLimits';
import { chooseProxy, type ProxySources } from './proxy';
import { sharedReadBudget, type ReadBudget } from './readBudget';
import type { ReorderQueue, UnstampedEvent } from './reorderQueue';
import { clampReconnect, reconnectDelayMs, STABLE_CONNECTION_MS } from './reconnectPolicy';
import { RedirectChain, type HopRequest, type RedirectDecision, type RedirectPolicy } from './redirectPolicy';
import { describeRefusedBody, readRefusedBody, refusedBodyPreview } from './refusedUpgrade';
import { hideQueryCredentials, queryCredentialValues } from './queryCredentials';
import { SecretMask, type SecretValue } from './secretMask';
import { connectionFactory, type ByteTap } from './socketTap';
import { displayUrlString, HIDDEN_CREDENTIAL, hideUrlCredentials } from './urlCredentials';
import { WireDecoder, type WireDecodeError, type WireMessage } from './wire';

/** WebSocket readyState values (RFC 6455 API; the same numbers as ws's statics). */
const READY_STATE = { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 } as const;

let wsClass: typeof WebSocket | undefined;

/**
 * ws, loaded when the first socket is made: initialising it is most of the extension's load time,
 * and activating the extension (commands, views, profile checks) does not need it.
 */
function loadWs(): typeof WebSocket {
  wsClass ??= require('ws') as typeof WebSocket;
  return wsClass;
}

export interface TlsOptions {
  readonly rejectUnauthorized?: boolean;
  readonly ca?: Buffer | string;
  readonly cert?: Buffer | string;
  readonly key?: Buffer | string;
  readonly passphrase?: string;
}

export interface KeepAliveOptions {
  readonly pingIntervalMs: number;
  readonly pongTimeoutMs: number;
}

export interface ReconnectOptions {
  readonly enabled: boolean;
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** A message to send: text, or binary bytes. */
export interface OutgoingMessage {
  readonly binary: boolean;
  readonly payload: Buffer;
}

export interface SessionOptions {
  /** ws:// or wss:// endpoint, variables already resolved. */
  readonly url: string;
  /** Shown as the panel title; defaults to the URL. */
  readonly title?: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Values of the `${secret:…}` variables in url, headers and origin: masked in everything shown or persisted. */
  readonly secrets?: readonly SecretValue[];
  readonly origin?: string;
  readonly subprotocols?: readonly string[];
  /** Offer permessage-deflate (RFC 7692); default true. */
  readonly perMessageDeflate?: boolean;
  /** Give up on the opening handshake after this long (default 10 s). */
  readonly handshakeTimeoutMs?: number;
  /** Largest message accepted; a bigger one closes the connection with 1009 (default and limit in messageSizeLimits.ts). */
  readonly maxPayloadBytes?: number;
  /** Headers (and "Origin") whose values came from variables: a cross-origin redirect does not send them. */
  readonly headersFromVariables?: readonly string[];
  /** Which redirects of the handshake to follow (redirectPolicy.ts); default "never". */
  readonly followRedirects?: RedirectPolicy;
  /** Redirects followed in one attempt at most (never more than MAX_REDIRECTS). */
  readonly maxRedirects?: number;
  /** Where the proxy comes from; chosen anew for each attempt. */
  readonly proxy?: ProxySources;
  readonly tls?: TlsOptions;
  readonly keepAlive?: KeepAliveOptions;
  readonly reconnect?: ReconnectOptions;
  /** Messages to send right after each open (the profile's `onOpen`), produced when needed so variables like ${uuid} are fresh. */
  readonly onOpen?: () => Promise<OutgoingMessage[]>;
  readonly store?: EventStoreOptions;
  /** How long to wait for the server's answer to our close frame before dropping the connection (default 5 s). */
  readonly closeTimeoutMs?: number;
  /** Bounds the received bytes decoded per turn of the event loop (readBudget.ts); the one all sessions share by default. */
  readonly readBudget?: ReadBudget;
}

/** A request the session cannot carry out, with a message meant for a person. */
export class SessionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SessionError';
  }
}

/** How long the opening handshake may take, every redirect hop included, unless the options say otherwise. */
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;
/** How long a close handshake may take before the socket is dropped, unless the options say otherwise. */
const CLOSE_TIMEOUT_MS = 5000;
/** How long dispose() waits for a handshake in flight and for the answer to its close frame, unless told otherwise. */
const DISPOSE_GRACE_MS = 2000;
/** The reason sent with 1001 when the session is disposed (its panel or VS Code closed). */
const GOING_AWAY_REASON = 'inspector closed';

/** The payload of nothing, so that a reused event does not hold on to the last message's. */
const NO_PAYLOAD = Buffer.alloc(0);

/** What ws negotiated in the opening handshake. */
export interface NegotiatedInfo {
  readonly subprotocol: string;
  readonly extensions: string;
}

/** Query credential values this long or longer are masked wherever they appear, not only in the URL. */
const MIN_MASKED_QUERY_VALUE_LENGTH = 8;

export class WebSocketSession {
  readonly id = randomUUID();
  /** The URL connected to, credentials and all: never shown as it is (displayUrl is). */
  readonly url: string;
  /** The URL as it may be shown or written: secrets replaced by their variable, a password by "•••" (shownUrl). */
  readonly displayUrl: string;
  readonly title: string;
  readonly store: EventStore;
  /** Hides the resolved secrets in what leaves the engine for a person's eyes (the log keeps the real bytes). */
  readonly mask: SecretMask;

  private attempt: Attempt | undefined;
  private currentState: SessionState = 'connecting';
  /** When the session started, in milliseconds on performance.now()'s monotonic clock: the log's times and ping round trips count from here. */
  private readonly startedAt = performance.now();
  private readonly stateListeners = new Set<(state: SessionState) => void>();
  private userClosed = false;
  private reconnectAttempts = 0;
  /** The options' reconnect, within the bounds of reconnectPolicy.ts whatever the profile asked for. */
  private readonly reconnectOptions: ReconnectOptions | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private negotiatedInfo: NegotiatedInfo | undefined;
  private disposed = false;
  /** Settles when a disposed session has let go of its socket, timers and spill file. */
  private released: Promise<void> | undefined;
  /** A reconnect on request waiting for the old connection to close; close() and dispose() cancel it. */
  private pendingReconnect: { readonly socket: WebSocket; readonly listener: () => void } | undefined;
  /** Filled anew for every received message of one plain frame (recordSingleFrame); the store copies it. */
  private readonly singleFrameEvent: SingleFrameEvent = { kind: 'text', direction: 'received', monoUs: 0, wallMs: 0, payload: NO_PAYLOAD, compressed: false, wireBytes: 0, maskKey: 0, streamOffset: 0 };

  constructor(private readonly options: SessionOptions) {
    const check = checkEndpointUrl(options.url);
    if (!check.ok) {
      throw new SessionError(check.message);
    }
    const maxPayloadBytes = options.maxPayloadBytes;
    if (maxPayloadBytes !== undefined && maxPayloadBytes > MAX_PAYLOAD_BYTES_LIMIT) {
      throw new SessionError(maxPayloadTooLarge(String(maxPayloadBytes)));
    }
    this.url = check.url.toString();
    // A token in the URL's query (?access_token=…) is kept off screen like a secret: in the URL as
    // shown, and wherever a server quotes it back (a value too short to be a token is hidden only in the URL).
    const queryTokens = queryCredentialValues(this.url).filter((value) => value.length >= MIN_MASKED_QUERY_VALUE_LENGTH);
    this.mask = new SecretMask([...(options.secrets ?? []), ...queryTokens.map((value) => ({ value, placeholder: HIDDEN_CREDENTIAL }))]);
    this.reconnectOptions = options.reconnect && clampReconnect(options.reconnect);
    this.displayUrl = this.shownUrl(this.url);
    this.title = options.title ?? this.displayUrl;
    this.store = new EventStore(options.store);
  }

  get state(): SessionState {
    return this.currentState;
  }

  /** Subprotocol and extensions of the open connection, once the handshake completed. */
  get negotiated(): NegotiatedInfo | undefined {
    return this.negotiatedInfo;
  }

  /** Bytes queued by ws but not yet handed to the socket. */
  get bufferedAmount(): number {
    return this.attempt?.socket.bufferedAmount ?? 0;
  }

  /** Calls `listener` on every state change until the returned function is called. */
  onStateChange(listener: (state: SessionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  /** Opens the connection. Progress and failure arrive as events, never as exceptions. */
  connect(): void {
    if (this.attempt || this.disposed) {
      throw new SessionError('This session has already connected; use reconnect() or start a new session.');
    }
    this.startAttempt();
  }

  /** Drops the current connection (if any) and connects again. */
  reconnect(): void {
    if (this.disposed) throw new SessionError('This session was disposed; start a new one.');
    if (this.pendingReconnect) return; // one is already under way
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    this.userClosed = false;
    this.reconnectAttempts = 0;
    const previous = this.attempt;
    if (previous && previous.socket.readyState !== READY_STATE.CLOSED) {
      this.record({ kind: 'reconnect', direction: 'local', message: 'Reconnecting on request: dropping the current connection' });
      previous.lastCause = 'reconnect requested';
      this.userClosed = true; // the old connection's close must not schedule an automatic reconnect
      const listener = (): void => {
        this.pendingReconnect = undefined;
        this.userClosed = false;
        this.startAttempt();
      };
      this.pendingReconnect = { socket: previous.socket, listener };
      previous.socket.once('close', listener);
      previous.socket.terminate();
      return;
    }
    this.record({ kind: 'reconnect', direction: 'local', message: 'Reconnecting on request' });
    this.startAttempt();
  }

  sendText(text: string): number {
    return this.send({ binary: false, payload: Buffer.from(text, 'utf8') });
  }

  /** Sends JSON text after checking that it parses; nothing is sent when it does not. */
  sendJson(text: string): number {
    try {
      JSON.parse(text);
    } catch (err) {
      throw new SessionError(`Not sent: the message is not valid JSON (${err instanceof Error ? err.message : String(err)}).`);
    }
    return this.sendText(text);
  }

  sendBinary(bytes: Uint8Array): number {
    return this.send({ binary: true, payload: Buffer.from(bytes) });
  }

  /** Sends a message; returns its payload size. The sent event is logged when its frames reach the socket. */
  send(message: OutgoingMessage): number {
    const attempt = this.requireOpen('send a message');
    attempt.pendingSends.push(message);
    attempt.socket.send(message.payload, { binary: message.binary }, (error) => {
      if (error) this.onSendFailed(attempt, message, error);
    });
    if (attempt.outgoingDecoderFailed) this.drainSendsWithoutWire(attempt);
    return message.payload.length;
  }

  /** Sends a ping (RFC 6455 section 5.5.2) with an optional payload of at most 125 bytes. */
  ping(payload: Uint8Array = Buffer.alloc(0)): void {
    if (payload.length > MAX_CONTROL_PAYLOAD_BYTES) {
      throw new SessionError(`A ping payload can be at most ${MAX_CONTROL_PAYLOAD_BYTES} bytes (RFC 6455 section 5.5); this one is ${payload.length} bytes.`);
    }
    const attempt = this.requireOpen('send a ping');
    attempt.socket.ping(Buffer.from(payload));
  }

  /** Starts the closing handshake (RFC 6455 section 7.1.2); the code and reason are checked first. */
  close(code = CLOSE_NORMAL, reason = ''): void {
    const problem = checkCloseToSend(code, reason);
    if (problem) throw new SessionError(problem);
    this.userClosed = true;
    this.cancelPendingReconnect();
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const attempt = this.attempt;
    if (!attempt || attempt.socket.readyState === READY_STATE.CLOSED) {
      if (this.currentState === 'reconnecting') {
        this.record({ kind: 'info', direction: 'local', message: 'Reconnecting cancelled' });
        this.setState('closed');
      }
      return;
    }
    if (attempt.socket.readyState === READY_STATE.CONNECTING) {
      attempt.lastCause = 'connection attempt cancelled';
      attempt.socket.terminate();
      return;
    }
    if (attempt.socket.readyState === READY_STATE.CLOSING) return;
    this.setState('closing');
    attempt.socket.close(code, reason);
    // ws drops the socket 30 s after a close nobody answers; an inspector should not wait that long.
    const closeTimeoutMs = this.options.closeTimeoutMs ?? CLOSE_TIMEOUT_MS;
    const timer = setTimeout(() => {
      attempt.lastCause = `the server did not answer the close frame within ${closeTimeoutMs} ms`;
      this.record({ kind: 'error', direction: 'local', message: `The server did not answer the close frame within ${closeTimeoutMs} ms (RFC 6455 section 7.1.1 expects it to); dropping the connection.` });
      attempt.socket.terminate();
    }, closeTimeoutMs);
    timer.unref();
    attempt.timers.add(timer);
  }

  /**
   * Closes with 1001 "going away", stops reconnecting and keep-alive, and releases the log's spill
   * file. A handshake in flight is let finish so that the server gets the close frame too (before
   * the upgrade there is no WebSocket connection to close, RFC 6455 section 4.1). A peer that has
   * not finished by `graceMs` is dropped. Resolves once the socket is closed, every timer of the
   * session is stopped and the spill file is deleted; calling it again returns the same promise.
   */
  dispose(graceMs = DISPOSE_GRACE_MS): Promise<void> {
    if (this.released) return this.released;
    this.disposed = true;
    this.userClosed = true;
    this.cancelPendingReconnect();
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const attempt = this.attempt;
    this.released = new Promise<void>((resolve) => {
      const done = (): void => {
        attempt?.clearTimers();
        this.store.dispose();
        resolve();
      };
      if (!attempt || attempt.socket.readyState === READY_STATE.CLOSED) {
        if (this.currentState === 'reconnecting') {
          this.record({ kind: 'info', direction: 'local', message: 'Reconnecting cancelled: the inspector closed' });
          this.setState('closed');
        }
        done();
        return;
      }
      attempt.socket.once('close', done);
      // Before the tunnel there is no server to say goodbye to: a CONNECT the proxy has not answered is dropped now.
      attempt.cancelProxyConnect();
      if (attempt.socket.readyState === READY_STATE.OPEN) {
        this.setState('closing');
        attempt.socket.close(CLOSE_GOING_AWAY, GOING_AWAY_REASON);
      }
      // CONNECTING: the 'open' handler sends the close frame as soon as the upgrade completes.
      // Never hold the extension host open for a peer that does not answer.
      const timer = setTimeout(() => {
        attempt.lastCause ??= `the inspector closed and the server had not ${attempt.opened ? 'answered the close frame' : 'completed the handshake'} within ${graceMs} ms`;
        attempt.socket.terminate();
      }, graceMs);
      timer.unref();
      attempt.timers.add(timer);
    });
    return this.released;
  }

  private cancelPendingReconnect(): void {
    const pending = this.pendingReconnect;
    if (!pending) return;
    pending.socket.off('close', pending.listener);
    this.pendingReconnect = undefined;
  }

  // ---- connection attempts -------------------------------------------------------------------

  private startAttempt(): void {
    this.setState(this.reconnectAttempts > 0 ? 'reconnecting' : 'connecting');
    const first: HopRequest = {
      url: new URL(this.url),
      headers: { ...this.options.headers },
      ...(this.options.origin !== undefined ? { origin: this.options.origin } : {}),
      clientCertificate: this.options.tls?.cert !== undefined,
    };
    const redirects = new RedirectChain(first, {
      policy: this.options.followRedirects ?? 'never',
      maxRedirects: this.options.maxRedirects,
      holdsSecret: (value) => this.mask.redact(value) !== value,
      fromVariable: (name) => this.options.headersFromVariables?.some((h) => h.toLowerCase() === name.toLowerCase()) ?? false,
      show: (url) => this.shownUrl(url),
    });
    const giveUp = new AbortController();
    const startedAt = performance.now();
    const handshakeTimeoutMs = this.options.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    let attempt: Attempt | undefined;
    const socket = this.openHop(first, 0, () => attempt!, giveUp.signal, remainingMs(startedAt, handshakeTimeoutMs), (proxyReason) => `Connecting to ${this.displayUrl} (${proxyReason})`);
    if (!socket) {
      this.setState('closed');
      return;
    }
    const created = new Attempt(socket, redirects, giveUp, startedAt, handshakeTimeoutMs);
    attempt = created;
    this.attempt = created;
    this.listen(created, socket);
    created.armDeadline(() => this.onHandshakeDeadline(created));
  }

  /** The handshake did not complete in handshakeTimeoutMs: the attempt ends, whichever step it was at. */
  private onHandshakeDeadline(attempt: Attempt): void {
    attempt.handshakeExpired = true;
    const ms = attempt.handshakeTimeoutMs;
    if (attempt.upgradeRefused) {
      // Still reading the refused upgrade's body: the refusal is logged with what arrived.
      attempt.lastCause ??= `the refused upgrade's body did not end within ${ms} ms`;
    } else {
      attempt.lastCause = 'handshake timeout';
      this.record({
        kind: 'error',
        direction: 'local',
        message: `The server did not complete the opening handshake in time: no 101 answer within ${ms} ms of the attempt's start ("handshakeTimeoutMs" counts connecting, the proxy, TLS, the request and every redirect). Raise "handshakeTimeoutMs" in the profile if the server is slow.`,
      });
    }
    attempt.socket.terminate();
    attempt.cancelProxyConnect();
  }

  /**
   * Opens the socket of one hop, with the proxy chosen for its URL and, for wss:// only, TLS with
   * the profile's TLS options. Logs `describe` first; on failure logs why and returns undefined.
   */
  private openHop(hop: HopRequest, index: number, getAttempt: () => Attempt, signal: AbortSignal, timeLeftMs: number, describe: (proxyReason: string) => string): WebSocket | undefined {
    let proxyUrl: URL | undefined;
    try {
      const choice = chooseProxy(hop.url, this.options.proxy ?? {});
      proxyUrl = choice.url;
      this.record({ kind: 'info', direction: 'local', message: describe(choice.reason) });
    } catch (err) {
      this.record({ kind: 'error', direction: 'local', message: err instanceof Error ? err.message : String(err) });
      return undefined;
    }
    try {
      return this.createSocket(hop, proxyUrl, index, getAttempt, signal, timeLeftMs);
    } catch (err) {
      // ws builds the HTTP request synchronously; Node refuses, for example, header values with
      // characters above U+00FF. That must be an event, not an exception out of connect().
      this.record({ kind: 'error', direction: 'local', message: `Could not start the connection: ${err instanceof Error ? err.message : String(err)}` });
      return undefined;
    }
  }

  private createSocket(hop: HopRequest, proxyUrl: URL | undefined, index: number, getAttempt: () => Attempt, signal: AbortSignal, timeLeftMs: number): WebSocket {
    const secure = hop.url.protocol === 'wss:';
    const tlsOptions = this.options.tls ?? {};
    return new (loadWs())(hop.url.href, this.options.subprotocols ? [...this.options.subprotocols] : [], {
      headers: { ...hop.headers },
      origin: hop.origin,
      perMessageDeflate: this.options.perMessageDeflate ?? true,
      // No handshakeTimeout for ws: it is the socket's idle timeout, which every byte restarts.
      // The attempt's deadline (armDeadline) bounds the whole handshake instead.
      maxPayload: this.options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      // ws would follow redirects with the first hop's transport and, once anyone listens for them,
      // with every header; each hop is a socket of its own instead (followRedirect).
      followRedirects: false,
      ...(secure
        ? {
            rejectUnauthorized: tlsOptions.rejectUnauthorized ?? true,
            ca: tlsOptions.ca,
            ...(hop.clientCertificate ? { cert: tlsOptions.cert, key: tlsOptions.key, passphrase: tlsOptions.passphrase } : {}),
          }
        : {}),
      createConnection: connectionFactory({
        secure,
        proxy: proxyUrl,
        proxyTimeoutMs: timeLeftMs,
        signal,
        onConnection: () => this.tapFor(getAttempt, index),
      }) as unknown as WebSocket.ClientOptions['createConnection'],
    });
  }

  /** Listens to the socket of one hop; once a redirect has replaced it, its events are ignored. */
  private listen(attempt: Attempt, socket: WebSocket): void {
    const current = (): boolean => attempt.socket === socket;
    socket.on('open', () => {
      if (current()) this.onOpen(attempt, socket);
    });
    socket.on('message', (data, isBinary) => this.onMessage(attempt, toBuffer(data), isBinary));
    socket.on('pong', (data) => {
      // Normally the incoming decoder matches pongs to pings; once it has failed, ws's event has to.
      if (attempt.incomingDecoderFailed) attempt.pingsInFlight.delete(data.toString('hex'));
    });
    socket.on('unexpected-response', (_request, response) => {
      if (current()) this.onUnexpectedResponse(attempt, socket, response);
    });
    socket.on('error', (error: Error & { code?: string }) => {
      if (!current()) return;
      if ((attempt.upgradeRefused || attempt.handshakeExpired) && /closed before the connection was established/.test(error.message)) {
        return; // the refusal or the deadline already said why
      }
      const explained = explainConnectionError(error, this.shownUrl(socket.url));
      attempt.lastCause ??= explained.cause;
      this.failPendingIncoming(attempt, explained.message);
      this.record({ kind: 'error', direction: 'local', message: explained.message });
    });
    socket.on('close', (code, reasonBytes) => {
      if (!current()) return;
      // ws gave up on this attempt (closed, terminated, failed): a CONNECT still waiting for the proxy goes too.
      attempt.cancelProxyConnect();
      this.onClose(attempt, code, reasonBytes.toString('utf8'));
    });
  }

  private onOpen(attempt: Attempt, socket: WebSocket): void {
    attempt.opened = true;
    attempt.clearDeadline();
    if (this.disposed) {
      // dispose() came during the handshake: the server still gets its 1001, and nothing else starts.
      this.record({ kind: 'open', direction: 'local', message: `Connected to ${this.shownUrl(socket.url)} after the inspector closed; closing with ${CLOSE_GOING_AWAY}` });
      this.setState('closing');
      socket.close(CLOSE_GOING_AWAY, GOING_AWAY_REASON);
      return;
    }
    const stable = setTimeout(() => {
      attempt.timers.delete(stable);
      this.reconnectAttempts = 0;
    }, STABLE_CONNECTION_MS);
    attempt.timers.add(stable);
    this.negotiatedInfo = { subprotocol: socket.protocol, extensions: socket.extensions };
    const protocol = socket.protocol ? `, subprotocol "${socket.protocol}"` : '';
    const extensions = socket.extensions ? `, extensions ${socket.extensions}` : '';
    this.record({ kind: 'open', direction: 'local', message: `Connected to ${this.shownUrl(socket.url)}${protocol}${extensions}` });
    this.setState('open');
    this.startKeepAlive(attempt);
    void this.sendOnOpen(attempt);
  }

  /** An answer other than 101: a redirect to follow or refuse (redirectPolicy.ts), or a refusal logged with its body. */
  private onUnexpectedResponse(attempt: Attempt, socket: WebSocket, response: IncomingMessage): void {
    // A session being closed follows nowhere: the answer is logged as the refusal it is.
    const decision: RedirectDecision = this.userClosed || this.disposed ? { kind: 'not-a-redirect' } : attempt.redirects.next(response.statusCode ?? 0, response.headers.location);
    switch (decision.kind) {
      case 'follow':
        this.followRedirect(attempt, socket, decision);
        return;
      case 'refuse':
        attempt.upgradeRefused = true;
        attempt.lastCause = decision.cause;
        this.record({ kind: 'error', direction: 'local', message: decision.message });
        socket.terminate();
        return;
      case 'not-followed':
      case 'not-a-redirect':
        attempt.upgradeRefused = true;
        void this.recordRefusedUpgrade(response, decision.kind === 'not-followed' ? decision.hint : undefined).finally(() => socket.terminate());
        return;
      default: {
        const unhandled: never = decision;
        throw new Error(`unknown redirect decision ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** Starts the next hop of the attempt on a socket of its own, then drops the one that was redirected. */
  private followRedirect(attempt: Attempt, previous: WebSocket, decision: Extract<RedirectDecision, { kind: 'follow' }>): void {
    const { hop } = decision;
    const transport = hop.url.protocol === 'wss:' ? 'TLS' : 'plain TCP (no TLS)';
    const where = decision.crossOrigin ? ', another origin' : '';
    const dropped = decision.dropped.length > 0 ? `. Not sent to it: ${decision.dropped.join(', ')}` : '';
    const describe = (proxyReason: string): string =>
      `Following the redirect to ${this.shownUrl(hop.url.href)} over ${transport} (redirect ${decision.count} of at most ${decision.max}${where}; ${proxyReason})${dropped}`;
    const next = this.openHop(hop, attempt.hop + 1, () => attempt, attempt.signal, attempt.remainingMs(), describe);
    if (!next) {
      // Whatever stopped this hop would stop it again: the attempt ends without reconnecting.
      attempt.upgradeRefused = true;
      attempt.lastCause ??= 'the redirect could not be followed';
      previous.terminate();
      return;
    }
    attempt.nextHop(next);
    this.listen(attempt, next);
    previous.terminate();
  }

  /** The byte tap of one TCP connection (there is one per redirect hop; `hop` counts them). */
  private tapFor(getAttempt: () => Attempt, hop: number): ByteTap {
    const readBudget = this.options.readBudget ?? sharedReadBudget;
    return handshakeTap({
      record: (event) => this.record(event),
      startFrames: (perMessageDeflate) => {
        const attempt = getAttempt();
        const outgoing = new WireDecoder({
          direction: 'client-to-server',
          onMessage: (message) => this.onOutgoingFrame(attempt, message),
          onError: (error) => this.onDecodeError(attempt, 'sent', error),
        });
        const incoming = new WireDecoder({
          direction: 'server-to-client',
          onMessage: (message) => this.onIncomingFrame(attempt, message),
          onSingleFrameMessage: (kind, compressed, payloadLength, streamOffset, maskKey) => attempt.queue.pushSingleFrame(kind, compressed, payloadLength, streamOffset, maskKey),
          onError: (error) => this.onDecodeError(attempt, 'received', error),
        });
        outgoing.setPerMessageDeflate(perMessageDeflate);
        incoming.setPerMessageDeflate(perMessageDeflate);
        return { outgoing, incoming };
      },
      beforeIncomingFrames: () => readBudget.admit(getAttempt().socket),
      ended: (error) => {
        const attempt = getAttempt();
        // A hop a redirect replaced was dropped on purpose: its end is not the attempt's.
        if (error && attempt.hop === hop) attempt.lastCause ??= explainConnectionError(error, this.displayUrl).cause;
      },
    });
  }

  // ---- frames and messages ------------------------------------------------------------------

  private onIncomingFrame(attempt: Attempt, message: WireMessage): void {
    if (message.kind === 'text' || message.kind === 'binary') {
      attempt.queue.push({ wire: message });
      return;
    }
    const payload = message.payload ?? Buffer.alloc(0);
    let event: UnstampedEvent;
    if (message.kind === 'close') {
      if (!attempt.closeFrameSent) attempt.closeInitiatedBy = 'server';
      attempt.closeFrameReceived = true;
      if (this.currentState === 'open') this.setState('closing');
      event = { kind: 'close', direction: 'received', payload, wire: message, message: describeCloseFrame(payload) };
    } else if (message.kind === 'pong') {
      const sentAt = attempt.pingsInFlight.get(payload.toString('hex'));
      attempt.pingsInFlight.delete(payload.toString('hex'));
      const rttMs = sentAt === undefined ? undefined : this.elapsedMs() - sentAt;
      event = { kind: 'pong', direction: 'received', payload, wire: message, ...(rttMs !== undefined ? { rttMs: Math.round(rttMs * 1000) / 1000 } : {}) };
    } else {
      event = { kind: 'ping', direction: 'received', payload, wire: message };
    }
    this.enqueue(attempt, event);
  }

  private onMessage(attempt: Attempt, payload: Buffer, isBinary: boolean): void {
    const kind = isBinary ? 'binary' : 'text';
    const queue = attempt.queue;
    const pending = queue.firstPending();
    if (pending < 0) {
      // The decoder is off for this direction (it failed earlier): log from ws alone.
      this.record({ kind, direction: 'received', payload });
      return;
    }
    if (pending === 0 && queue.singleFrameKindAt(0) === kind) {
      // The common case, every message of a flood: the first item, one plain frame. Logged from its numbers, with no object made.
      // The item leaves the queue even if storing it threw: left at the head, every later payload would be paired with this frame.
      try {
        this.recordSingleFrame(queue, kind, payload);
      } finally {
        queue.shift();
      }
    } else {
      queue.complete(pending, { kind, direction: 'received', payload, wire: queue.wireAt(pending) });
    }
    this.drainQueue(attempt);
  }

  /** Logs a complete event, after whatever the tap saw before it. */
  private enqueue(attempt: Attempt, event: UnstampedEvent): void {
    if (attempt.queue.length === 0) {
      this.record(event);
      return;
    }
    attempt.queue.push({ wire: event.wire, event });
    this.drainQueue(attempt);
  }

  /** Logs items from the head of the queue for as long as they are complete. */
  private drainQueue(attempt: Attempt): void {
    const queue = attempt.queue;
    while (queue.length > 0) {
      const event = queue.eventAt(0);
      if (!event) return;
      queue.shift();
      this.record(event);
    }
  }

  /** ws rejected a message it was assembling (invalid UTF-8, too big...): it will never arrive, so log why in its place. */
  private failPendingIncoming(attempt: Attempt, why: string): void {
    const queue = attempt.queue;
    for (let index = 0; index < queue.length; index++) {
      if (queue.eventAt(index)) continue;
      const wire = queue.wireAt(index);
      queue.complete(index, { kind: 'error', direction: 'received', wire, message: `A ${wire?.kind ?? 'data'} message was not delivered: ${why}` });
    }
    this.drainQueue(attempt);
  }

  private onOutgoingFrame(attempt: Attempt, message: WireMessage): void {
    switch (message.kind) {
      case 'text':
      case 'binary': {
        const sent = attempt.pendingSends.shift();
        if (!sent) {
          this.enqueue(attempt, { kind: message.kind, direction: 'sent', wire: message, message: 'sent by ws without a matching send() call' });
          return;
        }
        this.enqueue(attempt, { kind: sent.binary ? 'binary' : 'text', direction: 'sent', payload: sent.payload, wire: message });
        return;
      }
      case 'ping': {
        const payload = message.payload ?? Buffer.alloc(0);
        attempt.pingsInFlight.set(payload.toString('hex'), this.elapsedMs());
        this.enqueue(attempt, { kind: 'ping', direction: 'sent', payload, wire: message });
        return;
      }
      case 'pong':
        // The inspector never sends pongs of its own: every one is ws answering a ping (RFC 6455 section 5.5.3).
        this.enqueue(attempt, { kind: 'pong', direction: 'sent', payload: message.payload ?? Buffer.alloc(0), wire: message, automatic: true, message: 'automatic reply to a ping' });
        return;
      case 'close': {
        const payload = message.payload ?? Buffer.alloc(0);
        if (!attempt.closeFrameReceived) attempt.closeInitiatedBy = 'client';
        attempt.closeFrameSent = true;
        this.enqueue(attempt, { kind: 'close', direction: 'sent', payload, wire: message, message: describeCloseFrame(payload) });
        return;
      }
      default: {
        const unhandled: never = message.kind;
        this.enqueue(attempt, { kind: 'info', direction: 'sent', message: `unknown frame kind ${String(unhandled)}` });
      }
    }
  }

  private onDecodeError(attempt: Attempt, direction: 'sent' | 'received', error: WireDecodeError): void {
    if (direction === 'sent') {
      attempt.outgoingDecoderFailed = true;
      this.drainSendsWithoutWire(attempt);
    } else {
      attempt.incomingDecoderFailed = true;
    }
    const who = direction === 'received' ? 'The server sent' : 'The client sent';
    this.record({
      kind: 'error',
      direction,
      closeCode: error.closeCode,
      ...(error.frame ? { frame: error.frame } : {}),
      message: `${who} an invalid frame at byte ${error.streamOffset} of the stream: ${error.message} (a conforming endpoint closes with ${error.closeCode}). Frame decoding for this direction stops here; the session carries on.`,
    });
    if (direction === 'received') {
      // Items the decoder announced stay in order; anything after the bad frame comes from ws alone.
      this.drainQueue(attempt);
    }
  }

  private drainSendsWithoutWire(attempt: Attempt): void {
    for (const sent of attempt.pendingSends.splice(0)) {
      this.enqueue(attempt, { kind: sent.binary ? 'binary' : 'text', direction: 'sent', payload: sent.payload });
    }
  }

  private onSendFailed(attempt: Attempt, message: OutgoingMessage, error: Error): void {
    const index = attempt.pendingSends.indexOf(message);
    if (index >= 0) attempt.pendingSends.splice(index, 1);
    this.record({ kind: 'error', direction: 'sent', payload: message.payload, message: `A ${message.binary ? 'binary' : 'text'} message of ${message.payload.length} bytes was not sent: ${error.message}` });
  }

  private async sendOnOpen(attempt: Attempt): Promise<void> {
    if (!this.options.onOpen) return;
    try {
      const messages = await this.options.onOpen();
      for (const message of messages) {
        if (this.attempt !== attempt || attempt.socket.readyState !== READY_STATE.OPEN) return;
        this.send(message);
      }
    } catch (err) {
      this.record({ kind: 'error', direction: 'local', message: `The onOpen messages were not sent: ${err instanceof Error ? err.message : String(err)}` });
    }
  }

  // ---- keep-alive and reconnect -------------------------------------------------------------

  private startKeepAlive(attempt: Attempt): void {
    const keepAlive = this.options.keepAlive;
    if (!keepAlive || keepAlive.pingIntervalMs <= 0) return;
    let n = 0;
    const tick = (): void => {
      if (attempt.socket.readyState !== READY_STATE.OPEN) return;
      const payload = Buffer.from(`keepalive ${n++}`);
      const key = payload.toString('hex');
      // Known from the moment it is asked for; the outgoing decoder refines the time when the frame hits the socket.
      attempt.pingsInFlight.set(key, this.elapsedMs());
      attempt.socket.ping(payload);
      const timeout = setTimeout(() => {
        attempt.timers.delete(timeout);
        if (!attempt.pingsInFlight.has(key) || attempt.socket.readyState !== READY_STATE.OPEN) return;
        attempt.lastCause = `no pong within ${keepAlive.pongTimeoutMs} ms`;
        this.record({ kind: 'error', direction: 'local', message: `No pong answered the keep-alive ping within ${keepAlive.pongTimeoutMs} ms ("keepAlive.pongTimeoutMs"); ending the connection.` });
        attempt.socket.terminate();
      }, keepAlive.pongTimeoutMs);
      attempt.timers.add(timeout);
      const next = setTimeout(() => {
        attempt.timers.delete(next);
        tick();
      }, keepAlive.pingIntervalMs);
      attempt.timers.add(next);
    };
    const first = setTimeout(() => {
      attempt.timers.delete(first);
      tick();
    }, keepAlive.pingIntervalMs);
    attempt.timers.add(first);
  }

  private onClose(attempt: Attempt, code: number, reason: string): void {
    attempt.clearTimers();
    this.failPendingIncoming(attempt, 'the connection closed first');
    this.drainSendsWithoutWire(attempt);
    const info = describeCloseCode(code);
    // 1006 is never sent on the wire (RFC 6455 section 7.4.1): the connection ended without a close frame.
    const lastCause = code === CLOSE_ABNORMAL ? (attempt.lastCause ?? 'the TCP connection ended without a close frame') : attempt.lastCause;
    // The cause may quote an error from ws or Node with a URL in it; the details pane shows it as it is.
    const cause = lastCause?.includes('@') ? hideUrlCredentials(this.mask.redact(lastCause)) : lastCause;
    const close: CloseDetails = {
      code,
      reason,
      initiatedBy: attempt.closeInitiatedBy,
      clean: attempt.closeFrameSent && attempt.closeFrameReceived,
      meaning: info.meaning,
      ...(cause ? { cause } : {}),
    };
    const who = close.initiatedBy === 'none' ? 'no close frame' : `closed by the ${close.initiatedBy}`;
    this.record({
      kind: 'close',
      direction: 'local',
      close,
      message: `Connection closed: ${code} ${info.name}${reason ? ` "${reason}"` : ''} (${who}, ${close.clean ? 'clean' : 'not clean'}${cause ? `, ${cause}` : ''})`,
    });
    if (this.attempt !== attempt) return;
    if (this.shouldReconnect(attempt)) {
      this.scheduleReconnect();
    } else {
      this.setState('closed');
    }
  }

  private shouldReconnect(attempt: Attempt): boolean {
    const reconnect = this.reconnectOptions;
    if (!reconnect?.enabled || this.userClosed || this.disposed || attempt.upgradeRefused) return false;
    return this.reconnectAttempts < reconnect.maxAttempts;
  }

  private scheduleReconnect(): void {
    const reconnect = this.reconnectOptions!;
    this.reconnectAttempts++;
    const delay = reconnectDelayMs(reconnect, this.reconnectAttempts, Math.random());
    this.setState('reconnecting');
    this.record({ kind: 'reconnect', direction: 'local', message: `Reconnecting in ${delay} ms (attempt ${this.reconnectAttempts} of ${reconnect.maxAttempts})` });
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.userClosed && !this.disposed) this.startAttempt();
    }, delay);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private requireOpen(action: string): Attempt {
    const attempt = this.attempt;
    if (!attempt || this.currentState !== 'open' || attempt.socket.readyState !== READY_STATE.OPEN) {
      throw new SessionError(`Cannot ${action}: the connection is ${this.currentState}.`);
    }
    return attempt;
  }

  /** Logs a refused upgrade with the first bytes of its body; `hint` says more about it (a redirect not followed). */
  private async recordRefusedUpgrade(response: IncomingMessage, hint: string | undefined): Promise<void> {
    const body = await readRefusedBody(response);
    const status = `HTTP ${response.statusCode} ${response.statusMessage ?? ''}`.trim();
    this.record({
      kind: 'error',
      direction: 'received',
      payload: body.bytes,
      message: `The server refused the WebSocket upgrade with ${status}${refusedBodyPreview(body, (text) => this.mask.redact(text))}${hint ? `; ${hint}` : ''}${describeRefusedBody(body)}`,
    });
  }

  /**
   * A URL as it may be shown: resolved secrets replaced by their variable first (a secret that is the
   * whole URL goes whole, user info and all), then a password that is left by "•••".
   */
  private shownUrl(url: string): string {
    const masked = hideQueryCredentials(this.mask.redact(url), HIDDEN_CREDENTIAL);
    // A URL with a variable in it no longer parses as meant; its user info is found in the text instead.
    return masked === url ? displayUrlString(url) : hideUrlCredentials(masked);
  }

  /** Monotonic milliseconds since the session started (ping round trips are measured on this clock). */
  private elapsedMs(): number {
    return performance.now() - this.startedAt;
  }

  /**
   * Logs the first item of `queue`, an incoming data message of one plain frame, with its payload:
   * what record() would log for it with its wire message, through one event object filled anew for
   * every message (the store copies it; see SingleFrameEvent).
   */
  private recordSingleFrame(queue: ReorderQueue, kind: 'text' | 'binary', payload: Buffer): void {
    const event = this.singleFrameEvent;
    event.kind = kind;
    event.monoUs = this.monoUs();
    event.wallMs = Date.now();
    event.payload = payload;
    event.compressed = queue.compressedAt(0);
    event.wireBytes = queue.wireBytesAt(0);
    event.maskKey = queue.maskKeyAt(0);
    event.streamOffset = queue.streamOffsetAt(0);
    this.store.appendSingleFrame(event);
    // Not kept past the call: the store has the bytes.
    event.payload = NO_PAYLOAD;
  }

  /**
   * Whole monotonic microseconds since the session started: the log's clock. From performance.now()
   * (the same monotonic clock, in fractional milliseconds) because process.hrtime.bigint() and the
   * arithmetic on it allocated three BigInts for every message.
   */
  private monoUs(): number {
    return Math.floor(this.elapsedMs() * 1000);
  }

  private record(event: UnstampedEvent): void {
    const monoUs = this.monoUs();
    // The session's own sentences may quote a URL (the endpoint, a redirect's target, an error from
    // Node or ws): a password in one is hidden before it is kept. Data messages carry no sentence.
    const message = event.message;
    const shown = message !== undefined && message.includes('@') ? { message: hideUrlCredentials(this.mask.redact(message)) } : undefined;
    // Object.assign, not a spread: on Node 20 a spread with added properties costs some 2.5 us (measured
    // against 0.1 us), and this runs for every message of a flood.
    this.store.append(Object.assign({}, event, { monoUs, wallMs: Date.now() }, shown));
  }

  private setState(state: SessionState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    // Memory for the events to come is paged in while the connection is open, and let go once it is closed.
    if (state === 'open') this.store.warmUp();
    if (state === 'closed') this.store.releaseSpares();
    for (const listener of this.stateListeners) listener(state);
  }
}

/** "4000 bye" from a close frame's payload (RFC 6455 section 5.5.1: 2-byte code, then UTF-8 reason). */
function toBuffer(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
