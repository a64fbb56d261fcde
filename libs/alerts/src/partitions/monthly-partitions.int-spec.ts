import { createHash } from 'node:crypto';

import { alertIdSkewMs, insertJsonRows, loadAlertIdSkew, oneTenant, PlainSql, Prisma, Tenant } from '@app/database';
import { PartitionPurge } from '@app/compliance/retention/partition-purge';
import { appendAuditEvents, auditTrailWhere } from '@app/audit-trail';
import { CursorValue, publicId } from '@app/common';

import { integrationSuite } from '../../../../test/utils/integration';
import { alertRow } from '../../../../test/utils/world';
import { AlertFilterDto } from '../dto/alert-filter.dto';
import { alertWhere, AlertsRepository, createdBefore } from '../alerts.repository';
import { MonthlyPartitions } from './monthly-partitions';

const DAY = 86_400_000;

/**
 * alerts and alert_timeline partitioned by month (prisma/sql/partitions.sql): where rows land, the
 * rules the triggers keep (an id carries its creation time, an identity names one alert), which partitions
 * a query reads, the months the worker makes ahead, and the retention purge dropping an expired month whole.
 */
describe('alert partitions: monthly partitions of alerts and their timeline', () => {
  const suite = integrationSuite({ providers: [MonthlyPartitions, AlertsRepository, PartitionPurge] });
  let tenant: Tenant;

  beforeAll(async () => {
    tenant = await suite.world.tenant('Partitions');
  });

  const sql = () => suite.module.get(PlainSql);
  const rows = <T>(statement: Prisma.Sql) => sql().rows<T>(statement);
  /** The partitions a query reads, as EXPLAIN names them. */
  const partitionsRead = async (statement: Prisma.Sql): Promise<string[]> => {
    const [plan] = await rows<{ 'QUERY PLAN': unknown }>(Prisma.sql`EXPLAIN (FORMAT JSON) ${statement}`);
    return [...JSON.stringify(plan['QUERY PLAN']).matchAll(/"Relation Name":"([a-z_0-9]+)"/g)].map((m) => m[1]).sort();
  };
  const month = (year: number, index: number) => new Date(Date.UTC(year, index, 1));
  /** An alert row's columns, as plain SQL names them. */
  const toColumns = (row: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(row).map(([key, value]) => [key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), value]));
  /** One insert of alert rows through plain SQL, so that what PostgreSQL says reaches the spec unchanged. */
  const insertPlain = (...alerts: Record<string, unknown>[]) => {
    const columns = alerts.map(toColumns);
    return sql().rows(insertJsonRows('alerts', Object.keys(columns[0]), columns));
  };

  /** analyzeCurrent until it names `name` (the statistics' counts reach it within a few seconds), at most 10 s. */
  const analysedSoon = async (name: string, now: Date): Promise<string[]> => {
    const partitions = suite.module.get(MonthlyPartitions);
    let analysed: string[] = [];
    for (let attempt = 0; attempt < 50 && !analysed.includes(name); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      analysed = await partitions.analyzeCurrent(now);
    }
    return analysed;
  };

  it('should make this month and the next three in the migration, and the worker any missing month ahead, once', async () => {
    const partitions = suite.module.get(MonthlyPartitions);
    const kinds = await rows<{ relname: string; relkind: string }>(
      Prisma.sql`SELECT relname, relkind::text FROM pg_class WHERE relname IN ('alerts', 'alert_timeline', 'audit_events') ORDER BY relname`,
    );
    expect(kinds).toEqual(['alert_timeline', 'alerts', 'audit_events'].map((relname) => ({ relname, relkind: 'p' })));
    const now = new Date();
    expect(await partitions.createAhead(now)).toEqual([]);
    // Five months on (a worker stopped that long): that month and the three after it, for both tables, then nothing more.
    const later = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 5, 15));
    const made = await partitions.createAhead(later);
    const names = (offset: number) => {
      const m = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1));
      const suffix = `${m.getUTCFullYear()}_${String(m.getUTCMonth() + 1).padStart(2, '0')}`;
      return [`alerts_${suffix}`, `alert_timeline_${suffix}`, `audit_events_${suffix}`];
    };
    expect(made.sort()).toEqual([...names(5), ...names(6), ...names(7), ...names(8)].sort());
    expect(await partitions.createAhead(later)).toEqual([]);
  });

  it('should analyse this month’s partitions once they have grown by 50 rows and a tenth, as autovacuum would', async () => {
    const partitions = suite.module.get(MonthlyPartitions);
    const now = new Date();
    const name = `alerts_${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    await sql().rows(Prisma.sql`ANALYZE ${Prisma.raw(name)}`);
    const stats = async () =>
      (
        await rows<{ reltuples: number; analysed: Date | null }>(Prisma.sql`
          SELECT c.reltuples::float AS reltuples, s.last_analyze AS analysed FROM pg_class c JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname = ${name}`)
      )[0];
    const before = await stats();
    expect(await partitions.analyzeCurrent(now)).not.toContain(name);
    const columns = Object.keys(toColumns(alertRow(tenant.id)));
    await sql().transaction(async (run) => {
      await run(
        insertJsonRows(
          'alerts',
          columns,
          Array.from({ length: 60 + before.reltuples / 10 }, () => toColumns(alertRow(tenant.id))),
        ),
      );
      // The count of changed rows reaches the statistics at this commit, not up to 10 s later.
      await run(Prisma.sql`SELECT pg_stat_force_next_flush()`);
    });
    expect(await analysedSoon(name, now)).toContain(name);
    const after = await stats();
    expect(after.reltuples).toBeGreaterThanOrEqual(before.reltuples + 60);
    expect((after.analysed as Date).getTime()).toBeGreaterThan((before.analysed as Date).getTime());
  });

  it('should vacuum this month’s partition as well once its dead rows pass 50 and a fifth, so that its deleted pages do not read as an empty month', async () => {
    const now = new Date();
    const name = `alert_timeline_${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    const gone = await suite.world.tenant('Partitions, deleted');
    const alert = alertRow(gone.id);
    await suite.world.prisma.alert.create({ data: alert });
    const entries = (n: number) =>
      Array.from({ length: n }, () => ({ id: publicId('atl'), tenantId: gone.id, alertId: alert.id, at: now, actor: 'spec', action: 'noted' }));
    await sql().rows(Prisma.sql`VACUUM (ANALYZE) ${Prisma.raw(name)}`);
    const [{ live }] = await rows<{ live: number }>(Prisma.sql`SELECT greatest(reltuples, 0)::float AS live FROM pg_class WHERE relname = ${name}`);
    const vacuumed = async () =>
      (await rows<{ at: Date | null }>(Prisma.sql`SELECT last_vacuum AS at FROM pg_stat_user_tables WHERE relname = ${name}`))[0].at as Date;
    const before = await vacuumed();
    // Rows written and analysed, then deleted: what an analysis alone would count as no rows at all.
    await suite.world.prisma.alertTimelineEntry.createMany({ data: entries(Math.ceil(100 + live / 4)) });
    await sql().rows(Prisma.sql`ANALYZE ${Prisma.raw(name)}`);
    await sql().transaction(async (run) => {
      await run(Prisma.sql`DELETE FROM alert_timeline WHERE tenant_id = ${gone.id}`);
      await run(Prisma.sql`SELECT pg_stat_force_next_flush()`);
    });
    expect(await analysedSoon(name, now)).toContain(name);
    expect((await vacuumed()).getTime()).toBeGreaterThan(before.getTime());
    const [{ dead }] = await rows<{ dead: number }>(Prisma.sql`SELECT n_dead_tup::int AS dead FROM pg_stat_user_tables WHERE relname = ${name}`);
    expect(dead).toBeLessThan(50);
  });

  it('should make an alerts month whose id lookup (a timeline entry’s foreign key check) takes its primary key before any analysis', async () => {
    await rows(Prisma.sql`SELECT partition_create('alerts', '2031-05-01'), partition_create('alert_timeline', '2031-05-01')`);
    const indexes = async (table: string) =>
      (
        await rows<{ definition: string }>(Prisma.sql`
          SELECT regexp_replace(pg_get_indexdef(indexrelid), '^.* USING ', '') AS definition FROM pg_index WHERE indrelid = ${table}::regclass ORDER BY 1`)
      ).map((row) => row.definition);
    // Every index of alerts, each attached to the parent's (none made twice by ATTACH PARTITION), the row trigger too.
    expect(await indexes('alerts_2031_05')).toEqual(await indexes('alerts'));
    const [attached] = await rows<{ n: number; parents: number }>(Prisma.sql`
      SELECT count(*)::int AS n, count(p.inhparent)::int AS parents FROM pg_index i LEFT JOIN pg_inherits p ON p.inhrelid = i.indexrelid
       WHERE i.indrelid = 'alerts_2031_05'::regclass`);
    expect(attached.parents).toBe(attached.n);
    const [trigger] = await rows<{ n: number }>(
      Prisma.sql`SELECT count(*)::int AS n FROM pg_trigger WHERE tgrelid = 'alerts_2031_05'::regclass AND tgname = 'alert_keys_update'`,
    );
    expect(trigger.n).toBe(1);
    // The check PostgreSQL runs for each timeline entry, planned once for all values as a connection keeps it.
    const plan = await sql().transaction(async (run) => {
      await run(Prisma.sql`SET LOCAL plan_cache_mode = force_generic_plan`);
      const [row] = await run<{ 'QUERY PLAN': unknown }>(
        Prisma.sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM ONLY alerts_2031_05 x WHERE id = ${'alr_0'} FOR KEY SHARE OF x`,
      );
      return JSON.stringify(row['QUERY PLAN']);
    });
    expect(plan).toContain('"Index Name":"alerts_2031_05_pkey"');
    // And the month takes its rows, with their timeline.
    const alert = alertRow(tenant.id, { createdAt: new Date('2031-05-10T00:00:00.000Z') });
    await suite.world.prisma.alert.create({ data: alert });
    await suite.world.prisma.alertTimelineEntry.create({
      data: { id: publicId('atl'), tenantId: tenant.id, alertId: alert.id, at: new Date(), actor: 'spec', action: 'created' },
    });
    const [stored] = await rows<{ part: string }>(Prisma.sql`SELECT tableoid::regclass::text AS part FROM alerts WHERE id = ${alert.id}`);
    expect(stored.part).toBe('alerts_2031_05');
  });

  it('should store an alert and its timeline in the partitions of its creation month, and an id outside every month in the default one', async () => {
    await sql().rows(Prisma.sql`SELECT partition_create('alerts', '2003-05-01'), partition_create('alert_timeline', '2003-05-01')`);
    const inMay = alertRow(tenant.id, { createdAt: new Date('2003-05-31T23:59:59.999Z') });
    const inJune = alertRow(tenant.id, { createdAt: new Date('2003-06-01T00:00:00.000Z') });
    await suite.world.prisma.alert.createMany({ data: [inMay, inJune] });
    await suite.world.prisma.alertTimelineEntry.create({
      data: { id: publicId('atl'), tenantId: tenant.id, alertId: inMay.id, at: new Date(), actor: 'spec', action: 'created' },
    });
    const where = await rows<{ id: string; part: string }>(
      Prisma.sql`SELECT id, tableoid::regclass::text AS part FROM alerts WHERE id = ANY(${[inMay.id, inJune.id]}) ORDER BY created_at`,
    );
    expect(where.map((row) => row.part)).toEqual(['alerts_2003_05', 'alerts_default']);
    const [entry] = await rows<{ part: string }>(Prisma.sql`SELECT tableoid::regclass::text AS part FROM alert_timeline WHERE alert_id = ${inMay.id}`);
    expect(entry.part).toBe('alert_timeline_2003_05');
  });

  it('should make each timeline month with its alerts month and refer its entries to that month’s alerts', async () => {
    await sql().rows(Prisma.sql`SELECT partition_create('alerts', '2003-07-01')`);
    const keys = await rows<{ conname: string; parent: string; referenced: string; definition: string }>(Prisma.sql`
      SELECT conname, conrelid::regclass::text AS parent, confrelid::regclass::text AS referenced, pg_get_constraintdef(oid) AS definition
        FROM pg_constraint WHERE contype = 'f' AND conrelid IN ('alert_timeline_2003_07'::regclass, 'alert_timeline_default'::regclass)
         AND confrelid <> 'tenants'::regclass ORDER BY conname`);
    expect(keys).toEqual([
      expect.objectContaining({ conname: 'alert_timeline_2003_07_alert_id_fkey', referenced: 'alerts_2003_07' }),
      expect.objectContaining({ conname: 'alert_timeline_default_alert_id_fkey', referenced: 'alerts_default' }),
    ]);
    for (const key of keys) expect(key.definition).toMatch(/ON DELETE CASCADE/);
    const inJuly = alertRow(tenant.id, { createdAt: new Date('2003-07-04T12:00:00.000Z') });
    const later = alertRow(tenant.id, { createdAt: new Date('2003-08-04T12:00:00.000Z') });
    const entry = (alertId: string) => ({ id: publicId('atl'), tenant_id: tenant.id, alert_id: alertId, at: new Date(), actor: 'spec', action: 'created' });
    const insertEntries = (alertIds: string[]) => sql().rows(insertJsonRows('alert_timeline', Object.keys(entry('')), alertIds.map(entry)));
    // An entry of an alert that is not stored, in a month or in the default partition, is refused.
    await expect(insertEntries([inJuly.id])).rejects.toThrow(/alert_timeline_2003_07_alert_id_fkey/);
    await expect(insertEntries([later.id])).rejects.toThrow(/alert_timeline_default_alert_id_fkey/);
    await suite.world.prisma.alert.createMany({ data: [inJuly, later] });
    await insertEntries([inJuly.id, inJuly.id, later.id]);
    const count = async () =>
      (await rows<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM alert_timeline WHERE alert_id = ANY(${[inJuly.id, later.id]})`))[0].n;
    expect(await count()).toBe(3);
    // Deleting an alert deletes its entries, in whichever partition.
    await suite.world.prisma.alert.deleteMany({ where: { id: { in: [inJuly.id, later.id] } } });
    expect(await count()).toBe(0);
    // The other specs read 2003's months: this one leaves none.
    for (const [parent, part] of [
      ['alert_timeline', 'alert_timeline_2003_07'],
      ['alerts', 'alerts_2003_07'],
    ]) {
      await sql().rows(Prisma.sql`ALTER TABLE ${Prisma.raw(parent)} DETACH PARTITION ${Prisma.raw(part)}`);
      await sql().rows(Prisma.sql`DROP TABLE ${Prisma.raw(part)}`);
    }
  });

  it('should refuse an id that does not carry its creation time, and a change of either', async () => {
    const row = alertRow(tenant.id, { createdAt: new Date('2003-05-10T10:00:00.000Z') });
    await expect(insertPlain({ ...row, createdAt: new Date('2003-05-10T10:00:00.001Z') })).rejects.toThrow(/does not carry its creation time/);
    // Checked for each creation time of an insert: one wrong id among alerts of another time is found.
    const fine = alertRow(tenant.id, { createdAt: new Date('2003-05-11T10:00:00.000Z') });
    const wrong = {
      ...alertRow(tenant.id, { createdAt: new Date('2003-05-12T10:00:00.000Z') }),
      id: alertRow(tenant.id, { createdAt: new Date('2003-05-12T10:00:00.001Z') }).id,
    };
    await expect(insertPlain(fine, wrong)).rejects.toThrow(new RegExp(`alert id ${wrong.id} does not carry its creation time`));
    await suite.world.prisma.alert.create({ data: row });
    await expect(sql().rows(Prisma.sql`UPDATE alerts SET created_at = created_at + interval '1 day' WHERE id = ${row.id}`)).rejects.toThrow(/never change/);
    await expect(sql().rows(Prisma.sql`UPDATE alerts SET title = 'still fine' WHERE id = ${row.id}`)).resolves.toEqual([]);
  });

  it('should keep an identity (tenant, fingerprint, starts_at) to one alert, and free it when that alert is deleted', async () => {
    const startsAt = new Date('2026-01-02T03:04:05.006Z');
    const first = alertRow(tenant.id, { fingerprint: 'fp-partitions', startsAt });
    await suite.world.prisma.alert.create({ data: first });
    const second = alertRow(tenant.id, { fingerprint: 'fp-partitions', startsAt, createdAt: new Date(Date.now() + 1) });
    await expect(insertPlain(second)).rejects.toThrow(/alerts_tenant_fingerprint_starts_key/);
    // Two alerts of one new identity in one insert: the second is refused, and so the insert.
    const twin = (offset: number) => alertRow(tenant.id, { fingerprint: 'fp-twins', startsAt, createdAt: new Date(Date.now() + offset) });
    const [one, two] = [twin(2), twin(3)];
    await expect(insertPlain(one, two)).rejects.toThrow(/alerts_tenant_fingerprint_starts_key/);
    expect(await rows(Prisma.sql`SELECT 1 FROM alert_identities WHERE tenant_id = ${tenant.id} AND fingerprint = 'fp-twins'`)).toEqual([]);
    // Another tenant, or another start, is another identity.
    const other = await suite.world.tenant('Partitions other');
    await suite.world.prisma.alert.create({ data: alertRow(other.id, { fingerprint: 'fp-partitions', startsAt }) });
    await suite.world.prisma.alert.create({ data: alertRow(tenant.id, { fingerprint: 'fp-partitions', startsAt: new Date(startsAt.getTime() + 1) }) });
    await suite.world.prisma.alert.delete({ where: { id: first.id } });
    await suite.world.prisma.alert.create({ data: second });
    const identities = await rows<{ alert_id: string }>(
      Prisma.sql`SELECT alert_id FROM alert_identities WHERE tenant_id = ${tenant.id} AND fingerprint = 'fp-partitions' AND starts_at = ${startsAt}`,
    );
    expect(identities).toEqual([{ alert_id: second.id }]);
  });

  it('should read only the months a created_from/created_to, an open_at or an export’s as_of names', async () => {
    for (const m of [1, 2, 3]) await sql().rows(Prisma.sql`SELECT partition_create('alerts', ${month(2004, m)}::timestamptz)`);
    const scope = oneTenant(tenant.id);
    const query = (filter: AlertFilterDto) => Prisma.sql`SELECT a.id FROM alerts a ${alertWhere(filter, scope)}`;
    expect(await partitionsRead(query({ created_from: '2004-02-03T00:00:00Z', created_to: '2004-03-01T00:00:00Z' }))).toEqual(['alerts_2004_02']);
    expect(await partitionsRead(query({ created_from: '2004-02-03T00:00:00Z', created_to: '2004-03-01T00:00:00.001Z' }))).toEqual([
      'alerts_2004_02',
      'alerts_2004_03',
    ]);
    // (Its status at that time is read from each candidate's timeline: those partitions are not the point here.)
    const openAt = await partitionsRead(query({ open_at: '2003-05-20T00:00:00Z' }));
    expect(openAt.filter((name) => name.startsWith('alerts'))).toEqual(['alerts_2003_05', 'alerts_default']);
    const asOf = Prisma.sql`SELECT a.id FROM alerts a WHERE a.tenant_id = ${tenant.id} AND ${createdBefore(new Date('2004-01-01T00:00:00Z'))}`;
    expect(await partitionsRead(asOf)).toEqual(['alerts_2003_05', 'alerts_default']);
  });

  it('should still find an alert stored before the migration whose id carries a later time than its created_at', async () => {
    // Before, an id made for an earlier time than the process's last id carried that last time: the migration
    // measured the largest such gap of the stored alerts into alert_id_skew(). Here a gap of 3 ms, stored as
    // the old code would have (the trigger that now refuses it is off for the insert).
    const legacy = await suite.world.tenant('Partitions legacy');
    const createdAt = new Date('2004-03-31T23:59:59.998Z');
    const row = alertRow(legacy.id, { createdAt, id: publicId('alr', createdAt.getTime() + 3) });
    await sql().rows(Prisma.sql`CREATE OR REPLACE FUNCTION alert_id_skew() RETURNS interval LANGUAGE sql IMMUTABLE AS 'SELECT interval ''3 milliseconds'''`);
    await loadAlertIdSkew((query) => sql().rows(query));
    expect(alertIdSkewMs()).toBe(3);
    await sql().rows(Prisma.sql`ALTER TABLE alerts DISABLE TRIGGER alert_keys_insert`);
    try {
      await insertPlain(row);
    } finally {
      await sql().rows(Prisma.sql`ALTER TABLE alerts ENABLE TRIGGER alert_keys_insert`);
    }
    const scope = oneTenant(legacy.id);
    const found = await rows<{ id: string }>(Prisma.sql`SELECT a.id FROM alerts a ${alertWhere({ created_to: '2004-04-01T00:00:00Z' }, scope)}`);
    expect(found).toEqual([{ id: row.id }]);
    const repository = suite.module.get(AlertsRepository);
    const newer = alertRow(legacy.id, { createdAt: new Date('2004-04-01T00:00:00.000Z') });
    await suite.world.prisma.alert.create({ data: newer });
    const after: [CursorValue, string] = [{ date: (newer.createdAt as Date).toISOString() }, newer.id];
    const page = await repository.readKeyset({ filter: {}, scope, sortBy: 'created_at', direction: 'desc', take: 5 }, after);
    expect(page.map((alert) => alert.id)).toEqual([row.id]);
    await sql().rows(Prisma.sql`CREATE OR REPLACE FUNCTION alert_id_skew() RETURNS interval LANGUAGE sql IMMUTABLE AS 'SELECT interval ''0 milliseconds'''`);
    await loadAlertIdSkew((query) => sql().rows(query));
    expect(alertIdSkewMs()).toBe(0);
  });

  it('should page in creation order across months with keyset cursors, each page after its cursor only', async () => {
    const paged = await suite.world.tenant('Partitions paged');
    const data = Array.from({ length: 45 }, (_, i) =>
      alertRow(paged.id, { createdAt: new Date(Date.UTC(2004, 1 + (i % 3), 1 + (i % 27), 12, 0, 0, Math.floor(i / 3))) }),
    );
    await suite.world.prisma.alert.createMany({ data });
    const repository = suite.module.get(AlertsRepository);
    for (const direction of ['desc', 'asc'] as const) {
      const seen: string[] = [];
      let after: [CursorValue, string] | null = null;
      for (;;) {
        const page = await repository.readKeyset({ filter: {}, scope: oneTenant(paged.id), sortBy: 'created_at', direction, take: 7 }, after);
        seen.push(...page.map((alert) => alert.id));
        if (page.length < 7) break;
        const last = page[page.length - 1];
        after = [{ date: last.createdAt.toISOString() }, last.id];
      }
      const expected = [...data].sort((a, b) => (a.id < b.id ? -1 : 1)).map((alert) => alert.id);
      expect(seen).toEqual(direction === 'asc' ? expected : expected.reverse());
    }
  });

  it('should store audit events in the partition of their month, keep (tenant_id, seq) unique, and read an `at` range from its months only', async () => {
    const audited = await suite.world.tenant('Partitions audit');
    await appendAuditEvents(
      suite.world.prisma,
      audited.id,
      [{ tenantId: audited.id, action: 'spec.first', resourceType: 'spec' }],
      new Date('2003-05-04T05:06:07.008Z'),
    );
    await appendAuditEvents(suite.world.prisma, audited.id, [{ tenantId: audited.id, action: 'spec.second', resourceType: 'spec' }]);
    const stored = await rows<{ seq: string; part: string }>(
      Prisma.sql`SELECT seq::text, tableoid::regclass::text AS part FROM audit_events WHERE tenant_id = ${audited.id} ORDER BY seq`,
    );
    const now = new Date();
    expect(stored).toEqual([
      { seq: '1', part: 'audit_events_default' },
      { seq: '2', part: `audit_events_${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, '0')}` },
    ]);
    // A second event with a seq already taken is refused, as the unique key did.
    const [first] = await suite.world.prisma.auditEvent.findMany({ where: { tenantId: audited.id }, orderBy: { seq: 'asc' }, take: 1 });
    await expect(
      sql()
        .rows(Prisma.sql`INSERT INTO audit_events SELECT ${publicId('aud')}, tenant_id, seq, now(), actor, actor_type, action, resource_type, resource_id, outcome,
                            ip, user_agent, request_id, trace_id, details, prev_hash, hash FROM audit_events WHERE id = ${first.id}`),
    ).rejects.toThrow(/audit_events_tenant_id_seq_key/);
    const month = `audit_events_${now.getUTCFullYear()}_${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
    const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    const read = (filter: { created_from: string; created_to?: string }) =>
      partitionsRead(Prisma.sql`SELECT e.id FROM audit_events e ${auditTrailWhere(filter, oneTenant(audited.id))}`);
    expect(await read({ created_from: start.toISOString(), created_to: end.toISOString() })).toEqual([month]);
    const onwards = await read({ created_from: start.toISOString() });
    expect(onwards).toContain(month);
    for (const name of onwards) expect(name === 'audit_events_default' || name >= month).toBe(true);
  });

  it('should read a page newest first from the last two months when they fill it, and from every month when they do not', async () => {
    const recent = await suite.world.tenant('Partitions recent');
    const now = Date.now();
    const data = [
      ...Array.from({ length: 6 }, (_, i) => alertRow(recent.id, { createdAt: new Date(now - i * 60_000) })),
      ...Array.from({ length: 4 }, (_, i) => alertRow(recent.id, { createdAt: new Date(Date.UTC(2003, 4, 10 + i)) })),
    ];
    await suite.world.prisma.alert.createMany({ data });
    const newestFirst = [...data].sort((a, b) => (a.id < b.id ? 1 : -1)).map((alert) => alert.id);
    const repository = suite.module.get(AlertsRepository);
    const read = (take: number, after: [CursorValue, string] | null = null) =>
      repository.readKeyset({ filter: {}, scope: oneTenant(recent.id), sortBy: 'created_at', direction: 'desc', take }, after);
    // Five of this month's six: the recent months fill the page.
    expect((await read(5)).map((alert) => alert.id)).toEqual(newestFirst.slice(0, 5));
    // Eight: the recent months hold six, so every month is read.
    expect((await read(8)).map((alert) => alert.id)).toEqual(newestFirst.slice(0, 8));
    const sixth = data[5];
    expect((await read(3, [{ date: (sixth.createdAt as Date).toISOString() }, sixth.id])).map((alert) => alert.id)).toEqual(newestFirst.slice(6, 9));
  });

  describe('the retention purge of whole months', () => {
    const longAgo = (day: number, monthIndex = 2, year = 2001) => new Date(Date.UTC(year, monthIndex, day, 8));
    const closed = (of: Tenant, at: Date) =>
      alertRow(of.id, {
        createdAt: at,
        updatedAt: new Date(at.getTime() + DAY),
        status: 'resolved',
        resolvedAt: new Date(at.getTime() + DAY),
        fingerprint: `fp-${at.getTime()}`,
      });

    it('should drop a month in which every alert expired, with its timeline, and record each tenant’s share', async () => {
      const [a, b] = [await suite.world.tenant('Purge a'), await suite.world.tenant('Purge b')];
      await sql().rows(Prisma.sql`SELECT partition_create('alerts', '2001-03-01'), partition_create('alert_timeline', '2001-03-01')`);
      const alerts = [closed(a, longAgo(2)), closed(a, longAgo(9)), closed(b, longAgo(20))];
      await suite.world.prisma.alert.createMany({ data: alerts });
      await suite.world.prisma.alertTimelineEntry.createMany({
        data: alerts.map((alert) => ({
          id: publicId('atl'),
          tenantId: alert.tenantId,
          alertId: alert.id,
          at: alert.updatedAt as Date,
          actor: 'spec',
          action: 'resolved',
        })),
      });
      await suite.world.prisma.idempotencyKey.create({ data: { tenantId: a.id, key: 'k-2001', requestHash: '0'.repeat(64), resourceId: alerts[0].id } });

      // (An expired month with no alert left is dropped too: the empty January of 2004 above.)
      const dropped = (await suite.module.get(PartitionPurge).dropExpired(new Date())).filter((d) => d.alerts_purged > 0);
      expect(dropped.map((d) => [d.partition, d.alerts_purged, d.tenant_count])).toEqual([['alerts_2001_03', 3, 2]]);
      const [left] = await rows<{ alerts: string | null; timeline: string | null; keys: number; identities: number }>(Prisma.sql`
        SELECT to_regclass('alerts_2001_03')::text AS alerts, to_regclass('alert_timeline_2001_03')::text AS timeline,
               (SELECT count(*)::int FROM idempotency_keys WHERE tenant_id = ${a.id}) AS keys,
               (SELECT count(*)::int FROM alert_identities WHERE tenant_id IN (${a.id}, ${b.id})) AS identities`);
      expect(left).toEqual({ alerts: null, timeline: null, keys: 0, identities: 0 });
      // The counts take the month's alerts out: the deltas of those tenants' hours add up to nothing.
      const [counted] = await rows<{ n: number }>(Prisma.sql`
        SELECT COALESCE(sum(count), 0)::int AS n FROM alert_hourly_count_deltas WHERE tenant_id IN (${a.id}, ${b.id})`);
      expect(counted.n).toBe(0);
      // Each tenant's record: what it lost, and the digest anyone holding the ids can check.
      const events = await suite.world.prisma.auditEvent.findMany({ where: { id: { in: dropped[0].audit_event_ids } }, orderBy: { tenantId: 'asc' } });
      expect(events.map((event) => [event.tenantId, event.action])).toEqual([a.id, b.id].sort().map((id) => [id, 'retention.purge']));
      const ofA = events.find((event) => event.tenantId === a.id)?.details as Record<string, unknown>;
      const idsOfA = [alerts[0].id, alerts[1].id].sort();
      expect(ofA).toMatchObject({
        partition: 'alerts_2001_03',
        alerts_purged: 2,
        alert_timeline_entries_purged: 2,
        alert_ids_sha256: createHash('sha256')
          .update(idsOfA.map((id) => `${id}\n`).join(''))
          .digest('hex'),
        time_range: { from: longAgo(2).toISOString(), to: longAgo(9).toISOString() },
      });
    });

    it('should leave a month whole when an alert in it is still open, is changed within its retention, or is under a legal hold', async () => {
      const held = await suite.world.tenant('Purge held');
      const keepers: ((at: Date) => Promise<unknown>)[] = [
        (at) => suite.world.prisma.alert.create({ data: { ...closed(held, at), status: 'open', resolvedAt: null } }),
        (at) => suite.world.prisma.alert.create({ data: { ...closed(held, at), updatedAt: new Date(Date.now() - DAY) } }),
        async (at) => {
          await suite.world.prisma.alert.create({ data: closed(held, at) });
          await suite.world.prisma.legalHold.create({
            data: { id: publicId('lh'), tenantId: held.id, scope: 'tenant', reason: 'spec', placedAt: new Date(), placedBy: 'spec' },
          });
        },
      ];
      for (const [index, keep] of keepers.entries()) {
        const start = month(2000, index);
        const [{ name }] = await rows<{ name: string }>(
          Prisma.sql`SELECT partition_create('alerts', ${start}::timestamptz) AS name, partition_create('alert_timeline', ${start}::timestamptz)`,
        );
        // Beside it, an expired alert that the row-by-row purge may take: the month stays whole all the same.
        await suite.world.prisma.alert.create({ data: closed(held, longAgo(20, index, 2000)) });
        await keep(longAgo(3, index, 2000));
        const dropped = await suite.module.get(PartitionPurge).dropExpired(new Date());
        expect(dropped.map((d) => d.partition)).not.toContain(name);
        const [left] = await rows<{ n: number }>(Prisma.sql`SELECT count(*)::int AS n FROM ${Prisma.raw(name)}`);
        expect(left.n).toBe(2);
        await sql().rows(Prisma.sql`DELETE FROM legal_holds WHERE tenant_id = ${held.id}`);
        await sql().rows(Prisma.sql`DELETE FROM alerts WHERE tenant_id = ${held.id}`);
      }
    });
  });
});
