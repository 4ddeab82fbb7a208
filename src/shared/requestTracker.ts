/**
 * Request/reply bookkeeping for the host<->webview channel. Every request carries an id, every
 * reply names the id it answers, and a request that gets no reply is rejected after a timeout
 * (postMessage has no delivery guarantee: a hidden or reloaded webview simply never answers).
 */

/** Timers are injected because this file runs both in Node and in the browser and may use neither's globals. */
export interface TimerApi {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** A request on the wire. */
export interface RequestEnvelope<M extends string = string, P = unknown> {
  readonly type: 'request';
  readonly id: number;
  readonly method: M;
  readonly params: P;
}

/** A reply on the wire: exactly one of `result` or `error`. */
export type ReplyEnvelope =
  | { readonly type: 'reply'; readonly inReplyTo: number; readonly ok: true; readonly result: unknown }
  | { readonly type: 'reply'; readonly inReplyTo: number; readonly ok: false; readonly error: string };

/** A map of method name -> parameter and result types; one per direction of the channel. */
export type MethodTable = Record<string, { params: unknown; result: unknown }>;

/** Raised when a request is not answered in time, fails on the other side, or its channel is closed. */
export class RequestError extends Error {
  constructor(
    message: string,
    /** timeout: no reply in time; failed: the other side answered with an error; closed: the channel went away. */
    readonly kind: 'timeout' | 'failed' | 'closed',
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

interface Pending {
  readonly method: string;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: unknown;
}

export class RequestTracker<Methods extends MethodTable> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedReason: string | undefined;

  constructor(
    private readonly post: (request: RequestEnvelope<Extract<keyof Methods, string>>) => void,
    private readonly timers: TimerApi,
    private readonly timeoutMs: number,
  ) {}

  /** Sends a request and resolves with the peer's result, or rejects with its error or on timeout. */
  request<K extends Extract<keyof Methods, string>>(method: K, params: Methods[K]['params'], timeoutMs: number = this.timeoutMs): Promise<Methods[K]['result']> {
    if (this.closedReason !== undefined) {
      return Promise.reject(new RequestError(`Cannot send "${method}": ${this.closedReason}`, 'closed'));
    }
    const id = this.nextId++;
    return new Promise<Methods[K]['result']>((resolve, reject) => {
      const timer = this.timers.setTimeout(() => {
        this.pending.delete(id);
        reject(new RequestError(`"${method}" got no reply within ${timeoutMs} ms (the other side may be hidden, reloading or closed)`, 'timeout'));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (value: unknown) => void, reject, timer });
      try {
        this.post({ type: 'request', id, method, params });
      } catch (err) {
        this.settle({ type: 'reply', inReplyTo: id, ok: false, error: `could not post "${method}": ${String(err)}` });
      }
    });
  }

  /** Settles the request a reply answers; returns false for a reply to no pending request (late or duplicate). */
  settle(reply: ReplyEnvelope): boolean {
    const entry = this.pending.get(reply.inReplyTo);
    if (!entry) {
      return false;
    }
    this.pending.delete(reply.inReplyTo);
    this.timers.clearTimeout(entry.timer);
    if (reply.ok) {
      entry.resolve(reply.result);
    } else {
      entry.reject(new RequestError(`"${entry.method}" failed: ${reply.error}`, 'failed'));
    }
    return true;
  }

  /** Number of requests still waiting for a reply. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Rejects everything pending and refuses new requests; used when the channel goes away. */
  close(reason: string): void {
    this.closedReason = reason;
    for (const [id, entry] of this.pending) {
      this.timers.clearTimeout(entry.timer);
      entry.reject(new RequestError(`"${entry.method}" abandoned: ${reason}`, 'closed'));
      this.pending.delete(id);
    }
  }
}

/**
 * Runs a handler for an incoming request and turns its outcome into a reply, so a throwing
 * handler becomes an error reply instead of a request that silently times out.
 */
export async function answerRequest<Methods extends MethodTable>(
  request: RequestEnvelope,
  handlers: { [K in keyof Methods]: (params: Methods[K]['params']) => Methods[K]['result'] | Promise<Methods[K]['result']> },
): Promise<ReplyEnvelope> {
  const handler = (handlers as Record<string, ((params: unknown) => unknown) | undefined>)[request.method];
  if (typeof handler !== 'function' || !Object.prototype.hasOwnProperty.call(handlers, request.method)) {
    return { type: 'reply', inReplyTo: request.id, ok: false, error: `unknown method "${request.method}"` };
  }
  try {
    const result = await handler(request.params);
    return { type: 'reply', inReplyTo: request.id, ok: true, result };
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { type: 'reply', inReplyTo: request.id, ok: false, error: message };
  }
}
