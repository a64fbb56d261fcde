import { Injectable } from '@nestjs/common';

import { ALERT_COLUMNS, AlertFilterDto, alertWhere, responseTimesSql, SEVERITIES, STATUSES, timeToAcknowledge, timeToResolve, toResponseTimes } from '@app/alerts';
import { Alert, Prisma } from '@app/database';

import { andWhere, ExportColumn, ExportSelection, keysetBatches, missingIn, PdfColumn, RecordSource, SqlRun, SummaryTable, Translate, windowOf } from './record-source';

const COLUMNS: ExportColumn<Alert>[] = [
  { key: 'id', kind: 'id', width: 30, value: (a) => a.id },
  { key: 'created_at', kind: 'date', width: 20, value: (a) => a.createdAt },
  { key: 'severity', kind: 'text', width: 13, value: (a) => a.severity },
  { key: 'status', kind: 'text', width: 13, value: (a) => a.status },
  { key: 'type', kind: 'text', width: 18, value: (a) => a.type },
  { key: 'source', kind: 'text', width: 18, value: (a) => a.source },
  { key: 'title', kind: 'text', width: 40, value: (a) => a.title },
  { key: 'message', kind: 'text', width: 50, value: (a) => a.message },
  { key: 'assignee', kind: 'text', width: 16, value: (a) => a.assignee },
  { key: 'alertable_type', kind: 'text', width: 12, value: (a) => a.alertableType },
  { key: 'alertable_id', kind: 'id', width: 24, value: (a) => a.alertableId },
  { key: 'alert_rule_id', kind: 'id', width: 16, value: (a) => a.alertRuleId },
  { key: 'alert_rule_name', kind: 'text', width: 24, value: (a) => a.alertRuleName },
  { key: 'system_key', kind: 'text', width: 18, value: (a) => a.systemKey },
  { key: 'alertname', kind: 'text', width: 18, value: (a) => a.alertname },
  { key: 'fingerprint', kind: 'id', width: 18, value: (a) => a.fingerprint },
  { key: 'stream_id', kind: 'id', width: 18, value: (a) => a.streamId },
  { key: 'site_id', kind: 'id', width: 18, value: (a) => a.siteId },
  { key: 'labels', kind: 'json', width: 30, value: (a) => a.labels as Record<string, unknown> },
  { key: 'annotations', kind: 'json', width: 30, value: (a) => a.annotations as Record<string, unknown> },
  { key: 'receiver', kind: 'text', width: 16, value: (a) => a.receiver },
  { key: 'generator_url', kind: 'text', width: 40, value: (a) => a.generatorUrl },
  { key: 'follow_up_status', kind: 'text', width: 16, value: (a) => a.followUpStatus },
  { key: 'follow_up_notes', kind: 'text', width: 30, value: (a) => a.followUpNotes },
  { key: 'starts_at', kind: 'date', width: 20, value: (a) => a.startsAt },
  { key: 'ends_at', kind: 'date', width: 20, value: (a) => a.endsAt },
  { key: 'updated_at', kind: 'date', width: 20, value: (a) => a.updatedAt },
  { key: 'acknowledged_at', kind: 'date', width: 20, value: (a) => a.acknowledgedAt },
  { key: 'acknowledged_by', kind: 'text', width: 16, value: (a) => a.acknowledgedBy },
  { key: 'escalated_at', kind: 'date', width: 20, value: (a) => a.escalatedAt },
  { key: 'escalated_by', kind: 'text', width: 16, value: (a) => a.escalatedBy },
  { key: 'resolved_at', kind: 'date', width: 20, value: (a) => a.resolvedAt },
  { key: 'resolved_by', kind: 'text', width: 16, value: (a) => a.resolvedBy },
  { key: 'dismissed_at', kind: 'date', width: 20, value: (a) => a.dismissedAt },
  { key: 'dismissed_by', kind: 'text', width: 16, value: (a) => a.dismissedBy },
  { key: 'version', kind: 'number', width: 8, value: (a) => a.version },
  { key: 'controls', kind: 'json', width: 30, value: (a) => a.controls ?? [] },
  { key: 'time_to_acknowledge_seconds', kind: 'number', width: 12, value: (a) => timeToAcknowledge(a) },
  { key: 'time_to_resolve_seconds', kind: 'number', width: 12, value: (a) => timeToResolve(a) },
];

