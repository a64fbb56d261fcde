import { Injectable } from '@nestjs/common';

import { dateRange } from '@app/common';
import { Prisma } from '@app/database';
import { THREAT_CASE_STATUSES, ThreatCaseFilterDto } from '@app/threat-cases';

import { CaseRow, THREAT_CASE_EXPORT_COLUMNS } from './threat-case-columns';
import { andWhere, createdAtPartQuery, createdAtPartStarts, ExportSelection, keysetBatches, missingIn, PdfColumn, RecordSource, SqlRun, SummaryTable, Translate, windowOf } from './record-source';



const SELECT = Prisma.sql`c.id, c.status::text AS status, c.title, c.prompt_theme AS "promptTheme", c.device_id AS "deviceId",
  c.associated_device_ids AS "associatedDeviceIds", c.location_id AS "locationId", c.location_name AS "locationName",
  c.sub_locations_hierarchy_key AS "subLocationsHierarchyKey",
  COALESCE((SELECT array_agg(l.alert_id ORDER BY l.linked_at, l.alert_id) FROM threat_case_alerts l WHERE l.case_id = c.id), '{}') AS "alertIds",
  c.created_at AS "createdAt", c.created_by AS "createdBy", c.updated_at AS "updatedAt", c.submitted_at AS "submittedAt", c.version, c.controls`;

/** Threat cases that are not deleted, oldest first, each with its linked alert ids. */
@Injectable()
export class ThreatCaseSource implements RecordSource<CaseRow> {
  readonly resource = 'threat_cases' as const;
  readonly readScope = 'cases:read';
  readonly filterType = ThreatCaseFilterDto;
  readonly columns = THREAT_CASE_EXPORT_COLUMNS;
  readonly pdfColumns: PdfColumn[] = [
    { key: 'created_at', mm: 31 }, { key: 'status', mm: 28 }, { key: 'title', mm: null }, { key: 'device_id', mm: 36 },
    { key: 'location_name', mm: 36 }, { key: 'alert_count', mm: 14 }, { key: 'id', mm: 48, mono: true },
  ];

  private where(selection: ExportSelection): Prisma.Sql {
    const f = selection.scope === 'filtered' ? (selection.filters as ThreatCaseFilterDto) : {};
    const range = dateRange(f);
    const conditions = [
      Prisma.sql`c.tenant_id = ${selection.tenantId}`,
      Prisma.sql`NOT c.deleted`,
      Prisma.sql`c.created_at < ${selection.asOf}`,
      selection.scope === 'selected' ? Prisma.sql`c.id = ANY(${selection.ids})` : null,
      f.status?.length ? Prisma.sql`c.status::text = ANY(${f.status})` : null,
      f.device_id?.length ? Prisma.sql`(c.device_id = ANY(${f.device_id}) OR c.associated_device_ids && ${f.device_id}::varchar[])` : null,
      f.location_id?.length ? Prisma.sql`c.location_id = ANY(${f.location_id})` : null,
      f.control?.length ? Prisma.sql`c.controls && ${f.control}::text[]` : null,
      range.gte ? Prisma.sql`c.created_at >= ${range.gte}` : null,
      range.lt ? Prisma.sql`c.created_at < ${range.lt}` : null,
    ].filter((c): c is Prisma.Sql => c !== null);
    return andWhere(Prisma.empty, conditions);
  }

  async count(run: SqlRun, selection: ExportSelection): Promise<number> {
    const [row] = await run<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM threat_cases c ${this.where(selection)}`);
    return row.n;
  }

  batches(run: SqlRun, selection: ExportSelection, size: number): AsyncGenerator<CaseRow[]> {
    return keysetBatches(size, (after: [Date, string] | null) => run<CaseRow>(this.partQuery(selection, after, size)), (row): [Date, string] => [row.createdAt, row.id]);
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
    const counts = await run<{ value: string; n: number }>(Prisma.sql`SELECT c.status::text AS value, count(*)::int AS n FROM threat_cases c ${this.where(selection)} GROUP BY 1`);
    return [{ heading: t('summary.by_status'), columns: [t('columns.status'), t('summary.count')], rows: THREAT_CASE_STATUSES.map((s) => [t(`values.${s}`), counts.find((c) => c.value === s)?.n ?? 0]) }];
  }

  timeWindow(selection: ExportSelection): { from: Date | null; to: Date } {
    return windowOf(selection, selection.filters as ThreatCaseFilterDto);
  }
}
