/**
 * `npm run demo`: configuration, database, demo data, build, then the api and the worker, and prints
 * where to look and how to authenticate. Ctrl-C stops both. (npm's predemo hook installed what was missing.)
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';

import { mintDevToken, SCOPES } from '../libs/auth/src';
import { AppConfig, ConfigError, ensureDotEnv, loadDotEnv } from '../libs/config/src';
import { seedDatabase } from '../libs/database/src/seed/seed-database';
import { waitForHttp } from './wait-for-http';
import { BUILT_MAIN } from './built-apps';

const DEMO_ALERTS = Number(process.env.DEMO_ALERTS ?? 5_000);
const DEMO_TENANTS = 3;

function step(message: string): void {
  console.log(`\n▶ ${message}`);
}

function start(name: string, script: string): ChildProcess {
  // Readable lines (pino-pretty) between the demo's own output, so its credentials are not buried in JSON.
  const child = spawn(process.execPath, ['--enable-source-maps', script], {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, LOG_PRETTY: 'true' },
  });
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!stopping) console.error(`${name} stopped (${signal ?? code})`);
  });
  return child;
}

let stopping = false;
const children: ChildProcess[] = [];

async function main(): Promise<void> {
  if (ensureDotEnv()) console.log('Created .env from .env.example (development secrets; change them for anything shared).');
  loadDotEnv();
  let config: AppConfig;
  try {
    config = AppConfig.fromEnvironment();
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(error.message);
      process.exit(78);
    }
    throw error;
  }

  step(`Database ${new URL(config.databaseUrl).pathname.slice(1)}: migrate and load ${DEMO_ALERTS} demo alerts`);
  const tenants = await seedDatabase(config.databaseUrl, { alerts: DEMO_ALERTS, tenants: DEMO_TENANTS, seed: 1, until: new Date().setUTCHours(0, 0, 0, 0) });

  step('Build api and worker');
  const build = spawnSync('npm', ['run', 'build', '--silent'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('npm run build failed');

  step('Start api and worker');
  const api = start('api', BUILT_MAIN.api);
  const worker = start('worker', BUILT_MAIN.worker);
  const stop = (): void => {
    stopping = true;
    for (const child of children) child.kill('SIGTERM');
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  await waitForHttp(`http://${host}:${config.port}/health/ready`, { child: api, name: 'api' });
  await waitForHttp(`http://${host}:${config.workerPort}/health/ready`, { child: worker, name: 'worker' });

  const base = `http://${host}:${config.port}`;
  /** A demo JWT, at most JWT_MAX_TTL_SECONDS long. */
  const mint = (sub: string, tenantId: string, scopes: string[], hours: number) =>
    mintDevToken(config.jwtSecret, {
      sub,
      tenantId,
      scopes,
      ttlSeconds: Math.min(hours * 3600, config.jwtMaxTtlSeconds),
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
    });
  const credentials = tenants.map((tenant) => ({
    tenant,
    token: mint(
      `demo-operator@${tenant.slug}`,
      tenant.id,
      SCOPES.filter((s) => s !== 'admin' && s !== 'auditor'),
      24,
    ),
  }));
  console.log(`
Alert Ledger is running.
  Swagger UI    ${base}/docs
  OpenAPI       ${base}/openapi.json
  Health        ${base}/health/ready   (worker: http://${host}:${config.workerPort}/health/ready)

Demo credentials (Bearer JWTs, valid 24 h, every scope but admin and auditor):`);
  for (const { tenant, token } of credentials) console.log(`  ${tenant.name} (${tenant.id})\n    Authorization: Bearer ${token}`);
  const admin = mint('demo-admin', tenants[0].id, ['admin'], 24);
  console.log(`  Admin (every tenant)\n    Authorization: Bearer ${admin}`);
  const auditor = mint('demo-auditor', tenants[0].id, ['auditor'], 8);
  console.log(`  Auditor of ${tenants[0].name} (read and export only, 8 h; every request recorded)\n    Authorization: Bearer ${auditor}`);
  console.log('More: npm run cli -- api-keys create --tenant demo-tenant-01 --name mine --scopes alerts:read,alerts:write');
  console.log('      npm run cli -- api-keys create --tenant demo-tenant-01 --name external-auditor --scopes auditor --expires-in 30d');
  console.log(
    `\nTry:\n  export TOKEN=${credentials[0].token}\n  curl -s -H "Authorization: Bearer $TOKEN" '${base}/v1/audit-trail?page_size=5'\nCtrl-C stops both processes.`,
  );
}

main().catch((error: unknown) => {
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  process.exit(1);
});
