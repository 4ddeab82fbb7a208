/** Turns a stored event into the bounded row the webview shows. */
import { printableUtf8 } from '../shared/printableText';
import { makeHexPreview, makePreview, type EventRow } from '../shared/sessionEvent';
import type { SessionEvent } from './eventStore';

export function toEventRow(event: SessionEvent): EventRow {
  const size = event.size;
  const { preview, truncated } = event.payloadDropped ? { preview: `(payload dropped at the memory cap; ${size} bytes)`, truncated: false } : previewOf(event);
  return {
    seq: event.seq,
    kind: event.kind,
    direction: event.direction,
    monoUs: event.monoUs,
    wallMs: event.wallMs,
    size,
    preview,
    truncated,
  };
}

function previewOf(event: SessionEvent): { preview: string; truncated: boolean } {
  switch (event.kind) {
    case 'text':
      // Decode only the head: a 100 MB text message must not be decoded whole to show 200 characters.
      return textPreview(event.payload);
    case 'binary':
      return event.payload && event.payload.length > 0 ? makeHexPreview(event.payload) : makePreview(event.message ?? '');
    case 'ping':
    case 'pong':
      // At most 125 bytes (RFC 6455 section 5.5), often a word like "hb-1": text when it reads as text.
      return event.payload && event.payload.length > 0 ? controlPayloadPreview(event.payload) : makePreview(event.message ?? '');
    case 'close':
      // Close frames and the final close event both carry a sentence with the code, its name and the reason.
      return makePreview(event.message ?? (event.close ? `${event.close.code} ${event.close.reason}` : ''));
    case 'handshake-request':
    case 'handshake-response':
      return makePreview(event.handshake?.startLine ?? event.message ?? '');
    case 'open':
    case 'error':
    case 'reconnect':
    case 'info':
      return makePreview(event.message ?? '');
    default: {
      const unhandled: never = event.kind;
      return makePreview(String(unhandled));
    }
  }
}

/** A control frame's payload as printable text (printableText.ts) when it is that, as hex otherwise. */
function controlPayloadPreview(payload: Buffer): { preview: string; truncated: boolean } {
  const text = printableUtf8(payload);
  return text === undefined ? makeHexPreview(payload) : makePreview(text);
}

function textPreview(payload: Buffer | undefined): { preview: string; truncated: boolean } {
  if (!payload) {
    return { preview: '', truncated: false };
  }
  // 4 bytes per code point at most; decoding a little more than needed keeps the cut honest.
  const headBytes = 4 * 256;
  const head = payload.length > headBytes ? payload.subarray(0, headBytes).toString('utf8') : payload.toString('utf8');
  const result = makePreview(head);
  return { preview: result.preview, truncated: result.truncated || payload.length > headBytes };
}
