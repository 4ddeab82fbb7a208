import * as assert from 'node:assert/strict';
import { makeHexPreview, makePreview, NEWLINE_MARKER, PREVIEW_MAX_CHARS } from '../../../src/shared/sessionEvent';

describe('previews', () => {
  it('keeps short text as it is', () => {
    assert.deepEqual(makePreview('hello <b>world</b>'), { preview: 'hello <b>world</b>', truncated: false });
  });

  it('shows control characters as visible symbols so a row stays one line', () => {
    assert.equal(makePreview('a\nb\tc\u0000d\u007f').preview, 'a\u21b5b\u2409c\u2400d\u2421');
  });

  it('marks a line feed with ↵ (U+21B5), which common UI fonts draw, not the control picture U+240A', () => {
    assert.equal(NEWLINE_MARKER, '\u21b5');
    assert.equal(makePreview('line 1\nline 2\r\n').preview, 'line 1\u21b5line 2\u240d\u21b5');
    assert.ok(!makePreview('\n'.repeat(10)).preview.includes('\u240a'));
  });

  it('bounds the length and says so', () => {
    const long = 'x'.repeat(PREVIEW_MAX_CHARS + 1);
    const result = makePreview(long);
    assert.equal(result.preview.length, PREVIEW_MAX_CHARS);
    assert.equal(result.truncated, true);
  });

  it('renders bytes as hex, bounded', () => {
    assert.deepEqual(makeHexPreview(Uint8Array.from([0, 15, 255])), { preview: '00 0f ff', truncated: false });
    const big = makeHexPreview(new Uint8Array(1000), 4);
    assert.deepEqual(big, { preview: '00 00 00 00', truncated: true });
  });
});
