/** Property-based checks of the parsers that read untrusted input; a few seconds here, a million inputs in `npm run stress`. */
import * as fc from 'fast-check';
import { checkProfileParse, checkWireDecode, profileText, wireInput } from '../../fixtures/fuzzInputs';

describe('fuzzing', function () {
  this.timeout(30_000);

  it('the profile parser never throws, keeps positions inside the text, and returns a profile only without errors', () => {
    fc.assert(fc.property(profileText, (text) => void checkProfileParse(text)), { numRuns: 3000 });
  });

  it('the frame decoder never throws on random bytes and stops after its first error', () => {
    fc.assert(fc.property(wireInput, (input) => checkWireDecode(input)), { numRuns: 3000 });
  });
});
