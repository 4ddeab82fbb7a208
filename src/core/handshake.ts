/**
 * The HTTP/1.1 opening handshake as seen on the wire (RFC 6455 section 4): finding and parsing the
 * request and response heads in tapped socket bytes, checking Sec-WebSocket-Accept, and reading
 * Sec-WebSocket-Extensions.
 */
import { createHash } from 'node:crypto';

/** A request or response head exactly as it crossed the wire. */
export interface HttpHead {
  /** "GET /chat HTTP/1.1" or "HTTP/1.1 101 Switching Protocols". */
  readonly startLine: string;
  /** In wire order, names in their original case. */
  readonly headers: ReadonlyArray<readonly [name: string, value: string]>;
  /** Bytes of the head, its final CRLF CRLF included. */
  readonly byteLength: number;
}

/** A head that could not be read, with a message meant for a person. Returned, never thrown. */
export class HttpHeadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HttpHeadError';
  }
}

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

/** Index just past the first CRLFCRLF in `buffer`, or -1. */
export function findHeadEnd(buffer: Buffer): number {
  const at = buffer.indexOf(CRLFCRLF);
  return at === -1 ? -1 : at + 4;
}

// RFC 9112 section 3 (request-line) and section 4 (status-line); the method and field names are tokens (RFC 9110 section 5.6.2).
const REQUEST_LINE = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+ \S+ HTTP\/\d\.\d$/;
const STATUS_LINE = /^HTTP\/\d\.\d \d{3}(?: [^\r\n]*)?$/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// RFC 9110 section 5.5: field values never contain NUL, CR or LF.
const BAD_VALUE_CHARS = /[\0\r\n]/;

/**
 * Parses a request or response head (bytes up to and including CRLFCRLF). A malformed head yields
 * a HttpHeadError with a message for a person, never a throw.
 */
export function parseHttpHead(bytes: Buffer): HttpHead | HttpHeadError {
  const end = findHeadEnd(bytes);
  if (end === -1) {
    return new HttpHeadError(`The HTTP head is cut off: ${bytes.length} bytes arrived without the blank line (CRLF CRLF) that ends a head (RFC 9112 section 2.1).`);
  }
  // latin1 maps every byte to one character, so odd bytes survive to be shown instead of failing to decode.
  const lines = bytes.toString('latin1', 0, end - 4).split('\r\n');
  const startLine = lines[0];
  if (!REQUEST_LINE.test(startLine) && !STATUS_LINE.test(startLine)) {
    return new HttpHeadError(
      `The first line ${quote(startLine)} is neither an HTTP request line ("GET /path HTTP/1.1") nor a status line ("HTTP/1.1 101 Switching Protocols") (RFC 9112 sections 3 and 4).`,
    );
  }
  const headers: Array<[string, string]> = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // Obsolete line folding (RFC 9112 section 5.2): a recipient replaces it with a space.
      const last = headers[headers.length - 1];
      if (!last) {
        return new HttpHeadError(`Header line ${i} ${quote(line)} starts with whitespace but there is no header before it to continue (RFC 9112 section 5.2).`);
      }
      last[1] = `${last[1]} ${line.trim()}`.trim();
      continue;
    }
    const colon = line.indexOf(':');
    if (colon === -1) {
      return new HttpHeadError(`Header line ${i} ${quote(line)} has no colon; every header is "Name: value" (RFC 9112 section 5).`);
    }
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) {
      // Whitespace before the colon is the classic case; RFC 9112 section 5.1 says to reject it.
      return new HttpHeadError(`Header line ${i} ${quote(line)} has an invalid name ${quote(name)}: names are tokens without spaces, directly followed by the colon (RFC 9112 section 5.1).`);
    }
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    if (BAD_VALUE_CHARS.test(value)) {
      return new HttpHeadError(`Header ${quote(name)} has a value with a NUL, CR or LF character, which HTTP forbids (RFC 9110 section 5.5).`);
    }
    headers.push([name, value]);
  }
  return { startLine, headers, byteLength: end };
}

/** Every value of the header `name` (case-insensitive), in wire order. */
export function headerValues(head: HttpHead, name: string): string[] {
  const wanted = name.toLowerCase();
  const values: string[] = [];
  for (const [headerName, value] of head.headers) {
    if (headerName.toLowerCase() === wanted) {
      values.push(value);
    }
  }
  return values;
}

/** RFC 6455 section 1.3: the GUID every server appends to the key. */
const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/**
 * RFC 6455 section 4.2.2: base64(SHA-1(key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")). The key is
 * taken without leading and trailing whitespace (section 1.3).
 */
export function expectedAccept(key: string): string {
  return createHash('sha1').update(key.trim() + WEBSOCKET_GUID, 'latin1').digest('base64');
}

export interface AcceptCheck {
  readonly ok: boolean;
  /** The Sec-WebSocket-Accept the key calls for, when there was a key. */
  readonly expected?: string;
  readonly message: string;
}

/** Checks the server's Sec-WebSocket-Accept against the client's Sec-WebSocket-Key (RFC 6455 section 4.1, client step 4 of the response checks). */
export function checkAccept(key: string | undefined, accept: string | undefined): AcceptCheck {
  if (key === undefined) {
    return { ok: false, message: 'The request had no Sec-WebSocket-Key header, so the server\'s Sec-WebSocket-Accept cannot be checked (RFC 6455 section 4.1).' };
  }
  const expected = expectedAccept(key);
  if (accept === undefined) {
    return {
      ok: false,
      expected,
      message: `The server's response has no Sec-WebSocket-Accept header; RFC 6455 section 4.1 says the client must fail the connection. For this key it should be "${expected}".`,
    };
  }
  if (accept.trim() !== expected) {
    return {
      ok: false,
      expected,
      message: `The server's Sec-WebSocket-Accept is "${accept}" but the key "${key.trim()}" calls for "${expected}" (base64 of the SHA-1 of the key plus ${WEBSOCKET_GUID}, RFC 6455 section 4.2.2); RFC 6455 section 4.1 says the client must fail the connection.`,
    };
  }
  return { ok: true, expected, message: `Sec-WebSocket-Accept "${expected}" matches the Sec-WebSocket-Key (RFC 6455 section 4.2.2).` };
}

