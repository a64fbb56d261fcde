import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

import { applyMigrations, createDatabase, databaseName } from '../../libs/database/src/migrator/migrator';
import { testEnvironment } from './test-env';

/**
 * One database and one Redis key prefix for this test run: a template database migrated from
 * prisma/migrations, and the run's database copied from it (integration suites copy their own from it
 * too, test/setup/suite-database.ts); the variables reach every Jest worker through process.env.
 * global-teardown drops them all.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${process.pid}_${randomBytes(3).toString('hex')}`;
  Object.assign(process.env, testEnvironment(runId));
  const keyFile = process.env.SIGNING_KEY_FILE as string;
  mkdirSync(dirname(keyFile), { recursive: true });
  writeFileSync(keyFile, generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const template = process.env.TEST_TEMPLATE_DATABASE_URL as string;
  await applyMigrations(template);
  await createDatabase(process.env.DATABASE_URL as string, databaseName(template));
}
