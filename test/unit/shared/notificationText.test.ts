import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import { NOTIFICATION_TEXT_MAX_LENGTH, notificationText } from '../../../src/shared/notificationText';
import { renderedLinks } from './vscodeLinkPattern';

describe('notificationText', () => {
  const hostile = '[Fix it](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%20-rf%20~%5Cn%22%7D)';

  it('leaves ordinary text as it is', () => {
    const text = 'Connect WebSocket: ws://127.0.0.1:8080/echo [draft] (see the log) has 2 problems.';
    assert.equal(notificationText(text), text);
  });

  it('breaks link syntax, so VS Code renders no command link', () => {
    assert.equal(renderedLinks(hostile).length, 1, 'the pattern sees the raw text as a link');
    const safe = notificationText(`problem: ${hostile} and [x](https://evil.example/ "t") and [y](file:///etc/passwd)`);
    assert.deepEqual(renderedLinks(safe), []);
    assert.match(safe, /\[Fix it\] \(command:/, 'the text is still readable');
  });

  it('yields no link and keeps within its length for any text', () => {
    const pieces = fc.constantFrom('[', ']', '(', ')', 'command:x', 'https://a', 'file:/b', ' ', '"t"', '\n', '\u202e', 'a', ']\u0000(', '\ud83d\ude00');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 200 }).map((p) => p.join('')), (text) => {
        const safe = notificationText(text);
        assert.deepEqual(renderedLinks(safe), [], safe);
        assert.ok(safe.length <= NOTIFICATION_TEXT_MAX_LENGTH);
        assert.ok(!/[\n\r\u0000\u202e]/.test(safe));
      }),
      { numRuns: 2000 },
    );
  });

  it('caps the length with an ellipsis, never cutting a character in half', () => {
    const safe = notificationText('\ud83d\ude00'.repeat(600));
    assert.equal(safe.length <= NOTIFICATION_TEXT_MAX_LENGTH, true);
    assert.ok(safe.endsWith('…'));
    assert.ok(!/[\ud800-\udbff]…$/.test(safe), 'no lone high surrogate before the ellipsis');
  });
});
