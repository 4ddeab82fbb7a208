/**
 * The one way the activation bundle reaches the engine (engine.ts, bundled as dist/engine.js): a
 * `require` on first use, cached by Node. It is synchronous, so callers stay as they were; the
 * first caller pays for loading it (some 20 ms here), activation does not.
 */
import type * as Engine from './engine';

export type EngineModule = typeof Engine;

let engine: EngineModule | undefined;

export function loadEngine(): EngineModule {
  // scripts/build.mjs leaves this require to run time, next to this file: dist/engine.js beside
  // dist/extension.js, or out/src/vscode/engine.js beside this module in the tests' build.
  engine ??= require('./engine') as EngineModule;
  return engine;
}
