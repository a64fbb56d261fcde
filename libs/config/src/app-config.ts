import { Env, ExportStorageKind, LogLevel, NodeEnv, parseEnv } from './env.schema';
import { OidcIssuerConfig } from './oidc-issuers';

export interface S3Settings {
  endpoint: string | null;
  bucket: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string } | null;
  forcePathStyle: boolean;
  presignedDownloads: boolean;
}

/** The validated configuration, read through typed getters only. */
export class AppConfig {
  constructor(private readonly env: Env) {}

  static fromEnvironment(source: NodeJS.ProcessEnv = process.env): AppConfig {
    return new AppConfig(parseEnv(source));
  }

  get nodeEnv(): NodeEnv {
    return this.env.NODE_ENV;
  }
  get isProduction(): boolean {
    return this.env.NODE_ENV === 'production';
  }
  get host(): string {
    return this.env.HOST;
  }
  get port(): number {
    return this.env.PORT;
  }
  get workerPort(): number {
    return this.env.WORKER_PORT;
  }
  get workerNice(): number {
    return this.env.WORKER_NICE;
  }
  get serviceName(): string {
    return this.env.SERVICE_NAME;
  }
  get databaseUrl(): string {
    return this.env.DATABASE_URL;
  }
  get databasePoolSize(): number {
    return this.env.DATABASE_POOL_SIZE;
  }
  /** A streaming replica for the reads that may lag (alert lists, details, statistics, exports), or null. */
  get databaseReadUrl(): string | null {
    return this.env.DATABASE_READ_URL;
  }
  /** How far behind the primary the replica may be and still serve reads. */
  get readMaxLagSeconds(): number {
    return this.env.READ_MAX_LAG_SECONDS;
  }
  get redisUrl(): string {
    return this.env.REDIS_URL;
  }
  get redisPrefix(): string {
    return this.env.REDIS_PREFIX;
  }
  get jwtSecret(): string {
    return this.env.JWT_SECRET;
  }
  get jwtIssuer(): string | null {
    return this.env.JWT_ISSUER;
  }
  get jwtAudience(): string | null {
    return this.env.JWT_AUDIENCE;
  }
  /** The OpenID Connect providers whose access tokens are accepted (none: HS256 and API keys only). */
  get oidcIssuers(): readonly OidcIssuerConfig[] {
    return this.env.OIDC_ISSUERS ?? [];
  }
  /** The fewest seconds between two JWKS fetches of one issuer for unknown `kid`s. */
  get oidcJwksRefreshSeconds(): number {
    return this.env.OIDC_JWKS_REFRESH_SECONDS;
  }
  /** The longest a JWT may live (exp − iat). */
  get jwtMaxTtlSeconds(): number {
    return this.env.JWT_MAX_TTL_SECONDS;
  }
  /** Development only: HS256 tokens without exp are accepted (never an auditor's). */
  get jwtAllowNoExp(): boolean {
    return this.env.JWT_ALLOW_NO_EXP;
  }
  get authFailureLimitPerMinute(): number {
    return this.env.AUTH_FAILURE_LIMIT_PER_MINUTE;
  }
  get cursorSecret(): string {
    return this.env.CURSOR_SECRET;
  }
  get exportDir(): string {
    return this.env.EXPORT_DIR;
  }
  /** Where finished export files and event images are kept: EXPORT_DIR, or the S3 bucket. */
  get exportStorage(): ExportStorageKind {
    return this.env.EXPORT_STORAGE;
  }
  /** The S3 store of EXPORT_STORAGE=s3 (endpoint null: AWS's own; credentials null: the SDK's default chain). */
  get s3(): S3Settings {
    const { S3_ACCESS_KEY_ID: accessKeyId, S3_SECRET_ACCESS_KEY: secretAccessKey } = this.env;
    return {
      endpoint: this.env.S3_ENDPOINT ?? null,
      bucket: this.env.S3_BUCKET ?? '',
      region: this.env.S3_REGION,
      credentials: accessKeyId && secretAccessKey ? { accessKeyId, secretAccessKey } : null,
      forcePathStyle: this.env.S3_FORCE_PATH_STYLE,
      presignedDownloads: this.env.S3_PRESIGNED_DOWNLOADS,
    };
  }
  get logLevel(): LogLevel {
    return this.env.LOG_LEVEL;
  }
  /** Log lines for people at a terminal (pino-pretty) rather than JSON. */
  get logPretty(): boolean {
    return this.env.LOG_PRETTY;
  }
  get bodyLimitBytes(): number {
    return this.env.BODY_LIMIT_BYTES;
  }
  /** The Alertmanager webhook's own body limit: its payloads hold up to 5,000 alerts. */
  get ingestBodyLimitBytes(): number {
    return this.env.INGEST_BODY_LIMIT_BYTES;
  }
  /** POST /v1/alerts and the batch's own body limit: an event alert may carry two base64 images. */
  get alertBodyLimitBytes(): number {
    return this.env.ALERT_BODY_LIMIT_BYTES;
  }
  /** The largest event image (decoded) an alert may carry. */
  get alertImageMaxBytes(): number {
    return this.env.ALERT_IMAGE_MAX_BYTES;
  }
  /** The Alertmanager label whose value is an ingested alert's federated `instance`; null: none. */
  get ingestInstanceLabel(): string | null {
    return this.env.INGEST_INSTANCE_LABEL ?? null;
  }
  /** A request's headers and body must have arrived within this many seconds (408 otherwise). */
  get bodyTimeoutSeconds(): number {
    return this.env.BODY_TIMEOUT_SECONDS;
  }
  get maxConnectionsPerClient(): number {
    return this.env.MAX_CONNECTIONS_PER_CLIENT;
  }
  get corsOrigins(): string[] {
    return this.env.CORS_ORIGINS ?? [];
  }
  get rateLimitPerMinute(): number {
    return this.env.RATE_LIMIT_PER_MINUTE;
  }
  get metricsPublic(): boolean {
    return this.env.METRICS_PUBLIC;
  }
  get chromiumPath(): string {
    return this.env.CHROMIUM_PATH;
  }
  get exportsInProcess(): boolean {
    return this.env.EXPORTS_IN_PROCESS;
  }
  get exportTtlSeconds(): number {
    return this.env.EXPORT_TTL_SECONDS;
  }
  get alertUnshelveIntervalSeconds(): number {
    return this.env.ALERT_UNSHELVE_INTERVAL_SECONDS;
  }
  get exportCleanupIntervalSeconds(): number {
    return this.env.EXPORT_CLEANUP_INTERVAL_SECONDS;
  }
  get exportMaxRecords(): number {
    return this.env.EXPORT_MAX_RECORDS;
  }
  get exportStalledSeconds(): number {
    return this.env.EXPORT_STALLED_SECONDS;
  }
  get exportPdfPages(): number {
    return this.env.EXPORT_PDF_PAGES;
  }
  get exportThreads(): number {
    return this.env.EXPORT_THREADS;
  }
  get exportParallelMinRecords(): number {
    return this.env.EXPORT_PARALLEL_MIN_RECORDS;
  }
  get exportPartRecords(): number {
    return this.env.EXPORT_PART_RECORDS;
  }
  /** The most audit events one verification reads (GET /v1/audit-trail/verify continues from next_from_seq). */
  get auditVerifyMaxEvents(): number {
    return this.env.AUDIT_VERIFY_MAX_EVENTS;
  }
  get transparencyLogName(): string {
    return this.env.TRANSPARENCY_LOG_NAME;
  }
  /** The checkpoint signing keys' files, the active one first; empty: no checkpoints are issued. */
  get signingKeyFiles(): string[] {
    return this.env.SIGNING_KEY_FILE ?? [];
  }
  get checkpointIntervalSeconds(): number {
    return this.env.CHECKPOINT_INTERVAL_SECONDS;
  }
  get auditLogCheckIntervalSeconds(): number {
    return this.env.AUDIT_LOG_CHECK_INTERVAL_SECONDS;
  }
  get webhookAllowHttp(): boolean {
    return this.env.WEBHOOK_ALLOW_HTTP;
  }
  get webhookAllowPrivateTargets(): boolean {
    return this.env.WEBHOOK_ALLOW_PRIVATE_TARGETS;
  }
  get webhookTimeoutSeconds(): number {
    return this.env.WEBHOOK_TIMEOUT_SECONDS;
  }
  get webhookDeliveryRetentionDays(): number {
    return this.env.WEBHOOK_DELIVERY_RETENTION_DAYS;
  }
  get webhookMaxAttempts(): number {
    return this.env.WEBHOOK_MAX_ATTEMPTS;
  }
  get webhookRetryBaseMs(): number {
    return this.env.WEBHOOK_RETRY_BASE_MS;
  }
  get webhookDisableAfterSeconds(): number {
    return this.env.WEBHOOK_DISABLE_AFTER_SECONDS;
  }
  get webhookSecretGraceSeconds(): number {
    return this.env.WEBHOOK_SECRET_GRACE_SECONDS;
  }
  get webhookStalledSeconds(): number {
    return this.env.WEBHOOK_STALLED_SECONDS;
  }
  get eventsResumeWindow(): number {
    return this.env.EVENTS_RESUME_WINDOW;
  }
  get eventsHeartbeatSeconds(): number {
    return this.env.EVENTS_HEARTBEAT_SECONDS;
  }
  get eventsMaxBufferedBytes(): number {
    return this.env.EVENTS_MAX_BUFFERED_BYTES;
  }
  /** Cron (UTC) of the daily retention purge; null: never scheduled. */
  get retentionPurgeCron(): string | null {
    return this.env.RETENTION_PURGE_CRON;
  }
}
