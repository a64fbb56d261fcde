import { Injectable } from '@nestjs/common';

import { canApply } from '@app/alerts';
import { appendAuditEventsSql, AuditEntry } from '@app/audit-trail';
import { AlertEventFields, alertChangedEvents, alertCreatedEvent, OutboxEntry, outboxEventsSql } from '@app/events';
import { parseTimestamp, Principal, publicId } from '@app/common';
import { CompliancePolicies, matchControls } from '@app/compliance';
import { AppConfig } from '@app/config';
import { insertJsonRows, PlainSql, Prisma, SqlRun, tenantParam } from '@app/database';
import { activeWindows, suppressingWindow } from '@app/maintenance';

import { ALERTMANAGER, alertKey, DescribedFields, describedFields, differs, endOf, KnownAlert, resolutionEnd, resolves } from './alertmanager-alert';
import { AdmittedAlert } from './alertmanager-intake';
import { AlertmanagerAlertDto, AlertmanagerWebhookDto, IngestResultDto } from './dto/alertmanager-webhook.dto';

const IDENTITY_COLUMNS = ['tenant_id', 'fingerprint', 'starts_at', 'alert_id'] as const;
const ALERT_COLUMNS = [
  'id',
  'tenant_id',
  'type',
  'source',
  'title',
  'message',
  'severity',
  'status',
  'alertable_type',
  'alertable_id',
  'alert_rule_id',
  'alert_rule_name',
  'system_key',
  'alertname',
  'fingerprint',
  'labels',
  'annotations',
  'receiver',
  'generator_url',
  'instance',
  'truncated_fields',
  'starts_at',
  'ends_at',
  'created_at',
  'updated_at',
  'resolved_at',
  'resolved_by',
  'version',
  'controls',
  'maintenance_window_id',
];
const TIMELINE_COLUMNS = ['id', 'tenant_id', 'alert_id', 'at', 'actor', 'action', 'from_status', 'to_status', 'details'];
/** Rounds of the conditional update: a row another writer changed since it was read is read again and decided again. */
const UPDATE_ROUNDS = 3;

/** One alert of the payload (its last word), with what it says. */
interface Incoming {
  alert: AlertmanagerAlertDto;
  fields: DescribedFields;
  startsAt: Date;
  end: Date | null;
  /** Fields cut to their limit on the way in (admitAlerts). */
  truncatedFields: string[];
}

/** A stored alert and the payload's word on it. */
interface KnownIncoming extends Incoming {
  current: KnownAlert;
}

/** What the update of a known alert answers: the alert as an event tells it. */
type UpdatedAlert = Omit<AlertEventFields, 'tenantId'>;

interface NewAlert extends Incoming {
  id: string;
  /** From the tenant's control rules, evaluated in memory (the rules are cached per tenant). */
  controls: string[];
  resolvedAt: Date | null;
  /** The maintenance window that suppresses it (set on insert from the tenant's active windows); null when none does. */
  maintenanceWindowId?: string | null;
}

/** What one payload writes besides the alerts themselves: timeline entries, audit events, counts. */
class PayloadEffects {
  readonly timeline: Record<string, unknown>[] = [];
  readonly audit: AuditEntry[] = [];
  /** The outbox events of the payload (alert.created, alert.updated, alert.status_changed), written in its transaction. */
  readonly events: OutboxEntry[] = [];
  private readonly details: Record<string, unknown>;

  constructor(
    readonly tenantId: string,
    readonly now: Date,
    payload: AlertmanagerWebhookDto,
    readonly result: IngestResultDto,
  ) {
    // groupKey names the Alertmanager group that sent the change, so a timeline entry leads back to its notification.
    this.details = { via: ALERTMANAGER, receiver: payload.receiver, group_key: payload.groupKey ?? null };
  }

  created(alert: NewAlert): void {
    this.result.created++;
    const suppression = alert.maintenanceWindowId ? { maintenance_window_id: alert.maintenanceWindowId } : {};
    this.entry(alert.id, 'created', null, 'open', suppression);
    this.audit.push({
      tenantId: this.tenantId,
      action: 'alert.create',
      resourceType: 'alert',
      resourceId: alert.id,
      details: { via: ALERTMANAGER, fingerprint: alert.alert.fingerprint, severity: alert.fields.severity, controls: alert.controls, ...suppression },
    });
  }

