import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import { createDatabase, databaseName, dropDatabase, withDatabase } from '../../libs/database/src/migrator/migrator';

/**
 * A database of one's own for an integration suite, copied from the run's migrated template (a copy
 * takes a fraction of a migration), so that what a suite reads across tenants (the export sweep, job
 * lists) holds only its own rows. Drop it in afterAll; global teardown drops any left behind.
 */
export async function suiteDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const template = process.env.TEST_TEMPLATE_DATABASE_URL as string;
  const url = withDatabase(process.env.DATABASE_URL as string, `${databaseName(process.env.DATABASE_URL as string)}_s${randomBytes(4).toString('hex')}`);
  await createDatabase(url, databaseName(template));
  return { url, drop: () => dropDatabase(url) };
}

/** The URLs of every database of the run: its own (`url`), and those named after it (the template, the suites'). */
export async function runDatabases(url: string): Promise<string[]> {
  const name = databaseName(url);
  const client = new Client({ connectionString: withDatabase(url, 'postgres') });
  await client.connect();
  try {
    const { rows } = await client.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datname = $1 OR left(datname, $2) = $3', [
      name,
      name.length + 1,
      `${name}_`,
    ]);
    return rows.map((row) => withDatabase(url, row.datname));
  } finally {
    await client.end();
  }
}
