/**
 * Part 7's activation alone (`--only activation`): a VS Code extension activates once per extension
 * host, so every sample is a fresh code-server with a fresh workspace, in which the agent activates
 * the extension and reads VS Code's own marks (hostAgent.ts). The full `vscode` part measures it
 * once, before its floods; this repeats it to give a median. With a baseline (another build of the
 * extension, e.g. an earlier commit's), the two alternate, first one then the other, so both meet
 * the same machine, and each pair gives a ratio.
 */
import type { AgentCommands } from './benchProtocol';
import { median } from './stats';
import { withVscodeAgent } from './vscodeHarness';

type ActivationSample = AgentCommands['activate']['result'];

export interface ActivationSummary {
  readonly runs: number;
  readonly samples: ActivationSample[];
  readonly medianActivationMs: number;
  readonly medianCodeLoadingMs: number;
  readonly medianActivateCallMs: number;
}

export interface ActivationBench {
  readonly vscodeVersion: string;
  readonly ours: ActivationSummary;
  /** Only with a baseline folder. */
  readonly baseline?: ActivationSummary & { readonly folder: string };
  /** Median of ours / baseline, pair by pair. */
  readonly ratioToBaseline?: number;
}

function summarize(samples: ActivationSample[]): ActivationSummary {
  return {
    runs: samples.length,
    samples,
    medianActivationMs: median(samples.map((s) => s.activationMs)),
    medianCodeLoadingMs: median(samples.map((s) => s.codeLoadingMs)),
    medianActivateCallMs: median(samples.map((s) => s.activateCallMs)),
  };
}

async function activateOnce(log: (line: string) => void, extensionPath?: string): Promise<{ sample: ActivationSample; vscodeVersion: string }> {
  return withVscodeAgent(
    log,
    async ({ agent, vscodeVersion }) => {
      const sample = await agent.call('activate', {});
      if (sample.wasActive) throw new Error('the extension was active before the agent activated it: activation is not lazy');
      return { sample, vscodeVersion };
    },
    { extensionPath },
  );
}

export async function measureActivation(options: { runs: number; baseline?: string; log: (line: string) => void }): Promise<ActivationBench> {
  const { runs, baseline, log } = options;
  const ours: ActivationSample[] = [];
  const theirs: ActivationSample[] = [];
  const ratios: number[] = [];
  let vscodeVersion = '';
  for (let run = 0; run < runs; run++) {
    // Alternate which build goes first, so neither always meets a warmer (or busier) machine.
    const baselineFirst = baseline !== undefined && run % 2 === 1;
    const before = baselineFirst ? await activateOnce(log, baseline) : undefined;
    const mine = await activateOnce(log);
    const after = baseline !== undefined && !baselineFirst ? await activateOnce(log, baseline) : undefined;
    const other = before ?? after;
    vscodeVersion = mine.vscodeVersion;
    ours.push(mine.sample);
    if (other) {
      theirs.push(other.sample);
      ratios.push(mine.sample.activationMs / other.sample.activationMs);
    }
    log(`activation run ${run + 1}/${runs}: ${mine.sample.activationMs.toFixed(1)} ms (${mine.sample.codeLoadingMs.toFixed(1)} loading + ${mine.sample.activateCallMs.toFixed(1)} activate())${other ? `; baseline ${other.sample.activationMs.toFixed(1)} ms (${other.sample.codeLoadingMs.toFixed(1)} + ${other.sample.activateCallMs.toFixed(1)})` : ''}`);
  }
  return {
    vscodeVersion,
    ours: summarize(ours),
    baseline: baseline === undefined ? undefined : { ...summarize(theirs), folder: baseline },
    ratioToBaseline: baseline === undefined ? undefined : median(ratios),
  };
}
