/**
 * Checks what a person types into the composer before anything is sent, so mistakes show inline
 * with a live byte count. The host encodes the real bytes (with the same rules as saved messages
 * in a profile, core/profile.ts encodeSavedMessage); this only counts and explains.
 */
import { binaryTextByteLength, findBinaryTextProblem, type BinaryEncoding } from './binaryText';
import { CLOSE_NORMAL, MAX_CLOSE_REASON_BYTES } from './rfc6455';

export type ComposerCheck = { readonly ok: true; readonly bytes: number } | { readonly ok: false; readonly error: string };

/** UTF-8 length of a string, without TextEncoder (this file runs in both rooms). */
export function utf8ByteLength(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

/** hex or base64, by the one rule the host sends by (binaryText.ts); the message says where and how to fix it. */
export function checkBinaryInput(text: string, encoding: BinaryEncoding): ComposerCheck {
  const problem = findBinaryTextProblem(text, encoding);
  if (problem) return { ok: false, error: problem.message.charAt(0).toUpperCase() + problem.message.slice(1) };
  return { ok: true, bytes: binaryTextByteLength(text, encoding) };
}

/** JSON mode: the text must parse; the error names where. */
export function checkJsonInput(text: string): ComposerCheck {
  try {
    JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `Not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  return { ok: true, bytes: utf8ByteLength(text) };
}


/** The parts of a close a person types; the host checks the code's meaning (core/closeCodes checkCloseToSend). */
export function checkCloseInput(codeText: string, reason: string): ComposerCheck & { readonly code?: number } {
  if (!/^\s*\d{1,4}\s*$/.test(codeText)) return { ok: false, error: `The close code must be a number such as ${CLOSE_NORMAL} (normal) or 4000-4999 (your application).` };
  const bytes = utf8ByteLength(reason);
  if (bytes > MAX_CLOSE_REASON_BYTES) {
    return { ok: false, error: `The reason is ${bytes} bytes of UTF-8; at most ${MAX_CLOSE_REASON_BYTES} fit in a close frame (RFC 6455 section 5.5).` };
  }
  return { ok: true, bytes, code: Number(codeText.trim()) };
}
