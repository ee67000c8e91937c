import { performance } from 'node:perf_hooks';

/** The micro-benchmarks' helpers (bench:bulk, bench:tracking): time one call, and say median and min of several. */
export async function time<T>(fn: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const result = await fn();
  return [performance.now() - start, result];
}

export function summary(label: string, ms: number[], opts: { labelWidth: number; decimals: number }): string {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)] as number;
  const width = opts.decimals ? 8 : 6;
  return `${label.padEnd(opts.labelWidth)} median ${median.toFixed(opts.decimals).padStart(width)} ms   min ${(sorted[0] as number).toFixed(opts.decimals).padStart(width)} ms   (${ms.length} runs)`;
}
