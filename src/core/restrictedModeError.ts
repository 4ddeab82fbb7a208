/** Something a profile asked for that Restricted Mode (an untrusted workspace) does not read; see restrictedMode.ts. */
export class RestrictedModeError extends Error {
  constructor(
    /** The refused variable ("${env:TOKEN}") or file path. */
    readonly what: string,
    /** Says what was not read, why, and how to lift it (trust the workspace). */
    message: string,
  ) {
    super(message);
    this.name = 'RestrictedModeError';
  }
}
