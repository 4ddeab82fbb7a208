/**
 * CPU scheduling groups for the load test (load.ts): VS Code in one, the flood server in another.
 *
 * A desktop VS Code is one application: its CLI starts Electron detached, so the window's renderer,
 * its GPU process and its extension host share one session, and Linux schedules them as one group
 * (`/proc/sys/kernel/sched_autogroup_enabled`, on in Debian); a server started from a terminal gets
 * a session, and a group, of its own. The load test runs code-server and the browser showing its
 * workbench instead, and each of them starts its own session (Node's and Playwright's `detached`),
 * so the kernel shares the CPU between code-server, the browser and the test driver with its flood
 * server as three equals, an arrangement no desktop VS Code runs in. Measured on two cores
 * (RELIABILITY.md): at the start of the flood the extension host, runnable, waited 30-96 ms of
 * every 50 ms for a CPU, while the browser's processes took three quarters of both.
 *
 * So the load test puts code-server and the browser (and every process they start later, which
 * inherits its group) into one CPU cgroup, and the flood server into another. The test driver stays
 * where it was. Only cgroup v1's `cpu` hierarchy is used, as root: there a new group is a sibling of
 * the autogroups and nothing else on the machine changes (on cgroup v2 the cpu controller would have
 * to be enabled for the whole tree, which ends autogroups for every other program; and with it
 * enabled, systemd's scopes already group programs by application). Without it nothing is moved and
 * `arranged` says why, so the figures always say under which arrangement they were taken.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const CPU_ROOT = '/sys/fs/cgroup/cpu';
const PREFIX = 'wsi-load-';

export interface SchedulingGroups {
  /** Whether the processes were moved. */
  readonly ok: boolean;
  /** What was arranged, for the figures: the groups and how many processes each held, or why nothing was. */
  readonly arranged: string;
  /** The processes below the groups' roots now that are not in their group (there should be none). */
  strays(): number[];
  /** Moves whatever is still in the groups back to the root group and removes the groups. */
  dispose(): void;
}

/** The children of every process, from /proc (processes that end while it is read are skipped). */
function childrenOf(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(name)]);
    } catch {
      // ended meanwhile
    }
  }
  return children;
}

/** `pid` and every process below it. */
function processTree(pid: number, children: Map<number, number[]>): number[] {
  const tree: number[] = [];
  const stack = [pid];
  while (stack.length) {
    const next = stack.pop()!;
    tree.push(next);
    stack.push(...(children.get(next) ?? []));
  }
  return tree;
}

function cgroupOf(pid: number): string | undefined {
  try {
    // cgroup v1: "N:cpu,cpuacct:/path" or "N:cpu:/path".
    const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8')
      .split('\n')
      .find((l) => l.split(':')[1]?.split(',').includes('cpu'));
    return line?.slice(line.indexOf(':', line.indexOf(':') + 1) + 1);
  } catch {
    return undefined;
  }
}

/** Removes groups left by an earlier run that was killed before it could (only empty ones can be). */
function removeLeftovers(): void {
  for (const name of readdirSync(CPU_ROOT)) {
    if (!name.startsWith(PREFIX)) continue;
    try {
      rmdirSync(join(CPU_ROOT, name));
    } catch {
      // still in use, by a run going on now
    }
  }
}

/**
 * For the load test: every process below this one except the flood server's (code-server, the
 * browser) into one group, the flood server's into another. Never throws; when the groups cannot be
 * made, every process stays where it was and `arranged` says why.
 */
export function arrangeSchedulingGroups(serverPid: number): SchedulingGroups {
  const notArranged = (why: string): SchedulingGroups => ({ ok: false, arranged: `not arranged (${why}): the kernel's own groups`, strays: () => [], dispose: () => undefined });
  if (!existsSync(join(CPU_ROOT, 'cpu.shares'))) return notArranged(`no cgroup v1 cpu hierarchy at ${CPU_ROOT}`);
  /** A group: its name, its path in the hierarchy (as /proc/PID/cgroup gives it) and its processes now. */
  const group = (name: string, members: (tree: (pid: number) => number[]) => number[]) => {
    const path = `/${PREFIX}${name}-${process.pid}`;
    return { name, path, dir: join(CPU_ROOT, path), members };
  };
  const groups = [
    group('vscode', (tree) => {
      const server = new Set(tree(serverPid));
      return tree(process.pid).filter((pid) => pid !== process.pid && !server.has(pid));
    }),
    group('server', (tree) => tree(serverPid)),
  ];
  const made: string[] = [];
  const dispose = (): void => {
    for (const dir of made.splice(0)) {
      try {
        for (const pid of readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean)) {
          try {
            writeFileSync(join(CPU_ROOT, 'cgroup.procs'), pid);
          } catch {
            // ended meanwhile
          }
        }
        rmdirSync(dir);
      } catch (err) {
        console.warn(`[load] could not remove the cgroup ${dir}: ${(err as Error).message}; the next load test removes it once it is empty`);
      }
    }
  };
  const strays = (): number[] => {
    const children = childrenOf();
    const tree = (pid: number): number[] => processTree(pid, children);
    return groups.flatMap((g) => g.members(tree).filter((pid) => existsSync(`/proc/${pid}`) && cgroupOf(pid) !== g.path));
  };
  try {
    removeLeftovers();
    for (const g of groups) {
      mkdirSync(g.dir);
      made.push(g.dir);
    }
    // A process forked while its parent was being moved stays behind: move until nothing is left behind.
    const moved = groups.map(() => new Set<number>());
    for (let round = 0; round < 10; round++) {
      const children = childrenOf();
      const tree = (pid: number): number[] => processTree(pid, children);
      let movedNow = 0;
      groups.forEach((g, i) => {
        for (const pid of g.members(tree)) {
          if (cgroupOf(pid) === g.path) continue;
          try {
            writeFileSync(join(g.dir, 'cgroup.procs'), String(pid));
            moved[i].add(pid);
            movedNow++;
          } catch (err) {
            // A process that ended since /proc was read cannot be moved; nothing else may fail.
            if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
          }
        }
      });
      if (movedNow === 0) break;
    }
    const left = strays();
    if (left.length) throw new Error(`processes ${left.join(', ')} could not be moved into their group`);
    const count = (n: number): string => `${n} process${n === 1 ? '' : 'es'}`;
    return { ok: true, arranged: `cgroup v1 cpu groups (${groups.map((g, i) => `${g.name}: ${count(moved[i].size)}`).join('; ')})`, strays, dispose };
  } catch (err) {
    dispose();
    return notArranged((err as Error).message);
  }
}
