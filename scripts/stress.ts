/**
 * `npm run stress`: the long fuzz runs, not part of `npm test`. At least 1,000,000
 * inputs each for the frame decoder and the profile parser; reports inputs per second and the
 * heap before and after, so a leak shows as growth.
 *   node out/scripts/stress.js [--runs N]
 */
import * as fc from 'fast-check';
import { checkProfileParse, checkWireDecode, profileText, wireInput } from '../test/fixtures/fuzzInputs';

const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1]) || 1_000_000;

function stress(name: string, property: fc.IPropertyWithHooks<unknown> | fc.IProperty<unknown>): void {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const started = Date.now();
  fc.assert(property, { numRuns: runs, seed: Date.now() & 0x7fffffff });
  const seconds = (Date.now() - started) / 1000;
  global.gc?.();
  const heapAfter = process.memoryUsage().heapUsed;
  console.log(`${name}: ${runs} inputs in ${seconds.toFixed(1)} s (${Math.round(runs / seconds)}/s), no failure; heap ${(heapBefore / 2 ** 20).toFixed(1)} -> ${(heapAfter / 2 ** 20).toFixed(1)} MiB`);
}

stress('frame decoder', fc.property(wireInput, (input) => checkWireDecode(input)));
stress('profile parser', fc.property(profileText, (text) => void checkProfileParse(text)));
