/**
 * The row preview the host builds from hostile payloads: markup stays text, control characters
 * become visible symbols, surrogates and bidi controls pass through as characters, a 1 MB line is
 * cut to the preview bound without being decoded whole.
 */
import * as assert from 'node:assert/strict';
import { toEventRow } from '../../../src/core/eventRow';
import type { SessionEvent } from '../../../src/core/eventStore';
import { NEWLINE_MARKER, PREVIEW_MAX_CHARS } from '../../../src/shared/sessionEvent';

const textEvent = (payload: Buffer): SessionEvent => ({ seq: 0, kind: 'text', direction: 'received', monoUs: 0, wallMs: 0, size: payload.length, payload });
const controlEvent = (kind: 'ping' | 'pong', payload: Buffer): SessionEvent => ({ seq: 0, kind, direction: 'received', monoUs: 0, wallMs: 0, size: payload.length, payload });
const errorEvent = (message: string): SessionEvent => ({ seq: 0, kind: 'error', direction: 'local', monoUs: 0, wallMs: 0, size: 0, message });
const C0_AND_DEL = Array.from({ length: 32 }, (_, i) => String.fromCharCode(i)).join('') + '\u007f';
// Each as its control picture (U+2400 + code), but the line feed as ↵ (NEWLINE_MARKER) and DEL as U+2421.
const C0_AND_DEL_SHOWN = Array.from({ length: 32 }, (_, i) => (i === 0x0a ? NEWLINE_MARKER : String.fromCharCode(0x2400 + i))).join('') + '\u2421';

describe('event rows from hostile input', () => {
  it('keeps markup and javascript: URLs as plain characters', () => {
    const markup = '<img src=x onerror=alert(1)></script><script>alert(2)</script>javascript:alert(3)<svg onload=alert(4)><a href=javascript:x>';
    assert.deepEqual({ ...toEventRow(textEvent(Buffer.from(markup))) }, { seq: 0, kind: 'text', direction: 'received', monoUs: 0, wallMs: 0, size: Buffer.byteLength(markup), preview: markup, truncated: false });
    assert.equal(toEventRow(errorEvent(markup)).preview, markup);
  });

  it('shows every C0 control character, NUL and DEL as a visible symbol, in payloads and in messages', () => {
    assert.equal(toEventRow(textEvent(Buffer.from(`a${C0_AND_DEL}b`))).preview, `a${C0_AND_DEL_SHOWN}b`);
    assert.equal(toEventRow(errorEvent(`a${C0_AND_DEL}b`)).preview, `a${C0_AND_DEL_SHOWN}b`);
    assert.equal(toEventRow(textEvent(Buffer.from([0x00, 0x41, 0x00]))).preview, '\u2400A\u2400');
  });

  it('decodes lone surrogates and invalid UTF-8 in a payload to U+FFFD; a message keeps them as they are', () => {
    assert.equal(toEventRow(textEvent(Buffer.from('x\uD800y\uDFFFz'))).preview, 'x\uFFFDy\uFFFDz');
    assert.equal(toEventRow(textEvent(Buffer.from([0x61, 0xff, 0xc0, 0x62]))).preview, 'a\uFFFD\uFFFDb');
    assert.equal(toEventRow(errorEvent('x\uD800y\uDFFFz')).preview, 'x\uD800y\uDFFFz');
  });

  it('never cuts a surrogate pair in half at the preview bound', () => {
    const text = `${'x'.repeat(PREVIEW_MAX_CHARS - 1)}\u{1F600}tail`;
    const row = toEventRow(textEvent(Buffer.from(text)));
    assert.equal(row.truncated, true);
    assert.equal(row.preview, 'x'.repeat(PREVIEW_MAX_CHARS - 1));
  });

  it('passes bidi controls through as characters (the webview isolates them in their cell)', () => {
    const bidi = 'a\u202Eb\u202Dc\u202Ad\u202Be\u202Cf\u2066g\u2067h\u2068i\u2069j\u200Ek\u200Fl\u061Cm';
    assert.equal(toEventRow(textEvent(Buffer.from(bidi))).preview, bidi);
  });

  it('cuts a 1 MB single-line payload to the preview bound', () => {
    const line = '<img src=x onerror=alert(7)>'.repeat(Math.ceil((1024 * 1024) / 28));
    const row = toEventRow(textEvent(Buffer.from(line)));
    assert.equal(row.truncated, true);
    assert.equal(row.preview, line.slice(0, PREVIEW_MAX_CHARS));
    assert.equal(row.size, Buffer.byteLength(line));
  });

  it('shows a ping or pong payload as text when it is printable UTF-8, and as hex otherwise', () => {
    assert.equal(toEventRow(controlEvent('ping', Buffer.from('hb-1'))).preview, 'hb-1');
    assert.equal(toEventRow(controlEvent('pong', Buffer.from('caf\u00e9 \u{1F600}'))).preview, 'caf\u00e9 \u{1F600}');
    assert.equal(toEventRow(controlEvent('ping', Buffer.from('a\nb'))).preview, 'a\u21b5b');
    assert.equal(toEventRow(controlEvent('ping', Buffer.from([0x68, 0x00, 0x31]))).preview, '68 00 31');
    assert.equal(toEventRow(controlEvent('pong', Buffer.from([0x61, 0xff]))).preview, '61 ff');
    assert.equal(toEventRow(controlEvent('pong', Buffer.from([0x61, 0x1b, 0x5b]))).preview, '61 1b 5b');
  });
});
