import { ExportJobsRepository } from '../jobs/export-jobs.repository';
import { ExportCancelled } from './export-failures';

/** How often a running job writes its progress, and so notices its own cancellation. */
export const PROGRESS_EVERY_MS = 300;

/**
 * Writes a running job's progress on a timer, whatever the job is doing (reading, or waiting for
 * Chromium to print what it was given), and aborts the job when a write finds it no longer processing
 * (cancelled, or taken over). Writes only while the job is `processing`, so a late tick never touches a
 * finished job.
 */
export class ProgressTicker {
  private readonly timer: NodeJS.Timeout;
  private reported = -1;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly jobs: ExportJobsRepository,
    private readonly exportId: string,
    private readonly processed: () => number,
    private readonly abort: AbortController,
  ) {
    this.timer = setInterval(() => {
      this.inFlight = this.inFlight.then(() => this.tick()).catch(() => undefined);
    }, PROGRESS_EVERY_MS);
  }

  /** Writes the final count; throws ExportCancelled when the job was cancelled meanwhile. */
  async finish(): Promise<void> {
    this.stop();
    await this.inFlight;
    if (!(await this.write(this.processed()))) throw new ExportCancelled();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.abort.signal.aborted) return;
    const processed = this.processed();
    const processing = processed === this.reported ? await this.jobs.isProcessing(this.exportId) : await this.write(processed);
    if (!processing) this.abort.abort(new ExportCancelled());
  }

  private async write(processed: number): Promise<boolean> {
    const processing = await this.jobs.progress(this.exportId, processed);
    if (processing) this.reported = processed;
    return processing;
  }
}
