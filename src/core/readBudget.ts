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
 * receives is admitted here first; once the turn has used its budget, the busy sessions' sockets
 * are paused (`ws` pause: the chunk in hand is still read in full, nothing is dropped, the rest
 * waits in the kernel's buffer) and resumed a few per turn, oldest first (`setImmediate`, after
 * the poll phase), so timers and commands run between the chunks. Every paused socket is resumed
 * within as many turns as there are paused sockets, whatever happens to its session. Nothing is
 * scheduled while no session receives.
 */

/** What the budget needs of a socket: `ws`'s WebSocket pause and resume, which ws's own flow control respects. */
export interface PausableSocket {
  pause(): void;
  resume(): void;
}

/** How long a turn may spend on received bytes before the sockets wait for later turns. */
export const READ_BUDGET_MS = 5;

/**
 * Paused sockets resumed per turn, oldest first. Each may bring one chunk that Node had already
 * read into the socket before the pause took effect (up to 64 KiB), decoded as it resumes.
 */
const RESUMED_PER_TURN = 2;

export class ReadBudget {
  private turnStart = -1;
  private endScheduled = false;
  /** Sockets that delivered bytes in this turn and in the one before: those likely to have more waiting. */
  private active = new Set<PausableSocket>();
  private lastActive = new Set<PausableSocket>();
  /** Paused sockets, in the order they are resumed. */
  private readonly queue: PausableSocket[] = [];
  private readonly queued = new Set<PausableSocket>();

  constructor(private readonly budgetMs = READ_BUDGET_MS) {}

  /**
   * Called as a chunk arrives, before it is decoded: the chunk is always taken. Once this turn has
   * spent its budget, every socket that delivered bytes in this turn or the last one is paused, so
   * the rest of the turn's reads wait instead of being decoded now.
   */
  admit(socket: PausableSocket): void {
    const now = performance.now();
    this.active.add(socket);
    if (this.turnStart < 0) {
      this.turnStart = now;
      this.scheduleEnd();
      return;
    }
    if (now - this.turnStart >= this.budgetMs) {
      this.pause(this.lastActive);
      this.pause(this.active);
    }
  }

  private pause(sockets: Set<PausableSocket>): void {
    for (const socket of sockets) {
      if (this.queued.has(socket)) continue;
      this.queued.add(socket);
      this.queue.push(socket);
      socket.pause();
    }
  }

  private scheduleEnd(): void {
    if (this.endScheduled) return;
    this.endScheduled = true;
    setImmediate(this.endTurn);
  }

  /** Sockets this budget still refers to (for tests: none once traffic has stopped for two turns). */
  get socketsHeld(): number {
    return new Set([...this.active, ...this.lastActive, ...this.queue]).size;
  }

  /**
   * After the poll phase: a few paused sockets go on (round robin), and the next turn resumes more.
   * It runs once more after the last bytes, so that the sockets of the last busy turn are let go:
   * a socket's listeners hold its session and the session's whole log.
   */
  private readonly endTurn = (): void => {
    this.endScheduled = false;
    this.turnStart = -1;
    this.lastActive = this.active;
    this.active = new Set();
    for (let i = 0; i < RESUMED_PER_TURN && this.queue.length > 0; i++) {
      const socket = this.queue.shift()!;
      this.queued.delete(socket);
      socket.resume();
    }
    if (this.queue.length > 0 || this.lastActive.size > 0) this.scheduleEnd();
  };
}

/** The one budget every session shares: it bounds the turn, not a session. */
export const sharedReadBudget = new ReadBudget();
