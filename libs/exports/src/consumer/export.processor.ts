import { OnQueueFailed, Process, Processor } from '@nestjs/bull';
import { Logger } from '@nestjs/common';
import { Job } from 'bull';

import { EXPORT_JOBS, EXPORTS_QUEUE, RenderExportPayload } from '../export-queue';
import { ExportRunner } from '../runner/export-runner';
import { ExportSweeper } from '../runner/export-sweeper';

/** The exports queue's consumer: one render at a time per process (a PDF already uses every core), and the sweep. */
@Processor(EXPORTS_QUEUE)
export class ExportProcessor {
  private readonly logger = new Logger(ExportProcessor.name);

  constructor(
    private readonly runner: ExportRunner,
    private readonly sweeper: ExportSweeper,
  ) {}

  @Process({ name: EXPORT_JOBS.render, concurrency: 1 })
  async render(job: Job<RenderExportPayload>): Promise<void> {
    await this.runner.run(job.data.exportId, { attemptsMade: job.attemptsMade, maxAttempts: job.opts.attempts ?? 1 });
  }

  @Process({ name: EXPORT_JOBS.sweep, concurrency: 1 })
  async sweep(): Promise<void> {
    await this.sweeper.sweep();
  }

  /** Bull gives up on a job (attempts spent, or stalled more than allowed): the export says so instead of waiting forever. */
  @OnQueueFailed()
  async failed(job: Job<RenderExportPayload>, error: Error): Promise<void> {
    if (job.name !== EXPORT_JOBS.render) return;
    const spent = job.attemptsMade >= (job.opts.attempts ?? 1);
    if (spent || /stalled/i.test(error.message)) {
      this.logger.warn(`${job.data.exportId}: the queue gave up: ${error.message}`);
      // An event handler's rejection would be unhandled (and end the process); the sweep marks the job failed later if this write is lost.
      await this.runner
        .markFailed(job.data.exportId, `The worker stopped while exporting and the job could not be resumed: ${error.message}`)
        .catch((lost: Error) => this.logger.warn(`${job.data.exportId}: could not mark it failed: ${lost.message}`));
    }
  }
}
