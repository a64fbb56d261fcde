import { OIDC_ISSUERS_EXPECTS, parseOidcIssuers } from './oidc-issuers';

/**
 * Every environment variable the services read, with what it expects.
 * `parseEnv` checks all of them at once so that a bad start names every problem in one line.
 */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export type NodeEnv = 'development' | 'test' | 'production';
export type ExportStorageKind = 'local' | 's3';

export interface EnvVariable<T> {
  /** What a valid value looks like, as printed when the value is missing or malformed. */
  expects: string;
  /** A value used when the variable is unset; no default means the variable is required. */
  default?: string;
  parse(raw: string): T | undefined;
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];
const NODE_ENVS: readonly NodeEnv[] = ['development', 'test', 'production'];
const EXPORT_STORAGES: readonly ExportStorageKind[] = ['local', 's3'];

function integer(min: number, max: number): (raw: string) => number | undefined {
  return (raw) => {
    if (!/^\d+$/.test(raw)) return undefined;
    const value = Number(raw);
    return value >= min && value <= max ? value : undefined;
  };
}

function oneOf<T extends string>(values: readonly T[]): (raw: string) => T | undefined {
  return (raw) => ((values as readonly string[]).includes(raw) ? (raw as T) : undefined);
}

function url(protocols: readonly string[]): (raw: string) => string | undefined {
  return (raw) => {
    try {
      return protocols.includes(new URL(raw).protocol) ? raw : undefined;
    } catch {
      return undefined;
    }
  };
}

function optional<T>(parse: (raw: string) => T | undefined): (raw: string) => T | undefined | null {
  return (raw) => (raw === '' ? null : parse(raw));
}

function secret(raw: string): string | undefined {
  return raw.length >= 32 ? raw : undefined;
}

function boolean(raw: string): boolean | undefined {
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  return undefined;
}

/** Origins as a browser sends them (`https://console.example.com`: lower-case host, no path, no trailing slash). */
function origins(raw: string): string[] | undefined {
  const list = raw
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  const normalised = list.map((origin) => {
    if (origin === '*') return origin;
    if (!url(['http:', 'https:'])(origin)) return undefined;
    const parsed = new URL(origin);
    return parsed.pathname === '/' && !parsed.search && !parsed.hash && !parsed.username ? parsed.origin : undefined;
  });
  return normalised.every((origin) => origin !== undefined) ? (normalised as string[]) : undefined;
}

/** A signed-note key name or log origin: printable ASCII without spaces or `+` (C2SP signed-note). */
function noteName(raw: string): string | undefined {
  return /^[!-*,-~]+$/.test(raw) ? raw : undefined;
}

/** Comma-separated file paths, at least one. */
function paths(raw: string): string[] | undefined {
  const list = raw
    .split(',')
    .map((path) => path.trim())
    .filter(Boolean);
  return list.length > 0 ? list : undefined;
}

function text(raw: string): string | undefined {
  return raw.trim() === '' ? undefined : raw;
}

/** Five cron fields (minute hour day month weekday) of digits, `*`, `/`, `,` and `-`. */
function cron(raw: string): string | undefined {
  const fields = raw.trim().split(/\s+/);
  return fields.length === 5 && fields.every((field) => /^[\d*/,-]+$/.test(field)) ? fields.join(' ') : undefined;
}

