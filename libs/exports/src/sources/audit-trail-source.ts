import { Injectable } from '@nestjs/common';

import { AUDIT_EVENT_COLUMNS, AuditTrailFilterDto, auditTrailWhere } from '@app/audit-trail';
import { andWhere, oneTenant, Prisma } from '@app/database';

import { AUDIT_TRAIL_EXPORT_COLUMNS, AuditRow } from './audit-trail-columns';
import {
  ExportSelection,
  keysetBatches,
  missingIn,
  partStartsOf,
  PdfColumn,
  SplittableSource,
  SqlRun,
  SummaryTable,
  Translate,
  windowOf,
} from './record-source';

/** The audit trail in chain order (seq), so a reader can re-check every link of the exported part. */
@Injectable()
export class AuditTrailSource implements SplittableSource<AuditRow> {
  readonly resource = 'audit_trail' as const;
  readonly readScope = 'audit:read';
  readonly filterType = AuditTrailFilterDto;
  readonly columns = AUDIT_TRAIL_EXPORT_COLUMNS;
  readonly pdfColumns: PdfColumn[] = [
    { key: 'seq', mm: 14 },
    { key: 'at', mm: 31 },
    { key: 'actor', mm: 40 },
    { key: 'action', mm: 36 },
    { key: 'resource_type', mm: 24 },
    { key: 'resource_id', mm: null, mono: true },
    { key: 'outcome', mm: 16 },
    { key: 'ip', mm: 26 },
  ];

  /** The list's own WHERE (auditTrailWhere) of the frozen filters, in the job's tenant, before as_of. */
  private where(selection: ExportSelection): Prisma.Sql {
    const filter = selection.scope === 'filtered' ? (selection.filters as AuditTrailFilterDto) : {};
    const extra = [Prisma.sql`e.at < ${selection.asOf}`];
    if (selection.scope === 'selected') extra.push(Prisma.sql`e.id = ANY(${selection.ids})`);
    return andWhere(auditTrailWhere(filter, oneTenant(selection.tenantId)), extra);
  }

  async count(run: SqlRun, selection: ExportSelection): Promise<number> {
    const [row] = await run<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM audit_events e ${this.where(selection)}`);
    return row.n;
  }

  batches(run: SqlRun, selection: ExportSelection, size: number): AsyncGenerator<AuditRow[]> {
    return keysetBatches(
      size,
      (after: string | null) => run<AuditRow>(this.partQuery(selection, after, size)),
      (event) => event.seq,
    );
  }

  partQuery(selection: ExportSelection, after: string | null, rows: number): Prisma.Sql {
    return Prisma.sql`SELECT ${AUDIT_EVENT_COLUMNS} FROM audit_events e ${this.where(selection)} AND e.seq > ${after ?? '0'}::bigint ORDER BY e.seq LIMIT ${rows}`;
  }

  partStarts(run: SqlRun, selection: ExportSelection, every: number, limit: number): Promise<(string | null)[]> {
    const keys = Prisma.sql`SELECT e.seq::text AS k0, row_number() OVER (ORDER BY e.seq) AS n FROM audit_events e ${this.where(selection)}`;
    return partStartsOf(run, keys, every, limit, (row) => row.k0 as string);
  }

  missingIds(run: SqlRun, tenantId: string, ids: string[]): Promise<string[]> {
    return missingIn(run, Prisma.sql`audit_events`, tenantId, ids);
  }

  async summary(run: SqlRun, selection: ExportSelection, t: Translate): Promise<SummaryTable[]> {
    const where = this.where(selection);
    const actions = await run<{ value: string; n: number }>(
      Prisma.sql`SELECT e.action AS value, count(*)::int AS n FROM audit_events e ${where} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 15`,
    );
    const outcomes = await run<{ value: string; n: number }>(
      Prisma.sql`SELECT e.outcome AS value, count(*)::int AS n FROM audit_events e ${where} GROUP BY 1 ORDER BY 1`,
    );
    return [
      { heading: t('summary.by_action'), columns: [t('columns.action'), t('summary.count')], rows: actions.map((r) => [r.value, r.n]) },
      { heading: t('summary.by_outcome'), columns: [t('columns.outcome'), t('summary.count')], rows: outcomes.map((r) => [r.value, r.n]) },
    ];
  }

  timeWindow(selection: ExportSelection): { from: Date | null; to: Date } {
    return windowOf(selection, selection.filters as AuditTrailFilterDto);
  }
}
