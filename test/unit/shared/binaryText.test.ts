import * as assert from 'node:assert/strict';
import { binaryTextByteLength, decodeBinaryText, findBinaryTextProblem, type BinaryEncoding, type BinaryTextProblem } from '../../../src/shared/binaryText';
import { checkBinaryInput } from '../../../src/shared/composerInput';
import { encodeSavedMessage, parseProfile } from '../../../src/core/profile';
import { processEnvResolver } from '../../../src/core/variables';

type Encoding = BinaryEncoding;

/** Inputs with the bytes they stand for, or null when they must be refused. */
const TABLE: readonly [Encoding, string, number[] | null][] = [
  ['hex', '', []],
  ['hex', '0x', []],
  ['hex', 'de ad\nBE\tef', [0xde, 0xad, 0xbe, 0xef]],
  ['hex', '  0xff', [0xff]],
  ['hex', '0X0a0B', [0x0a, 0x0b]],
  ['hex', 'abc', null],
  ['hex', '0x0xff', null],
  ['hex', '0 x ff', null],
  ['hex', 'ff,00', null],
  ['hex', 'fg', null],
  ['hex', 'ff 🙂', null],
  ['base64', '', []],
  ['base64', 'AAEC/w==', [0, 1, 2, 255]],
  ['base64', 'AAEC/w', [0, 1, 2, 255]],
  ['base64', 'AAEC_w', [0, 1, 2, 255]],
  ['base64', 'AAEC_w==', [0, 1, 2, 255]],
  ['base64', 'aGVs bG8=\n', [0x68, 0x65, 0x6c, 0x6c, 0x6f]],
  ['base64', 'aGVsbG8', [0x68, 0x65, 0x6c, 0x6c, 0x6f]],
  ['base64', 'AA==', [0]],
  ['base64', 'AAA=', [0, 0]],
  ['base64', 'AA=', null],
  ['base64', 'AAA==', null],
  ['base64', 'AAAA=', null],
  ['base64', 'AAAA==', null],
  ['base64', 'AA===', null],
  ['base64', 'A===', null],
  ['base64', 'A', null],
  ['base64', 'AAAAA', null],
  ['base64', 'aGVsbG8=x', null],
  ['base64', 'a*bc', null],
  ['base64', 'a$bc', null],
  ['base64', 'ab+_', null],
  ['base64', '-/AA', null],
];

describe('binary text: the composer and the profile agree', () => {
  for (const [encoding, text, expected] of TABLE) {
    it(`${encoding} ${JSON.stringify(text)} is ${expected ? 'accepted' : 'refused'} by the composer, the profile reader and the encoder alike`, async () => {
      const composer = checkBinaryInput(text, encoding);
      let encoded: number[] | null;
      try {
        encoded = [...(await encodeSavedMessage({ name: 'm', type: 'binary', data: text, encoding }, processEnvResolver)).payload];
      } catch {
        encoded = null;
      }
      const profile = JSON.stringify({ url: 'ws://127.0.0.1:1', messages: [{ name: 'm', type: 'binary', encoding, data: text }] });
      const readerErrors = parseProfile(profile, { profilePath: '/p/x.wsprofile' }).problems.filter((p) => p.severity === 'error');
      assert.deepEqual(
        { composer: composer.ok ? composer.bytes : null, encoder: encoded, reader: readerErrors.length === 0 },
        { composer: expected ? expected.length : null, encoder: expected, reader: expected !== null },
        JSON.stringify({ composer, readerErrors: readerErrors.map((p) => p.message) }),
      );
    });
  }
});

