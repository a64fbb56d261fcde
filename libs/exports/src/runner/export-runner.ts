import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';

import { Injectable, Logger } from '@nestjs/common';

import { canonicalJson, CheckpointKeys, PackEvidenceService } from '@app/audit-trail';
import { ZonedFormatter } from '@app/common';
import { AppConfig } from '@app/config';
import { ExportJob, PlainSql, Prisma, PrismaService } from '@app/database';

import { ExportManifestDto } from '../dto/export-job.dto';
import { ExportMetrics } from '../export-metrics';
import { ExportJobsRepository } from '../jobs/export-jobs.repository';
import { apiFormat, hasReport, ReportLocale } from '../dto/export-enums';
import { reportTranslator } from '../report/report-texts';
import { chosenColumns } from '../sources/part-columns';
import { ExportSelection, isSplittable, RecordSource, SqlRun } from '../sources/record-source';
import { RecordSources } from '../sources/record-sources';
import { ExportStorage } from '../storage/export-storage';
import { FormatWriter, WriterContext } from '../writers/format-writer';
import { ExportWriters } from '../writers/export-writers';
import { describeFailure, ExportCancelled } from './export-failures';
import { fileName, storageKey } from '../storage/export-files';
import { writeInParts } from './export-parts';
import { ProgressTicker } from './progress-ticker';
import { dataDigest, firstRecords, ndjsonLineOf } from './record-lines';

/**
 * Records per keyset read. Small batches keep what is alive at each young-generation GC small (a batch,
 * the next one being read, and their lines): 250 rows halved the CPU of a CSV export against 1,000
 * (docs/BENCHMARKS.md); the reads overlap the writing, so the extra round trips cost nothing.
 */
const BATCH = 250;

export interface AttemptInfo {
  /** Attempts made before this one. */
  attemptsMade: number;
  maxAttempts: number;
}

/**
 * Runs one export job: claims it, reads the records from one database snapshot in keyset batches (on the
 * read replica once it has replayed what came before the job, PlainSql.exportSnapshot),
 * writes them through the format's writer, and stores the file with its digests and manifest. Progress
 * is written on a timer (ProgressTicker), and each progress write also notices a cancellation.
 */
@Injectable()
export class ExportRunner {
  private readonly logger = new Logger(ExportRunner.name);

  constructor(
    private readonly prisma: PrismaService,
    private readonly jobs: ExportJobsRepository,
    private readonly sql: PlainSql,
    private readonly sources: RecordSources,
    private readonly storage: ExportStorage,
    private readonly writers: ExportWriters,
    private readonly config: AppConfig,
    private readonly metrics: ExportMetrics,
    private readonly evidence: PackEvidenceService,
    private readonly keys: CheckpointKeys,
  ) {}

  async run(exportId: string, attempt: AttemptInfo): Promise<void> {
    const job = await this.jobs.claim(exportId);
    if (!job) return;
    const started = Date.now();
    const source = this.sources.find(job.resource);
    const abort = new AbortController();
    let writer: FormatWriter | null = null;
    let written = 0;
    const progress = new ProgressTicker(this.jobs, job.id, () => writer?.rowsDone?.() ?? written, abort);
    try {
      if (!source) throw Object.assign(new Error(`resource ${job.resource} cannot be exported`), { permanent: true });
      const workDir = await this.storage.workDir(job.id);
      writer = this.writers.create(job.format);
      // A retry reads the primary: whatever failed the first attempt may have been the replica (a recovery conflict).
      const { file, manifest } = await this.sql.exportSnapshot(
        (run, databaseUrl) =>
          this.write(run, databaseUrl, job, source, writer as FormatWriter, workDir, abort.signal, (rows) => {
            written += rows;
          }),
        { primaryOnly: attempt.attemptsMade > 0 },
      );
      await progress.finish();
      await this.complete(job, file, manifest);
      this.metrics.ended(job.format, 'completed', { seconds: (Date.now() - started) / 1000, rows: manifest.row_count });
      this.logger.log(`${job.id}: ${job.format} of ${manifest.row_count} ${job.resource} in ${Date.now() - started} ms`);
    } catch (error) {
      abort.abort();
      await writer?.abort().catch(() => undefined);
      if (error instanceof ExportCancelled || (abort.signal.reason instanceof ExportCancelled && !(await this.jobs.isProcessing(job.id)))) {
        this.logger.log(`${job.id}: cancelled after ${Date.now() - started} ms; partial files removed`);
        return;
      }
      // The work folder goes before the job is marked failed, so nobody who sees `failed` finds its parts.
      await this.storage.discardWork(job.id).catch(() => undefined);
      await this.failed(job, error, attempt, started);
    } finally {
      progress.stop();
      await this.storage.discardWork(job.id).catch(() => undefined);
    }
  }

