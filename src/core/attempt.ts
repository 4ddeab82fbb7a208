/** One connection attempt of a session: its sockets (one per redirect hop), its deadline and its per-connection state. */
import type WebSocket from 'ws';
import type { CloseDetails } from './eventStore';
import type { OutgoingMessage } from './session';
import type { RedirectChain } from './redirectPolicy';
import { ReorderQueue } from './reorderQueue';

/** Everything that belongs to one connection attempt (a reconnect starts a new one). */
export class Attempt {
  /** Frames in the order the tap saw them, both directions: an incoming data message waits there until ws delivers its payload, and everything behind it waits too. */
  readonly queue = new ReorderQueue();
  readonly pendingSends: OutgoingMessage[] = [];
  /** Payload (hex) of our pings still waiting for a pong, with the time they went out. */
  readonly pingsInFlight = new Map<string, number>();
  closeFrameSent = false;
  closeFrameReceived = false;
  closeInitiatedBy: CloseDetails['initiatedBy'] = 'none';
  lastCause: string | undefined;
  /** Set when the decoder of a direction failed: from then on events are logged from ws alone. */
  incomingDecoderFailed = false;
  outgoingDecoderFailed = false;
  upgradeRefused = false;
  opened = false;
  /** The handshake did not complete by the attempt's deadline, and the socket was dropped for it. */
  handshakeExpired = false;
  readonly timers = new Set<NodeJS.Timeout>();
  /** Counts the hops: a byte tap made for an earlier hop no longer speaks for the attempt. */
  hop = 0;
  private currentSocket: WebSocket;
  private deadline: NodeJS.Timeout | undefined;

  constructor(
    socket: WebSocket,
    /** Where the attempt's hops go and what each sends. */
    readonly redirects: RedirectChain,
    /** Aborted once the attempt is given up, so that a proxy CONNECT still waiting is dropped (socketTap's `signal`). */
    private readonly giveUp: AbortController,
    /** performance.now() when the attempt started: the handshake deadline counts from here. */
    private readonly startedAt: number,
    /** How long the whole handshake may take, every hop included ("handshakeTimeoutMs"). */
    readonly handshakeTimeoutMs: number,
  ) {
    this.currentSocket = socket;
  }

  /** The socket of the current hop: after a redirect, the one that replaced it. */
  get socket(): WebSocket {
    return this.currentSocket;
  }

  /** Moves the attempt to the next hop's socket; events of the earlier ones are ignored from now on. */
  nextHop(socket: WebSocket): void {
    this.hop++;
    this.currentSocket = socket;
  }

  /** Aborted once the attempt is given up: every hop's proxy CONNECT listens to it. */
  get signal(): AbortSignal {
    return this.giveUp.signal;
  }

  /** Drops a CONNECT still waiting for the proxy; does nothing once the tunnel is open. */
  cancelProxyConnect(): void {
    this.giveUp.abort();
  }

  /**
   * Calls `onExpire` handshakeTimeoutMs after the attempt started, unless the handshake completed
   * first. One deadline for everything before the 101 (connecting, the proxy's CONNECT, TLS, the
   * request, a refused upgrade's body and every redirect hop), so a peer that trickles its bytes
   * cannot hold the attempt open: a socket's idle timeout would start over at every byte.
   */
  armDeadline(onExpire: () => void): void {
    this.deadline = setTimeout(() => {
      this.deadline = undefined;
      if (!this.opened) onExpire();
    }, this.remainingMs());
  }

  /** Milliseconds left before the deadline, at least 1. */
  remainingMs(): number {
    return remainingMs(this.startedAt, this.handshakeTimeoutMs);
  }

  clearDeadline(): void {
    clearTimeout(this.deadline);
    this.deadline = undefined;
  }

  clearTimers(): void {
    this.clearDeadline();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** Milliseconds left of `timeoutMs` counted from `startedAt` (performance.now()), at least 1: a 0 would mean "no limit" to some callees. */
export function remainingMs(startedAt: number, timeoutMs: number): number {
  return Math.max(1, Math.ceil(startedAt + timeoutMs - performance.now()));
}
