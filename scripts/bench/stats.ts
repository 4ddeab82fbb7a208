/** Small statistics for `npm run bench` and the load test: medians and percentiles of samples, and the table of figures and targets. */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The p-th percentile (0-100) by linear interpolation between the closest ranks. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** One line of the summary table: a figure, its target, and whether it is met. */
export interface Figure {
  readonly part: string;
  readonly figure: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: { readonly op: '>=' | '<='; readonly value: number };
}

export function met(f: Figure): boolean | null {
  if (!f.target) return null;
  return f.target.op === '>=' ? f.value >= f.target.value : f.value <= f.target.value;
}

export function printTable(figures: Figure[]): void {
  console.log('\npart  figure                                          value          target     status');
  for (const f of figures) {
    const target = f.target ? `${f.target.op} ${f.target.value}` : '';
    const status = met(f) === null ? '' : met(f) ? 'met' : 'MISSED';
    console.log(`${f.part.padEnd(5)} ${f.figure.padEnd(47)} ${`${f.value} ${f.unit}`.padEnd(14)} ${target.padEnd(10)} ${status}`);
  }
}

