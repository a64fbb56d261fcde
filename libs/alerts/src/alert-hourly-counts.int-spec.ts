import { Principal } from '@app/common';
import { Client } from 'pg';

import { AlertSeverity, AlertStatus, Prisma, Tenant } from '@app/database';

import { integrationSuite } from '../../../test/utils/integration';
import { alertRow } from '../../../test/utils/world';
import { AlertStatsService } from './alert-stats.service';
import { GroupStatsQueryDto, TimeseriesQueryDto } from './dto/alert-stats.dto';
import { HourlyCountsFolder } from './shelving/hourly-counts-folder';

/** A small deterministic generator (mulberry32), so that a failure can be run again as it was. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEVERITIES: AlertSeverity[] = ['info', 'low', 'medium', 'high', 'critical'];
const STATUSES: AlertStatus[] = ['open', 'acknowledged', 'escalated', 'resolved', 'dismissed'];
const SOURCES = ['ids-suricata', 'edr-falcon', 'waf-edge', 'siem-rules', 'prometheus', 'ids-zeek'];
const TYPES = ['intrusion', 'malware', 'availability', 'policy'];
const START = Date.UTC(2026, 2, 1, 0, 17); // a month with a DST change in New York and in Europe
const SPAN_MS = 45 * 86_400_000;

/**
 * alert_hourly_counts and alert_daily_counts against the alerts themselves, on random data: the triggers keep
 * the counts equal to a fresh count of the alerts through inserts, updates and deletes, and every statistic
 * answers the same from the counts as from the alerts (AlertStatsService with useCounts off).
 */
