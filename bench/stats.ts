/** Timing helpers for benchmarks: run a task N times, report percentiles in milliseconds. */
export interface Timing {
  p50: number;
  p99: number;
  mean: number;
  runs: number;
}

/**
 * Times each task `runs` times, interleaved (one run of each in turn), so that warm-up of the
 * servers underneath and noise from the machine fall on all of them alike.
 */
export async function compare<K extends string>(
  runs: number,
  tasks: Record<K, () => Promise<unknown>>,
  warmup = Math.min(50, runs),
): Promise<Record<K, Timing>> {
  const names = Object.keys(tasks) as K[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<K, number[]>;
  for (let i = 0; i < warmup + runs; i++) {
    for (const name of names) {
      const started = performance.now();
      await tasks[name]();
      if (i >= warmup) samples[name].push(performance.now() - started);
    }
  }
  return Object.fromEntries(names.map((name) => [name, summarize(samples[name])])) as Record<K, Timing>;
}

function summarize(samples: number[]): Timing {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, runs: sorted.length };
}

export const ms = (value: number) => `${value.toFixed(2)} ms`;

export function table(rows: Array<Record<string, string | number>>): void {
  console.table(rows);
}

/** Every ratio a benchmark reports, for the one summary table `npm run bench` ends with. */
export const ratios: Array<{ benchmark: string; ratio: string; value: string; target: string }> = [];

/** Records a ratio (measured against a reference in the same run) for the final summary. */
export function recordRatio(benchmark: string, ratio: string, value: number, target = ''): void {
  ratios.push({ benchmark, ratio, value: `${value.toFixed(2)}×`, target });
}

/** How long `run` takes, in milliseconds. */
export async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

/** Runs `run(0)` … `run(count - 1)`, at most `concurrency` at once. */
export async function inParallel(count: number, concurrency: number, run: (index: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await run(next++);
    }),
  );
}
