/**
 * Where an event store's segments past the memory cap go (eventStore.ts): a spill file made with the
 * first spill (spillFile.ts), or nowhere. Once the file is full, or a write to it failed, what it
 * holds is still read back but nothing more is written to it.
 */
import { formatBytes } from './storeNotices';
import type { SpillFile } from './spillFile';

export type Spill =
  | { readonly state: 'no-folder' }
  | { readonly state: 'not-opened'; readonly dir: string }
  | { readonly state: 'open'; readonly file: SpillFile }
  | { readonly state: 'full'; readonly file: SpillFile }
  | { readonly state: 'failed'; readonly file: SpillFile | undefined }
  | { readonly state: 'removed' };

/** The spill file, while there is one to read from. */
export function spillFileOf(spill: Spill): SpillFile | undefined {
  switch (spill.state) {
    case 'open':
    case 'full':
    case 'failed':
      return spill.file;
    case 'no-folder':
    case 'not-opened':
    case 'removed':
      return undefined;
    default: {
      const unknown: never = spill;
      throw new Error(`unknown spill state ${JSON.stringify(unknown)}`);
    }
  }
}

/** Why what is past the memory cap is not spilled, as the notices say it. */
export function whyNotSpilled(spill: Spill, spillCapBytes: number): string {
  switch (spill.state) {
    case 'no-folder':
      return 'no spill folder is set';
    case 'full':
      return `the spill file is at its cap of ${formatBytes(spillCapBytes)}`;
    case 'failed':
      return 'the spill file could not be written';
    case 'removed':
      return 'the log was closed';
    case 'not-opened':
    case 'open':
      return 'the spill file was not written';
    default: {
      const unknown: never = spill;
      throw new Error(`unknown spill state ${JSON.stringify(unknown)}`);
    }
  }
}
