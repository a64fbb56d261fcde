import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { promisify } from 'node:util';

import { Client } from 'pg';

import { databaseName, DEFAULT_MIGRATIONS_DIR, dropDatabase, withDatabase } from './migrator';

const run = promisify(execFile);

describe('the migrator, from several places at once', () => {
  const url = withDatabase(process.env.DATABASE_URL as string, `${process.env.DATABASE_URL?.split('/').pop()}_migrators_${process.pid}`);

  afterAll(() => dropDatabase(url));

  it('should create and migrate a new database once when three migrators start together, as in a rolling upgrade', async () => {
    const migrators = Array.from({ length: 3 }, () =>
      run(process.execPath, ['--import', 'tsx', 'libs/database/src/migrator/cli.ts', 'migrate'], { env: { ...process.env, DATABASE_URL: url } }),
    );
    const outputs = (await Promise.all(migrators)).map(({ stdout }) => stdout);
    const folders = readdirSync(DEFAULT_MIGRATIONS_DIR).filter((name) => /^\d{14}_/.test(name));
    // One applied them all; the others waited for it and found the database up to date.
    expect(outputs.filter((out) => out.startsWith('Applied to')).length).toBe(1);
    expect(outputs.filter((out) => /is up to date/.test(out)).length).toBe(2);
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ migration_name: string; finished: boolean }>(
        'SELECT migration_name, finished_at IS NOT NULL AS finished FROM _prisma_migrations ORDER BY migration_name',
      );
      expect(rows).toEqual(folders.sort().map((migration_name) => ({ migration_name, finished: true })));
    } finally {
      await client.end();
    }
  }, 120_000);

  it('should wait for a migrator that holds the database longer than the schema engine would (10 s), then find nothing to do', async () => {
    const other = new Client({ connectionString: withDatabase(url, 'postgres') });
    await other.connect();
    try {
      await other.query('SELECT pg_advisory_lock(hashtext($1))', [`alert-ledger-migrate:${databaseName(url)}`]);
      let finished = false;
      const migrator = run(process.execPath, ['--import', 'tsx', 'libs/database/src/migrator/cli.ts', 'migrate'], {
        env: { ...process.env, DATABASE_URL: url },
      }).finally(() => (finished = true));
      await new Promise((resolve) => setTimeout(resolve, 12_000));
      expect(finished).toBe(false);
      await other.query('SELECT pg_advisory_unlock(hashtext($1))', [`alert-ledger-migrate:${databaseName(url)}`]);
      expect((await migrator).stdout).toMatch(/is up to date/);
    } finally {
      await other.end();
    }
  }, 120_000);
});
