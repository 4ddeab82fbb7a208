/**
 * Finding the entry of an event store's log (a segment in memory, a spilled one, or a gap) that
 * holds an event, by its sequence number. Entries are in order and each starts where the one before
 * it ends; the common case (segments of `segmentSize` events, none closed early) is one division.
 */

/** The index in `entries` of the one that holds `seq`, for `0 <= seq <` the log's length. */
export function indexOfEntryHolding(entries: readonly { readonly firstSeq: number }[], seq: number, segmentSize: number): number {
  // No segment holds more than segmentSize events, so the one holding seq is at this index or
  // later: exactly there unless segments were closed early for their bytes, then a search finds it.
  // A gap holds many segments' events, so past one the holder is at an earlier index: searched for too.
  let low = Math.min(Math.floor(seq / segmentSize), entries.length - 1);
  let high = entries.length - 1;
  if (entries[low].firstSeq > seq) {
    high = low - 1;
    low = 0;
  } else {
    const next = entries[low + 1];
    if (next === undefined || next.firstSeq > seq) return low;
  }
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if (entries[middle].firstSeq <= seq) low = middle;
    else high = middle - 1;
  }
  return low;
}
