/**
 * A user's regular expression tested in the sandbox: the same answers as RegExp.test, and a pattern
 * that backtracks catastrophically is stopped instead of hanging the process (without the guard
 * these tests never return; mocha's timeout is only there to report that).
 */
import * as assert from 'node:assert/strict';
import { GuardedRegex, MATCHED, NOT_MATCHED, RegexTooSlowError, UNTESTED } from '../../../src/core/guardedRegex';

const plain = (source: string, texts: readonly string[]): number[] => {
  const re = new RegExp(source, 'iu');
  return texts.map((t) => (re.test(t) ? MATCHED : NOT_MATCHED));
};

describe('GuardedRegex', function () {
  this.timeout(20_000);

  it('answers exactly as RegExp.test does, case-insensitively and with Unicode', () => {
    const texts = ['Hello', 'hello world', 'HELLO', 'say hi', '', 'héllo', 'Straße', '\u{1F600} smile', 'a\nb'];
    for (const source of ['^hello$', 'hel+o', 'h.llo', 'STRASSE|straße', '\\p{Emoji_Presentation}', 'a$', '^b', '']) {
      assert.deepEqual([...new GuardedRegex(source, 'iu').testAll(texts)], plain(source, texts), source);
    }
  });

  it('stops (a+)+$ on forty "a"s and a "!", naming that text', () => {
    const texts = ['aaa', 'b', `${'a'.repeat(40)}!`, 'aa'];
    assert.throws(
      () => new GuardedRegex('(a+)+$', 'iu').testAll(texts),
      (err: unknown) => err instanceof RegexTooSlowError && err.index === 2 && err.spentMs > 0,
    );
  });

  it('stops (x+x+)+y on a megabyte of "x", and the next expression works', () => {
    const texts = ['xy', 'x'.repeat(1024 * 1024)];
    assert.throws(() => new GuardedRegex('(x+x+)+y', 'iu').testAll(texts), (err: unknown) => err instanceof RegexTooSlowError && err.index === 1);
    assert.deepEqual([...new GuardedRegex('^x*y$', 'iu').testAll(texts)], [MATCHED, NOT_MATCHED]);
  });

  it('carries on after a window closes in the middle of a batch, with every answer right', () => {
    // Each text takes some microseconds of backtracking; with a 20 ms window the batch is cut a few
    // times on the way (a text alone would need two whole windows to fail, which it cannot use up).
    const texts = Array.from({ length: 6000 }, (_, i) => `${'ab'.repeat(50)}${i % 7 === 0 ? 'match' : 'miss'}${i}`);
    const source = '(ab)*match\\d+$';
    assert.deepEqual([...new GuardedRegex(source, 'iu', 20).testAll(texts)], plain(source, texts));
    // Bytes decoded in the sandbox give the same answers as the same texts.
    const bytes = Buffer.from(texts.join(''), 'utf8');
    const starts: number[] = [];
    const ends: number[] = [];
    texts.reduce((at, t) => (starts.push(at), ends.push(at + t.length), at + t.length), 0);
    assert.deepEqual([...new GuardedRegex(source, 'iu', 20).testAll({ count: texts.length, items: texts.map(() => bytes), starts, ends })], plain(source, texts));
  });

  it('returns soon after its deadline, with the texts tested so far answered and the rest untested', () => {
    // (a|b)*c backtracks over each 100-character text without failing any: some 30 µs a text here,
    // about half a second for the batch, which without a deadline runs in consecutive windows.
    const texts = Array.from({ length: 20_000 }, (_, i) => `${'ab'.repeat(50)}${i % 7 === 0 ? 'c' : 'd'}${i}`);
    const source = '(a|b)*c';
    const expected = plain(source, texts);
    const regex = new GuardedRegex(source, 'iu', 20);
    const first = regex.testAll(texts, performance.now());
    const reached = first.indexOf(UNTESTED);
    assert.ok(reached > 0, `some texts were tested before it returned (${reached})`);
    assert.ok(first.subarray(reached).every((r) => r === UNTESTED), 'nothing after the first untested text is answered');
    assert.deepEqual([...first.subarray(0, reached)], expected.slice(0, reached));
    // The caller goes on from there: every answer is the same as RegExp.test's.
    const rest = regex.testAll(texts.slice(reached));
    assert.deepEqual([...first.subarray(0, reached), ...rest], expected);
  });
});