describe('binary text', () => {
  const decode = (text: string, encoding: BinaryEncoding): number[] | BinaryTextProblem => {
    const decoded = decodeBinaryText(text, encoding);
    return decoded.ok ? [...decoded.bytes] : decoded.problem;
  };
  const message = (text: string, encoding: BinaryEncoding): string | undefined => findBinaryTextProblem(text, encoding)?.message;

  it('hex: two digits per byte in either case, whitespace anywhere ignored, one leading 0x', () => {
    assert.deepEqual(decode('0xDE ad\n be\tEF', 'hex'), [0xde, 0xad, 0xbe, 0xef]);
    assert.deepEqual(decode(' \t0x00ff', 'hex'), [0, 255]);
    assert.deepEqual(decode('', 'hex'), []);
    assert.deepEqual(decode('0x', 'hex'), []);
    assert.equal(binaryTextByteLength('0x de ad be', 'hex'), 3);
  });

  it('hex: a wrong character is quoted with its position and a way to fix it', () => {
    assert.deepEqual(findBinaryTextProblem('de ad be eg', 'hex'), {
      kind: 'character',
      message: '"g" at character 11 is not a hex digit (use 0-9 and a-f; spaces are ignored)',
      offset: 10,
      length: 1,
    });
    assert.equal(message('0x0xff', 'hex'), '"x" at character 4 is not a hex digit ("0x" is allowed only once, at the start)');
    assert.equal(message('0 x ff', 'hex'), '"x" at character 3 is not a hex digit ("0x" is allowed only once, at the start)');
    assert.equal(message('ff,00', 'hex'), '"," at character 3 is not a hex digit (separate bytes with spaces, not commas)');
    // A character outside the BMP is quoted and underlined whole, not as half a surrogate pair.
    assert.deepEqual(findBinaryTextProblem('ff 🙂', 'hex'), { kind: 'character', message: '"🙂" at character 4 is not a hex digit (use 0-9 and a-f; spaces are ignored)', offset: 3, length: 2 });
  });

  it('hex: an odd number of digits is a length problem over the whole text', () => {
    assert.deepEqual(findBinaryTextProblem('0xde ad b', 'hex'), {
      kind: 'length',
      message: 'it has an odd number of hex digits (5); every byte needs two digits, so add the missing one or remove the extra one',
      offset: 0,
      length: 9,
    });
  });

  it('base64: the standard or the URL-safe alphabet, whitespace ignored, padding written right or left out', () => {
    assert.deepEqual(decode('AAEC/w==', 'base64'), [0, 1, 2, 255]);
    assert.deepEqual(decode('AAEC_w', 'base64'), [0, 1, 2, 255]);
    assert.deepEqual(decode('+-AA', 'base64'), { kind: 'character', message: '"-" at character 2 mixes the two base64 alphabets: "+" at character 1 is from the other one (write "+" and "/", or the URL-safe "-" and "_", not both)', offset: 1, length: 1 });
    assert.deepEqual(decode('aGVs\nbG8 =', 'base64'), [...'hello'].map((c) => c.charCodeAt(0)));
    assert.deepEqual(decode('AAA=', 'base64'), [0, 0]);
    assert.deepEqual(decode('AA', 'base64'), [0]);
    assert.deepEqual(decode('', 'base64'), []);
    assert.deepEqual(decode('////', 'base64'), [255, 255, 255]);
    assert.deepEqual(decode('TWFu', 'base64'), [0x4d, 0x61, 0x6e]);
    assert.equal(binaryTextByteLength('aGVsbG8=', 'base64'), 5);
    assert.equal(binaryTextByteLength('aGVsbG8', 'base64'), 5);
  });

  it('base64: a wrong character is quoted with its position and a way to fix it', () => {
    assert.equal(message('a*bc', 'base64'), '"*" at character 2 is not a base64 character (use A-Z, a-z, 0-9 and either + / or the URL-safe - _; spaces are ignored)');
    assert.equal(message('aGVsbG8=x', 'base64'), '"x" at character 9 comes after "=" padding, which may only end the text');
    assert.equal(message('AA===', 'base64'), '"=" at character 5 is a third "=": padding is at most "==" (RFC 4648 section 4)');
    assert.equal(findBinaryTextProblem('AA===', 'base64')?.kind, 'character');
  });

  it('base64: padding that does not complete the last group of 4 is a length problem (RFC 4648 section 4)', () => {
    assert.equal(message('AA=', 'base64'), 'its last group has 2 characters, so its padding is == (RFC 4648 section 4), not =; write == or leave the padding out');
    assert.equal(message('AAA==', 'base64'), 'its last group has 3 characters, so its padding is = (RFC 4648 section 4), not ==; write = or leave the padding out');
    assert.equal(message('AAAA=', 'base64'), 'its 4 characters are whole groups of 4, so it needs no "=" padding; remove the "="');
    assert.equal(message('AAAA==', 'base64'), 'its 4 characters are whole groups of 4, so it needs no "=" padding; remove the "=="');
    assert.equal(message('AAAAA', 'base64'), 'its length (5 characters) is not a whole number of base64 groups: one character is left over, and a byte needs two; look for a missing or an extra character');
    assert.deepEqual(findBinaryTextProblem('A===', 'base64'), { kind: 'character', message: '"=" at character 4 is a third "=": padding is at most "==" (RFC 4648 section 4)', offset: 3, length: 1 });
    assert.equal(findBinaryTextProblem('AA=', 'base64')?.kind, 'length');
  });

  it('skips the unknown parts of a text (variables) and then does not judge its length', () => {
    const text = 'ff ${env:X} g';
    const unknown = [{ offset: 3, length: 8 }];
    assert.equal(findBinaryTextProblem(text, 'hex', unknown)?.message, '"g" at character 13 is not a hex digit (use 0-9 and a-f; spaces are ignored)');
    assert.equal(findBinaryTextProblem('f ${env:X}', 'hex', [{ offset: 2, length: 8 }]), undefined);
    assert.equal(findBinaryTextProblem('A ${env:X}=', 'base64', [{ offset: 2, length: 8 }]), undefined);
    assert.equal(findBinaryTextProblem('${a}*', 'base64', [{ offset: 0, length: 4 }])?.offset, 4);
  });

  it('decodes every byte value both ways', () => {
    const all = Array.from({ length: 256 }, (_, i) => i);
    const hex = all.map((b) => b.toString(16).padStart(2, '0')).join(' ');
    assert.deepEqual(decode(hex, 'hex'), all);
    // Node's encoder is the reference for the test only; the module itself uses no Node.
    const standard = Buffer.from(all).toString('base64');
    assert.deepEqual(decode(standard, 'base64'), all);
    assert.deepEqual(decode(Buffer.from(all).toString('base64url'), 'base64'), all);
    for (let n = 0; n < 7; n++) assert.deepEqual(decode(Buffer.from(all.slice(0, n)).toString('base64'), 'base64'), all.slice(0, n), `${n} bytes`);
  });
});
