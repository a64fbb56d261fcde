import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger } from '@nestjs/common';
import { Queue } from 'bull';

import { AuditTrailService } from '@app/audit-trail';
import { Page, Paginator, Principal, ProblemException, ProblemTypes, publicId, RequestContextStore } from '@app/common';
import { activeTenantHoldSql } from '@app/compliance';
import { ExportJob, InjectScopedPrisma, keysetOrder, keysetWhere, PlainSql, Prisma, ScopedPrismaClient } from '@app/database';
import { assertQueueConnected, queueCall } from '@app/queues';

import { CreateExportDto } from './dto/create-export.dto';
import { ExportFormatName, storedFormat } from './dto/export-enums';
import { ExportAcceptedDto } from './dto/export-job.dto';
import { ListExportsQueryDto } from './dto/list-exports-query.dto';
import { ExportMetrics } from './export-metrics';
import { isRunning } from './jobs/export-job-states';
import { ExportJobsRepository } from './jobs/export-jobs.repository';
import { exportNotFound, exportNotYours, exportUnderLegalHold, resourceUnavailable, unknownIds } from './errors/export-errors';
import { EXPORT_JOBS, EXPORTS_QUEUE, RENDER_JOB_OPTIONS, RenderExportPayload } from './export-queue';
import { validatedFields, validatedFilters } from './export-request';
import { RecordSources } from './sources/record-sources';
import { ExportStorage } from './storage/export-storage';

/** Rows per second each format writes here (docs/BENCHMARKS.md), for the estimate in the 202. */
const ROWS_PER_SECOND: Record<ExportFormatName, number> = { csv: 20_000, ndjson: 25_000, xlsx: 8_000, pdf: 1_500, 'evidence-pack': 1_400 };

