/**
 * Close code -> meaning, and the check of a close a person wants to send. Sources: RFC 6455
 * section 7.4 (the defined codes and the ranges) and the IANA WebSocket Close Code Number Registry
 * (https://www.iana.org/assignments/websocket/websocket.xhtml#close-code-number), which adds
 * 1012-1014 and the first-come-first-served registrations in 3000-3999.
 */
import { hexString, printableUtf8 } from '../shared/printableText';
import {
  CLOSE_ABNORMAL,
  CLOSE_BAD_GATEWAY,
  CLOSE_GOING_AWAY,
  CLOSE_INTERNAL_ERROR,
  CLOSE_INVALID_PAYLOAD,
  CLOSE_MANDATORY_EXTENSION,
  CLOSE_MESSAGE_TOO_BIG,
  CLOSE_NORMAL,
  CLOSE_NO_STATUS,
  CLOSE_POLICY_VIOLATION,
  CLOSE_PROTOCOL_ERROR,
  CLOSE_RESERVED,
  CLOSE_SERVICE_RESTART,
  CLOSE_TLS_HANDSHAKE,
  CLOSE_TRY_AGAIN_LATER,
  CLOSE_UNSUPPORTED_DATA,
  MAX_CLOSE_REASON_BYTES,
  MAX_CONTROL_PAYLOAD_BYTES,
} from '../shared/rfc6455';

/**
 * Where a code sits (RFC 6455 section 7.4.2):
 * - `standard`: defined by RFC 6455 or registered by IANA in 1000-2999.
 * - `reserved`: 1000-2999 but not defined (1004 and 1016-2999): kept for future revisions and extensions.
 * - `iana-registered`: 3000-3999, for libraries, frameworks and applications, registered with IANA.
 * - `private`: 4000-4999, by agreement between the two applications; never registered.
 * - `invalid`: outside 1000-4999, never meaningful.
 */
export type CloseCodeRange = 'standard' | 'reserved' | 'iana-registered' | 'private' | 'invalid';

export interface CloseCodeInfo {
  readonly code: number;
  /** Short name, e.g. "Going Away". */
  readonly name: string;
  /** A plain-words sentence. */
  readonly meaning: string;
  readonly range: CloseCodeRange;
  /**
   * May be sent in a close frame (RFC 6455 sections 7.4.1 and 7.4.2): not 1004, 1005, 1006, 1015,
   * not the undefined rest of 1000-2999, and nothing below 1000 or above 4999.
   */
  readonly sendable: boolean;
}

interface KnownCode {
  readonly name: string;
  readonly meaning: string;
  readonly range: CloseCodeRange;
  readonly sendable: boolean;
}

const KNOWN: ReadonlyMap<number, KnownCode> = new Map<number, KnownCode>([
  [CLOSE_NORMAL, { name: 'Normal Closure', range: 'standard', sendable: true, meaning: 'The connection did what it was opened for and is closing normally.' }],
  [CLOSE_GOING_AWAY, { name: 'Going Away', range: 'standard', sendable: true, meaning: 'The endpoint is going away, for example a server shutting down or a browser leaving the page.' }],
  [CLOSE_PROTOCOL_ERROR, { name: 'Protocol Error', range: 'standard', sendable: true, meaning: 'The endpoint received something that breaks the WebSocket protocol.' }],
  [CLOSE_UNSUPPORTED_DATA, { name: 'Unsupported Data', range: 'standard', sendable: true, meaning: 'The endpoint received a kind of data it cannot accept, for example binary where only text is understood.' }],
  // RFC 6455 section 7.4.1: "Reserved. The specific meaning might be defined in the future."
  [CLOSE_RESERVED, { name: 'Reserved', range: 'reserved', sendable: false, meaning: 'Reserved by RFC 6455 with no meaning yet; it must not be sent.' }],
  // 1005, 1006 and 1015 exist so that APIs can report a close; RFC 6455 section 7.4.1 forbids them on the wire.
  [CLOSE_NO_STATUS, { name: 'No Status Received', range: 'standard', sendable: false, meaning: 'The close frame carried no status code; this code is only reported locally and is never sent.' }],
  [CLOSE_ABNORMAL, { name: 'Abnormal Closure', range: 'standard', sendable: false, meaning: 'The connection dropped without a close frame; this code is only reported locally and is never sent.' }],
  [CLOSE_INVALID_PAYLOAD, { name: 'Invalid Frame Payload Data', range: 'standard', sendable: true, meaning: 'The endpoint received data that does not match the message type, for example invalid UTF-8 in a text message.' }],
  [CLOSE_POLICY_VIOLATION, { name: 'Policy Violation', range: 'standard', sendable: true, meaning: 'The endpoint received a message that breaks its policy; a generic code when no other fits.' }],
  [CLOSE_MESSAGE_TOO_BIG, { name: 'Message Too Big', range: 'standard', sendable: true, meaning: 'The endpoint received a message too big for it to process.' }],
  [CLOSE_MANDATORY_EXTENSION, { name: 'Mandatory Extension', range: 'standard', sendable: true, meaning: 'The client closed because the server did not agree to an extension the client requires.' }],
  [CLOSE_INTERNAL_ERROR, { name: 'Internal Error', range: 'standard', sendable: true, meaning: 'The server hit an unexpected condition that kept it from fulfilling the request.' }],
  [CLOSE_SERVICE_RESTART, { name: 'Service Restart', range: 'standard', sendable: true, meaning: 'The service is restarting; reconnecting after a short delay should work.' }],
  [CLOSE_TRY_AGAIN_LATER, { name: 'Try Again Later', range: 'standard', sendable: true, meaning: 'The server is temporarily unable to serve, for example overloaded; try again later.' }],
  [CLOSE_BAD_GATEWAY, { name: 'Bad Gateway', range: 'standard', sendable: true, meaning: 'A gateway or proxy got an invalid response from the server behind it.' }],
  [CLOSE_TLS_HANDSHAKE, { name: 'TLS Handshake', range: 'standard', sendable: false, meaning: 'The TLS handshake failed, for example the certificate could not be verified; this code is only reported locally and is never sent.' }],
  // The IANA registry's assignments in 3000-3999 (first come, first served).
  [3000, { name: 'Unauthorized', range: 'iana-registered', sendable: true, meaning: 'The endpoint must be authorized before it may do what it asked, like HTTP 401.' }],
  [3003, { name: 'Forbidden', range: 'iana-registered', sendable: true, meaning: 'The endpoint is authorized but not allowed to do what it asked, like HTTP 403.' }],
  [3008, { name: 'Timeout', range: 'iana-registered', sendable: true, meaning: 'The endpoint took too long to answer a request, like HTTP 408.' }],
]);

