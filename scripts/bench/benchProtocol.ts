/** The commands the VS Code benchmark driver (vscodeBench.ts) sends to its agent in the extension host (hostAgent.ts). */
import type { EventStoreStats } from '../../src/core/eventStore';

/** Environment variable that tells the agent where the driver's control socket listens. */
export const BENCH_CONTROL_ENV = 'WSI_BENCH_CONTROL';
export const EXTENSION_ID = 'websocket-inspector.websocket-inspector';

export interface AgentCommands {
  /**
   * Activates the extension (it must not be active yet: activation is lazy) and times it: loading
   * its code plus its activate() call, by VS Code's own marks; totalMs adds VS Code's work around them.
   */
  activate: { args: Record<string, never>; result: { wasActive: boolean; codeLoadingMs: number; activateCallMs: number; activationMs: number; totalMs: number } };
  /** Opens a session (and its panel) through the extension's registry; resolves once it is open. */
  open: { args: { url: string; title: string }; result: { id: string; events: number } };
  /** Sends "go" (the flood server's start signal); returns the wall clock and the events logged so far, "go" included. */
  go: { args: { id: string }; result: { atMs: number; eventsBefore: number } };
  waitForEvents: { args: { id: string; events: number; timeoutMs: number }; result: { atMs: number; events: number } };
  /** Reads the whole log: the received messages of `kind`, in order, and the store's notices. */
  verify: {
    args: { id: string; kind: 'text' | 'binary'; expected: number };
    result: { received: number; outOfOrder: number; complete: boolean; stats: EventStoreStats; notices: string[] };
  };
  /** Round trips extension host -> webview -> extension host (the panel's renderedRows request), in ms. */
  transport: { args: { id: string; rounds: number }; result: { samples: number[] } };
  /** Date.now() at which the extension host logged each text message starting with `prefix`, sent and received. */
  messageTimes: { args: { id: string; prefix: string }; result: { times: Record<string, { sent?: number; received?: number }> } };
  /** With WSI_BENCH_PROFILE set: starts, or stops and writes as <name>.cpuprofile, a CPU profile of the extension host. */
  profile: { args: { name: string; start: boolean }; result: Record<string, never> };
  /** process.memoryUsage() after full garbage collections. */
  memory: { args: Record<string, never>; result: { heapUsed: number; external: number; arrayBuffers: number; rss: number } };
  /** Sets wsInspector.memoryCapMB (user settings), as a person would. */
  setMemoryCap: { args: { megabytes: number }; result: Record<string, never> };
  closeAll: { args: Record<string, never>; result: { closed: number } };
  /**
   * For `ms`, every `everyMs`: runs the extension's "Show Session Panel" command for one of `ids`
   * (the next one every `switchEvery` probes, as a person clicking through the Sessions view) and
   * records how long after its scheduled time the command had answered: the extension host's
   * event-loop delay plus the command. Also this process's CPU time over the whole probe.
   */
  probe: {
    args: { ids: string[]; ms: number; everyMs: number; switchEvery: number };
    result: { samples: number[]; cpuMs: number; wallMs: number; startedUs: number };
  };
  /** CPU time this process used over `ms` of wall time, and its active timers before and after. */
  cpu: { args: { ms: number }; result: { cpuMs: number; wallMs: number; timersBefore: number; timersAfter: number } };
}

export type AgentRequest = { id: number; cmd: 'done'; args?: undefined } | { [K in keyof AgentCommands]: { id: number; cmd: K; args: AgentCommands[K]['args'] } }[keyof AgentCommands];

export interface AgentReply {
  readonly id: number;
  readonly result?: unknown;
  readonly error?: string;
}
