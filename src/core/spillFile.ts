/**
 * The file an event store moves whole segments to once it holds more than its memory cap.
 *
 * A peer controls what goes in, so the file is bounded (`capBytes`: a record that would take it
 * past the cap is refused, never written), and it is private to this process: its name is random
 * (two stores never share one, however close together they start), it is created exclusively
 * (never an existing file or a link planted in its place) and readable by this user only, and
 * every record is encrypted with a key that exists only in this process's memory.
 *
 * The file is deleted when its store is disposed; a process that crashed never does that, so the
 * name carries the process id, and sweepStaleSpillFiles removes the files of processes that are gone.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** Where a record went in the file. */
export interface SpillRecord {
  readonly fileOffset: number;
  readonly byteLength: number;
}

/** What `append` did with a record: wrote it, or refused it because the file would pass its cap. */
export type SpillAppend =
  | { readonly outcome: 'written'; readonly record: SpillRecord }
  | { readonly outcome: 'over-cap'; readonly recordBytes: number };

/** AES-256-GCM: a 12-byte IV and a 16-byte tag before each record's ciphertext. */
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SpillFile {
  private readonly key = randomBytes(32);
  private end = 0;
  private fd: number | undefined;

  private constructor(
    readonly path: string,
    fd: number,
    /** The most the file may hold, in bytes. */
    readonly capBytes: number,
  ) {
    this.fd = fd;
  }

  /** Creates a new spill file in `dir`. Throws the file system's error when it cannot be created. */
  static create(dir: string, capBytes: number): SpillFile {
    const path = join(dir, `events-${HOST_TAG}-${process.pid}-${randomUUID()}.spill`);
    // 'wx+': read and write, and fail rather than open a file (or a link) that is already there.
    const fd = openSync(path, 'wx+', 0o600);
    return new SpillFile(path, fd, capBytes);
  }

  /** Bytes written so far. */
  get size(): number {
    return this.end;
  }

  /** Encrypts `plain` and appends it, unless that would take the file past its cap. Throws on a write error. */
  append(plain: Buffer): SpillAppend {
    const recordBytes = IV_BYTES + TAG_BYTES + plain.length;
    if (this.end + recordBytes > this.capBytes) return { outcome: 'over-cap', recordBytes };
    const sealed = this.encrypt(plain);
    writeSync(this.openFd(), sealed, 0, sealed.length, this.end);
    const record = { fileOffset: this.end, byteLength: sealed.length };
    this.end += sealed.length;
    return { outcome: 'written', record };
  }

  /** Reads a record back and decrypts it. Throws when the file was changed under us (GCM checks every record). */
  read(record: SpillRecord): Buffer {
    const sealed = Buffer.allocUnsafe(record.byteLength);
    readSync(this.openFd(), sealed, 0, record.byteLength, record.fileOffset);
    return this.decrypt(sealed);
  }

  /** Closes and deletes the file. */
  remove(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
    rmSync(this.path, { force: true });
  }

  private openFd(): number {
    if (this.fd === undefined) throw new Error(`The spill file ${this.path} was already removed.`);
    return this.fd;
  }

  /**
   * Spilled events hold what went over the wire, secrets in headers included, so they are written
   * encrypted with a key that exists only in this process's memory: the file is unreadable to
   * anyone else and worthless once the session is gone.
   */
  private encrypt(plain: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain), cipher.final()]);
    return Buffer.concat([iv, cipher.getAuthTag(), body]);
  }

  private decrypt(sealed: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES));
    decipher.setAuthTag(sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]);
  }
}

/** This machine, in spill file names: process ids mean something only on the machine that gave them. */
const HOST_TAG = createHash('sha256').update(hostname()).digest('hex').slice(0, 8);

/** A spill file's name: the machine and the id of the process that made it, and a random UUID. */
const SPILL_FILE_NAME = /^events-([0-9a-f]{8})-(\d+)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.spill$/;

/**
 * Deletes the spill files in `dir` left by processes that are no longer running (an extension host
 * that crashed, or was killed, deleted none of its files), and returns their names. The files of
 * running processes stay, whichever they are: on Windows every window's extension host shares the
 * folder, and a home folder shared over the network is shared by other machines, whose files are
 * never touched. A process id the system has since given to another process keeps its files until
 * that one ends too. Names of any other form are not touched.
 */
export async function sweepStaleSpillFiles(dir: string): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    const parts = SPILL_FILE_NAME.exec(name);
    // Another machine's file (a home folder shared over the network) is not this machine's to judge.
    if (parts?.[1] !== HOST_TAG) continue;
    const pid = Number(parts[2]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || isRunning(pid)) continue;
    try {
      // unlink, not rm: a link in the file's place goes, never what it points to.
      await unlink(join(dir, name));
      removed.push(name);
    } catch {
      // Gone already (another window swept it), or not a file: nothing of ours to remove.
    }
  }
  return removed;
}

/** Whether process `pid` exists: signal 0 checks without signalling; EPERM means it runs as another user. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}
