/** Waiting for something that happens asynchronously inside VS Code, with a deadline and a reason. */

/**
 * Calls `probe` every 100 ms until it returns something other than undefined, and returns that.
 * Errors thrown by `probe` count as "not yet"; the last one is quoted if the deadline passes.
 */
export async function poll<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
}