describe('alert_hourly_counts and alert_daily_counts: statistics from the counts, the same as from the alerts', () => {
  const suite = integrationSuite({ providers: [AlertStatsService, HourlyCountsFolder] });
  const pick = <T>(next: () => number, values: readonly T[]): T => values[Math.floor(next() * values.length)];
  let tenants: Tenant[];
  let counted: AlertStatsService;
  let raw: AlertStatsService;

  const principal = (of: Tenant): Principal => ({
    kind: 'jwt',
    subject: 'stats',
    tenantId: of.id,
    scopes: new Set(['alerts:read']),
    isAdmin: false,
    credentialId: 'stats',
  });

  async function countsMatchAlerts(): Promise<void> {
    const key = `tenant_id, hour, severity::text AS severity, status::text AS status, source, type, suppressed`;
    const fresh = await suite.world.prisma.$queryRawUnsafe<unknown[]>(
      `SELECT ${key}, count::int FROM (SELECT tenant_id, date_trunc('hour', created_at, 'UTC') AS hour, severity, status, source, type,
              maintenance_window_id IS NOT NULL AS suppressed, count(*) AS count FROM alerts GROUP BY 1, 2, 3, 4, 5, 6, 7) x ORDER BY 1, 2, 3, 4, 5, 6, 7`,
    );
    // A count is its row plus the deltas not folded yet.
    const kept = await suite.world.prisma.$queryRawUnsafe<unknown[]>(
      `SELECT ${key}, count::int FROM (SELECT tenant_id, hour, severity, status, source, type, suppressed, sum(count) AS count
         FROM (SELECT * FROM alert_hourly_counts UNION ALL SELECT tenant_id, hour, severity, status, source, type, suppressed, count FROM alert_hourly_count_deltas) r
        GROUP BY 1, 2, 3, 4, 5, 6, 7) x WHERE count <> 0 ORDER BY 1, 2, 3, 4, 5, 6, 7`,
    );
    expect(kept.length).toBeGreaterThan(100);
    expect(kept).toEqual(fresh);
    // The daily counts: the same per UTC day without source and type, plus the deltas of the day.
    const dayKey = `tenant_id, day, severity::text AS severity, status::text AS status, suppressed`;
    const freshDays = await suite.world.prisma.$queryRawUnsafe<unknown[]>(
      `SELECT ${dayKey}, count::int FROM (SELECT tenant_id, date_trunc('day', created_at, 'UTC') AS day, severity, status,
              maintenance_window_id IS NOT NULL AS suppressed, count(*) AS count FROM alerts GROUP BY 1, 2, 3, 4, 5) x ORDER BY 1, 2, 3, 4, 5`,
    );
    const keptDays = await suite.world.prisma.$queryRawUnsafe<unknown[]>(
      `SELECT ${dayKey}, count::int FROM (SELECT tenant_id, day, severity, status, suppressed, sum(count) AS count
         FROM (SELECT * FROM alert_daily_counts UNION ALL SELECT tenant_id, date_trunc('day', hour, 'UTC'), severity, status, suppressed, count FROM alert_hourly_count_deltas) d
        GROUP BY 1, 2, 3, 4, 5) x WHERE count <> 0 ORDER BY 1, 2, 3, 4, 5`,
    );
    expect(keptDays.length).toBeGreaterThan(50);
    expect(keptDays.length).toBeLessThan(kept.length);
    expect(keptDays).toEqual(freshDays);
  }

  beforeAll(async () => {
    const next = random(21);
    tenants = [await suite.world.tenant('Counts A'), await suite.world.tenant('Counts B')];
    const rows = Array.from({ length: 4_000 }, () =>
      alertRow(pick(next, tenants).id, {
        createdAt: new Date(START + Math.floor(next() * SPAN_MS)),
        severity: pick(next, SEVERITIES),
        status: pick(next, STATUSES),
        source: pick(next, SOURCES),
        type: pick(next, TYPES),
        maintenanceWindowId: next() < 0.15 ? 'mw_counts' : null,
      }),
    );
    for (let i = 0; i < rows.length; i += 1_000) await suite.world.prisma.alert.createMany({ data: rows.slice(i, i + 1_000) });
    const sql = suite.module.get(AlertStatsService);
    counted = sql;
    raw = Object.assign(Object.create(Object.getPrototypeOf(sql) as object) as AlertStatsService, sql, { useCounts: false });
  });

  it('should keep the counts equal to a fresh count of the alerts through inserts, updates and deletes', async () => {
    await countsMatchAlerts();
    // Folded once here, the fold below updates count rows (and so the daily counts' UPDATE trigger runs).
    const folder = suite.module.get(HourlyCountsFolder);
    expect(await folder.fold()).toBeGreaterThan(0);
    await countsMatchAlerts();
    const prisma = suite.world.prisma;
    const ids = (await prisma.alert.findMany({ where: { tenantId: { in: tenants.map((t) => t.id) } }, select: { id: true }, orderBy: { id: 'asc' } })).map(
      (a) => a.id,
    );
    // A lifecycle change of many alerts in one statement, one of a single alert, a window lifted, a severity changed, a purge.
    await prisma.$executeRaw`UPDATE alerts SET status = 'resolved' WHERE id = ANY(${ids.filter((_, i) => i % 7 === 0)}) AND status <> 'resolved'`;
    await prisma.alert.update({ where: { id: ids[3] }, data: { status: 'dismissed' } });
    await prisma.$executeRaw`UPDATE alerts SET maintenance_window_id = NULL WHERE id = ANY(${ids.filter((_, i) => i % 11 === 0)})`;
    await prisma.$executeRaw`UPDATE alerts SET severity = 'critical', source = 'waf-edge' WHERE id = ANY(${ids.filter((_, i) => i % 13 === 0)})`;
    await prisma.$executeRaw`UPDATE alerts SET title = title || ' (seen)' WHERE id = ANY(${ids.filter((_, i) => i % 5 === 0)})`;
    await prisma.$executeRaw`DELETE FROM alerts WHERE id = ANY(${ids.filter((_, i) => i % 17 === 0)})`;
    // In a transaction that rolls back, nothing of it stays in the counts.
    await prisma
      .$transaction(async (tx) => {
        await tx.$executeRaw`DELETE FROM alerts WHERE id = ANY(${ids.slice(0, 500)})`;
        throw new Error('rolled back');
      })
      .catch(() => undefined);
    // An upsert of alerts: the rows it updates count as updated.
    await prisma.$executeRaw`INSERT INTO alerts (id, tenant_id, type, source, title, severity, alertable_type, alertable_id, created_at, updated_at)
      SELECT id, tenant_id, type, source, title, severity, alertable_type, alertable_id, created_at, updated_at FROM alerts WHERE id = ANY(${ids.filter((_, i) => i % 19 === 1)})
      ON CONFLICT (id) DO UPDATE SET status = 'escalated'`;
    await countsMatchAlerts();
    expect(await folder.fold()).toBeGreaterThan(0);
    expect(await prisma.alertHourlyCountDelta.count()).toBe(0);
    expect(await folder.fold()).toBe(0);
    await countsMatchAlerts();
  });

  it('should let two transactions write alerts of the same counts in crossed order without waiting on each other', async () => {
    const [tenant] = tenants;
    const hour = new Date(START + 30 * 86_400_000);
    const seed = (severity: AlertSeverity) => alertRow(tenant.id, { createdAt: hour, severity, status: 'open', source: 'crossed', type: 'crossed' });
    const [first, second] = [seed('critical'), seed('medium')];
    await suite.world.prisma.alert.createMany({ data: [first, second] });
    await suite.module.get(HourlyCountsFolder).fold();
    const clients = [new Client({ connectionString: process.env.DATABASE_URL }), new Client({ connectionString: process.env.DATABASE_URL })];
    await Promise.all(clients.map((client) => client.connect()));
    try {
      // A wait for a lock fails at once instead of hanging: with counts upserted by the writers, the second
      // UPDATE below would wait for the other transaction's count row, which waits for it (a deadlock).
      for (const client of clients) await client.query("BEGIN; SET LOCAL lock_timeout = '2s'");
      const insert = (client: Client, severity: AlertSeverity) => {
        const row = seed(severity);
        return client.query(
          `INSERT INTO alerts (id, tenant_id, type, source, title, severity, status, alertable_type, alertable_id, created_at, updated_at)
           VALUES ($1, $2, 'crossed', 'crossed', 'crossed', $3, 'open', 'event', $1, $4, $4)`,
          [row.id, tenant.id, severity, hour],
        );
      };
      await insert(clients[0], 'critical');
      await insert(clients[1], 'medium');
      await Promise.all([
        clients[0].query(`UPDATE alerts SET status = 'acknowledged' WHERE id = $1`, [second.id]),
        clients[1].query(`UPDATE alerts SET status = 'acknowledged' WHERE id = $1`, [first.id]),
      ]);
      await Promise.all(clients.map((client) => client.query('COMMIT')));
    } finally {
      await Promise.all(clients.map((client) => client.end()));
    }
    await countsMatchAlerts();
    await suite.module.get(HourlyCountsFolder).fold();
    await countsMatchAlerts();
  });

  it('should follow a rebuild of the hourly counts in the daily counts, and empty both with the alerts', async () => {
    const [tenant] = tenants;
    const prisma = suite.world.prisma;
    const days = () => prisma.$queryRaw<{ n: number; negative: number }[]>`
      SELECT COALESCE(sum(count), 0)::int AS n, count(*) FILTER (WHERE count < 0)::int AS negative FROM alert_daily_counts WHERE tenant_id = ${tenant.id}`;
    await suite.module.get(HourlyCountsFolder).fold();
    const before = await days();
    expect(before[0].n).toBeGreaterThan(1_000);
    // A rebuild of one tenant's hourly counts, as bench/ingest.ts does after its runs without triggers.
    await prisma.$transaction(async (tx) => {
      await tx.$executeRaw`DELETE FROM alert_hourly_counts WHERE tenant_id = ${tenant.id}`;
      await tx.$executeRaw`INSERT INTO alert_hourly_counts (tenant_id, hour, severity, status, source, type, suppressed, count)
        SELECT tenant_id, date_trunc('hour', created_at, 'UTC'), severity, status, source, type, maintenance_window_id IS NOT NULL, count(*)::int
          FROM alerts WHERE tenant_id = ${tenant.id} GROUP BY 1, 2, 3, 4, 5, 6, 7`;
    });
    expect(await days()).toEqual(before);
    await countsMatchAlerts();
    // TRUNCATE, in a transaction that rolls back (other suites share the database).
    const client = new Client({ connectionString: process.env.DATABASE_URL });
    await client.connect();
    try {
      await client.query("BEGIN; SET LOCAL lock_timeout = '10s'");
      await client.query('TRUNCATE alerts CASCADE');
      const emptied = await client.query<{ days: number; hours: number }>(
        'SELECT (SELECT count(*) FROM alert_daily_counts)::int AS days, (SELECT count(*) FROM alert_hourly_counts)::int AS hours',
      );
      expect(emptied.rows).toEqual([{ days: 0, hours: 0 }]);
      await client.query('ROLLBACK; BEGIN');
      await client.query('TRUNCATE alert_hourly_counts');
      expect((await client.query<{ n: number }>('SELECT count(*)::int AS n FROM alert_daily_counts')).rows).toEqual([{ n: 0 }]);
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
    expect(await days()).toEqual(before);
  });

  it('should answer every group statistic the same from the counts as from the alerts', async () => {
    const next = random(5);
    const queries: Partial<GroupStatsQueryDto>[] = [
      {},
      { severity: ['high', 'critical'] },
      { status: ['open'], type: ['malware', 'policy'] },
      { source: 'ids' },
      { suppressed: 'true' },
      { suppressed: 'any', limit: 3 },
      { created_from: new Date(START + 3 * 86_400_000 + 1_234_567).toISOString(), created_to: new Date(START + 20 * 86_400_000 + 777_777).toISOString() },
      { created_from: new Date(START + 40 * 86_400_000).toISOString() },
      { created_to: new Date(START + 5 * 86_400_000 + 59 * 60_000).toISOString(), severity: ['low'] },
      // Within one hour: the alerts alone.
      { created_from: new Date(START + 86_400_000 + 60_000).toISOString(), created_to: new Date(START + 86_400_000 + 50 * 60_000).toISOString() },
    ];
    for (const query of queries) {
      for (const dimension of ['severity', 'status', 'source', 'type'] as const) {
        const tenant = pick(next, tenants);
        const dto = Object.assign(new GroupStatsQueryDto(), query);
        const [fromCounts, fromAlerts] = await Promise.all([counted.groups(dimension, dto, principal(tenant)), raw.groups(dimension, dto, principal(tenant))]);
        expect({ query, dimension, answer: fromCounts }).toEqual({ query, dimension, answer: fromAlerts });
      }
    }
  });

  it('should answer every time series the same from the counts as from the alerts, in whole-hour and in half-hour zones', async () => {
    const next = random(8);
    const ranges = [
      { created_from: new Date(START).toISOString(), created_to: new Date(START + SPAN_MS).toISOString() },
      { created_from: new Date(START + 2 * 86_400_000 + 1_111_111).toISOString(), created_to: new Date(START + 9 * 86_400_000 + 2_222_222).toISOString() },
    ];
    const cases: Partial<TimeseriesQueryDto>[] = [];
    for (const range of ranges) {
      for (const interval of ['hour', 'day', 'week'] as const) {
        if (interval === 'hour' && range === ranges[0]) continue; // more buckets than a series answers
        for (const timezone of ['UTC', 'Europe/London', 'America/New_York', 'Asia/Seoul', 'Asia/Kolkata', 'Australia/Adelaide']) {
          cases.push({ ...range, interval, timezone });
        }
      }
    }
    cases.push(
      { ...ranges[0], interval: 'day', group_by: 'severity' },
      { ...ranges[0], interval: 'week', group_by: 'source', limit: 2, timezone: 'Europe/Berlin' },
    );
    cases.push({ ...ranges[1], interval: 'day', group_by: 'status', severity: ['medium'], suppressed: 'any' });
    for (const query of cases) {
      const tenant = pick(next, tenants);
      const dto = Object.assign(new TimeseriesQueryDto(), query);
      const [fromCounts, fromAlerts] = await Promise.all([counted.timeseries(dto, principal(tenant)), raw.timeseries(dto, principal(tenant))]);
      expect(fromCounts.buckets.reduce((sum, bucket) => sum + bucket.count, 0)).toBeGreaterThan(0);
      expect({ query, answer: fromCounts }).toEqual({ query, answer: fromAlerts });
    }
  });

  it('should read the alerts for a filter the counts do not hold', async () => {
    const statements: string[] = [];
    const sql = suite.module.get(AlertStatsService)['sql'] as { read: (query: Prisma.Sql) => Promise<unknown[]> };
    const read = sql.read.bind(sql);
    const spy = jest.spyOn(sql, 'read').mockImplementation((query: Prisma.Sql) => {
      statements.push(query.text);
      return read(query);
    });
    try {
      await counted.groups('severity', Object.assign(new GroupStatsQueryDto(), { q: 'scan' }), principal(tenants[0]));
      await counted.groups('severity', new GroupStatsQueryDto(), principal(tenants[0]));
    } finally {
      spy.mockRestore();
    }
    const grouping = statements.filter((text) => text.includes('GROUP BY'));
    expect(grouping).toHaveLength(2);
    expect(grouping[0]).not.toMatch(/alert_(hourly|daily)_counts/);
    // No range: every day from the daily counts.
    expect(grouping[1]).toContain('alert_daily_counts');
  });

  it('should read the whole days from the daily counts where neither the filter nor the grouping names a source or a type', async () => {
    const statements: string[] = [];
    const sql = suite.module.get(AlertStatsService)['sql'] as {
      read: (query: Prisma.Sql) => Promise<unknown[]>;
      readInTimeZone: (zone: string, query: Prisma.Sql) => Promise<unknown[]>;
    };
    const [read, readInTimeZone] = [sql.read.bind(sql), sql.readInTimeZone.bind(sql)];
    const spies = [
      jest.spyOn(sql, 'read').mockImplementation((query: Prisma.Sql) => {
        statements.push(query.text);
        return read(query);
      }),
      jest.spyOn(sql, 'readInTimeZone').mockImplementation((zone: string, query: Prisma.Sql) => {
        statements.push(query.text);
        return readInTimeZone(zone, query);
      }),
    ];
    const range = { created_from: new Date(START).toISOString(), created_to: new Date(START + 20 * 86_400_000).toISOString() };
    try {
      await counted.groups('severity', Object.assign(new GroupStatsQueryDto(), range), principal(tenants[0]));
      await counted.groups('source', Object.assign(new GroupStatsQueryDto(), range), principal(tenants[0]));
      await counted.groups('severity', Object.assign(new GroupStatsQueryDto(), { ...range, type: ['malware'] }), principal(tenants[0]));
      await counted.timeseries(Object.assign(new TimeseriesQueryDto(), { ...range, interval: 'day' }), principal(tenants[0]));
      await counted.timeseries(Object.assign(new TimeseriesQueryDto(), { ...range, interval: 'hour' }), principal(tenants[0]));
      await counted.timeseries(Object.assign(new TimeseriesQueryDto(), { ...range, interval: 'day', timezone: 'Asia/Seoul' }), principal(tenants[0]));
    } finally {
      spies.forEach((spy) => spy.mockRestore());
    }
    const grouping = statements.filter((text) => text.includes('GROUP BY'));
    // severity; source and the source total (read for a dimension without a fixed set of values); a type filter; three series
    expect(grouping.map((text) => text.includes('alert_daily_counts'))).toEqual([true, false, true, false, true, false, false]);
    expect(grouping.every((text) => text.includes('alert_hourly_counts'))).toBe(true);
  });

  it('should read a time series from the counts in a zone whole hours off, and from the alerts in one 30 minutes off', async () => {
    const statements: string[] = [];
    const sql = suite.module.get(AlertStatsService)['sql'] as { readInTimeZone: (zone: string, query: Prisma.Sql) => Promise<unknown[]> };
    const read = sql.readInTimeZone.bind(sql);
    const spy = jest.spyOn(sql, 'readInTimeZone').mockImplementation((zone: string, query: Prisma.Sql) => {
      statements.push(query.text);
      return read(zone, query);
    });
    const range = { created_from: new Date(START).toISOString(), created_to: new Date(START + 20 * 86_400_000).toISOString(), interval: 'day' as const };
    try {
      for (const timezone of ['America/New_York', 'Asia/Kolkata']) {
        await counted.timeseries(Object.assign(new TimeseriesQueryDto(), { ...range, timezone }), principal(tenants[1]));
      }
    } finally {
      spy.mockRestore();
    }
    const series = statements.filter((text) => text.includes('WITH counts'));
    expect(series).toHaveLength(2);
    expect(series[0]).toContain('alert_hourly_counts');
    expect(series[1]).not.toContain('alert_hourly_counts');
  });
});