  updated(alertId: string): void {
    this.result.updated++;
    this.entry(alertId, 'updated', null, null);
    this.audit.push({ tenantId: this.tenantId, action: 'alert.update', resourceType: 'alert', resourceId: alertId, details: { via: ALERTMANAGER } });
  }

  /** The endsAt Alertmanager reported is kept in the entry: a later notification with the same one is not news (resolves()). */
  resolved(alertId: string, from: string, end: Date | null): void {
    this.result.resolved++;
    this.entry(alertId, 'resolved', from, 'resolved', { ends_at: resolutionEnd(end) });
    this.audit.push({ tenantId: this.tenantId, action: 'alert.resolve', resourceType: 'alert', resourceId: alertId, details: { via: ALERTMANAGER } });
  }

  private entry(alertId: string, action: string, from: string | null, to: string | null, extra: Record<string, unknown> = {}): void {
    this.timeline.push({
      id: publicId('atl', this.now.getTime()),
      tenant_id: this.tenantId,
      alert_id: alertId,
      at: this.now,
      actor: ALERTMANAGER,
      action,
      from_status: from,
      to_status: to,
      details: { ...this.details, ...extra },
    });
  }
}

/**
 * The Alertmanager webhook: one transaction per payload, written through plain pg, each kind of row as one
 * JSON parameter (Prisma's runtime cost more CPU than the database work, docs/BENCHMARKS.md). An alert is
 * identified by fingerprint and startsAt: new ones are created (their identities claimed in alert_identities
 * first with ON CONFLICT DO NOTHING, which covers a concurrent payload: the alert it stored is then treated
 * as known), known ones updated when what they say changed, and a resolved notification resolves the open alert (resolved_by "alertmanager", a system resolution:
 * the tenant's note requirement does not apply) unless a person reopened it after the same resolution.
 * Known alerts are updated only if their status and version are still those read, so a concurrent human
 * change is never overwritten: such an alert is read again and decided again. A replayed payload changes
 * nothing. New alerts get the controls of the tenant's control rules.
 */
@Injectable()
export class AlertmanagerIngestService {
  constructor(
    private readonly sql: PlainSql,
    private readonly policies: CompliancePolicies,
    private readonly config: AppConfig,
  ) {}

  /** Stores the alerts of the payload that admitAlerts admitted (`alerts`); the others were refused before. */
  async ingest(payload: AlertmanagerWebhookDto, principal: Principal, alerts: AdmittedAlert[]): Promise<IngestResultDto> {
    const tenantId = principal.tenantId;
    const { rules } = await this.policies.get(tenantId);
    // Within one payload the last word on an alert wins.
    const latest = new Map<string, Incoming>();
    for (const { alert, truncatedFields } of alerts) {
      const startsAt = parseTimestamp(alert.startsAt) as Date;
      latest.set(alertKey(alert.fingerprint, startsAt), {
        alert,
        fields: describedFields(alert, payload.receiver, this.config.ingestInstanceLabel),
        startsAt,
        end: endOf(alert),
        truncatedFields,
      });
    }
    const resolvedFingerprints = [...new Set([...latest.values()].filter((i) => i.alert.status === 'resolved').map((i) => i.alert.fingerprint))];
    return this.sql.transaction(async (run) => {
      const effects = new PayloadEffects(tenantId, new Date(), payload, {
        created: 0,
        updated: 0,
        resolved: 0,
        unchanged: 0,
        truncated_alerts: payload.truncatedAlerts ?? 0,
        truncated: 0,
        refused: 0,
        refused_alerts: [],
      });
      const read = (ids: string[]) => this.read(run, tenantId, ids, resolvedFingerprints);
      const readKeys = async (items: Incoming[]) => matchKnown(await read(await identified(run, tenantId, items)), latest);
      const known = await readKeys([...latest.values()]);

      const updates: KnownIncoming[] = [];
      const fresh: NewAlert[] = [];
      for (const [key, incoming] of latest) {
        const current = known.get(key);
        if (current) {
          updates.push({ ...incoming, current });
          continue;
        }
        const resolvedAt = incoming.alert.status === 'resolved' ? (incoming.end ?? effects.now) : null;
        const controls = matchControls(rules, { type: incoming.fields.type, source: incoming.fields.source, labels: incoming.fields.labels });
        fresh.push({ ...incoming, id: publicId('alr', effects.now.getTime()), controls, resolvedAt });
      }

      const lost = await this.insert(run, fresh, effects);
      if (lost.length > 0) {
        // A concurrent payload stored these a moment ago: what this one says about them is news for that alert.
        const stored = await readKeys(lost);
        for (const alert of lost) {
          const current = stored.get(alertKey(alert.alert.fingerprint, alert.startsAt));
          if (current) updates.push({ ...alert, current });
          else effects.result.unchanged++;
        }
      }
      await this.update(run, updates, effects, read);

      if (effects.timeline.length > 0) await run(insertJsonRows('alert_timeline', TIMELINE_COLUMNS, effects.timeline));
      const events = outboxEventsSql(effects.events, effects.now);
      if (events) await run(events);
      await appendAuditEventsSql(run, tenantId, effects.audit, effects.now);
      return effects.result;
    });
  }

