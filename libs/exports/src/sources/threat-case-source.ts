import { Injectable } from '@nestjs/common';

import { andWhere, oneTenant, Prisma } from '@app/database';
import { caseWhere, filterCriteria, THREAT_CASE_STATUSES, ThreatCaseFilterDto } from '@app/threat-cases';

import { CaseRow, THREAT_CASE_EXPORT_COLUMNS } from './threat-case-columns';
import {
  createdAtPartQuery,
  createdAtPartStarts,
  ExportSelection,
  keysetBatches,
  missingIn,
  PdfColumn,
  SplittableSource,
  SqlRun,
  SummaryTable,
  Translate,
  windowOf,
} from './record-source';

const SELECT = Prisma.sql`c.id, c.status::text AS status, c.title, c.prompt_theme AS "promptTheme", c.device_id AS "deviceId",
  c.associated_device_ids AS "associatedDeviceIds", c.location_id AS "locationId", c.location_name AS "locationName",
  c.sub_locations_hierarchy_key AS "subLocationsHierarchyKey",
  COALESCE((SELECT array_agg(l.alert_id ORDER BY l.linked_at, l.alert_id) FROM threat_case_alerts l WHERE l.case_id = c.id), '{}') AS "alertIds",
  (SELECT count(*)::int FROM threat_case_tasks t WHERE t.case_id = c.id) AS "taskCount",
  (SELECT count(*)::int FROM threat_case_tasks t WHERE t.case_id = c.id AND t.status IN ('waiting', 'in_progress')) AS "openTaskCount",
  (SELECT count(*)::int FROM threat_case_observables o WHERE o.case_id = c.id) AS "observableCount",
  c.created_at AS "createdAt", c.created_by AS "createdBy", c.updated_at AS "updatedAt", c.submitted_at AS "submittedAt", c.version, c.controls,
  c.assignee, c.severity::text AS severity, c.tags`;

/** Threat cases that are not deleted, oldest first, each with its linked alert ids. */
@Injectable()
export class ThreatCaseSource implements SplittableSource<CaseRow> {
  readonly resource = 'threat_cases' as const;
  readonly readScope = 'cases:read';
  readonly filterType = ThreatCaseFilterDto;
  readonly columns = THREAT_CASE_EXPORT_COLUMNS;
  readonly pdfColumns: PdfColumn[] = [
    { key: 'created_at', mm: 31 },
    { key: 'severity', mm: 15 },
    { key: 'status', mm: 28 },
    { key: 'title', mm: null },
    { key: 'assignee', mm: 20 },
    { key: 'device_id', mm: 30 },
    { key: 'location_name', mm: 30 },
    { key: 'alert_count', mm: 14 },
    { key: 'id', mm: 48, mono: true },
  ];

  /** The list's own WHERE (caseWhere) of the frozen filters, in the job's tenant, before as_of. */
  private where(selection: ExportSelection): Prisma.Sql {
    const filter = selection.scope === 'filtered' ? (selection.filters as ThreatCaseFilterDto) : {};
    const extra = [Prisma.sql`c.created_at < ${selection.asOf}`];
    if (selection.scope === 'selected') extra.push(Prisma.sql`c.id = ANY(${selection.ids})`);
    return andWhere(caseWhere(filterCriteria(filter, oneTenant(selection.tenantId))), extra);
  }

  async count(run: SqlRun, selection: ExportSelection): Promise<number> {
    const [row] = await run<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM threat_cases c ${this.where(selection)}`);
    return row.n;
  }

  batches(run: SqlRun, selection: ExportSelection, size: number): AsyncGenerator<CaseRow[]> {
    return keysetBatches(
      size,
      (after: [Date, string] | null) => run<CaseRow>(this.partQuery(selection, after, size)),
      (row): [Date, string] => [row.createdAt, row.id],
    );
  }

  partQuery(selection: ExportSelection, after: [Date, string] | null, rows: number): Prisma.Sql {
    return createdAtPartQuery(Prisma.sql`threat_cases`, Prisma.sql`c`, SELECT, this.where(selection), after, rows);
  }

  partStarts(run: SqlRun, selection: ExportSelection, every: number, limit: number): Promise<([Date, string] | null)[]> {
    return createdAtPartStarts(run, Prisma.sql`threat_cases`, Prisma.sql`c`, this.where(selection), every, limit);
  }

  missingIds(run: SqlRun, tenantId: string, ids: string[]): Promise<string[]> {
    return missingIn(run, Prisma.sql`threat_cases`, tenantId, ids);
  }

  async summary(run: SqlRun, selection: ExportSelection, t: Translate): Promise<SummaryTable[]> {
    const counts = await run<{ value: string; n: number }>(
      Prisma.sql`SELECT c.status::text AS value, count(*)::int AS n FROM threat_cases c ${this.where(selection)} GROUP BY 1`,
    );
    const [work] = await run<{ tasks: number; open: number; observables: number }>(Prisma.sql`
      WITH cases AS (SELECT c.id FROM threat_cases c ${this.where(selection)})
      SELECT (SELECT count(*)::int FROM threat_case_tasks t JOIN cases ON cases.id = t.case_id) AS tasks,
             (SELECT count(*)::int FROM threat_case_tasks t JOIN cases ON cases.id = t.case_id WHERE t.status IN ('waiting', 'in_progress')) AS open,
             (SELECT count(*)::int FROM threat_case_observables o JOIN cases ON cases.id = o.case_id) AS observables`);
    return [
      {
        heading: t('summary.by_status'),
        columns: [t('columns.status'), t('summary.count')],
        rows: THREAT_CASE_STATUSES.map((s) => [t(`values.${s}`), counts.find((c) => c.value === s)?.n ?? 0]),
      },
      {
        heading: t('summary.case_work'),
        columns: [t('summary.case_work_item'), t('summary.count')],
        rows: [
          [t('summary.tasks'), work.tasks],
          [t('summary.open_tasks'), work.open],
          [t('summary.observables'), work.observables],
        ],
      },
    ];
  }

  timeWindow(selection: ExportSelection): { from: Date | null; to: Date } {
    return windowOf(selection, selection.filters as ThreatCaseFilterDto);
  }
}
