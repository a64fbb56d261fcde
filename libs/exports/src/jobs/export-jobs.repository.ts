import { Injectable } from '@nestjs/common';

import { appendAuditEvent, AuditEntry } from '@app/audit-trail';
import { ExportJob, Prisma, PrismaService } from '@app/database';
import { appendOutboxEvents, exportEvent, OutboxEntry } from '@app/events';

import { boundedErrorMessage } from '../runner/export-failures';
import { JobOperation, TRANSITIONS } from './export-job-states';

const WORKER = { id: 'export-worker', type: 'system' } as const;
const SWEEPER = { id: 'export-sweeper', type: 'system' } as const;

/** What `cancel` needs of the caller's transaction (the api's tenant-scoped one, whose audit event it shares). */
export interface JobsTx {
  exportJob: { updateMany(args: { where: Prisma.ExportJobWhereInput; data: Prisma.ExportJobUpdateManyMutationInput }): PromiseLike<{ count: number }> };
}

/** The stored fields of a finished file. */
export interface FinishedFile {
  rows: number;
  fileName: string;
  storageKey: string;
  sizeBytes: number;
  sha256: string;
  manifest: Prisma.InputJsonObject;
  /** The manifest's detached signature line (null without a signing key). */
  manifestSignature: string | null;
  /** How long the file is kept after completion. */
  ttlSeconds: number;
}

/**
 * Every status change of an export job, each one a conditional write of the transition table
 * (export-job-states.ts): it changes the job only while it is in a status the operation applies to,
 * and answers whether it did. The events the audit trail records of a change (complete, fail, expire)
 * are written in its transaction, only when the change was made.
 */