  /**
   * The tenant's stored alerts with these ids, and for an open alert the payload resolves, the details of
   * Alertmanager's latest resolution in its timeline, so that a person's reopening is not undone by the same
   * resolution again. Both statements name the ids as an array parameter, which the planner prunes to the
   * months that hold them (docs/ARCHITECTURE.md, "Monthly partitions"): a statement that names no month
   * plans and locks every partition and each of its indexes. The tenant is a sub-select, so the planner
   * estimates its rows generically (a tenant newer than the table's statistics would otherwise look empty).
   */
  private async read(run: SqlRun, tenantId: string, ids: string[], resolvedFingerprints: string[]): Promise<KnownAlert[]> {
    if (ids.length === 0) return [];
    const alerts = await run<KnownAlert>(Prisma.sql`
      SELECT a.id, a.status::text AS status, a.version, a.fingerprint, a.starts_at, a.title, a.message, a.severity::text AS severity, a.receiver, a.source,
             a.labels, a.annotations, a.generator_url, NULL::jsonb AS resolution
        FROM alerts a WHERE a.id = ANY(${ids}::text[]) AND a.tenant_id = (SELECT ${tenantId}::text)`);
    const resolving = new Set(resolvedFingerprints);
    const open = alerts.filter((a) => canApply(a.status, 'resolve') && resolving.has(a.fingerprint)).map((a) => a.id);
    if (open.length === 0) return alerts;
    // One backward step on alert_timeline (alert_id, at, id) for each.
    const resolutions = await run<{ alert_id: string; details: KnownAlert['resolution'] }>(Prisma.sql`
      SELECT DISTINCT ON (tl.alert_id) tl.alert_id, tl.details FROM alert_timeline tl
       WHERE tl.alert_id = ANY(${open}::text[]) AND tl.action = 'resolved' AND tl.actor = ${ALERTMANAGER}
       ORDER BY tl.alert_id, tl.at DESC, tl.id DESC`);
    const latest = new Map(resolutions.map((row) => [row.alert_id, row.details]));
    return alerts.map((alert) => ({ ...alert, resolution: latest.get(alert.id) ?? null }));
  }

  /**
   * Inserts the new alerts, each marked with the first of the tenant's active maintenance windows (read
   * once for the payload) whose selector matches it; answers those a concurrent payload stored first
   * (their identities were claimed already).
   */
  private async insert(run: SqlRun, fresh: NewAlert[], effects: PayloadEffects): Promise<NewAlert[]> {
    if (fresh.length === 0) return [];
    const { tenantId, now } = effects;
    const windows = await activeWindows(run, tenantId, now);
    for (const alert of fresh)
      alert.maintenanceWindowId = suppressingWindow(windows, { source: alert.fields.source, labels: alert.fields.labels, systemKey: alert.fields.systemKey });
    const rows = fresh.map(({ id, controls, alert, fields: f, startsAt, end, resolvedAt, truncatedFields, maintenanceWindowId }) => ({
      id,
      tenant_id: tenantId,
      type: f.type,
      source: f.source,
      title: f.title,
      message: f.message,
      severity: f.severity,
      status: resolvedAt ? 'resolved' : 'open',
      alertable_type: 'external',
      alertable_id: alert.fingerprint,
      alert_rule_id: f.alertRuleId,
      alert_rule_name: f.alertRuleName,
      system_key: f.systemKey,
      alertname: f.alertname,
      fingerprint: alert.fingerprint,
      labels: f.labels,
      annotations: f.annotations,
      receiver: f.receiver,
      generator_url: f.generatorUrl,
      instance: f.instance,
      truncated_fields: truncatedFields,
      starts_at: startsAt,
      ends_at: resolvedAt ?? end,
      created_at: now,
      updated_at: now,
      resolved_at: resolvedAt,
      resolved_by: resolvedAt ? ALERTMANAGER : null,
      version: resolvedAt ? 2 : 1,
      controls,
      maintenance_window_id: maintenanceWindowId ?? null,
    }));
    // The identities first: a concurrent payload's claim of the same one makes this wait for it, then skip
    // it (alerts, a partitioned table, cannot hold the unique key: alert_identities holds it).
    const claimed = await run<{ alert_id: string }>(
      Prisma.sql`${insertJsonRows(
        'alert_identities',
        IDENTITY_COLUMNS,
        rows.map((row) => ({ ...row, alert_id: row.id })),
      )} ON CONFLICT DO NOTHING RETURNING alert_id`,
    );
    const stored = new Set(claimed.map((row) => row.alert_id));
    const mine = rows.filter((row) => stored.has(row.id));
    if (mine.length > 0) await run(insertJsonRows('alerts', ALERT_COLUMNS, mine));
    const lost: NewAlert[] = [];
    for (const alert of fresh) {
      if (!stored.has(alert.id)) {
        lost.push(alert);
        continue;
      }
      effects.created(alert);
      if (alert.resolvedAt) effects.resolved(alert.id, 'open', alert.end);
      effects.events.push(
        alertCreatedEvent({
          id: alert.id,
          tenantId,
          status: alert.resolvedAt ? 'resolved' : 'open',
          severity: alert.fields.severity,
          type: alert.fields.type,
          source: alert.fields.source,
          title: alert.fields.title,
          controls: alert.controls,
          version: alert.resolvedAt ? 2 : 1,
          updatedAt: now,
          maintenanceWindowId: alert.maintenanceWindowId ?? null,
        }),
      );
    }
    return lost;
  }

