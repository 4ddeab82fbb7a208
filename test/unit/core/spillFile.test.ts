/**
 * Spill files left behind by processes that are gone (an extension host that crashed deletes none of
 * its own): the sweep removes those, and never a file of a process that still runs.
 */
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpillFile, sweepStaleSpillFiles } from '../../../src/core/spillFile';

/** The id of a process that has run and ended. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', () => resolve());
    child.once('error', reject);
  });
  assert.ok(child.pid, 'the child process had an id');
  return child.pid;
}

describe('spill files', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'wsi-spill-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('sweeps the files of processes that have ended, and keeps those of this process and of any process still running', async () => {
    const dead = await deadPid();
    const host = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);
    const name = (pid: number): string => `events-${host}-${pid}-${randomUUID()}.spill`;
    const ofDead = [name(dead), name(dead)];
    // Ours (a store of this process still uses it), and other running processes': the parent of this one,
    // and process 1, which runs as root (signalling it is refused to anyone else: EPERM, yet it runs).
    const ours = SpillFile.create(dir, 1024);
    const running = [name(process.ppid), name(1)];
    // Names the store never makes stay whatever they hold.
    // Nor another machine's files (a home folder shared over the network), whatever their process ids mean here.
    const otherHost = host === '00000000' ? '11111111' : '00000000';
    const others = ['notes.txt', `events-${dead}.spill`, `events-${host}-${dead}-not-a-uuid.spill`, `events-${randomUUID()}.spill`, `events-${host}-0-${randomUUID()}.spill`, `events-${otherHost}-${dead}-${randomUUID()}.spill`];
    for (const file of [...ofDead, ...running, ...others]) writeFileSync(join(dir, file), 'x');
    // A link in a dead process's name goes, never what it points to.
    const outside = join(dir, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'kept'), 'x');
    const link = name(dead);
    symlinkSync(join(outside, 'kept'), join(dir, link));
    const removed = await sweepStaleSpillFiles(dir);
    assert.deepEqual(removed.sort(), [...ofDead, link].sort());
    assert.deepEqual(readdirSync(dir).sort(), [ours.path.slice(dir.length + 1), ...running, ...others, 'outside'].sort());
    assert.ok(existsSync(join(outside, 'kept')));
    // Our own file still works, and goes when its store is done with it.
    assert.equal(ours.append(Buffer.from('still ours')).outcome, 'written');
    ours.remove();
    assert.equal(existsSync(ours.path), false);
  });

  it('names each file after this machine and process, so a sweep knows whose it is', () => {
    const file = SpillFile.create(dir, 1024);
    assert.match(file.path.slice(dir.length + 1), new RegExp(`^events-[0-9a-f]{8}-${process.pid}-[0-9a-f-]{36}\\.spill$`));
    file.remove();
  });
});
