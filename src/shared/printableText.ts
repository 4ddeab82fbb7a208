/**
 * When a payload the inspector does not know to be text (a ping, a pong, a close reason, a refused
 * upgrade's body) is shown as text and when as hex: text only when its bytes are valid UTF-8 and
 * every character is one a person can read or a line layout handles. One rule, for the row preview
 * (host) and the details pane (webview); without TextDecoder, because this file runs in both rooms.
 */

/**
 * True for a character a payload may hold and still read as text: anything but the C0 controls
 * (tab, line feed and carriage return excepted: they lay out text), DEL and the C1 controls.
 */
export function isPrintableChar(code: number): boolean {
  if (code === 0x09 || code === 0x0a || code === 0x0d) return true;
  return !(code < 0x20 || (code >= 0x7f && code <= 0x9f));
}

/**
 * The text `bytes` hold, or undefined when they are not valid UTF-8 (RFC 3629 section 4: no
 * overlong forms, no surrogates, nothing above U+10FFFF) or hold a character that is not
 * printable (isPrintableChar). `cutShort`: the bytes are the head of a longer body, so a sequence
 * the cut left unfinished at the very end is dropped rather than judged invalid.
 */
export function printableUtf8(bytes: Uint8Array, cutShort = false): string | undefined {
  const parts: string[] = [];
  let chunk: number[] = [];
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i];
    const need = lead < 0x80 ? 0 : lead >= 0xc2 && lead <= 0xdf ? 1 : lead >= 0xe0 && lead <= 0xef ? 2 : lead >= 0xf0 && lead <= 0xf4 ? 3 : -1;
    if (need < 0) return undefined;
    if (i + need >= bytes.length && need > 0) {
      // The sequence runs past the end: legitimate only where the bytes were cut.
      if (!cutShort || !continuationsValid(bytes, i, bytes.length)) return undefined;
      break;
    }
    let code = need === 0 ? lead : lead & (0x3f >> need);
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k];
      if ((next & 0xc0) !== 0x80) return undefined;
      code = (code << 6) | (next & 0x3f);
    }
    const tooShort = (need === 2 && code < 0x800) || (need === 3 && code < 0x10000);
    if (tooShort || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff) || !isPrintableChar(code)) return undefined;
    chunk.push(code);
    if (chunk.length >= 4096) {
      parts.push(String.fromCodePoint(...chunk));
      chunk = [];
    }
    i += need + 1;
  }
  parts.push(String.fromCodePoint(...chunk));
  return parts.join('');
}

/** The bytes from `start` to `end` are continuation bytes (10xxxxxx), as the unfinished tail of a sequence must be. */
function continuationsValid(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start + 1; i < end; i++) if ((bytes[i] & 0xc0) !== 0x80) return false;
  return true;
}

/** All of `bytes` as two hex digits each, separated by spaces: "68 62 2d 31". */
export function hexString(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
