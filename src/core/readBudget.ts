/**
 * A bound on how long one turn of the event loop spends on received WebSocket bytes, over every
 * session together.
 *
 * Node reads every socket that has data in one phase of the event loop, and keeps reading each
 * until it is empty (up to 32 reads of 64 KiB), before any timer or command gets its turn. With many busy sessions, anything
 * that delays the extension host for a moment (a garbage collection, the machine's other
 * processes) leaves a backlog on every socket, and the next turn then decodes and stores all of
 * it at once: with 50 sessions of 1,000 messages/s, profiles of the load test of `npm run stress`
 * showed turns of 300 ms spent storing messages while a command waited. So each chunk a session
 * receives is admitted here first; once the turn has used its budget, the session's socket is
 * paused (`ws` pause: the chunk in hand is still read in full, nothing is dropped, the rest waits
 * in the kernel's buffer) and resumed when the turn ends (`setImmediate`, after the poll phase),
 * so timers and commands run between the chunks. Every paused socket is resumed at the end of the
 * turn, whatever happens to its session. Nothing is scheduled while no session receives.
 */

/** What the budget needs of a socket: `ws`'s WebSocket pause and resume, which ws's own flow control respects. */
export interface PausableSocket {
  pause(): void;
  resume(): void;
}

/** How long a turn may spend on received bytes before further sockets wait for the next turn. */
export const READ_BUDGET_MS = 5;

export class ReadBudget {
  private turnStart = -1;
  private readonly paused = new Set<PausableSocket>();

  constructor(private readonly budgetMs = READ_BUDGET_MS) {}

  /**
   * Called as a chunk arrives, before it is decoded: the chunk is always taken; the socket is
   * paused until the next turn if this turn has already spent its budget.
   */
  admit(socket: PausableSocket): void {
    const now = performance.now();
    if (this.turnStart < 0) {
      this.turnStart = now;
      setImmediate(this.endTurn);
      return;
    }
    if (now - this.turnStart >= this.budgetMs && !this.paused.has(socket)) {
      this.paused.add(socket);
      socket.pause();
    }
  }

  private readonly endTurn = (): void => {
    this.turnStart = -1;
    const paused = [...this.paused];
    this.paused.clear();
    for (const socket of paused) socket.resume();
  };
}

/** The one budget every session shares: it bounds the turn, not a session. */
export const sharedReadBudget = new ReadBudget();
