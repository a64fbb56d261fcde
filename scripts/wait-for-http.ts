import type { ChildProcess } from 'node:child_process';

/**
 * Polls `url` until it answers 2xx. Fails at once if `child` (the process that should serve it) exits,
 * and after `timeoutMs` otherwise. Used by the demo and the benchmarks.
 */
export async function waitForHttp(url: string, options: { child?: ChildProcess; name?: string; timeoutMs?: number } = {}): Promise<void> {
  const { child, name = url, timeoutMs = 60_000 } = options;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${name} exited with code ${child.exitCode}; see its output above`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} was not ready at ${url} within ${timeoutMs / 1000} s`);
}
