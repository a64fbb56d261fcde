/**
 * Writes deterministic, realistic demo and benchmark data:
 *   npm run seed -- --alerts 1000000 --tenants 20 [--seed 1] [--until 2026-11-01]
 * The same arguments write the same rows. Existing alerts of the seeded tenants are replaced.
 */
import { loadDotEnv, readVariable } from '../libs/config/src';
import { seedDatabase, SeedOptions } from '../libs/database/src/seed/seed-database';

function parseArgs(argv: string[]): SeedOptions {
  const options: SeedOptions = { alerts: 5_000, tenants: 3, seed: 1, until: new Date().setUTCHours(0, 0, 0, 0) };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    const number = Number(value);
    switch (flag) {
      case '--alerts':
        if (!Number.isInteger(number) || number < 0 || number > 50_000_000) throw new Error('--alerts takes a whole number from 0 to 50000000');
        options.alerts = number;
        break;
      case '--tenants':
        if (!Number.isInteger(number) || number < 1 || number > 1000) throw new Error('--tenants takes a whole number from 1 to 1000');
        options.tenants = number;
        break;
      case '--seed':
        if (!Number.isInteger(number)) throw new Error('--seed takes a whole number');
        options.seed = number;
        break;
      case '--until': {
        const until = Date.parse(value ?? '');
        if (Number.isNaN(until)) throw new Error('--until takes a date such as 2026-11-01');
        // Alerts are created, acknowledged and resolved up to --until: a later one would put them in the future.
        if (until > Date.now()) throw new Error('--until must not be in the future (alerts would be resolved after now)');
        options.until = until;
        break;
      }
      default:
        throw new Error(`Unknown option ${flag}. Usage: npm run seed -- --alerts N --tenants T [--seed S] [--until DATE]`);
    }
  }
  return options;
}

async function main(): Promise<void> {
  loadDotEnv();
  await seedDatabase(readVariable('DATABASE_URL'), parseArgs(process.argv.slice(2)));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
