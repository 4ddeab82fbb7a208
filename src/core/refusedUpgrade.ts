/**
 * The body of a refused upgrade (any answer but 101): kept for the log up to a limit, because a
 * server's error page often says why. The server decides how long the body is, so reading stops
 * at the limit and the caller drops the connection; it never waits for the rest.
 */
import type { IncomingMessage } from 'node:http';
import type { RefusedBodyDetails } from '../shared/eventDetails';
import { printableUtf8 } from '../shared/printableText';
import { makePreview } from '../shared/sessionEvent';
import type { SessionEvent } from './storedEvent';

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

/** Characters of the body quoted in the refusal's one-line message; the details show all of it. */
export const REFUSED_BODY_PREVIEW_CHARS = 120;

/**
 * The body in the refusal's message, as ": token missing": its text on one line (control characters
 * as makePreview shows them), bounded, with `redact` applied to the whole text before it is cut so
 * no part of a secret is left at the cut; a body that is not printable text is only counted.
 */
export function refusedBodyPreview(body: RefusedBody, redact: (text: string) => string): string {
  if (body.bytes.length === 0) return '';
  const text = printableUtf8(body.bytes, body.end !== 'complete');
  if (text === undefined) return `: a body of ${body.bytes.length} bytes that is not printable text`;
  const trimmed = redact(text).trim();
  if (trimmed === '') return '';
  const { preview, truncated } = makePreview(trimmed, REFUSED_BODY_PREVIEW_CHARS);
  return `: ${preview}${truncated ? '\u2026' : ''}`;
}

/** Events looked at after a refused response's head for its refusal; in practice it comes next. */
const REFUSAL_LOOKAHEAD = 16;

/**
 * The body of the refusal that answered the handshake response at `seq`, for its details. The body
 * is read after the head is recorded, so it is the payload of the refusal's error (the only
 * error a server's data produces before a 101, hence direction `received`), which follows the head
 * before any next hop starts. Text (masked by `redact`) when it is printable UTF-8, hex otherwise;
 * bytes that hold a secret are shown as masked text even then, never as raw hex.
 */
export function refusedBodyFor(get: (seq: number) => SessionEvent | undefined, seq: number, redact: (text: string) => string): RefusedBodyDetails | undefined {
  const response = get(seq);
  if (response?.kind !== 'handshake-response' || /^HTTP\/\d(\.\d)? 101\b/.test(response.handshake?.startLine ?? '')) return undefined;
  for (let next = seq + 1; next <= seq + REFUSAL_LOOKAHEAD; next++) {
    const event = get(next);
    if (!event || event.kind === 'handshake-request' || event.kind === 'handshake-response') return undefined;
    if (event.kind === 'error' && event.direction === 'received') return bodyDetails(event);
  }
  return undefined;

  function bodyDetails(refusal: SessionEvent): RefusedBodyDetails {
    if (!refusal.payload) return { bytes: refusal.size, dropped: refusal.payloadDropped === true };
    const bytes = refusal.payload;
    const text = printableUtf8(bytes, bytes.length >= REFUSED_BODY_LIMIT);
    if (text !== undefined) return { bytes: bytes.length, text: redact(text) };
    const lossy = bytes.toString('utf8');
    const masked = redact(lossy);
    return masked === lossy ? { bytes: bytes.length, base64: bytes.toString('base64') } : { bytes: bytes.length, text: masked, notText: true };
  }
}
