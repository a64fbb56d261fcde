/* Database commands: `migrate` (apply pending migrations), `migration <name>` (write the next one from
 * the schema diff), `check` (fail when schema.prisma and the migrations disagree), `drop`. */
import { loadDotEnv, readVariable } from '@app/config';

import { applyMigrations, createMigration, databaseName, dropDatabase, pendingSchemaChanges } from './migrator';

async function main(): Promise<void> {
  loadDotEnv();
  const [command, name, ...rest] = process.argv.slice(2);
  const url = readVariable('DATABASE_URL');
  switch (command) {
    case 'migrate': {
      const applied = await applyMigrations(url);
      console.log(applied.length ? `Applied to ${databaseName(url)}: ${applied.join(', ')}` : `${databaseName(url)} is up to date`);
      return;
    }
    case 'migration': {
      if (!name) throw new Error('Usage: npm run db:migration -- <name> [--append prisma/sql/<file>.sql …]');
      const appended = rest.flatMap((arg, i) => (rest[i - 1] === '--append' ? [arg] : []));
      const folder = await createMigration(url, name, undefined, undefined, appended);
      console.log(folder ? `Wrote prisma/migrations/${folder}/migration.sql` : 'schema.prisma and the migrations agree: nothing to write');
      return;
    }
    case 'check': {
      const sql = await pendingSchemaChanges(url);
      if (sql) throw new Error(`schema.prisma differs from the migrations; run npm run db:migration -- <name>. Missing:\n${sql}`);
      console.log('schema.prisma and the migrations agree');
      return;
    }
    case 'drop':
      await dropDatabase(url);
      console.log(`Dropped ${databaseName(url)}`);
      return;
    default:
      throw new Error('Usage: db <migrate|migration NAME|check|drop>');
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
