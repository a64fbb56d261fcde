/** Variables of a test run: its own database and Redis prefix, fixed secrets, quiet logs. */
export function testEnvironment(runId: string): Record<string, string> {
  const base = new URL(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/alert_ledger');
  base.pathname = `/alert_ledger_test_${runId}`;
  const template = new URL(base);
  template.pathname = `${base.pathname}_template`;
  return {
    NODE_ENV: 'test',
    TEST_RUN_ID: runId,
    DATABASE_URL: base.toString(),
    // Migrated once per run; the run's database and each integration suite's are copies of it.
    TEST_TEMPLATE_DATABASE_URL: template.toString(),
    DATABASE_POOL_SIZE: '5',
    // A developer's .env may name a replica of another database: the specs read their own run's database.
    DATABASE_READ_URL: '',
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `alert-ledger-test-${runId}`,
    JWT_SECRET: 'test-jwt-secret-0123456789abcdef0123456789',
    CURSOR_SECRET: 'test-cursor-secret-0123456789abcdef01234567',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'fatal',
    EXPORT_DIR: `/tmp/alert-ledger-test-${runId}/exports`,
    // Specs share one database: a scheduled purge of every tenant would delete other specs' old alerts.
    RETENTION_PURGE_CRON: '',
    // Every spec's refused credentials come from 127.0.0.1 within the same minutes: counted together they
    // would pass the production limit. test/auth-hardening.e2e-spec.ts tests the limit with its own prefix.
    AUTH_FAILURE_LIMIT_PER_MINUTE: '1000000',
    // CSV and NDJSON exports of 10 records or more are written by part threads, 7 records a part, so the
    // specs' small exports go through the parallel path (and smaller ones through the job's own thread).
    EXPORT_PARALLEL_MIN_RECORDS: '10',
    EXPORT_PART_RECORDS: '7',
    // A developer's .env may lower the worker's priority; the specs' workers compete with Jest for the CPU and
    // must not be starved into timeouts. test/metrics.e2e-spec.ts checks WORKER_NICE on a worker of its own.
    WORKER_NICE: '0',
    // Written by global-setup (a fresh Ed25519 key per run; no key is committed).
    SIGNING_KEY_FILE: `/tmp/alert-ledger-test-${runId}/checkpoint-signing-key.pem`,
    TRANSPARENCY_LOG_NAME: 'alert-ledger.test',
    // Specs share one database, and some break audit chains on purpose: a scheduled check would raise alerts in
    // their tenants, and scheduled checkpoints would hash every spec's logs. test/transparency-log.e2e-spec.ts runs both.
    CHECKPOINT_INTERVAL_SECONDS: '0',
    AUDIT_LOG_CHECK_INTERVAL_SECONDS: '0',
    // The AWS SDK warns once per process that its releases after January 2027 need Node 22; package.json pins
    // one that runs on Node 20. Every api and worker a spec starts would print it.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}
