import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';

import { appendAuditEvent } from '@app/audit-trail';
import { AppConfig } from '@app/config';
import { PrismaService } from '@app/database';

import { EXPORTS_QUEUE, RenderExportPayload } from '../export-queue';
import { ExportStorage } from '../storage/export-storage';
import { ExportRunner } from './export-runner';

const BATCH = 200;
const SYSTEM = { id: 'export-sweeper', type: 'system' } as const;

/**
 * The periodic sweep: files past their expiry are removed (status expired, recorded in the audit
 * trail), and jobs whose queue entry is gone or failed (a worker that died for good) are marked failed
 * instead of staying pending or processing forever.
 */
@Injectable()
export class ExportSweeper {
  private readonly logger = new Logger(ExportSweeper.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly storage: ExportStorage,
    private readonly runner: ExportRunner,
    private readonly config: AppConfig,
    @InjectQueue(EXPORTS_QUEUE) private readonly queue: Queue<RenderExportPayload>,
  ) {}

  async sweep(now = new Date()): Promise<{ expired: number; lost: number }> {
    return { expired: await this.expire(now), lost: await this.failLost(now) };
  }

  private async expire(now: Date): Promise<number> {
    let expired = 0;
    for (;;) {
      const due = await this.prisma.exportJob.findMany({ where: { status: 'completed', expiresAt: { lte: now } }, take: BATCH, orderBy: { expiresAt: 'asc' } });
      for (const job of due) {
        if (job.storageKey) await this.storage.remove(job.storageKey);
        await this.prisma.$transaction(async (tx) => {
          const { count } = await tx.exportJob.updateMany({ where: { id: job.id, status: 'completed' }, data: { status: 'expired' } });
          if (count > 0) await appendAuditEvent(tx, { tenantId: job.tenantId, action: 'export.expire', resourceType: 'export', resourceId: job.id, actor: SYSTEM, details: { file_name: job.fileName, sha256: job.sha256, expired_at: job.expiresAt?.toISOString() ?? null } });
        });
        expired++;
      }
      if (due.length < BATCH) break;
    }
    if (expired) this.logger.log(`expired ${expired} export files`);
    return expired;
  }

  private async failLost(now: Date): Promise<number> {
    const grace = new Date(now.getTime() - 2 * this.config.exportStalledSeconds * 1000);
    const candidates = await this.prisma.exportJob.findMany({ where: { status: { in: ['pending', 'processing'] }, createdAt: { lt: grace } }, select: { id: true }, take: BATCH });
    let lost = 0;
    for (const { id } of candidates) {
      const queued = await this.queue.getJob(id);
      const state = queued ? await queued.getState() : 'missing';
      if (state === 'missing' || state === 'failed' || state === 'completed') {
        await this.runner.markFailed(id, state === 'failed' ? `The worker gave up: ${queued?.failedReason ?? 'unknown reason'}` : 'The job left the queue without finishing (its worker stopped); start the export again.');
        lost++;
      }
    }
    return lost;
  }
}
