/**
 * Which timers, sockets and child processes the extension's own code creates, and which of them are
 * still alive: an async_hooks watch over the extension host. A timer counts as the extension's when
 * the first JavaScript frame outside Node's internals that set it is in one of the extension's
 * bundles (its `main` file, and dist/engine.js beside it, which holds the sessions and ws), so VS
 * Code's own timers do not count. A socket or process counts when a bundle is anywhere on the stack
 * that opened it: VS Code patches net and tls for its proxy support, so its frames sit between ws and Node. The test's own servers and their
 * accepted sockets are not counted either way.
 */
import { createHook, type AsyncHook } from 'node:async_hooks';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Resource types that keep a process busy until they are closed or cleared. Promises and the
 * AsyncResources that are destroyed only by the garbage collector are left out on purpose.
 */
const TIMERS = new Set(['Timeout', 'Immediate']);
const HANDLES = new Set(['TCPWRAP', 'TLSWRAP', 'TCPCONNECTWRAP', 'PIPEWRAP', 'PROCESSWRAP', 'FSEVENTWRAP', 'SIGNALWRAP', 'UDPWRAP']);

export interface LiveResource {
  readonly type: string;
  /** Where the extension created it. */
  readonly createdAt: string;
}

export class ExtensionResourceWatch {
  private readonly live = new Map<number, LiveResource>();
  private readonly hook: AsyncHook;
  /** How many resources of each type the extension created while watched (to show the watch saw them). */
  readonly created = new Map<string, number>();

  private readonly bundles: ReadonlySet<string>;

  constructor(bundlePaths: readonly string[]) {
    this.bundles = new Set(bundlePaths);
    const inBundle = (site: NodeJS.CallSite): boolean => this.bundles.has(site.getFileName() ?? '');
    this.hook = createHook({
      init: (asyncId, type) => {
        if (!TIMERS.has(type) && !HANDLES.has(type)) return;
        const sites = this.callSites();
        const site = TIMERS.has(type) ? sites[0] : sites.find(inBundle);
        if (!site || !inBundle(site)) return;
        this.created.set(type, (this.created.get(type) ?? 0) + 1);
        this.live.set(asyncId, { type, createdAt: `${site.getFunctionName() ?? '<anonymous>'} (${site.getFileName()}:${site.getLineNumber()}:${site.getColumnNumber()})` });
      },
      destroy: (asyncId) => {
        this.live.delete(asyncId);
      },
    });
  }

  start(): void {
    this.hook.enable();
  }

  stop(): void {
    this.hook.disable();
  }

  /**
   * What the extension created and has not closed or cleared. Node reports a destroyed resource from
   * a queue that it drains between turns of the event loop, so a few turns pass first (turns, not time).
   */
  async stillAlive(): Promise<LiveResource[]> {
    for (let turn = 0; turn < 10; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
    return [...this.live.values()];
  }

  /** The creating call stack's JavaScript frames outside Node and outside this file, innermost first. */
  private callSites(): NodeJS.CallSite[] {
    // Structured call sites, not the formatted stack: the extension host installs its own
    // Error.prepareStackTrace, and file names must be the generated ones.
    const prepare = Error.prepareStackTrace;
    const limit = Error.stackTraceLimit;
    Error.prepareStackTrace = (_error, sites) => sites;
    Error.stackTraceLimit = 60;
    try {
      const holder: { stack?: NodeJS.CallSite[] } = {};
      Error.captureStackTrace(holder);
      return (holder.stack ?? []).filter((site) => {
        const file = site.getFileName();
        return file !== undefined && file !== null && file !== __filename && !file.startsWith('node:');
      });
    } finally {
      Error.prepareStackTrace = prepare;
      Error.stackTraceLimit = limit;
    }
  }
}

/** Process ids whose parent is `pid` (from /proc; undefined where there is no /proc). */
export function childProcessesOf(pid: number): Set<number> | undefined {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const children = new Set<number>();
  for (const name of entries) {
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid ...": comm may hold spaces and parentheses, so read after the last ')'.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) children.add(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return children;
}
