/** `npm run bench [-- suite … --flag=value]`: builds, runs the suites and writes docs/BENCHMARKS.md. */
import { spawnSync } from 'node:child_process';

import { ensureDotEnv, loadDotEnv } from '../libs/config/src';
import { runAlerts } from './alerts';
import { runDeployment } from './deployment';
import { runExports } from './exports';
import { runIngest } from './ingest';
import { runOverhead } from './overhead';
import { runPartitions } from './partitions';
import { runScale } from './scale';
import { runSizes } from './sizes';
import { runSoak } from './soak';
import { runVerify } from './verify';
import { runTlog } from './tlog';
import { runWebhooks } from './webhooks';
import { runWriters } from './writers';

const SUITES: Record<string, () => Promise<void>> = {
  overhead: runOverhead,
  alerts: runAlerts,
  ingest: runIngest,
  exports: runExports,
  scale: runScale,
  soak: runSoak,
  writers: runWriters,
  webhooks: runWebhooks,
  verify: runVerify,
  tlog: runTlog,
  deployment: runDeployment,
  sizes: runSizes,
  partitions: runPartitions,
};

async function main(): Promise<void> {
  ensureDotEnv();
  loadDotEnv();
  // Flags (`--soak-minutes=2`) are read by the suites themselves.
  const asked = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
  const unknown = asked.filter((name) => !SUITES[name]);
  if (unknown.length) throw new Error(`Unknown suite(s) ${unknown.join(', ')}; suites: ${Object.keys(SUITES).join(', ')}`);
  if (spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' }).status !== 0) throw new Error('npm run build failed');
  for (const name of asked.length ? asked : Object.keys(SUITES)) {
    console.log(`bench: ${name}`);
    await SUITES[name]();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
