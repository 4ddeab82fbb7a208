/**
 * The byte tap of one connection (socketTap.ts), read as the client's side of RFC 6455: the
 * request and response heads of the opening handshake, recorded exactly as they crossed the wire
 * (section 4.1), then, once a 101 arrives, every byte handed to the frame decoders of the
 * connection. One tap per TCP connection, so one per redirect hop.
 */
import type { ByteTap } from './socketTap';
import { checkAccept, HeadReader, headerValues, HttpHeadError, parseExtensionsHeader, parseHttpHead } from './handshake';
import type { UnstampedEvent } from './reorderQueue';
import type { WireDecoder } from './wire';

export interface HandshakeTapHooks {
  record(event: UnstampedEvent): void;
  /** Makes the frame decoders of the connection, when its 101 has arrived. */
  startFrames(perMessageDeflate: boolean): { readonly outgoing: WireDecoder; readonly incoming: WireDecoder };
  /** Called before each received chunk after the 101 is decoded (the session's read budget). */
  beforeIncomingFrames(): void;
  /** The connection failed or ended; called once. */
  ended(error?: Error): void;
}

export function handshakeTap(hooks: HandshakeTapHooks): ByteTap {
  const requestHead = new HeadReader();
  const responseHead = new HeadReader();
  let requestKey: string | undefined;
  let decoders: { readonly outgoing: WireDecoder; readonly incoming: WireDecoder } | undefined;
  let ended = false;
  return {
    outgoing: (chunk) => {
      if (decoders) {
        decoders.outgoing.push(chunk);
        return;
      }
      const head = requestHead.push(chunk);
      if (!head) return;
      const parsed = parseHttpHead(head.head);
      if (!(parsed instanceof HttpHeadError)) {
        requestKey = headerValues(parsed, 'sec-websocket-key')[0];
        hooks.record({ kind: 'handshake-request', direction: 'sent', payload: head.head, handshake: { startLine: parsed.startLine, headers: parsed.headers } });
      } else {
        hooks.record({ kind: 'error', direction: 'local', message: `Could not read the handshake request: ${parsed.message}` });
      }
      // A client sends nothing after its request until the 101 arrives (RFC 6455 section 4.1).
    },
    incoming: (chunk) => {
      if (decoders) {
        hooks.beforeIncomingFrames();
        decoders.incoming.push(chunk);
        return;
      }
      const head = responseHead.push(chunk);
      if (!head) return;
      const parsed = parseHttpHead(head.head);
      if (parsed instanceof HttpHeadError) {
        hooks.record({ kind: 'error', direction: 'local', message: `Could not read the handshake response: ${parsed.message}` });
        return;
      }
      const switching = /^HTTP\/1\.1 101\b/.test(parsed.startLine);
      const extensions = headerValues(parsed, 'sec-websocket-extensions').join(', ');
      const acceptCheck = switching ? checkAccept(requestKey, headerValues(parsed, 'sec-websocket-accept')[0]) : undefined;
      hooks.record({
        kind: 'handshake-response',
        direction: 'received',
        payload: head.head,
        handshake: {
          startLine: parsed.startLine,
          headers: parsed.headers,
          ...(acceptCheck ? { acceptCheck } : {}),
          ...(switching ? { negotiated: { subprotocol: headerValues(parsed, 'sec-websocket-protocol')[0] ?? '', extensions } } : {}),
        },
      });
      if (switching) {
        decoders = hooks.startFrames(parseExtensionsHeader(extensions).some((e) => e.name === 'permessage-deflate'));
        if (head.rest.length > 0) decoders.incoming.push(head.rest);
      }
    },
    ended: (error) => {
      if (ended) return;
      ended = true;
      hooks.ended(error);
    },
  };
}
