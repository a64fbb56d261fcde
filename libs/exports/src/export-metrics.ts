import { Injectable } from '@nestjs/common';

import { MetricsService } from '@app/common';
import type { ExportFormat } from '@app/database';

import { apiFormat, EXPORT_FORMATS } from './dto/export-enums';

/** How an export job ended. */
const EXPORT_OUTCOMES = ['completed', 'failed', 'cancelled'] as const;
export type ExportOutcome = (typeof EXPORT_OUTCOMES)[number];

/**
 * Export jobs in the process that decides their end: the one that ran them (the worker, or the api with
 * EXPORTS_IN_PROCESS) counts `completed` and `failed`, the api counts `cancelled` (and a job it could not
 * queue as `failed`). Each job is counted once; sum the processes' series.
 */
@Injectable()
export class ExportMetrics {
  private readonly jobs;
  private readonly durations;
  private readonly rows;

  constructor(metrics: MetricsService) {
    this.jobs = metrics.counter({
      name: 'alert_ledger_export_jobs_total',
      help: 'Export jobs that ended, by format and final status (completed, failed, cancelled)',
      labelNames: ['format', 'status'] as const,
    });
    this.durations = metrics.histogram({
      name: 'alert_ledger_export_duration_seconds',
      help: 'Time an export job’s last attempt ran, from claim to its end, by format and final status',
      labelNames: ['format', 'status'] as const,
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    });
    this.rows = metrics.histogram({
      name: 'alert_ledger_export_rows',
      help: 'Records in the file of each completed export, by format',
      labelNames: ['format'] as const,
      buckets: [10, 100, 1_000, 10_000, 100_000, 1_000_000, 10_000_000],
    });
    // Every series from the start, so that a rate() or an alert rule sees 0 before the first job ends.
    for (const format of EXPORT_FORMATS) for (const status of EXPORT_OUTCOMES) this.jobs.inc({ format, status }, 0);
  }

  /** A job ended; `seconds` when this process ran its last attempt, `rows` when it completed. */
  ended(format: ExportFormat, status: ExportOutcome, measured: { seconds?: number; rows?: number } = {}): void {
    const labels = { format: apiFormat(format), status };
    this.jobs.inc(labels);
    if (measured.seconds !== undefined) this.durations.observe(labels, measured.seconds);
    if (measured.rows !== undefined) this.rows.observe({ format: labels.format }, measured.rows);
  }
}