export const ENV_SCHEMA = {
  NODE_ENV: { expects: `one of ${NODE_ENVS.join(', ')}`, default: 'development', parse: oneOf(NODE_ENVS) },
  HOST: { expects: 'an interface address such as 0.0.0.0 or 127.0.0.1', default: '0.0.0.0', parse: text },
  PORT: { expects: 'a TCP port from 1 to 65535', default: '3000', parse: integer(1, 65535) },
  WORKER_PORT: { expects: 'a TCP port from 1 to 65535 (the worker serves its health checks there)', default: '3001', parse: integer(1, 65535) },
  WORKER_NICE: {
    expects: 'a nice value from 0 to 19: the worker lowers its CPU priority to it (10 lets an api on the same cores come first)',
    default: '0',
    parse: integer(0, 19),
  },
  SERVICE_NAME: { expects: 'a non-empty name, shown in problem bodies and logs', default: 'alert-ledger', parse: text },
  DATABASE_URL: {
    expects: 'a PostgreSQL URL such as postgresql://postgres@127.0.0.1:5432/alert_ledger',
    default: 'postgresql://postgres@127.0.0.1:5432/alert_ledger',
    parse: url(['postgresql:', 'postgres:']),
  },
  DATABASE_POOL_SIZE: { expects: 'a whole number of connections from 1 to 200', default: '10', parse: integer(1, 200) },
  DATABASE_READ_URL: {
    expects: 'a PostgreSQL URL of a streaming replica of DATABASE_URL for alert lists, details, statistics and exports, or empty for none',
    default: '',
    parse: optional(url(['postgresql:', 'postgres:'])),
  },
  READ_MAX_LAG_SECONDS: {
    expects: 'a whole number of seconds from 2 to 3600: reads go to the primary while the replica is further behind (measured once a second)',
    default: '5',
    parse: integer(2, 3600),
  },
  REDIS_URL: { expects: 'a Redis URL such as redis://127.0.0.1:6379', default: 'redis://127.0.0.1:6379', parse: url(['redis:', 'rediss:']) },
  REDIS_PREFIX: { expects: 'a non-empty key prefix for queues and rate limits', default: 'alert-ledger', parse: text },
  JWT_SECRET: { expects: 'a secret of at least 32 characters (HS256 signing key)', parse: secret },
  JWT_ISSUER: { expects: 'the expected `iss` claim, or empty to skip the check', default: '', parse: optional(text) },
  JWT_AUDIENCE: { expects: 'the expected `aud` claim, or empty to skip the check', default: '', parse: optional(text) },
  OIDC_ISSUERS: { expects: OIDC_ISSUERS_EXPECTS, default: '', parse: optional(parseOidcIssuers) },
  OIDC_JWKS_REFRESH_SECONDS: {
    expects: "the fewest seconds between two fetches of an issuer's JWKS for a token whose kid is unknown, from 0 to 3600",
    default: '30',
    parse: integer(0, 3600),
  },
  JWT_MAX_TTL_SECONDS: {
    expects: 'the longest lifetime a JWT may have (exp − iat, or exp − now without iat), in seconds from 60 to 31536000',
    default: '86400',
    parse: integer(60, 31_536_000),
  },
  JWT_ALLOW_NO_EXP: {
    expects: 'true or false: whether an HS256 JWT (a development token) may omit exp; true only with NODE_ENV=development',
    default: 'false',
    parse: boolean,
  },
  AUTH_FAILURE_LIMIT_PER_MINUTE: {
    expects: 'failed authentications a client address, or an API key prefix, may have per minute before 429, from 1 to 1000000',
    default: '30',
    parse: integer(1, 1_000_000),
  },
  CURSOR_SECRET: { expects: 'a secret of at least 32 characters (signs pagination cursors)', parse: secret },
  EXPORT_DIR: {
    expects: 'a directory path for export files (with EXPORT_STORAGE=s3: for the work files of running jobs only)',
    default: './var/exports',
    parse: text,
  },
  EXPORT_STORAGE: {
    expects: `where finished export files and event images are kept, one of ${EXPORT_STORAGES.join(', ')} (local: EXPORT_DIR; s3: the S3_BUCKET)`,
    default: 'local',
    parse: oneOf(EXPORT_STORAGES),
  },
  S3_ENDPOINT: {
    expects: "the S3 API's http(s) URL, such as http://swift.internal:8080, or empty for AWS's own endpoint of S3_REGION",
    default: '',
    parse: optional(url(['http:', 'https:'])),
  },
  S3_BUCKET: { expects: 'the bucket holding export files (required with EXPORT_STORAGE=s3)', default: '', parse: optional(text) },
  S3_REGION: { expects: 'the region requests are signed for (us-east-1 for Swift and most S3-compatible stores)', default: 'us-east-1', parse: text },
  S3_ACCESS_KEY_ID: {
    expects: "the S3 access key (Swift's tempauth: account:user), or empty for the SDK's default credentials (environment, instance role)",
    default: '',
    parse: optional(text),
  },
  S3_SECRET_ACCESS_KEY: { expects: 'the secret of S3_ACCESS_KEY_ID, or empty with it', default: '', parse: optional(text) },
  S3_FORCE_PATH_STYLE: {
    expects:
      'true or false: whether the bucket is named in the path (http://host/bucket/key, as Swift and most S3-compatible stores need) rather than the host name',
    default: 'true',
    parse: boolean,
  },
  S3_PRESIGNED_DOWNLOADS: {
    expects: 'true or false: whether GET /v1/exports/{id}/download answers with a redirect to a presigned URL of the store instead of streaming the file',
    default: 'false',
    parse: boolean,
  },
  LOG_PRETTY: {
    expects: 'true or false: whether log lines are printed coloured for a terminal (pino-pretty) instead of JSON',
    default: 'false',
    parse: boolean,
  },
  LOG_LEVEL: { expects: `one of ${LOG_LEVELS.join(', ')}`, default: 'info', parse: oneOf(LOG_LEVELS) },
  BODY_LIMIT_BYTES: { expects: 'a request body limit in bytes from 1024 to 104857600', default: '1048576', parse: integer(1024, 104_857_600) },
  INGEST_BODY_LIMIT_BYTES: {
    expects: 'the body limit of POST /v1/ingest/alertmanager in bytes from 1024 to 104857600 (a group of 5,000 alerts needs several MiB)',
    default: '16777216',
    parse: integer(1024, 104_857_600),
  },
  ALERT_BODY_LIMIT_BYTES: {
    expects: 'the body limit of POST /v1/alerts and /v1/alerts/batch in bytes from 1024 to 104857600 (an event alert may carry two base64 images)',
    default: '16777216',
    parse: integer(1024, 104_857_600),
  },
  ALERT_IMAGE_MAX_BYTES: {
    expects: "the largest image (decoded bytes) an event alert's primary_image or secondary_image may hold, from 1024 to 20971520",
    default: '5242880',
    parse: integer(1024, 20_971_520),
  },
  INGEST_INSTANCE_LABEL: {
    expects: 'the Alertmanager label naming the federated instance an alert came from (its `instance`), or empty for none',
    default: '',
    parse: optional(text),
  },
  BODY_TIMEOUT_SECONDS: {
    expects: 'seconds a request (headers and body) may take to arrive before 408, from 1 to 3600',
    default: '30',
    parse: integer(1, 3600),
  },
  MAX_CONNECTIONS_PER_CLIENT: {
    expects: 'open connections one client address may hold; more are closed at once, from 1 to 100000',
    default: '256',
    parse: integer(1, 100_000),
  },
  CORS_ORIGINS: { expects: 'a comma-separated list of http(s) origins, * or empty for none', default: '', parse: optional(origins) },
  RATE_LIMIT_PER_MINUTE: { expects: 'requests a principal may make per minute, from 1 to 1000000', default: '1200', parse: integer(1, 1_000_000) },
  METRICS_PUBLIC: { expects: 'true or false: whether /metrics needs no credential', default: 'true', parse: boolean },
  CHROMIUM_PATH: { expects: 'the path of a Chromium executable', default: '/usr/bin/chromium', parse: text },
  EXPORTS_IN_PROCESS: {
    expects: 'true or false: whether the api process also runs the worker’s queues (exports, retention purge)',
    default: 'false',
    parse: boolean,
  },
  EXPORT_TTL_SECONDS: { expects: 'seconds a finished export file is kept, from 60 to 31536000', default: '604800', parse: integer(60, 31_536_000) },
  ALERT_UNSHELVE_INTERVAL_SECONDS: {
    expects: 'seconds between sweeps that bring shelved alerts back when their time passes, from 1 to 3600 (reads treat an expired shelf as gone at once)',
    default: '30',
    parse: integer(1, 3600),
  },
  EXPORT_CLEANUP_INTERVAL_SECONDS: { expects: 'seconds between sweeps for expired export files, from 1 to 86400', default: '300', parse: integer(1, 86_400) },
  EXPORT_MAX_RECORDS: {
    expects: 'the most records one export may hold (0: no limit); a larger export is marked incomplete',
    default: '0',
    parse: integer(0, 100_000_000),
  },
  EXPORT_STALLED_SECONDS: { expects: 'seconds after which a job of a silent worker is taken over, from 1 to 3600', default: '30', parse: integer(1, 3600) },
  EXPORT_PDF_PAGES: { expects: 'Chromium pages rendering one PDF in parallel, from 1 to 8', default: '2', parse: integer(1, 8) },
  EXPORT_THREADS: {
    expects: 'threads formatting the parts of a large CSV or NDJSON export in parallel, from 1 (none: the job’s own thread writes it) to 8',
    default: '2',
    parse: integer(1, 8),
  },
  EXPORT_PARALLEL_MIN_RECORDS: {
    expects: 'records from which a CSV or NDJSON export is written in parts by threads, from 1 to 100000000',
    default: '20000',
    parse: integer(1, 100_000_000),
  },
  EXPORT_PART_RECORDS: { expects: 'records in one part of an export written by threads, from 1 to 1000000', default: '5000', parse: integer(1, 1_000_000) },
  AUDIT_VERIFY_MAX_EVENTS: {
    expects: 'audit events one GET /v1/audit-trail/verify may read, from 1000 to 100000000',
    default: '100000',
    parse: integer(1000, 100_000_000),
  },
  WEBHOOK_ALLOW_HTTP: { expects: 'true or false: whether webhook URLs may be http (development only; https otherwise)', default: 'false', parse: boolean },
  WEBHOOK_ALLOW_PRIVATE_TARGETS: {
    expects: 'true or false: whether webhooks may be delivered to private, loopback or link-local addresses',
    default: 'false',
    parse: boolean,
  },
  WEBHOOK_DELIVERY_RETENTION_DAYS: {
    expects: 'days a finished webhook delivery (succeeded or failed) and its attempt log are kept, from 1 to 3650',
    default: '30',
    parse: integer(1, 3650),
  },
  WEBHOOK_TIMEOUT_SECONDS: { expects: 'seconds one webhook delivery attempt may take, from 1 to 60', default: '10', parse: integer(1, 60) },
  WEBHOOK_MAX_ATTEMPTS: { expects: 'attempts of one webhook delivery before it fails, from 1 to 20', default: '8', parse: integer(1, 20) },
  WEBHOOK_RETRY_BASE_MS: {
    expects: 'milliseconds before the first retry of a webhook delivery (each later one waits 3 times longer, with jitter), from 1 to 3600000',
    default: '60000',
    parse: integer(1, 3_600_000),
  },
  WEBHOOK_DISABLE_AFTER_SECONDS: {
    expects: 'seconds of failing deliveries after which a subscription is disabled, from 1 to 2592000',
    default: '86400',
    parse: integer(1, 2_592_000),
  },
  WEBHOOK_SECRET_GRACE_SECONDS: {
    expects: 'seconds a rotated webhook secret still signs beside the new one, from 0 to 604800',
    default: '86400',
    parse: integer(0, 604_800),
  },
  WEBHOOK_STALLED_SECONDS: {
    expects: 'seconds after which a delivery of a silent worker is taken over, from 1 to 3600',
    default: '30',
    parse: integer(1, 3600),
  },
  EVENTS_RESUME_WINDOW: {
    expects: 'events per tenant kept for Last-Event-ID resumption of GET /v1/events, from 10 to 100000',
    default: '1000',
    parse: integer(10, 100_000),
  },
  EVENTS_HEARTBEAT_SECONDS: { expects: 'seconds between heartbeats of GET /v1/events, from 1 to 300', default: '15', parse: integer(1, 300) },
  EVENTS_MAX_BUFFERED_BYTES: {
    expects: 'bytes a slow reader of GET /v1/events may leave unread before it is dropped, from 1024 to 67108864',
    default: '1048576',
    parse: integer(1024, 67_108_864),
  },
  TRANSPARENCY_LOG_NAME: {
    expects:
      'the name of this deployment in signed checkpoints (the note key name; a tenant’s log origin is it + "/" + the tenant id): printable ASCII without spaces or +',
    default: 'alert-ledger.local',
    parse: noteName,
  },
  SIGNING_KEY_FILE: {
    expects: 'comma-separated paths of Ed25519 private keys (PKCS#8 PEM) that sign checkpoints, the first one active, or empty for no checkpoints',
    default: '',
    parse: optional(paths),
  },
  CHECKPOINT_INTERVAL_SECONDS: {
    expects: 'seconds between the worker’s checkpoints of each tenant’s audit log (when it grew), from 1 to 86400, or 0 for none (on demand only)',
    default: '60',
    parse: integer(0, 86_400),
  },
  AUDIT_LOG_CHECK_INTERVAL_SECONDS: {
    expects:
      'seconds between the worker’s checks of each tenant’s audit log against all its signed checkpoints (a full read of the log), from 1 to 604800, or 0 for never',
    default: '3600',
    parse: integer(0, 604_800),
  },
  RETENTION_PURGE_CRON: {
    expects: 'when the retention purge runs, five cron fields in UTC (such as 30 2 * * *), or empty for never',
    default: '30 2 * * *',
    parse: optional(cron),
  },
} satisfies Record<string, EnvVariable<unknown>>;

