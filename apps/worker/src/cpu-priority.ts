import { readdirSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/**
 * Lowers the whole process's CPU priority to `nice`. On Linux a nice value belongs to a thread, and
 * `setpriority(pid)` changes only the main thread's; the threads started before (libuv's pool, V8's
 * compiler and GC helpers) are changed one by one through /proc/self/task, and the threads started
 * after (export part threads) inherit it. Only ever lowers (a worker started with `nice -n 15` stays at 15):
 * lowering needs no privilege. A thread that ended meanwhile is skipped.
 */
export function lowerCpuPriority(nice: number): void {
  const threads = process.platform === 'linux' ? readdirSync('/proc/self/task').map(Number) : [0];
  for (const tid of threads) {
    try {
      if (getPriority(tid) < nice) setPriority(tid, nice);
    } catch {
      // the thread ended between the listing and the call
    }
  }
}