@Injectable()
export class ExportJobsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Takes a job for a run (pending, or processing after its worker stalled): attempts + 1, progress reset; null when it is no longer to be run. */
  async claim(id: string): Promise<ExportJob | null> {
    const [job] = await this.prisma.exportJob.updateManyAndReturn({
      where: this.applies('claim', id),
      data: { status: TRANSITIONS.claim.to, attempts: { increment: 1 }, processed: 0, errorMessage: null },
    });
    if (!job || job.startedAt) return job ?? null;
    return this.prisma.exportJob.update({ where: { id }, data: { startedAt: new Date() } });
  }

  /** The records of the run (counted in its snapshot), once known. */
  async counted(id: string, totalRecords: number): Promise<void> {
    await this.prisma.exportJob.updateMany({ where: this.applies('progress', id), data: { totalRecords } });
  }

  /** Writes the records done; false when the job is no longer processing (cancelled, taken over). */
  async progress(id: string, processed: number): Promise<boolean> {
    return (await this.prisma.exportJob.updateMany({ where: this.applies('progress', id), data: { processed } })).count > 0;
  }

  /** Whether the job is still being run (progress would be written). */
  async isProcessing(id: string): Promise<boolean> {
    return (await this.prisma.exportJob.count({ where: this.applies('progress', id) })) > 0;
  }

  /** Stores the finished file's fields and records export.complete; false when the job was cancelled meanwhile. */
  complete(job: ExportJob, file: FinishedFile): Promise<boolean> {
    const now = new Date();
    return this.change('complete', job, {
      data: {
        processed: file.rows,
        totalRecords: file.rows,
        fileName: file.fileName,
        storageKey: file.storageKey,
        sizeBytes: BigInt(file.sizeBytes),
        sha256: file.sha256,
        manifest: file.manifest,
        manifestSignature: file.manifestSignature,
        completedAt: now,
        expiresAt: new Date(now.getTime() + file.ttlSeconds * 1000),
      },
      audit: { tenantId: job.tenantId, action: 'export.complete', resourceType: 'export', resourceId: job.id, actor: WORKER, details: file.manifest },
      event: exportEvent(job, { status: 'completed', sha256: file.sha256, records: file.rows }),
    });
  }

  /** Back to pending for another attempt, with the failed attempt's error shown meanwhile. */
  async retry(id: string, message: string): Promise<boolean> {
    return (
      (
        await this.prisma.exportJob.updateMany({
          where: this.applies('retry', id),
          data: { status: TRANSITIONS.retry.to, errorMessage: boundedErrorMessage(message) },
        })
      ).count > 0
    );
  }

  /** Fails a job that has not ended (a job another process ended meanwhile is left alone) and records export.fail. */
  fail(job: Pick<ExportJob, 'id' | 'tenantId' | 'resource' | 'format'>, message: string): Promise<boolean> {
    return this.change('fail', job, {
      data: { errorMessage: boundedErrorMessage(message), completedAt: new Date() },
      audit: {
        tenantId: job.tenantId,
        action: 'export.fail',
        resourceType: 'export',
        resourceId: job.id,
        outcome: 'failure',
        actor: WORKER,
        details: { error_message: message },
      },
      event: exportEvent(job, { status: 'failed', error: boundedErrorMessage(message) }),
    });
  }

  /** Fails a job the api could not queue: nothing ran, so nothing is recorded but the status. */
  async failUnqueued(id: string, message: string): Promise<boolean> {
    return (
      (await this.prisma.exportJob.updateMany({ where: this.applies('fail', id), data: { status: TRANSITIONS.fail.to, errorMessage: message } })).count > 0
    );
  }

  /** Cancels a job that has not ended, inside the caller's transaction (which records the cancel). */
  async cancel(tx: JobsTx, id: string, by: string): Promise<boolean> {
    const { count } = await tx.exportJob.updateMany({
      where: this.applies('cancel', id),
      data: { status: TRANSITIONS.cancel.to, completedAt: new Date(), errorMessage: `Cancelled by ${by}` },
    });
    return count > 0;
  }

  /** Marks a completed job's file expired (the caller removed the file) and records export.expire. */
  expire(job: ExportJob): Promise<boolean> {
    return this.change('expire', job, {
      data: {},
      audit: {
        tenantId: job.tenantId,
        action: 'export.expire',
        resourceType: 'export',
        resourceId: job.id,
        actor: SWEEPER,
        details: { file_name: job.fileName, sha256: job.sha256, expired_at: job.expiresAt?.toISOString() ?? null },
      },
    });
  }

  /** Completed jobs whose files are past their expiry, oldest expiry first. */
  dueToExpire(now: Date, take: number): Promise<ExportJob[]> {
    return this.prisma.exportJob.findMany({
      where: { status: { in: [...TRANSITIONS.expire.from] }, expiresAt: { lte: now } },
      take,
      orderBy: { expiresAt: 'asc' },
    });
  }

  /** Jobs created before `before` that have not ended (pending or processing): the sweep checks their queue entries. */
  async unfinished(before: Date, take: number): Promise<string[]> {
    const rows = await this.prisma.exportJob.findMany({
      where: { status: { in: [...TRANSITIONS.fail.from] }, createdAt: { lt: before } },
      select: { id: true },
      take,
    });
    return rows.map((row) => row.id);
  }

  private applies(operation: JobOperation, id: string): Prisma.ExportJobWhereInput {
    return { id, status: { in: [...TRANSITIONS[operation].from] } };
  }

  /** The transition, its outbox event (export.completed, export.failed) and its audit event, in one transaction; nothing when it does not apply. */
  private change(
    operation: JobOperation,
    job: Pick<ExportJob, 'id'>,
    change: { data: Prisma.ExportJobUpdateManyMutationInput; audit: AuditEntry; event?: OutboxEntry },
  ): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const { count } = await tx.exportJob.updateMany({ where: this.applies(operation, job.id), data: { ...change.data, status: TRANSITIONS[operation].to } });
      if (count === 0) return false;
      if (change.event) await appendOutboxEvents(tx, [change.event]);
      await appendAuditEvent(tx, change.audit);
      return true;
    });
  }
}
