/**
 * The traffic counters of a session's log (sessionCounters.ts), counted from the store's columns and
 * caught up lazily, so a view opened late does not miss earlier events, events dropped whole included.
 */
import { countEvent, countMessages, EMPTY_COUNTERS, type CounterTally, type TrafficCounters } from '../shared/sessionCounters';
import type { EventStore } from './eventStore';

export class CounterScan {
  private readonly tally: CounterTally = { ...EMPTY_COUNTERS };
  private countedUpTo = 0;

  constructor(private readonly store: EventStore) {}

  /** The counters up to the end of the log, counting what was appended since the last call. */
  catchUp(): TrafficCounters {
    const store = this.store;
    const length = store.length;
    if (this.countedUpTo < length) {
      // Columns only: no event object is built for a counted message.
      store.scan(
        this.countedUpTo,
        length,
        (seq, kind, direction, _bytes, _offset, size) => {
          countEvent(this.tally, kind, direction, size, () => store.get(seq)?.rttMs);
        },
        // Events dropped whole (past both caps) are counted from their gap's tally; a gap partly
        // counted before it was made (its first events were still in memory then) adds the rest in proportion.
        (gap, start, end) => {
          const share = (end - start) / gap.count;
          gap.forEachTally((kind, direction, events, bytes) => countMessages(this.tally, kind, direction, Math.round(events * share), Math.round(bytes * share)));
        },
      );
      this.countedUpTo = length;
    }
    return { ...this.tally };
  }
}
