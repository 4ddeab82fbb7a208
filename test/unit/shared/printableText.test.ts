/** The one rule for showing an unknown payload as text or as hex, against what Node's own decoder says is UTF-8. */
import * as assert from 'node:assert/strict';
import { hexString, isPrintableChar, printableUtf8 } from '../../../src/shared/printableText';

const strict = new TextDecoder('utf-8', { fatal: true });

describe('printableText', () => {
  it('reads valid, printable UTF-8 as its text: ASCII, tab, newlines, accents, CJK, emoji', () => {
    for (const text of ['hb-1', 'a\tb\r\nc', 'café', '心跳', 'ok \u{1F600}', '']) assert.equal(printableUtf8(Buffer.from(text)), text);
  });

  it('refuses C0 controls (but tab, LF, CR), DEL and C1 controls', () => {
    for (const code of [0x00, 0x01, 0x1b, 0x1f, 0x7f, 0x80, 0x9f]) {
      assert.equal(printableUtf8(Buffer.from(`a${String.fromCharCode(code)}b`)), undefined, `U+${code.toString(16)}`);
      assert.equal(isPrintableChar(code), false);
    }
    assert.equal(isPrintableChar(0xa0), true);
  });

  it('refuses what is not UTF-8, exactly where a fatal TextDecoder does', () => {
    const cases = [[0xff], [0xc0, 0x80], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5, 0x80, 0x80, 0x80], [0x80], [0xe2, 0x82], [0x61, 0xc3]];
    for (const bytes of cases) {
      assert.throws(() => strict.decode(new Uint8Array(bytes)));
      assert.equal(printableUtf8(new Uint8Array(bytes)), undefined, hexString(new Uint8Array(bytes)));
    }
    // Every 2-byte sequence agrees with Node's decoder (the printable rule aside).
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) {
        const bytes = new Uint8Array([a, b]);
        let expected: string | undefined;
        try {
          expected = strict.decode(bytes);
        } catch {
          expected = undefined;
        }
        if (expected !== undefined && [...expected].some((c) => !isPrintableChar(c.codePointAt(0)!))) expected = undefined;
        assert.equal(printableUtf8(bytes), expected, hexString(bytes));
      }
    }
  });

  it('drops a sequence cut at the end only when the bytes are said to be cut short', () => {
    const cut = Buffer.from('ab\u20ac').subarray(0, 4);
    assert.equal(printableUtf8(cut), undefined);
    assert.equal(printableUtf8(cut, true), 'ab');
    assert.equal(printableUtf8(new Uint8Array([0x61, 0xff]), true), undefined);
  });

  it('decodes a long text whole', () => {
    const text = 'x\u00e9'.repeat(50_000);
    assert.equal(printableUtf8(Buffer.from(text)), text);
  });

  it('writes hex as spaced pairs', () => {
    assert.equal(hexString(Buffer.from('hb-1')), '68 62 2d 31');
  });
});
