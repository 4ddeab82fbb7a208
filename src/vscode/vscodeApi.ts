/**
 * The `vscode` module, re-exported once for the bundles (scripts/build.mjs points every
 * `import ... from 'vscode'` of the adapter here). esbuild turns each `import * as vscode` of a
 * CommonJS module into a copy of the whole API object, one getter per property, per importing file;
 * through this module the bundle makes that copy once.
 */
export * from 'vscode';
