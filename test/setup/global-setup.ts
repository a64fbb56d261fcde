import { randomBytes } from 'node:crypto';

import { applyMigrations } from '../../libs/database/src/migrator/migrator';
import { testEnvironment } from './test-env';

/**
 * One database and one Redis key prefix for this test run, migrated from prisma/migrations; the
 * variables reach every Jest worker through process.env. global-teardown drops both.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;
  Object.assign(process.env, testEnvironment(runId));
  await applyMigrations(process.env.DATABASE_URL as string);
}
