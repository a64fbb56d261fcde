import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';

import Redis from 'ioredis';

import { runDatabases } from './suite-database';
import { dropDatabase } from '../../libs/database/src/migrator/migrator';

/** Drops the run's databases (its own, the template and the integration suites'), deletes its Redis keys and removes its export files. */
export default async function globalTeardown(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url?.includes('alert_ledger_test_')) {
    for (const database of await runDatabases(url)) await dropDatabase(database);
  }
  const exportDir = process.env.EXPORT_DIR;
  if (exportDir?.startsWith('/tmp/alert-ledger-test-')) await rm(dirname(exportDir), { recursive: true, force: true });
  const prefix = process.env.REDIS_PREFIX;
  if (prefix?.startsWith('alert-ledger-test-')) {
    const redis = new Redis(process.env.REDIS_URL as string);
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
        if (keys.length) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      redis.disconnect();
    }
  }
}
