/**
 * The event log's limits as the user's settings set them (package.json's contributes.configuration
 * declares the settings; a unit test keeps the two in agreement). Both are restricted
 * configurations: in Restricted Mode VS Code ignores a workspace's values for them, so an
 * untrusted folder cannot raise what a peer's flood may take. Imports nothing from vscode, so plain
 * Node tests it.
 */
import type { EventStoreOptions } from '../core/eventStore';

const MIB = 1024 * 1024;

/** One setting of the `wsInspector` section, in megabytes. */
export interface MegabyteSetting {
  /** The key inside the section. */
  readonly key: string;
  readonly defaultMb: number;
  readonly minimumMb: number;
  readonly maximumMb: number;
}

// The extension host is one process that every extension shares: 8 GiB of one session's log would
// take it down whatever the machine, and 100 GiB of spill is more than any inspection needs.
export const MEMORY_CAP_SETTING: MegabyteSetting = { key: 'memoryCapMB', defaultMb: 256, minimumMb: 16, maximumMb: 8192 };
export const SPILL_CAP_SETTING: MegabyteSetting = { key: 'spillCapMB', defaultMb: 1024, minimumMb: 16, maximumMb: 102_400 };

/** Reads a setting of the `wsInspector` section (WorkspaceConfiguration.get in the extension); undefined when unset. */
export type ReadSetting = (key: string) => unknown;

/** Memory and spill caps for a new session's event log; read anew for each session. */
export function storeLimits(read: ReadSetting): Pick<EventStoreOptions, 'memoryCapBytes' | 'spillCapBytes' | 'memoryCapSetting' | 'spillCapSetting'> {
  return {
    memoryCapBytes: megabytes(read, MEMORY_CAP_SETTING) * MIB,
    spillCapBytes: megabytes(read, SPILL_CAP_SETTING) * MIB,
    memoryCapSetting: `wsInspector.${MEMORY_CAP_SETTING.key}`,
    spillCapSetting: `wsInspector.${SPILL_CAP_SETTING.key}`,
  };
}

/** The setting's value in whole megabytes, within its minimum and maximum; its default when it is not a finite number (settings.json can hold anything). */
function megabytes(read: ReadSetting, setting: MegabyteSetting): number {
  const value = read(setting.key);
  if (typeof value !== 'number' || !Number.isFinite(value)) return setting.defaultMb;
  return Math.min(setting.maximumMb, Math.max(setting.minimumMb, Math.floor(value)));
}
