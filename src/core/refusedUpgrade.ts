/**
 * The body of a refused upgrade (any answer but 101): kept for the log up to a limit, because a
 * server's error page often says why. The server decides how long the body is, so reading stops
 * at the limit and the caller drops the connection; it never waits for the rest.
 */
import type { IncomingMessage } from 'node:http';

/** Bytes of a refused upgrade's body that are read and kept; nothing after them is read. */
export const REFUSED_BODY_LIMIT = 64 * 1024;

export interface RefusedBody {
  /** The first bytes of the body, at most the limit. */
  readonly bytes: Buffer;
  /**
   * How the reading ended: the body ended ('complete'), more arrived than the limit ('cut'), or
   * the connection ended or failed before the body did ('interrupted', with `error` when it failed).
   */
  readonly end: 'complete' | 'cut' | 'interrupted';
  readonly error?: string;
}

/** Reads `response` until it ends or holds more than `limit` bytes, whichever comes first. */
export async function readRefusedBody(response: IncomingMessage, limit = REFUSED_BODY_LIMIT): Promise<RefusedBody> {
  const chunks: Buffer[] = [];
  let kept = 0;
  try {
    for await (const chunk of response as AsyncIterable<Buffer>) {
      const slice = chunk.subarray(0, limit - kept);
      chunks.push(slice);
      kept += slice.length;
      // Leaving the loop destroys the response; the caller drops the socket.
      if (slice.length < chunk.length) return { bytes: Buffer.concat(chunks), end: 'cut' };
    }
  } catch (err) {
    // A response dropped while it is read (the deadline, the session closed) ends the iteration with "aborted".
    const message = err instanceof Error ? err.message : String(err);
    return { bytes: Buffer.concat(chunks), end: 'interrupted', ...(/aborted|premature close/i.test(message) ? {} : { error: message }) };
  }
  return { bytes: Buffer.concat(chunks), end: response.complete ? 'complete' : 'interrupted' };
}

/** The note added to the refusal's log line about how much of the body is there. */
export function describeRefusedBody(body: RefusedBody, limit = REFUSED_BODY_LIMIT): string {
  switch (body.end) {
    case 'complete':
      return '';
    case 'cut':
      return ` (the body is cut at ${limit} bytes: the rest was not read, and the connection was dropped)`;
    case 'interrupted':
      return ` (the connection ended after ${body.bytes.length} bytes of the body, before the body did${body.error ? `: ${body.error}` : ''})`;
    default: {
      const unhandled: never = body.end;
      return String(unhandled);
    }
  }
}