export interface ExtensionOffer {
  name: string;
  /** A parameter without a value (`client_no_context_takeover`) is `true`; quoted values are unquoted. */
  params: Record<string, string | true>;
}

/**
 * Reads Sec-WebSocket-Extensions (RFC 6455 section 9.1; RFC 7692 section 7 for permessage-deflate's
 * parameters). Best effort, never throws: empty list elements are skipped (RFC 9110 section 5.6.1),
 * an unterminated quoted string runs to the end, and of a repeated parameter the first value is
 * kept. Several header lines can be joined with ", " first.
 */
export function parseExtensionsHeader(value: string): ExtensionOffer[] {
  const offers: ExtensionOffer[] = [];
  for (const element of splitOutsideQuotes(value, ',')) {
    const [first, ...rest] = splitOutsideQuotes(element, ';');
    const name = first.trim();
    if (name === '') {
      continue;
    }
    const params: Record<string, string | true> = {};
    for (const part of rest) {
      const eq = part.indexOf('=');
      const paramName = (eq === -1 ? part : part.slice(0, eq)).trim();
      if (paramName === '' || Object.hasOwn(params, paramName)) {
        continue;
      }
      const paramValue: string | true = eq === -1 ? true : unquote(part.slice(eq + 1).trim());
      // defineProperty, not assignment: a parameter named "__proto__" must stay a plain entry.
      Object.defineProperty(params, paramName, { value: paramValue, enumerable: true, writable: true, configurable: true });
    }
    offers.push({ name, params });
  }
  return offers;
}

/** Splits on `separator` where it is not inside a quoted-string (RFC 9110 section 5.6.4). */
function splitOutsideQuotes(text: string, separator: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '\\') {
      i++; // the escaped character cannot end the quote
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === separator) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}

function unquote(text: string): string {
  if (!text.startsWith('"')) {
    return text;
  }
  let out = '';
  for (let i = 1; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      break;
    }
    out += c === '\\' && i + 1 < text.length ? text[++i] : c;
  }
  return out;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 120 ? `${text.slice(0, 117)}...` : text);
}

/** Longest head the reader collects; Node's own HTTP parser stops at 16 KiB, so a real handshake is far below. */
export const MAX_HEAD_BYTES = 64 * 1024;

/**
 * A byte accumulator for one direction: collects bytes until the head is complete, then hands back
 * the head and the bytes that followed it in the same chunk (the 101 response and the first frames
 * can share a chunk).
 *
 * When MAX_HEAD_BYTES arrive without the blank line that ends a head, the reader gives up: `error`
 * is set (once), `push` returns undefined from then on and ignores further bytes. So after a push
 * that returns undefined, check `error`.
 */
export class HeadReader {
  private buffer = Buffer.alloc(0);
  private length = 0;
  private finished = false;
  private failure: HttpHeadError | undefined;

  /** The head has been handed back. */
  get done(): boolean {
    return this.finished;
  }

  /** Set when the reader gave up (no head within MAX_HEAD_BYTES). */
  get error(): HttpHeadError | undefined {
    return this.failure;
  }

  /**
   * Adds a chunk. Returns the complete head (a copy, so it does not keep the chunk alive) and the
   * rest of this chunk (a view of it, possibly empty) once the head is complete; undefined before
   * that, after that, and after giving up.
   */
  push(chunk: Buffer): { head: Buffer; rest: Buffer } | undefined {
    if (this.finished || this.failure) {
      return undefined;
    }
    const before = this.length;
    const take = Math.min(chunk.length, MAX_HEAD_BYTES - before);
    this.append(chunk, take);
    // The terminator may straddle the previous chunk and this one: look from 3 bytes back.
    const searchFrom = Math.max(0, before - 3);
    const at = this.buffer.subarray(0, this.length).indexOf(CRLFCRLF, searchFrom);
    if (at !== -1) {
      const end = at + 4;
      this.finished = true;
      const head = Buffer.from(this.buffer.subarray(0, end));
      this.buffer = Buffer.alloc(0);
      return { head, rest: chunk.subarray(end - before) };
    }
    if (this.length >= MAX_HEAD_BYTES) {
      this.failure = new HttpHeadError(
        `No end of the HTTP head (a blank line, CRLF CRLF) in the first ${MAX_HEAD_BYTES} bytes; this is not an HTTP/1.1 handshake, or its headers are far larger than any server accepts.`,
      );
      this.buffer = Buffer.alloc(0);
    }
    return undefined;
  }

  /** Copies into a buffer that doubles as needed, so byte-by-byte input stays linear. */
  private append(chunk: Buffer, count: number): void {
    const needed = this.length + count;
    if (needed > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.min(MAX_HEAD_BYTES, Math.max(needed, this.buffer.length * 2, 1024)));
      this.buffer.copy(grown, 0, 0, this.length);
      this.buffer = grown;
    }
    chunk.copy(this.buffer, this.length, 0, count);
    this.length = needed;
  }
}
