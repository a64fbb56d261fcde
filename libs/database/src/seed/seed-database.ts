import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

import { applyMigrations } from '../migrator/migrator';
import { watchConnection } from '../pg-connection';
import { ALERT_COLUMNS, generateAlert, seedTenants, SeedTenant, toCopyLine } from './alert-generator';

export interface SeedOptions {
  alerts: number;
  tenants: number;
  seed: number;
  /** The newest possible created_at (ms); alerts spread over the year before it. */
  until: number;
  log?: (line: string) => void;
}

/**
 * Migrates the database and writes the seed: tenants (kept if present) and their alerts (replaced).
 * The same options write the same rows. Answers the tenants.
 */
export async function seedDatabase(url: string, options: SeedOptions): Promise<SeedTenant[]> {
  const log = options.log ?? ((line: string) => console.log(line));
  await applyMigrations(url);
  const wanted = seedTenants(options.tenants);
  const client = new Client({ connectionString: url });
  watchConnection(client); // a lost connection fails the running statement, which rolls the seed back
  await client.connect();
  const started = Date.now();
  try {
    await client.query(
      `INSERT INTO tenants (id, name, slug) SELECT * FROM unnest($1::varchar[], $2::varchar[], $3::varchar[])
       ON CONFLICT (slug) DO NOTHING`,
      [wanted.map((t) => t.id), wanted.map((t) => t.name), wanted.map((t) => t.slug)],
    );
    // A tenant that already had the slug keeps its own id: alerts go to the rows that exist.
    const { rows: existing } = await client.query<SeedTenant>('SELECT id, name, slug FROM tenants WHERE slug = ANY($1)', [wanted.map((t) => t.slug)]);
    const bySlug = new Map(existing.map((t) => [t.slug, t]));
    const tenants = wanted.map((t) => bySlug.get(t.slug) ?? t);
    // One transaction: a failure leaves the database as it was. For a large load the secondary indexes
    // are dropped and rebuilt from their own definitions (building once is far faster than updating
    // them per row); DDL is transactional in PostgreSQL, so they come back whatever happens.
    await client.query('BEGIN');
    await client.query("SET LOCAL maintenance_work_mem = '1GB'");
    const { rowCount } = await client.query('DELETE FROM alerts WHERE tenant_id = ANY($1)', [tenants.map((t) => t.id)]);
    if (rowCount) log(`seed: removed ${rowCount} earlier seeded alerts`);
    // The months the alerts fall in (the year before `until`), so that each lands in its own partition
    // rather than the default one (prisma/sql/partitions.sql).
    for (const month of seededMonths(options.until))
      await client.query(`SELECT partition_create('alerts', $1), partition_create('alert_timeline', $1)`, [month]);
    const indexes = options.alerts >= BULK_THRESHOLD ? await dropSecondaryIndexes(client) : [];

    let written = 0;
    const rows = Readable.from(
      (function* () {
        const batch: string[] = [];
        for (let index = 0; index < options.alerts; index++) {
          batch.push(toCopyLine(generateAlert(options.seed, index, tenants, options.until)));
          if (batch.length === 5_000 || index === options.alerts - 1) {
            written += batch.length;
            if (written % 100_000 === 0) log(`seed: ${written} alerts (${Math.round(written / ((Date.now() - started) / 1000))}/s)`);
            yield batch.join('');
            batch.length = 0;
          }
        }
      })(),
    );
    await pipeline(rows, client.query(copyFrom(`COPY alerts (${ALERT_COLUMNS.join(', ')}) FROM STDIN`)));
    for (const definition of indexes) await client.query(definition);
    if (indexes.length) log(`seed: rebuilt ${indexes.length} indexes`);
    await client.query('COMMIT');
    // The hourly counts' deltas of the load, folded as the worker would (a seeded database may have none running).
    await client.query('SELECT fold_alert_hourly_count_deltas()');
    // What autovacuum would do soon after such a load, for every table it wrote (the alerts, their identities
    // and the counts the fold filled and emptied): statistics for the planner, and the visibility map, without
    // which counts and statistics cannot use index-only scans and read every heap page.
    await client.query('VACUUM (ANALYZE) alerts, alert_identities, alert_hourly_counts, alert_daily_counts, alert_hourly_count_deltas');
    const seconds = (Date.now() - started) / 1000;
    log(`seed: ${options.alerts} alerts over ${options.tenants} tenants in ${seconds.toFixed(1)} s`);
    return tenants;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
  }
}

const BULK_THRESHOLD = 50_000;

/** The first instant of each UTC month from a year before `until` to `until`'s own. */
function seededMonths(until: number): Date[] {
  const last = new Date(until);
  const months: Date[] = [];
  for (let back = 13; back >= 0; back--) months.push(new Date(Date.UTC(last.getUTCFullYear(), last.getUTCMonth() - back, 1)));
  return months;
}

/**
 * Drops the alerts table's indexes other than its primary key; answers their CREATE statements. On the
 * partitioned table an index's definition reads `ON ONLY alerts` (the parent alone): without ONLY, creating
 * it again builds it on every partition as well.
 */
async function dropSecondaryIndexes(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ indexname: string; indexdef: string }>(
    `SELECT i.indexname, i.indexdef FROM pg_indexes i
      WHERE i.schemaname = current_schema() AND i.tablename = 'alerts'
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
  );
  for (const { indexname } of rows) await client.query(`DROP INDEX "${indexname.replace(/"/g, '""')}"`);
  return rows.map((row) => row.indexdef.replace(' ON ONLY ', ' ON '));
}