/** Alerts, oldest first: (created_at, id) keyset on the (tenant_id, created_at, id) index. */
@Injectable()
export class AlertSource implements RecordSource<Alert> {
  readonly resource = 'alerts' as const;
  readonly readScope = 'alerts:read';
  readonly filterType = AlertFilterDto;
  readonly columns = COLUMNS;
  readonly pdfColumns: PdfColumn[] = [
    { key: 'created_at', mm: 31 }, { key: 'severity', mm: 15 }, { key: 'status', mm: 22 }, { key: 'type', mm: 22 }, { key: 'title', mm: null },
    { key: 'source', mm: 22 }, { key: 'assignee', mm: 20 }, { key: 'resolved_at', mm: 31 }, { key: 'id', mm: 48, mono: true },
  ];

  private where(selection: ExportSelection): Prisma.Sql {
    const filter = selection.scope === 'filtered' ? (selection.filters as AlertFilterDto) : {};
    const extra = [Prisma.sql`a.created_at < ${selection.asOf}`];
    if (selection.scope === 'selected') extra.push(Prisma.sql`a.id = ANY(${selection.ids})`);
    return andWhere(alertWhere(filter, selection.tenantId), extra);
  }

  async count(run: SqlRun, selection: ExportSelection): Promise<number> {
    const [row] = await run<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM alerts a ${this.where(selection)}`);
    return row.n;
  }

  batches(run: SqlRun, selection: ExportSelection, size: number): AsyncGenerator<Alert[]> {
    const where = this.where(selection);
    return keysetBatches(
      size,
      (after: [Date, string] | null) => {
        const keyset = after ? Prisma.sql`AND (a.created_at, a.id) > (${after[0]}::timestamptz, ${after[1]})` : Prisma.empty;
        return run<Alert>(Prisma.sql`SELECT ${ALERT_COLUMNS} FROM alerts a ${where} ${keyset} ORDER BY a.created_at, a.id LIMIT ${size}`);
      },
      (alert): [Date, string] => [alert.createdAt, alert.id],
    );
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
    const times = toResponseTimes(await run(responseTimesSql(where)));
    const seconds = (value: number | null) => (value === null ? '–' : formatDuration(value));
    return [
      { heading: t('summary.by_severity'), columns: [t('columns.severity'), t('summary.count')], rows: [...SEVERITIES].reverse().map((s) => [t(`values.${s}`), countOf('severity', s)]) },
      { heading: t('summary.by_status'), columns: [t('columns.status'), t('summary.count')], rows: STATUSES.map((s) => [t(`values.${s}`), countOf('status', s)]) },
      {
        heading: t('summary.response_times'),
        columns: [t('columns.severity'), t('summary.acknowledged'), t('summary.ack_mean'), t('summary.ack_p50'), t('summary.ack_p90'), t('summary.resolved'), t('summary.res_mean'), t('summary.res_p50'), t('summary.res_p90')],
        rows: times.map((r) => [
          t(`values.${r.severity}`),
          r.time_to_acknowledge.count, seconds(r.time_to_acknowledge.mean_seconds), seconds(r.time_to_acknowledge.p50_seconds), seconds(r.time_to_acknowledge.p90_seconds),
          r.time_to_resolve.count, seconds(r.time_to_resolve.mean_seconds), seconds(r.time_to_resolve.p50_seconds), seconds(r.time_to_resolve.p90_seconds),
        ]),
      },
    ];
  }

  timeWindow(selection: ExportSelection): { from: Date | null; to: Date } {
    return windowOf(selection, selection.filters as AlertFilterDto);
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
