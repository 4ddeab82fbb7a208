/** The Hex view of a payload: offset, 16 bytes in hex, and the same bytes as ASCII ('.' for anything not printable). */

export interface HexDumpLine {
  /** Offset of the line's first byte, 8 hex digits. */
  readonly offset: string;
  /** Up to 16 bytes as two hex digits each, separated by spaces, an extra space after the 8th. */
  readonly hex: string;
  readonly ascii: string;
}

export const HEX_BYTES_PER_LINE = 16;

export function hexDump(bytes: Uint8Array, maxLines: number = Number.POSITIVE_INFINITY): HexDumpLine[] {
  const lines: HexDumpLine[] = [];
  for (let start = 0; start < bytes.length && lines.length < maxLines; start += HEX_BYTES_PER_LINE) {
    const end = Math.min(bytes.length, start + HEX_BYTES_PER_LINE);
    const hex: string[] = [];
    let ascii = '';
    for (let i = start; i < end; i++) {
      const byte = bytes[i];
      hex.push(byte.toString(16).padStart(2, '0'));
      // Printable ASCII only: control bytes and bytes >= 0x7f would garble or hide in the view.
      ascii += byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.';
    }
    const hexText = hex.length > 8 ? `${hex.slice(0, 8).join(' ')}  ${hex.slice(8).join(' ')}` : hex.join(' ');
    lines.push({ offset: start.toString(16).padStart(8, '0'), hex: hexText, ascii });
  }
  return lines;
}
