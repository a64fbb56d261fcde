import { Injectable } from '@nestjs/common';

import { ALERT_COLUMNS, AlertFilterDto, alertWhere, createdBefore, responseTimesSql, SEVERITIES, STATUSES, storedImageOf, toResponseTimes } from '@app/alerts';
import { Alert, andWhere, oneTenant, Prisma } from '@app/database';

import { ALERT_EXPORT_COLUMNS } from './alert-columns';
import {
  createdAtPartQuery,
  createdAtPartStarts,
  ExportSelection,
  keysetBatches,
  missingIn,
  PdfColumn,
  ReportImage,
  SplittableSource,
  SqlRun,
  SummaryTable,
  Translate,
  windowOf,
} from './record-source';

/** Alerts, oldest first: (created_at, id) keyset on the (tenant_id, created_at, id) index. */
@Injectable()
export class AlertSource implements SplittableSource<Alert> {
  readonly resource = 'alerts' as const;
  readonly readScope = 'alerts:read';
  readonly filterType = AlertFilterDto;
  readonly columns = ALERT_EXPORT_COLUMNS;
  readonly pdfColumns: PdfColumn[] = [
    { key: 'created_at', mm: 31 },
    { key: 'severity', mm: 15 },
    { key: 'status', mm: 22 },
    { key: 'type', mm: 22 },
    { key: 'title', mm: null },
    { key: 'source', mm: 22 },
    { key: 'assignee', mm: 20 },
    { key: 'resolved_at', mm: 31 },
    { key: 'id', mm: 48, mono: true },
  ];

  private where(selection: ExportSelection): Prisma.Sql {
    // `all` is every stored alert (evidence leaves nothing out), as are selected ids; `filtered` follows the
    // list's default (suppressed alerts left out unless the filter names `suppressed`).
    const filter: AlertFilterDto = selection.scope === 'filtered' ? (selection.filters as AlertFilterDto) : { suppressed: 'any' };
    // Before as_of: the id range it implies names the partitions to read (createdBefore).
    const extra = [createdBefore(selection.asOf)];
    if (selection.scope === 'selected') extra.push(Prisma.sql`a.id = ANY(${selection.ids})`);
    return andWhere(alertWhere(filter, oneTenant(selection.tenantId)), extra);
  }

  async count(run: SqlRun, selection: ExportSelection): Promise<number> {
    const [row] = await run<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM alerts a ${this.where(selection)}`);
    return row.n;
  }

  batches(run: SqlRun, selection: ExportSelection, size: number): AsyncGenerator<Alert[]> {
    return keysetBatches(
      size,
      (after: [Date, string] | null) => run<Alert>(this.partQuery(selection, after, size)),
      (alert): [Date, string] => [alert.createdAt, alert.id],
    );
  }

  partQuery(selection: ExportSelection, after: [Date, string] | null, rows: number): Prisma.Sql {
    return createdAtPartQuery(Prisma.sql`alerts`, Prisma.sql`a`, ALERT_COLUMNS, this.where(selection), after, rows);
  }

  partStarts(run: SqlRun, selection: ExportSelection, every: number, limit: number): Promise<([Date, string] | null)[]> {
    return createdAtPartStarts(run, Prisma.sql`alerts`, Prisma.sql`a`, this.where(selection), every, limit);
  }

  missingIds(run: SqlRun, tenantId: string, ids: string[]): Promise<string[]> {
    return missingIn(run, Prisma.sql`alerts`, tenantId, ids);
  }

  async summary(run: SqlRun, selection: ExportSelection, t: Translate): Promise<SummaryTable[]> {
    const where = this.where(selection);
    const counts = await run<{ field: string; value: string; n: number }>(Prisma.sql`
      SELECT 'severity' AS field, a.severity::text AS value, count(*)::int AS n FROM alerts a ${where} GROUP BY 2
      UNION ALL SELECT 'status', a.status::text, count(*)::int FROM alerts a ${where} GROUP BY 2`);
    const countOf = (field: string, value: string) => counts.find((c) => c.field === field && c.value === value)?.n ?? 0;
    const times = toResponseTimes(await run(responseTimesSql(where)), true);
    const seconds = (value: number | null) => (value === null ? '–' : formatDuration(value));
    return [
      {
        heading: t('summary.by_severity'),
        columns: [t('columns.severity'), t('summary.count')],
        rows: [...SEVERITIES].reverse().map((s) => [t(`values.${s}`), countOf('severity', s)]),
      },
      {
        heading: t('summary.by_status'),
        columns: [t('columns.status'), t('summary.count')],
        rows: STATUSES.map((s) => [t(`values.${s}`), countOf('status', s)]),
      },
      {
        heading: t('summary.response_times'),
        columns: [
          t('columns.severity'),
          t('summary.acknowledged'),
          t('summary.ack_mean'),
          t('summary.ack_p50'),
          t('summary.ack_p90'),
          t('summary.resolved'),
          t('summary.res_mean'),
          t('summary.res_p50'),
          t('summary.res_p90'),
        ],
        rows: times.map((r) => [
          r.severity === 'all' ? t('summary.all_severities') : t(`values.${r.severity}`),
          r.time_to_acknowledge.count,
          seconds(r.time_to_acknowledge.mean_seconds),
          seconds(r.time_to_acknowledge.p50_seconds),
          seconds(r.time_to_acknowledge.p90_seconds),
          r.time_to_resolve.count,
          seconds(r.time_to_resolve.mean_seconds),
          seconds(r.time_to_resolve.p50_seconds),
          seconds(r.time_to_resolve.p90_seconds),
        ]),
      },
    ];
  }

  timeWindow(selection: ExportSelection): { from: Date | null; to: Date } {
    return windowOf(selection, selection.filters as AlertFilterDto);
  }

  /** The event's primary image, when it is stored here (an image given as a URL is never fetched, so never shown). */
  reportImage(alert: Alert): ReportImage | null {
    const image = storedImageOf(alert.event, 'primary');
    if (!image) return null;
    const event = alert.event as { id?: string; label?: string | null; stream_name?: string | null };
    const caption = [alert.id, alert.title, event.label, event.stream_name].filter((part) => part).join(' · ');
    return { key: image.key, contentType: image.content_type, size: image.size, caption };
  }
}

/** 3725 → "1h 2m 5s". */
export function formatDuration(totalSeconds: number): string {
  const s = Math.round(totalSeconds);
  const parts: string[] = [];
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) parts.push(`${d}d`);
  if (h) parts.push(`${h}h`);
  if (m) parts.push(`${m}m`);
  if (s % 60 || parts.length === 0) parts.push(`${s % 60}s`);
  return parts.join(' ');
}
