/**
 * Automatic reconnects: their bounds and the wait before each. A profile is a file anyone can
 * commit, so what it asks for is bounded here: without a floor, "initialDelayMs": 0 with a large
 * "maxAttempts" would open hundreds of connections a second to a server that refuses them. The
 * profile reader warns about values past these bounds; the session clamps whatever it is given.
 */

/** The shortest wait before a reconnect, and the floor of the backoff. */
export const MIN_RECONNECT_DELAY_MS = 100;
/** The most reconnect attempts in a row (a connection that stays up resets the count). */
export const MAX_RECONNECT_ATTEMPTS = 100;

/**
 * A connection that stayed open this long counts as a success, and the reconnect count starts
 * over. Resetting on every open would let a server that accepts and drops at once be retried forever.
 */
export const STABLE_CONNECTION_MS = 10_000;

export interface ReconnectBounds {
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
}

/** Why a value is past its bound, said where a profile asks for it; undefined when it is within. */
export function reconnectBoundPassed(key: keyof ReconnectBounds, value: number): string | undefined {
  if (key === 'maxAttempts') {
    return value > MAX_RECONNECT_ATTEMPTS ? `above the maximum of ${MAX_RECONNECT_ATTEMPTS} reconnects in a row (a connection that stays up for ${STABLE_CONNECTION_MS / 1000} s starts the count over)` : undefined;
  }
  return value < MIN_RECONNECT_DELAY_MS ? `below the minimum of ${MIN_RECONNECT_DELAY_MS} ms (reconnects never come faster, so that a server refusing connections is not flooded with them)` : undefined;
}

/** `options` within the bounds above (maxDelayMs kept at least initialDelayMs). */
export function clampReconnect<T extends ReconnectBounds>(options: T): T {
  const initialDelayMs = Math.max(MIN_RECONNECT_DELAY_MS, options.initialDelayMs);
  return {
    ...options,
    maxAttempts: Math.max(1, Math.min(MAX_RECONNECT_ATTEMPTS, options.maxAttempts)),
    initialDelayMs,
    maxDelayMs: Math.max(initialDelayMs, options.maxDelayMs),
  };
}

/**
 * The wait before attempt `attempt` (1 for the first): exponential backoff from initialDelayMs up
 * to maxDelayMs, with jitter to spread the reconnects of many clients after a server restart, and
 * never under MIN_RECONNECT_DELAY_MS. `random` is in [0, 1).
 */
export function reconnectDelayMs(options: ReconnectBounds, attempt: number, random: number): number {
  const bounded = clampReconnect(options);
  const ceiling = Math.min(bounded.maxDelayMs, bounded.initialDelayMs * 2 ** (attempt - 1));
  return Math.max(MIN_RECONNECT_DELAY_MS, Math.round(ceiling / 2 + (random * ceiling) / 2));
}
