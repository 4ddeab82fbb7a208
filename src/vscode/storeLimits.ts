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
}

export const MEMORY_CAP_SETTING: MegabyteSetting = { key: 'memoryCapMB', defaultMb: 256, minimumMb: 16 };
export const SPILL_CAP_SETTING: MegabyteSetting = { key: 'spillCapMB', defaultMb: 1024, minimumMb: 16 };

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

/** The setting's value, at least its minimum; its default when it is not a finite number (settings.json can hold anything). */
function megabytes(read: ReadSetting, setting: MegabyteSetting): number {
  const value = read(setting.key);
  if (typeof value !== 'number' || !Number.isFinite(value)) return setting.defaultMb;
  return Math.max(setting.minimumMb, value);
}