/** Starting, reading and cancelling export jobs (the api side; the work runs in ExportRunner). */
@Injectable()
export class ExportsService {
  private readonly logger = new Logger(ExportsService.name);

  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    @InjectQueue(EXPORTS_QUEUE) private readonly queue: Queue<RenderExportPayload>,
    private readonly sql: PlainSql,
    private readonly jobs: ExportJobsRepository,
    private readonly sources: RecordSources,
    private readonly storage: ExportStorage,
    private readonly paginator: Paginator,
    private readonly auditTrail: AuditTrailService,
    private readonly metrics: ExportMetrics,
  ) {}

  async create(body: CreateExportDto, principal: Principal): Promise<ExportAcceptedDto> {
    const source = this.sources.find(body.resource);
    if (!source) throw resourceUnavailable(body.resource);
    if (!principal.isAdmin && !principal.scopes.has(source.readScope))
      throw new ProblemException(ProblemTypes.missingScope, { args: { scope: source.readScope } });
    const filters = await validatedFilters(body, source);
    const fields = validatedFields(body, source);
    assertQueueConnected(this.queue); // Redis down: 503 before anything is written
    const asOf = new Date();
    const selection = { tenantId: principal.tenantId, scope: body.scope, ids: body.ids ?? [], filters, asOf };
    const total = await this.sql.snapshot(async (run) => {
      if (body.ids) {
        const missing = await source.missingIds(run, principal.tenantId, body.ids);
        if (missing.length) throw unknownIds(body.resource, missing);
      }
      return source.count(run, selection);
    });
    const id = publicId('exp');
    const context = RequestContextStore.current();
    const job = await this.db.$transaction(async (tx) => {
      const created = await tx.exportJob.create({
        data: {
          id,
          tenantId: principal.tenantId,
          resource: body.resource,
          format: storedFormat(body.format),
          scope: body.scope,
          ids: body.ids ?? [],
          filters: filters as Prisma.InputJsonObject,
          timezone: body.timezone ?? 'UTC',
          locale: body.locale ?? 'en',
          title: body.title ?? null,
          includeImages: body.include_images ?? false,
          fields,
          totalRecords: total,
          requestedBy: principal.subject,
          requestedByType: principal.kind,
          requestId: context?.requestId ?? null,
          asOf,
        },
      });
      await this.auditTrail.recordIn(tx, {
        tenantId: principal.tenantId,
        action: 'export.create',
        resourceType: 'export',
        resourceId: id,
        details: {
          resource: body.resource,
          format: body.format,
          scope: body.scope,
          filters: filters as Prisma.InputJsonObject,
          ids: body.ids ?? [],
          fields,
          total_records: total,
        },
      });
      return created;
    });
    await this.enqueue(job);
    return {
      job_id: job.id,
      status: job.status,
      estimated_time_seconds: Math.max(1, Math.ceil(total / ROWS_PER_SECOND[body.format]) + 1),
      total_records: total,
      status_url: `/v1/exports/${job.id}`,
    };
  }

  list(query: ListExportsQueryDto, principal: Principal): Promise<Page<ExportJob>> {
    const where: Prisma.ExportJobWhereInput = { requestedBy: principal.subject, ...(query.status?.length ? { status: { in: query.status } } : {}) };
    return this.paginator.paginate<ExportJob>(query, {
      sortBy: 'created_at',
      scope: { resource: 'exports', tenant: principal.tenantId, where },
      sortValue: (job) => job.createdAt,
      id: (job) => job.id,
      count: () => this.db.exportJob.count({ where }),
      readOffset: (skip, take, direction) => this.db.exportJob.findMany({ where, skip, take, orderBy: keysetOrder('createdAt', direction) }),
      readKeyset: (after, take, direction) =>
        this.db.exportJob.findMany({ where: { AND: [where, keysetWhere('createdAt', after, direction)] }, take, orderBy: keysetOrder('createdAt', direction) }),
    });
  }

  async get(id: string): Promise<ExportJob> {
    const job = await this.db.exportJob.findFirst({ where: { id } });
    if (!job) throw exportNotFound(id);
    return job;
  }

  /**
   * A pending or processing job is cancelled (the worker notices at its next batch and removes its
   * partial file); a finished one is deleted with its file. Answers the cancelled job, or null when deleted.
   * An auditor may do this only to its own jobs (it reads and exports, it does not remove others'
   * evidence), and no finished export is deleted while the tenant is under a legal hold.
   */
  async cancel(id: string, principal: Principal): Promise<ExportJob | null> {
    const job = await this.get(id);
    if (principal.scopes.has('auditor') && job.requestedBy !== principal.subject) throw exportNotYours(job);
    const running = isRunning(job.status);
    if (!running) {
      const [hold] = await this.sql.rows<{ id: string }>(activeTenantHoldSql(job.tenantId));
      if (hold) throw exportUnderLegalHold(job, hold.id);
    }
    const result = await this.db.$transaction(async (tx) => {
      let cancelled: ExportJob | null = null;
      if (running) {
        if (!(await this.jobs.cancel(tx, id, principal.subject))) return 'raced' as const;
        cancelled = await tx.exportJob.findFirst({ where: { id } });
      } else {
        await tx.exportJob.delete({ where: { id } });
      }
      await this.auditTrail.recordIn(tx, {
        tenantId: job.tenantId,
        action: running ? 'export.cancel' : 'export.delete',
        resourceType: 'export',
        resourceId: id,
        details: { status_before: job.status },
      });
      return cancelled;
    });
    if (result === 'raced') return this.cancel(id, principal);
    if (running) {
      this.metrics.ended(job.format, 'cancelled');
      await queueCall(this.queue, () => this.queue.getJob(id).then((queued) => queued?.remove())).catch(() => undefined); // a running job is locked; the worker stops itself
    } else if (job.storageKey) {
      await this.storage.remove(job.storageKey);
    }
    return result;
  }

  private async enqueue(job: ExportJob): Promise<void> {
    try {
      await queueCall(this.queue, () => this.queue.add(EXPORT_JOBS.render, { exportId: job.id }, { ...RENDER_JOB_OPTIONS, jobId: job.id }));
    } catch (error) {
      this.logger.error(`${job.id}: could not be queued: ${(error as Error).message}`);
      await this.jobs.failUnqueued(job.id, 'The job could not be queued (Redis unavailable). Start it again.');
      this.metrics.ended(job.format, 'failed');
      throw new ProblemException(ProblemTypes.serviceUnavailable, { cause: error, headers: { 'Retry-After': '5' } });
    }
  }
}