  /**
   * Applies what the payload says to known alerts in one UPDATE a round, each row only if its status and
   * version are still those read (a person may have dismissed or reopened it meanwhile). Rows locked in id
   * order, so concurrent payloads over the same alerts cannot deadlock. A row that changed is read again and
   * decided again, up to UPDATE_ROUNDS; one still changing after that is counted unchanged.
   */
  private async update(run: SqlRun, items: KnownIncoming[], effects: PayloadEffects, read: (ids: string[]) => Promise<KnownAlert[]>): Promise<void> {
    let round = items;
    for (let attempt = 1; round.length > 0; attempt++) {
      const planned = round.flatMap((item) => {
        const changed = differs(item.current, item.fields);
        const resolving = item.alert.status === 'resolved' && resolves(item.current, item.end);
        if (changed || resolving) return [{ item, changed, resolving }];
        effects.result.unchanged++;
        return [];
      });
      if (planned.length === 0) return;
      const rows = planned.map(({ item: { current, fields: f, end, truncatedFields }, resolving }) => ({
        id: current.id,
        read_status: current.status,
        read_version: current.version,
        title: f.title,
        message: f.message,
        severity: f.severity,
        receiver: f.receiver,
        source: f.source,
        generator_url: f.generatorUrl,
        labels: f.labels,
        annotations: f.annotations,
        truncated_fields: truncatedFields,
        resolve: resolving,
        resolved_at: end ?? effects.now,
      }));
      const updated = new Map((await run<UpdatedAlert>(updateSql(effects.tenantId, effects.now, rows))).map((row) => [row.id, row]));
      const lost: KnownIncoming[] = [];
      for (const { item, changed, resolving } of planned) {
        if (!updated.has(item.current.id)) {
          lost.push(item);
          continue;
        }
        if (changed) effects.updated(item.current.id);
        if (resolving) effects.resolved(item.current.id, item.current.status, item.end);
        effects.events.push(...alertChangedEvents({ ...(updated.get(item.current.id) as UpdatedAlert), tenantId: effects.tenantId }, item.current.status));
      }
      if (lost.length === 0) return;
      if (attempt >= UPDATE_ROUNDS) {
        effects.result.unchanged += lost.length;
        return;
      }
      const again = new Map((await read(lost.map((l) => l.current.id))).map((alert) => [alert.id, alert]));
      round = lost.flatMap((item) => {
        const current = again.get(item.current.id);
        if (current) return [{ ...item, current }];
        effects.result.unchanged++; // purged meanwhile
        return [];
      });
    }
  }
}

/**
 * The ids of the tenant's alerts with these identities (fingerprint and startsAt), from alert_identities:
 * one index, where alerts would be searched month by month. The tenant as tenantParam: as a literal, a tenant
 * the statistics do not know (a new one, ingesting) is expected to have one identity, and the planner read all
 * of its identities for each payload instead of probing the primary key once a key (19 ms a payload and
 * growing, against under 1 ms, docs/BENCHMARKS.md "Ten times the data").
 */
