import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';

import { AppConfig } from '@app/config';

import { ExportJobsRepository } from '../jobs/export-jobs.repository';
import { EXPORT_JOBS, EXPORTS_QUEUE, RENDER_JOB_OPTIONS, RenderExportPayload } from '../export-queue';
import { ExportStorage } from '../storage/export-storage';
import { ExportRunner } from './export-runner';

const BATCH = 200;

/**
 * The periodic sweep: files past their expiry are removed (status expired, recorded in the audit
 * trail); jobs that PostgreSQL records as pending or processing but whose queue entry is gone (Redis
 * restarted empty, or was flushed) are queued again; jobs that the queue gave up on (failed) are marked
 * failed. No job stays pending or processing forever.
 */
@Injectable()
export class ExportSweeper {
  private readonly logger = new Logger(ExportSweeper.name);

  constructor(
    private readonly jobs: ExportJobsRepository,
    private readonly storage: ExportStorage,
    private readonly runner: ExportRunner,
    private readonly config: AppConfig,
    @InjectQueue(EXPORTS_QUEUE) private readonly queue: Queue<RenderExportPayload>,
  ) {}

  async sweep(now = new Date()): Promise<{ expired: number; requeued: number; lost: number }> {
    return { expired: await this.expire(now), ...(await this.recoverLost(now)) };
  }

  private async expire(now: Date): Promise<number> {
    let expired = 0;
    for (;;) {
      const due = await this.jobs.dueToExpire(now, BATCH);
      for (const job of due) {
        if (job.storageKey) await this.storage.remove(job.storageKey);
        await this.jobs.expire(job);
        expired++;
      }
      if (due.length < BATCH) break;
    }
    if (expired) this.logger.log(`expired ${expired} export files`);
    return expired;
  }

  private async recoverLost(now: Date): Promise<{ requeued: number; lost: number }> {
    // The grace covers the moment between the api's insert and its queue.add.
    const grace = new Date(now.getTime() - 2 * this.config.exportStalledSeconds * 1000);
    const candidates = await this.jobs.unfinished(grace, BATCH);
    let requeued = 0;
    let lost = 0;
    for (const id of candidates) {
      const queued = await this.queue.getJob(id);
      // A husk without its payload is lost too: a worker cut off while Redis restarted empty can write a
      // job's failure fields for a job id it had fetched before, creating an entry in no list.
      const intact = queued?.data?.exportId === id;
      const state = intact ? await queued.getState() : 'missing';
      if (state === 'missing' || state === 'stuck') {
        await queued?.remove();
        // Same job id: a second sweep (another worker) adding it again is a no-op.
        await this.queue.add(EXPORT_JOBS.render, { exportId: id }, { ...RENDER_JOB_OPTIONS, jobId: id });
        requeued++;
      } else if (state === 'failed' || state === 'completed') {
        await this.runner.markFailed(
          id,
          state === 'failed'
            ? `The worker gave up: ${queued?.failedReason ?? 'unknown reason'}`
            : 'The job left the queue without finishing (its worker stopped); start the export again.',
        );
        lost++;
      }
    }
    if (requeued) this.logger.warn(`queued ${requeued} export jobs again whose queue entries were gone (Redis lost them)`);
    return { requeued, lost };
  }
}
