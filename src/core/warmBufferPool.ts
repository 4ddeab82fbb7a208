/**
 * Zero-filled buffers paged in ahead of use, for the event store's payload slabs and column
 * segments.
 *
 * The first write to each page of a new buffer is a page fault; on a virtual machine whose free
 * memory goes back to the host, one fault can take milliseconds, and a flood writes into fresh
 * pages all the time. Measured with 50 sessions of 1,000 messages/s each (the load test of
 * `npm run stress`): the extension host stalled for hundreds of milliseconds inside those faults,
 * mostly when every session started a new slab at about the same moment, and commands waited
 * behind them. So a store asks for its next buffer while its current one is half used, and the
 * pool pages the buffers it was asked for in, a few pages per turn of the event loop, so no turn
 * pays for many faults. A buffer taken before it is warm is simply used as it is (its remaining
 * pages fault as they would have). Nothing is scheduled while nothing is warming: an idle extension
 * does no work here.
 */

/** Pages touched per turn of the event loop, at most (for every buffer warming, whatever its size). */
const PAGES_PER_TURN = 32;
const PAGE_BYTES = 4096;

/** A buffer being paged in; `take()` ends the warming and hands it over. */
export interface WarmingBuffer {
  take(): Buffer;
  /** Stops warming it; the buffer is let go. */
  cancel(): void;
}

interface Job {
  readonly buffer: Buffer;
  next: number;
}

export class WarmBufferPool {
  private readonly queue: Job[] = [];
  private scheduled = false;

  /**
   * A zero-filled buffer of `bytes` (owning its ArrayBuffer) that pages in from now on. It is not
   * allocated zero-filled: once a process has freed a few large buffers, the C allocator serves the
   * next ones from memory it already has and zero-fills them at once (`calloc`), which faults in
   * every page of the buffer in one go (profiled: 99 ms for one 1 MB slab under load). The pool
   * writes the zeros itself, a few pages per turn, and the rest when the buffer is taken early.
   */
  warm(bytes: number): WarmingBuffer {
    const job: Job = { buffer: Buffer.allocUnsafeSlow(bytes), next: 0 };
    this.queue.push(job);
    this.schedule();
    const stop = (): void => {
      const index = this.queue.indexOf(job);
      if (index >= 0) this.queue.splice(index, 1);
    };
    return {
      take: () => {
        stop();
        if (job.next < job.buffer.length) job.buffer.fill(0, job.next);
        job.next = job.buffer.length;
        return job.buffer;
      },
      cancel: stop,
    };
  }

  /** How many buffers are still being paged in (for tests). */
  get warming(): number {
    return this.queue.length;
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => this.touchSome());
  }

  private touchSome(): void {
    this.scheduled = false;
    let pages = PAGES_PER_TURN;
    while (pages > 0 && this.queue.length > 0) {
      const job = this.queue[0];
      // Zero-filling a page brings it into memory.
      for (; pages > 0 && job.next < job.buffer.length; pages--, job.next += PAGE_BYTES) job.buffer.fill(0, job.next, job.next + PAGE_BYTES);
      if (job.next >= job.buffer.length) this.queue.shift();
    }
    this.schedule();
  }
}
