/**
 * What the plain data the event store keeps as objects (an event's extras: its sentence, close
 * details, handshake record, the frame of a decode error) costs in the V8 heap, estimated, so the
 * memory cap counts it. The figures are those of 64-bit V8 without pointer compression (Node's
 * default), rounded up: a string is a 32-byte header (16 bytes, and as much again for a string made by
 * concatenation, a cons string over its parts) and its characters at 2 bytes each (the two-byte
 * case; Latin-1 strings take half), an object a 24-byte header and a slot per property, an
 * array a 32-byte header (the array and its elements' store) and a slot per element, and a number
 * may be boxed (16 bytes). A string shared with other events (a constant sentence) is counted once
 * per event that holds it, which errs on the safe side.
 */

const SLOT_BYTES = 8;
const STRING_HEADER_BYTES = 32;
const BYTES_PER_CHAR = 2;
const OBJECT_HEADER_BYTES = 24;
const ARRAY_HEADER_BYTES = 32;
const BOXED_NUMBER_BYTES = 16;

/** Estimated heap bytes held by `value` and everything reachable from it (plain data: no cycles, no buffers). */
export function estimateHeapBytes(value: unknown): number {
  if (typeof value === 'string') return STRING_HEADER_BYTES + BYTES_PER_CHAR * value.length;
  if (typeof value === 'number') return BOXED_NUMBER_BYTES;
  // Booleans, undefined and null live in their slot, counted by whatever holds them.
  if (typeof value !== 'object' || value === null) return 0;
  if (Array.isArray(value)) {
    let bytes = ARRAY_HEADER_BYTES + SLOT_BYTES * value.length;
    for (const item of value as unknown[]) bytes += estimateHeapBytes(item);
    return bytes;
  }
  let bytes = OBJECT_HEADER_BYTES;
  for (const key in value) bytes += SLOT_BYTES + estimateHeapBytes((value as Record<string, unknown>)[key]);
  return bytes;
}
