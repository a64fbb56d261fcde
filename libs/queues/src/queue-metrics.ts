import { getQueueToken } from '@nestjs/bull';
import { Injectable, Provider } from '@nestjs/common';
import { Queue } from 'bull';

import { MetricsService } from '@app/common';

/** The states an operator graphs: a growing `waiting` or `failed` is what an alert fires on. */
const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/** A scrape must answer even when Redis does not: a queue unread in this time has no series in that scrape. */
const READ_TIMEOUT_MS = 1_000;

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${ms} ms`)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `alert_ledger_queue_jobs{queue, state}`: the jobs of each Bull queue this process holds, read from Redis
 * at each scrape. Every process holding a queue reports the same counts (the queue lives in Redis), the
 * api too, so the numbers are there while no worker runs; aggregate with max, not sum.
 */
@Injectable()
export class QueueMetrics {
  private readonly queues = new Map<string, Queue>();

  constructor(metrics: MetricsService) {
    const queues = this.queues;
    metrics.gauge({
      name: 'alert_ledger_queue_jobs',
      help: 'Jobs in each queue by state (waiting, active, delayed, failed), read from Redis at scrape time',
      labelNames: ['queue', 'state'] as const,
      async collect() {
        this.reset();
        await Promise.all(
          [...queues.values()].map(async (queue) => {
            const counts = await withTimeout(queue.getJobCounts(), READ_TIMEOUT_MS).catch(() => null);
            if (counts) for (const state of STATES) this.set({ queue: queue.name, state }, counts[state]);
          }),
        );
      },
    });
  }

  watch(queue: Queue): void {
    this.queues.set(queue.name, queue);
  }
}

/** A provider that puts the named queue (registered in the same module) on `alert_ledger_queue_jobs`. */
export function queueMetricsProvider(name: string): Provider {
  return {
    provide: `queue-metrics:${name}`,
    inject: [QueueMetrics, getQueueToken(name)],
    useFactory: (metrics: QueueMetrics, queue: Queue) => metrics.watch(queue),
  };
}
