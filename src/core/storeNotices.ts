/**
 * What the event store says in its log when it moves events out of memory (eventStore.ts): each
 * notice with the numbers, what happens from then on, and the setting that keeps more.
 */

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
  return `${(bytes / 1024 / 1024 / 1024).toFixed(2)} GiB`;
}

/** A run of events, `first` to `last` inclusive, and the bytes it took. */
export interface EventRun {
  readonly first: number;
  readonly last: number;
  readonly bytes: number;
}

export function spilledNotice(memoryCap: number, run: EventRun, path: string | undefined): string {
  return `Memory cap of ${formatBytes(memoryCap)} reached: events ${run.first}-${run.last} (${formatBytes(run.bytes)}) moved to ${path}; they are read back from there when shown.`;
}

export function droppedNotice(memoryCap: number, whyNotSpilled: string, run: EventRun, count: number): string {
  return `Memory cap of ${formatBytes(memoryCap)} reached and ${whyNotSpilled}: dropped the payloads of ${count} events (${formatBytes(run.bytes)}) among events ${run.first}-${run.last}; their sizes and times are kept.`;
}

export function spillFailedNotice(path: string | undefined, err: unknown): string {
  return `Could not write the spill file ${path}: ${String(err)}; payloads past the memory cap will be dropped instead.`;
}

/** `run` is the segment that would have passed the cap; `fileBytes` what the file holds. */
export function spillFullNotice(caps: { memory: number; spill: number }, path: string, fileBytes: number, run: EventRun, raise: string): string {
  return (
    `Spill cap of ${formatBytes(caps.spill)} reached: the spill file ${path} holds ${formatBytes(fileBytes)} and events ` +
    `${run.first}-${run.last} (${formatBytes(run.bytes)}) would pass it. From event ${run.first} on, ` +
    `payloads past the memory cap of ${formatBytes(caps.memory)} are dropped; their sizes and times are kept. To keep more, ${raise}.`
  );
}

/** Said once, when the first events are dropped whole (`run.bytes`: their payloads' sizes). */
export function firstGapNotice(memoryCap: number, whyNotSpilled: string, run: EventRun, raise: string): string {
  return (
    `Memory cap of ${formatBytes(memoryCap)} reached and ${whyNotSpilled}, with the payloads past it already dropped: ` +
    `events ${run.first}-${run.last} (${run.last - run.first + 1} events) were dropped whole, and from now on the oldest events in memory are dropped as new ones come. ` +
    `Their numbers stay: each shows as a row that says it was dropped, and the counters include them. To keep more, ${raise}.`
  );
}

/** What a dropped event reads as: which run it went with, why, and what that run held. */
export function droppedEventMessage(seq: number, reason: { memoryCap: number; whyNotSpilled: string; raise: string }, run: EventRun, held: string): string {
  return (
    `Event ${seq} was dropped whole: the memory cap of ${formatBytes(reason.memoryCap)} was reached and ${reason.whyNotSpilled}. ` +
    `Events ${run.first}-${run.last} went with it (${held}; ${formatBytes(run.bytes)} of payload); only their counts are kept. To keep more, ${reason.raise}.`
  );
}
