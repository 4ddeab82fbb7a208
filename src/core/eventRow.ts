/** Turns a stored event into the bounded row the webview shows. */
import { makeHexPreview, makePreview, type EventRow } from '../shared/sessionEvent';
import type { SessionEvent } from './eventStore';

export function toEventRow(event: SessionEvent): EventRow {
  const size = event.payload?.length ?? 0;
  const { preview, truncated } = previewOf(event);
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
    case 'ping':
    case 'pong':
      return event.payload && event.payload.length > 0 ? makeHexPreview(event.payload) : makePreview(event.message ?? '');
    case 'close': {
      const close = event.close;
      const text = close ? `${close.code}${close.reason ? ` ${close.reason}` : ''}${event.message ? ` - ${event.message}` : ''}` : (event.message ?? '');
      return makePreview(text);
    }
    case 'handshake-request':
    case 'handshake-response':
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
