/**
 * How large one message may be. A session holds a whole message in memory before it reaches the
 * event log (ws inflates and joins its frames first), so this bounds what a single message a peer
 * sends can cost the extension host that every extension shares. Past it the connection is closed
 * with 1009 (RFC 6455 section 7.4.1).
 */

/** The largest message accepted when a profile does not say (`maxPayloadBytes`). */
export const DEFAULT_MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** The most `maxPayloadBytes` may be: media/wsprofile.schema.json's "maximum" says the same (a test checks). */
export const MAX_PAYLOAD_BYTES_LIMIT = 256 * 1024 * 1024;

/** Why a `maxPayloadBytes` above the limit is refused (`written` is the value as written) and how to fix it. */
export function maxPayloadTooLarge(written: string): string {
  return (
    `maxPayloadBytes must be at most ${MAX_PAYLOAD_BYTES_LIMIT} (${mebibytes(MAX_PAYLOAD_BYTES_LIMIT)}), got ${written}: a message is held whole in the memory of the extension host, which every extension shares. ` +
    `Lower it to ${MAX_PAYLOAD_BYTES_LIMIT} or less, or remove it for the default of ${DEFAULT_MAX_PAYLOAD_BYTES} (${mebibytes(DEFAULT_MAX_PAYLOAD_BYTES)})`
  );
}

const mebibytes = (bytes: number): string => `${bytes / 1024 / 1024} MiB`;