/** Name, meaning, range and whether the code may be sent. Never throws: any number gets an answer. */
export function describeCloseCode(code: number): CloseCodeInfo {
  const known = KNOWN.get(code);
  if (known) {
    return { code, ...known };
  }
  if (!Number.isInteger(code) || code < 0 || code > 0xffff) {
    return { code, name: 'Not a close code', range: 'invalid', sendable: false, meaning: 'Close codes are whole numbers from 0 to 65535 (a 16-bit field, RFC 6455 section 5.5.1).' };
  }
  if (code < 1000) {
    return { code, name: 'Unused', range: 'invalid', sendable: false, meaning: 'Codes 0-999 are not used (RFC 6455 section 7.4.2); a close frame carrying one is a protocol error.' };
  }
  if (code < 3000) {
    return {
      code,
      name: 'Reserved',
      range: 'reserved',
      sendable: false,
      meaning: 'Reserved for future versions of the WebSocket protocol and its extensions (RFC 6455 section 7.4.2); no meaning is defined yet, so it must not be sent.',
    };
  }
  if (code < 4000) {
    return {
      code,
      name: 'Registered range, not assigned here',
      range: 'iana-registered',
      sendable: true,
      meaning: 'For libraries, frameworks and applications, registered with IANA (RFC 6455 section 7.4.2); this code has no registration known to the inspector, so its meaning is up to the peer.',
    };
  }
  if (code < 5000) {
    return {
      code,
      name: 'Private use',
      range: 'private',
      sendable: true,
      meaning: 'For private use by agreement between the two applications (RFC 6455 section 7.4.2); its meaning is whatever they agreed.',
    };
  }
  return { code, name: 'Invalid', range: 'invalid', sendable: false, meaning: 'Codes above 4999 are not defined (RFC 6455 section 7.4.2); a close frame carrying one is a protocol error.' };
}

/**
 * Checks a code and reason a person wants to send. Returns a message saying what is wrong and how
 * to fix it, or undefined when both may be sent.
 */
export function checkCloseToSend(code: number, reason: string): string | undefined {
  const info = describeCloseCode(code);
  if (!info.sendable) {
    const why = info.range === 'invalid' ? info.meaning : `${code} (${info.name}) must not be sent in a close frame (RFC 6455 section 7.4).`;
    return `${why} Use ${CLOSE_NORMAL} for a normal close, ${CLOSE_GOING_AWAY} when going away, or a code from 3000-4999 for your application.`;
  }
  // A lone surrogate has no UTF-8 encoding; it would go out as U+FFFD and the peer would see a different reason.
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(reason)) {
    return 'The reason contains a broken character (a lone UTF-16 surrogate) that cannot be sent as UTF-8 (RFC 6455 section 5.5.1); retype or remove it.';
  }
  const bytes = Buffer.byteLength(reason, 'utf8');
  if (bytes > MAX_CLOSE_REASON_BYTES) {
    return `The reason is ${bytes} bytes of UTF-8; a close reason can be at most ${MAX_CLOSE_REASON_BYTES} bytes (a control frame carries at most ${MAX_CONTROL_PAYLOAD_BYTES}, RFC 6455 section 5.5). Shorten it by ${bytes - MAX_CLOSE_REASON_BYTES} ${bytes - MAX_CLOSE_REASON_BYTES === 1 ? 'byte' : 'bytes'}.`;
  }
  return undefined;
}

/**
 * A close frame's payload in a sentence: its code, the code's name and the reason (section 5.5.1).
 * The reason is quoted as text when it reads as text, and given as hex otherwise: a reason that is
 * not valid UTF-8 breaks section 7.1.6, and its bytes are what a person debugging that needs.
 */
export function describeCloseFrame(payload: Uint8Array): string {
  if (payload.length < 2) return 'close frame without a status code';
  const code = (payload[0] << 8) | payload[1];
  const reasonBytes = payload.subarray(2);
  const reason = printableUtf8(reasonBytes);
  const shown = reasonBytes.length === 0 ? '' : reason === undefined ? `, reason bytes ${hexString(reasonBytes)} (not printable UTF-8)` : ` "${reason}"`;
  return `${code} ${describeCloseCode(code).name}${shown}`;
}