  /** An image attachment's bytes (include_images), or null when it is gone from the storage. */
  private async readImage(key: string): Promise<Buffer | null> {
    if ((await this.storage.size(key)) === null) return null;
    const chunks: Buffer[] = [];
    for await (const chunk of this.storage.read(key)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /** Marks a job failed (Bull gave up on it, e.g. its worker stalled too often). */
  async markFailed(exportId: string, message: string): Promise<void> {
    const job = await this.prisma.exportJob.findUnique({ where: { id: exportId } });
    if (job) await this.fail(job, message);
  }

  /** `databaseUrl`: the server of `run`'s snapshot (the primary or the read replica), where part threads import it. */
  private async write(
    run: SqlRun,
    databaseUrl: string,
    job: ExportJob,
    source: RecordSource,
    writer: FormatWriter,
    workDir: string,
    signal: AbortSignal,
    onWritten: (rows: number) => void,
  ): Promise<{ file: string; manifest: ExportManifestDto }> {
    const selection: ExportSelection = {
      tenantId: job.tenantId,
      scope: job.scope,
      ids: job.ids,
      filters: job.filters as Record<string, unknown>,
      asOf: job.asOf,
    };
    const t = reportTranslator(job.locale as ReportLocale);
    const matched = await source.count(run, selection);
    const limit = this.config.exportMaxRecords;
    const rowCount = limit > 0 ? Math.min(matched, limit) : matched;
    await this.jobs.counted(job.id, rowCount);
    const rows = () => firstRecords(source.batches(run, selection, BATCH), rowCount);
    const columns = chosenColumns(source.columns, job.fields);
    const lineOf = ndjsonLineOf(columns);

    const manifest = await this.manifest(job, source, selection, matched, rowCount, columns);
    // include_images: the report's image pages are counted in the digest pass, so page numbers are known before printing.
    const imageOf = job.includeImages && hasReport(job.format) && source.reportImage ? source.reportImage.bind(source) : null;
    let imageCount = 0;
    const countImage = imageOf ? (row: { id: string }) => void (imageOf(row) && imageCount++) : undefined;
    if (writer.needsDigestFirst) manifest.data_sha256 = await dataDigest(rows(), lineOf, signal, countImage);
    const context: WriterContext = {
      exportId: job.id,
      workDir,
      columns,
      pdfColumns: chosenColumns(source.pdfColumns, job.fields),
      zone: new ZonedFormatter(job.timezone),
      t,
      title: job.title ?? t(`title.${job.resource}`),
      tenantName: (await this.prisma.tenant.findUnique({ where: { id: job.tenantId }, select: { name: true } }))?.name ?? job.tenantId,
      rowCount,
      manifest,
      summary: hasReport(job.format) ? await source.summary(run, selection, t) : [],
      checkpoint: hasReport(job.format) ? await this.evidence.checkpoint(job.tenantId) : null,
      signal,
      images: imageOf && writer.needsDigestFirst ? { count: imageCount, of: imageOf, read: (key) => this.readImage(key) } : null,
    };
    await writer.open(context);
    let digest: string;
    let written = 0;
    if (isSplittable(source) && this.inParts(writer, rowCount)) {
      const parts = await writeInParts({
        run,
        source,
        selection,
        job: { databaseUrl, format: job.format as 'csv' | 'ndjson', timezone: job.timezone, batchSize: BATCH, fields: job.fields },
        rowCount,
        partRecords: this.config.exportPartRecords,
        threads: this.config.exportThreads,
        workDir,
        writer,
        signal,
        onRows: onWritten,
      });
      digest = parts.dataSha256;
      written = parts.rows;
    } else {
      const hash = createHash('sha256');
      for await (const batch of rows()) {
        if (signal.aborted) throw new ExportCancelled();
        const lines = batch.map(lineOf);
        hash.update(lines.join(''));
        await writer.write({ rows: batch, lines });
        written += batch.length;
        onWritten(batch.length);
      }
      digest = hash.digest('hex');
    }
    if (writer.needsDigestFirst && digest !== manifest.data_sha256) throw new Error('the data changed between the digest and the rendering pass');
    manifest.data_sha256 = digest;
    manifest.row_count = written;
    const file = await writer.finish();
    if (signal.aborted) throw new ExportCancelled();
    return { file, manifest };
  }

  /** Whether part threads write this export (of a splittable source): a format they can write, more than one thread, and records enough to be worth them. */
  private inParts(writer: FormatWriter, rowCount: number): boolean {
    return writer.writeFormatted !== undefined && this.config.exportThreads > 1 && rowCount >= this.config.exportParallelMinRecords;
  }

  private async manifest(
    job: ExportJob,
    source: RecordSource,
    selection: ExportSelection,
    matched: number,
    rowCount: number,
    columns: readonly { key: string }[],
  ): Promise<ExportManifestDto> {
    const window = source.timeWindow(selection);
    const complete = rowCount === matched;
    return {
      export_id: job.id,
      resource: job.resource,
      format: apiFormat(job.format),
      scope: job.scope,
      filters: job.filters as Record<string, unknown>,
      ids: job.ids,
      fields: columns.map((column) => column.key),
      timezone: job.timezone,
      locale: job.locale,
      time_window: { from: window.from?.toISOString() ?? null, to: window.to.toISOString() },
      as_of: job.asOf.toISOString(),
      tenant_id: job.tenantId,
      requested_by: job.requestedBy,
      requested_at: job.createdAt.toISOString(),
      request_id: job.requestId,
      row_count: rowCount,
      matched_count: matched,
      complete,
      incomplete_reason: complete ? null : `EXPORT_MAX_RECORDS is ${this.config.exportMaxRecords}: ${rowCount} of ${matched} matching records are in the file`,
      truncated_cells: 0,
      data_sha256: '',
      file_sha256: null,
      generated_at: new Date().toISOString(),
    };
  }

  private async complete(job: ExportJob, file: string, manifest: ExportManifestDto): Promise<void> {
    const [sha256, { size }] = await Promise.all([fileSha256(file), stat(file)]);
    const key = storageKey(job);
    await this.storage.put(file, key);
    const finished = { ...manifest, file_sha256: sha256 };
    const stored = await this.jobs.complete(job, {
      rows: manifest.row_count,
      fileName: fileName(job),
      storageKey: key,
      sizeBytes: size,
      sha256,
      manifest: finished as unknown as Prisma.InputJsonObject,
      // Over the manifest's canonical JSON (keys sorted, no white space): what the API serves parses back to the same bytes.
      manifestSignature: this.keys.sign(Buffer.from(canonicalJson(finished), 'utf8')),
      ttlSeconds: this.config.exportTtlSeconds,
    });
    if (!stored) {
      await this.storage.remove(key);
      throw new ExportCancelled();
    }
  }

  private async failed(job: ExportJob, error: unknown, attempt: AttemptInfo, started: number): Promise<void> {
    const { message, retryable } = describeFailure(error);
    const permanent = !retryable || (error as { permanent?: boolean }).permanent === true;
    const attemptNumber = attempt.attemptsMade + 1;
    if (!permanent && attemptNumber < attempt.maxAttempts) {
      this.logger.warn(`${job.id}: attempt ${attemptNumber} of ${attempt.maxAttempts} failed: ${message}`);
      await this.jobs.retry(job.id, `Attempt ${attemptNumber} failed, retrying: ${message}`);
      throw error;
    }
    this.logger.error(`${job.id}: failed: ${message}`);
    await this.fail(job, message, (Date.now() - started) / 1000);
  }

  /** Fails a job that is still running (counted once: a job another process ended meanwhile is left alone). */
  private async fail(job: ExportJob, message: string, seconds?: number): Promise<void> {
    if (await this.jobs.fail(job, message)) this.metrics.ended(job.format, 'failed', { seconds });
  }
}

async function fileSha256(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