export type EnvSchema = typeof ENV_SCHEMA;
export type Env = {
  [K in keyof EnvSchema]: Exclude<ReturnType<EnvSchema[K]['parse']>, undefined>;
};

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and checks one variable, for tools that need only it (the database commands). */
export function readVariable<K extends keyof EnvSchema>(name: K, source: NodeJS.ProcessEnv = process.env): Env[K] {
  const spec = ENV_SCHEMA[name] as EnvVariable<Env[K]>;
  const raw = source[name] ?? spec.default;
  const value = raw === undefined ? undefined : spec.parse(raw.trim());
  if (value === undefined) throw new ConfigError([`${name} is ${raw === undefined ? 'missing' : 'malformed'}: expected ${spec.expects}`]);
  return value;
}

/** Reads and checks every variable; throws one ConfigError that names each bad variable and what it expects. */
export function parseEnv(source: NodeJS.ProcessEnv): Env {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(ENV_SCHEMA) as [string, EnvVariable<unknown>][]) {
    const raw = source[name] ?? spec.default;
    if (raw === undefined) {
      problems.push(`${name} is missing: expected ${spec.expects}`);
      continue;
    }
    const value = spec.parse(raw.trim());
    if (value === undefined) {
      const shown = name.includes('SECRET') ? `${raw.length} characters` : JSON.stringify(raw);
      problems.push(`${name} is malformed (${shown}): expected ${spec.expects}`);
      continue;
    }
    values[name] = value;
  }
  // Its RS256 keys are an OIDC issuer's now; silently ignoring it would refuse every token it verified.
  if (source.JWT_JWKS_URL) problems.push('JWT_JWKS_URL is no longer read: name the issuer in OIDC_ISSUERS (with "jwks_uri" when it has no discovery document)');
  if (values.JWT_ALLOW_NO_EXP === true && values.NODE_ENV !== 'development')
    problems.push('JWT_ALLOW_NO_EXP is malformed ("true"): expected false unless NODE_ENV=development');
  if (values.EXPORT_STORAGE === 's3' && values.S3_BUCKET === null)
    problems.push('S3_BUCKET is missing: expected the bucket holding export files, since EXPORT_STORAGE=s3');
  if ((values.S3_ACCESS_KEY_ID === null) !== (values.S3_SECRET_ACCESS_KEY === null))
    problems.push('S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are malformed: expected both or neither (neither: the SDK finds credentials itself)');
  if (problems.length > 0) throw new ConfigError(problems);
  return values as Env;
}
