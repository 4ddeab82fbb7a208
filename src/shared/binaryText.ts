/**
 * Binary data written as text, hex or base64: the one rule for the composer (which checks as a
 * person types) and for a profile's saved messages (checked when read, decoded at each send), so
 * whatever the composer lets through the host also sends.
 *
 * hex: two digits per byte, either case; whitespace anywhere is ignored; one "0x" may open the text.
 * base64 (RFC 4648): the standard alphabet (section 4, "+" and "/") or the URL-safe one (section 5,
 * "-" and "_"), not both in one text; whitespace anywhere is ignored. Padding may be left out
 * (section 3.2 lets a format do so), but padding that is written must be what section 4 says: the
 * text is then a multiple of 4 characters, "==" after a last group of 2, "=" after one of 3.
 */

export type BinaryEncoding = 'hex' | 'base64';

/** What is wrong with a text and how to fix it, with where to underline (UTF-16 offsets into the text). */
export interface BinaryTextProblem {
  /** One sentence, lower case first: "\"g\" at character 7 is not a hex digit (...)". */
  readonly message: string;
  /** `character`: one character (quoted in the message) is wrong; `length`: the whole text is. */
  readonly kind: 'character' | 'length';
  readonly offset: number;
  readonly length: number;
}

/** A stretch of the text whose characters are not known yet (a variable); checks skip it. */
export interface UnknownSpan {
  readonly offset: number;
  readonly length: number;
}

export type BinaryTextDecoded = { readonly ok: true; readonly bytes: Uint8Array } | { readonly ok: false; readonly problem: BinaryTextProblem };

const HEX_PREFIX = /^\s*0[xX]/;
const WHITESPACE = /\s/;
const BASE64_STANDARD = '+/';
const BASE64_URL_SAFE = '-_';
const BASE64_CORE = /[A-Za-z0-9]/;

/**
 * The first problem of `text`, or undefined when it decodes. Characters inside `unknown` are
 * skipped, and then the length is not judged (the unknown parts bring characters of their own).
 */
export function findBinaryTextProblem(text: string, encoding: BinaryEncoding, unknown: readonly UnknownSpan[] = []): BinaryTextProblem | undefined {
  switch (encoding) {
    case 'hex':
      return findHexProblem(text, unknown);
    case 'base64':
      return findBase64Problem(text, unknown);
    default: {
      const unhandled: never = encoding;
      throw new Error(`unknown binary encoding ${String(unhandled)}`);
    }
  }
}

/** The bytes `text` stands for, or its first problem. */
export function decodeBinaryText(text: string, encoding: BinaryEncoding): BinaryTextDecoded {
  const problem = findBinaryTextProblem(text, encoding);
  if (problem) return { ok: false, problem };
  return { ok: true, bytes: encoding === 'hex' ? decodeHex(text) : decodeBase64(text) };
}

/** How many bytes a text that has no problem decodes to, without decoding it. */
export function binaryTextByteLength(text: string, encoding: BinaryEncoding): number {
  const digits = significant(text, encoding).replace(/=+$/, '').length;
  return encoding === 'hex' ? digits / 2 : Math.floor((digits * 3) / 4);
}

/** The characters that carry data: whitespace, and for hex the "0x", left out. */
function significant(text: string, encoding: BinaryEncoding): string {
  return (encoding === 'hex' ? text.replace(HEX_PREFIX, '') : text).replace(/\s+/g, '');
}

/** Characters of `text` outside the unknown spans, whitespace left out, each with its offset. */
function* knownChars(text: string, unknown: readonly UnknownSpan[], from = 0): Generator<[string, number]> {
  let span = 0;
  for (let i = from; i < text.length; i++) {
    while (span < unknown.length && unknown[span].offset + unknown[span].length <= i) span++;
    if (span < unknown.length && i >= unknown[span].offset) continue;
    // A character outside the BMP is one character to a person: quote and underline it whole.
    const code = text.codePointAt(i) ?? 0;
    const c = String.fromCodePoint(code);
    if (!WHITESPACE.test(c)) yield [c, i];
    if (code > 0xffff) i++;
  }
}

function characterProblem(c: string, offset: number, what: string): BinaryTextProblem {
  return { kind: 'character', message: `${JSON.stringify(c)} at character ${offset + 1} ${what}`, offset, length: c.length };
}

