import { Injectable } from '@nestjs/common';

import { dateRange } from '@app/common';
import { Prisma } from '@app/database';
import { THREAT_CASE_STATUSES, ThreatCaseFilterDto } from '@app/threat-cases';

import { andWhere, ExportColumn, ExportSelection, keysetBatches, missingIn, PdfColumn, RecordSource, SqlRun, SummaryTable, Translate, windowOf } from './record-source';

interface CaseRow {
  id: string;
  status: string;
  title: string | null;
  promptTheme: string;
  deviceId: string | null;
  associatedDeviceIds: string[];
  locationId: string | null;
  locationName: string | null;
  subLocationsHierarchyKey: string | null;
  alertIds: string[];
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  submittedAt: Date | null;
  version: number;
  controls: string[] | null;
}

const COLUMNS: ExportColumn<CaseRow>[] = [
  { key: 'id', kind: 'id', width: 30, value: (c) => c.id },
  { key: 'created_at', kind: 'date', width: 20, value: (c) => c.createdAt },
  { key: 'status', kind: 'text', width: 16, value: (c) => c.status },
  { key: 'title', kind: 'text', width: 40, value: (c) => c.title },
  { key: 'prompt_theme', kind: 'text', width: 12, value: (c) => c.promptTheme },
  { key: 'device_id', kind: 'id', width: 24, value: (c) => c.deviceId },
  { key: 'associated_device_ids', kind: 'json', width: 30, value: (c) => c.associatedDeviceIds },
  { key: 'location_id', kind: 'id', width: 24, value: (c) => c.locationId },
  { key: 'location_name', kind: 'text', width: 24, value: (c) => c.locationName },
  { key: 'sub_locations_hierarchy_key', kind: 'id', width: 30, value: (c) => c.subLocationsHierarchyKey },
  { key: 'alert_ids', kind: 'json', width: 40, value: (c) => c.alertIds },
  { key: 'alert_count', kind: 'number', width: 8, value: (c) => c.alertIds.length },
  { key: 'created_by', kind: 'text', width: 16, value: (c) => c.createdBy },
  { key: 'updated_at', kind: 'date', width: 20, value: (c) => c.updatedAt },
  { key: 'submitted_at', kind: 'date', width: 20, value: (c) => c.submittedAt },
  { key: 'version', kind: 'number', width: 8, value: (c) => c.version },
  { key: 'controls', kind: 'json', width: 30, value: (c) => c.controls ?? [] },
];

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
  readonly columns = COLUMNS;
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
    const where = this.where(selection);
    return keysetBatches(
      size,
      (after: [Date, string] | null) => {
        const keyset = after ? Prisma.sql`AND (c.created_at, c.id) > (${after[0]}::timestamptz, ${after[1]})` : Prisma.empty;
        return run<CaseRow>(Prisma.sql`SELECT ${SELECT} FROM threat_cases c ${where} ${keyset} ORDER BY c.created_at, c.id LIMIT ${size}`);
      },
      (row): [Date, string] => [row.createdAt, row.id],
    );
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
