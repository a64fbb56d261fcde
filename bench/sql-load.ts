import { Pool } from 'pg';

import { LoadResult } from './load';

export interface SqlQuery {
  text: string;
  values: unknown[];
}

/** The p-th percentile of sorted values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : 0;
}

/**
 * The straight-SQL twin of an HTTP load: the same statements through `pg`, `connections` at a time,
 * for `seconds`. Each "request" runs all of its queries concurrently, as the service does.
 */
export async function sqlLoad(pool: Pool, queries: () => SqlQuery[], options: { seconds?: number; connections?: number } = {}): Promise<LoadResult> {
  const deadline = Date.now() + (options.seconds ?? 10) * 1000;
  const latencies: number[] = [];
  let errors = 0;
  const worker = async (): Promise<void> => {
    while (Date.now() < deadline) {
      const started = process.hrtime.bigint();
      try {
        await Promise.all(queries().map((q) => pool.query(q.text, q.values)));
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
      } catch {
        errors++;
      }
    }
  };
  const startedAt = Date.now();
  await Promise.all(Array.from({ length: options.connections ?? 16 }, worker));
  const elapsed = (Date.now() - startedAt) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: Math.round(latencies.length / elapsed),
    p50: Math.round(percentile(latencies, 50) * 10) / 10,
    p99: Math.round(percentile(latencies, 99) * 10) / 10,
    errors,
    non2xx: 0,
  };
}