function lengthProblem(text: string, message: string): BinaryTextProblem {
  return { kind: 'length', message, offset: 0, length: text.length };
}

function findHexProblem(text: string, unknown: readonly UnknownSpan[]): BinaryTextProblem | undefined {
  const prefix = HEX_PREFIX.exec(text);
  let digits = 0;
  for (const [c, i] of knownChars(text, unknown, prefix ? prefix[0].length : 0)) {
    if (!/^[0-9a-fA-F]$/.test(c)) {
      const hint = c === 'x' || c === 'X' ? '"0x" is allowed only once, at the start' : c === ',' ? 'separate bytes with spaces, not commas' : 'use 0-9 and a-f; spaces are ignored';
      return characterProblem(c, i, `is not a hex digit (${hint})`);
    }
    digits++;
  }
  if (unknown.length === 0 && digits % 2 === 1) {
    return lengthProblem(text, `it has an odd number of hex digits (${digits}); every byte needs two digits, so add the missing one or remove the extra one`);
  }
  return undefined;
}

function findBase64Problem(text: string, unknown: readonly UnknownSpan[]): BinaryTextProblem | undefined {
  let data = 0;
  let padding = 0;
  let alphabet: { readonly c: string; readonly offset: number } | undefined;
  for (const [c, i] of knownChars(text, unknown)) {
    if (c === '=') {
      if (padding === 2) return characterProblem(c, i, 'is a third "=": padding is at most "==" (RFC 4648 section 4)');
      padding++;
      continue;
    }
    const special = BASE64_STANDARD.includes(c) || BASE64_URL_SAFE.includes(c);
    if (!BASE64_CORE.test(c) && !special) {
      return characterProblem(c, i, 'is not a base64 character (use A-Z, a-z, 0-9 and either + / or the URL-safe - _; spaces are ignored)');
    }
    if (padding > 0) return characterProblem(c, i, 'comes after "=" padding, which may only end the text');
    if (special) {
      if (alphabet && BASE64_STANDARD.includes(c) !== BASE64_STANDARD.includes(alphabet.c)) {
        return characterProblem(c, i, `mixes the two base64 alphabets: ${JSON.stringify(alphabet.c)} at character ${alphabet.offset + 1} is from the other one (write "+" and "/", or the URL-safe "-" and "_", not both)`);
      }
      alphabet ??= { c, offset: i };
    }
    data++;
  }
  if (unknown.length > 0) return undefined;
  const last = data % 4;
  if (last === 1) {
    return lengthProblem(text, `its length (${data} characters) is not a whole number of base64 groups: one character is left over, and a byte needs two; look for a missing or an extra character`);
  }
  if (padding > 0 && last === 0) {
    return lengthProblem(text, `its ${data} characters are whole groups of 4, so it needs no "=" padding; remove ${padding === 1 ? 'the "="' : 'the "=="'}`);
  }
  const needed = last === 0 ? 0 : 4 - last;
  if (padding > 0 && padding !== needed) {
    return lengthProblem(text, `its last group has ${last} characters, so its padding is ${'='.repeat(needed)} (RFC 4648 section 4), not ${'='.repeat(padding)}; write ${'='.repeat(needed)} or leave the padding out`);
  }
  return undefined;
}

function decodeHex(text: string): Uint8Array {
  const digits = significant(text, 'hex');
  const bytes = new Uint8Array(digits.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(digits.slice(i * 2, i * 2 + 2), 16);
  return bytes;
}

const BASE64_VALUES: ReadonlyMap<string, number> = new Map(
  [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'].map((c, i): [string, number] => [c, i]).concat([
    ['+', 62],
    ['/', 63],
    ['-', 62],
    ['_', 63],
  ]),
);

function decodeBase64(text: string): Uint8Array {
  const chars = significant(text, 'base64').replace(/=+$/, '');
  const bytes = new Uint8Array(Math.floor((chars.length * 3) / 4));
  let bits = 0;
  let held = 0;
  let at = 0;
  for (const c of chars) {
    bits = (bits << 6) | (BASE64_VALUES.get(c) ?? 0);
    held += 6;
    if (held >= 8) {
      held -= 8;
      bytes[at++] = (bits >> held) & 0xff;
      bits &= (1 << held) - 1;
    }
  }
  // Leftover bits of a last partial group are dropped: RFC 4648 section 3.5 lets a decoder accept them.
  return bytes;
}
