/**
 * CPU scheduling groups for the load test (load.ts): VS Code in one, the flood server in another.
 *
 * A desktop VS Code is one application: its window's renderer, its GPU process and its extension
 * host start in one session, so Linux schedules them as one group, and the WebSocket server the
 * inspector watches runs elsewhere. The load test runs code-server and the browser showing its
 * workbench instead, and each of them starts its own session (Node's and Playwright's `detached`),
 * and with it its own group (`/proc/sys/kernel/sched_autogroup_enabled`, on in Debian): the kernel
 * then shares the CPU between code-server, the browser and the test driver with its flood server as
 * three equals, which is no arrangement a desktop VS Code ever runs in. Measured on two cores
 * (RELIABILITY.md): the extension host, runnable, waited 30-96 ms of every 50 ms window for a CPU at
 * the start of the flood while the browser's group took three quarters of both.
 *
 * So the load test puts code-server and the browser (and every process they start later, which
 * inherit the group) into one CPU cgroup, and the flood server into another, as a VS Code and a
 * server elsewhere would be. The test driver stays where it was. This needs a writable CPU cgroup
 * hierarchy (root, cgroup v1's `cpu` controller or v2 with `cpu` available); without one nothing is
 * moved and `arranged` says why, so the figures always say under which arrangement they were taken.
 * `--separate-groups` on the load test keeps the three sessions' groups on purpose, for comparison.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SchedulingGroups {
  /** What was arranged, for the figures: the groups and their processes, or why nothing was. */
  readonly arranged: string;
  /** Moves whatever is still in the groups back to the root and removes the groups. */
  dispose(): void;
}

interface Hierarchy {
  readonly root: string;
  readonly version: 1 | 2;
}

function cpuHierarchy(): Hierarchy | string {
  if (existsSync('/sys/fs/cgroup/cpu/cpu.shares')) return { root: '/sys/fs/cgroup/cpu', version: 1 };
  const controllers = '/sys/fs/cgroup/cgroup.controllers';
  if (existsSync(controllers)) {
    if (!readFileSync(controllers, 'utf8').split(/\s+/).includes('cpu')) return 'cgroup v2 without the cpu controller';
    return { root: '/sys/fs/cgroup', version: 2 };
  }
  return 'no cgroup cpu hierarchy at /sys/fs/cgroup';
}

/** Parent of every process, from /proc (processes that end while it is read are skipped). */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(name), ppid);
    } catch {
      // gone
    }
  }
  return map;
}

/** `pid` and every process below it. */
export function processTree(pid: number, parentOf: Map<number, number> = parents()): number[] {
  const children = new Map<number, number[]>();
  for (const [child, parent] of parentOf) children.set(parent, [...(children.get(parent) ?? []), child]);
  const tree: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const next = stack.pop()!;
    tree.push(next);
    stack.push(...(children.get(next) ?? []));
  }
  return tree;
}

/**
 * Puts each group's processes (every process below the given ones too) into a CPU cgroup of that
 * name, made for it. Returns what it did; never throws: an arrangement that cannot be made leaves
 * every process where it was, and says so.
 */
export function arrangeSchedulingGroups(groups: Record<string, readonly number[]>): SchedulingGroups {
  const hierarchy = cpuHierarchy();
  if (typeof hierarchy === 'string') return { arranged: `not arranged (${hierarchy}): the kernel's own groups`, dispose: () => undefined };
  const made: string[] = [];
  const dispose = (): void => {
    for (const dir of made.splice(0).reverse()) {
      try {
        for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
          try {
            writeFileSync(join(hierarchy.root, 'cgroup.procs'), pid);
          } catch {
            // ended meanwhile
          }
        }
        rmdirSync(dir);
      } catch {
        // left for the system to clean up; harmless
      }
    }
  };
  try {
    if (hierarchy.version === 2) writeFileSync(join(hierarchy.root, 'cgroup.subtree_control'), '+cpu');
    const parentOf = parents();
    const described: string[] = [];
    for (const [name, pids] of Object.entries(groups)) {
      const dir = join(hierarchy.root, `wsi-load-${name}-${process.pid}`);
      mkdirSync(dir);
      made.push(dir);
      const members = [...new Set(pids.flatMap((pid) => processTree(pid, parentOf)))];
      for (const pid of members) {
        try {
          writeFileSync(join(dir, 'cgroup.procs'), String(pid));
        } catch (err) {
          // A process that ended since /proc was read cannot be moved; nothing else may fail.
          if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
        }
      }
      described.push(`${name}: ${members.length} process${members.length === 1 ? '' : 'es'}`);
    }
    return { arranged: `cgroup v${hierarchy.version} cpu groups (${described.join('; ')})`, dispose };
  } catch (err) {
    dispose();
    return { arranged: `not arranged (${(err as Error).message}): the kernel's own groups`, dispose: () => undefined };
  }
}
