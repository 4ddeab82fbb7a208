/**
 * The event log's limits as read from the settings, and the settings as package.json declares them
 * (src/vscode/storeLimits.ts imports nothing from vscode, so plain Node runs it).
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEMORY_CAP_SETTING, SPILL_CAP_SETTING, storeLimits } from '../../../src/vscode/storeLimits';

const root = join(__dirname, '..', '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  capabilities: { untrustedWorkspaces: { restrictedConfigurations?: string[] } };
  contributes: { configuration: { properties: Record<string, { type?: unknown; default?: unknown; minimum?: unknown; maximum?: unknown }> } };
};
const MIB = 1024 * 1024;

describe('storeLimits', () => {
  it('declares both caps in package.json with the defaults and minimums it applies, as restricted configurations', () => {
    const properties = manifest.contributes.configuration.properties;
    for (const setting of [MEMORY_CAP_SETTING, SPILL_CAP_SETTING]) {
      const declared = properties[`wsInspector.${setting.key}`];
      assert.ok(declared, `wsInspector.${setting.key} is declared`);
      assert.equal(declared.default, setting.defaultMb);
      assert.equal(declared.minimum, setting.minimumMb);
      assert.equal(declared.maximum, setting.maximumMb);
      assert.equal(declared.type, 'integer');
      // An untrusted workspace's settings.json must not raise what a flood may take.
      assert.ok(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations?.includes(`wsInspector.${setting.key}`), `wsInspector.${setting.key} is restricted`);
    }
  });

  it('turns the settings into bytes, in whole megabytes within the minimum and maximum, and takes the default for anything but a finite number', () => {
    const read = (values: Record<string, unknown>) => storeLimits((key) => values[key]);
    assert.deepEqual(read({}), { memoryCapBytes: 256 * MIB, spillCapBytes: 1024 * MIB, memoryCapSetting: 'wsInspector.memoryCapMB', spillCapSetting: 'wsInspector.spillCapMB' });
    assert.deepEqual(read({ memoryCapMB: 64, spillCapMB: 4096 }), { memoryCapBytes: 64 * MIB, spillCapBytes: 4096 * MIB, memoryCapSetting: 'wsInspector.memoryCapMB', spillCapSetting: 'wsInspector.spillCapMB' });
    assert.deepEqual(read({ memoryCapMB: 1, spillCapMB: -5 }), { memoryCapBytes: 16 * MIB, spillCapBytes: 16 * MIB, memoryCapSetting: 'wsInspector.memoryCapMB', spillCapSetting: 'wsInspector.spillCapMB' });
    assert.deepEqual(read({ memoryCapMB: 1e9, spillCapMB: 64.9 }), { memoryCapBytes: 8192 * MIB, spillCapBytes: 64 * MIB, memoryCapSetting: 'wsInspector.memoryCapMB', spillCapSetting: 'wsInspector.spillCapMB' });
    for (const hostile of ['huge', null, Number.POSITIVE_INFINITY, Number.NaN, [512], { mb: 1 }]) {
      assert.deepEqual(read({ memoryCapMB: hostile, spillCapMB: hostile }), { memoryCapBytes: 256 * MIB, spillCapBytes: 1024 * MIB, memoryCapSetting: 'wsInspector.memoryCapMB', spillCapSetting: 'wsInspector.spillCapMB' }, String(hostile));
    }
  });
});