async function identified(run: SqlRun, tenantId: string, items: Pick<Incoming, 'alert' | 'startsAt'>[]): Promise<string[]> {
  if (items.length === 0) return [];
  const rows = await run<{ alert_id: string }>(
    identitiesSql(
      tenantId,
      items.map((item) => ({ fingerprint: item.alert.fingerprint, startsAt: item.startsAt })),
    ),
  );
  return rows.map((row) => row.alert_id);
}

/** The statement of `identified`: the alert ids of the tenant's identities among `keys`. */
export function identitiesSql(tenantId: string, keys: { fingerprint: string; startsAt: Date }[]): Prisma.Sql {
  return Prisma.sql`
    SELECT i.alert_id FROM alert_identities i
      JOIN unnest(${keys.map((key) => key.fingerprint)}::text[], ${keys.map((key) => key.startsAt)}::timestamptz[]) AS k(fingerprint, starts_at)
        ON i.fingerprint = k.fingerprint AND i.starts_at = k.starts_at
     WHERE i.tenant_id = ${tenantParam(tenantId)}`;
}

/** The stored alerts by the payload's keys (fingerprint and startsAt); other startsAt of the same fingerprints are left out. */
function matchKnown(alerts: KnownAlert[], latest: Map<string, Incoming>): Map<string, KnownAlert> {
  const known = new Map<string, KnownAlert>();
  for (const alert of alerts) {
    const key = alertKey(alert.fingerprint, alert.starts_at);
    if (latest.has(key)) known.set(key, alert);
  }
  return known;
}

/**
 * One UPDATE for a round of known alerts, the rows as one JSON parameter. Descriptive fields are written as
 * the payload says (equal to the stored ones when only the status changes); the resolution only where
 * `resolve`. The status and version guard makes it a no-op for a row changed since it was read.
 * The alerts are found by primary key (the ids as an array parameter, the tenant as tenantParam): joined
 * to the JSON rows, which the planner estimates at 100 whatever their number, or with the tenant as a
 * literal, they were found by walking all the tenant's rows (test/large-tenant-plans.e2e-spec.ts).
 */
export function updateSql(tenantId: string, now: Date, rows: Record<string, unknown>[]): Prisma.Sql {
  const ids = rows.map((row) => row.id as string);
  const tenant = tenantParam(tenantId);
  return Prisma.sql`
    WITH u AS (
           SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) AS u(id text, read_status text, read_version int, title text, message text, severity text,
                  receiver text, source text, generator_url text, labels jsonb, annotations jsonb, truncated_fields text[], resolve boolean, resolved_at timestamptz)),
         locked AS (SELECT a.id FROM alerts a WHERE a.id = ANY(${ids}::text[]) AND a.tenant_id = ${tenant} ORDER BY a.id FOR UPDATE OF a)
    UPDATE alerts a
       SET title = u.title, message = u.message, severity = u.severity::alert_severity, receiver = u.receiver, source = u.source, generator_url = u.generator_url,
           labels = u.labels, annotations = u.annotations, truncated_fields = u.truncated_fields,
           status = CASE WHEN u.resolve THEN 'resolved'::alert_status ELSE a.status END,
           resolved_at = CASE WHEN u.resolve THEN u.resolved_at ELSE a.resolved_at END,
           resolved_by = CASE WHEN u.resolve THEN ${ALERTMANAGER} ELSE a.resolved_by END,
           ends_at = CASE WHEN u.resolve THEN u.resolved_at ELSE a.ends_at END,
           shelved_until = CASE WHEN u.resolve THEN NULL ELSE a.shelved_until END,
           shelved_by = CASE WHEN u.resolve THEN NULL ELSE a.shelved_by END,
           updated_at = ${now}, version = a.version + 1
      FROM u JOIN locked l ON l.id = u.id
     WHERE a.id = ANY(${ids}::text[]) AND a.id = u.id AND a.tenant_id = ${tenant} AND a.status = u.read_status::alert_status AND a.version = u.read_version
    RETURNING a.id, a.status::text AS status, a.severity::text AS severity, a.type, a.source, a.title, a.controls, a.version, a.updated_at AS "updatedAt",
              a.maintenance_window_id AS "maintenanceWindowId", a.duplicate_count AS "duplicateCount"`;
}
