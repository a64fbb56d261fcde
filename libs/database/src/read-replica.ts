import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Pool } from 'pg';

import { isConnectionError, MetricsService } from '@app/common';
import { AppConfig } from '@app/config';

import { resilientPool } from './pg-connection';
import { PG_TYPES } from './pg-types';

/** How the replica stands: serving reads, too far behind (its reads go to the primary), or not answering as a replica. */
export type ReplicaState = 'up' | 'lagging' | 'down';

/**
 * Why a read that could have gone to the replica went to the primary: the replica was too far behind, did
 * not answer, had no free connection (`busy`), or failed the statement (`error`: a recovery conflict, a
 * migration it has not replayed yet).
 */
export type FallbackReason = 'lagging' | 'down' | 'busy' | 'error';

/** How often each process measures the replica's lag. */
export const LAG_CHECK_INTERVAL_MS = 1_000;

/** How often a job that waits for the replica to replay its own writes asks again. */
const REPLAY_POLL_MS = 50;

/** How long one lag check's statement may take before the server counts as not answering. */
const CHECK_TIMEOUT_MS = 3_000;

/** pg-pool's answer when every connection of the pool is in use past its wait: the server may be fine. */
const POOL_EXHAUSTED = /^timeout exceeded when trying to connect/;

/** What identifies the data a server holds: its cluster (pg_control_system) and the database. */
interface Identity {
  system: string | null;
  database: string;
}

const IDENTITY_SQL = `SELECT current_database() AS database,
  CASE WHEN has_function_privilege('pg_control_system()', 'execute') THEN (pg_control_system()).system_identifier::text END AS system`;

/** A pg_lsn ('16/B374D848') as a number that orders as the WAL does. */
export function lsnValue(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

/** The primary's WAL position at one moment. */
interface Sample {
  at: number;
  lsn: bigint;
}

/**
 * When the primary last stood where the replica stands now: the newest sample of the primary's WAL position
 * that the replica has replayed (every sample is taken before the replica is asked). The replica then holds
 * every transaction the primary had committed by that moment, so `now - caughtUpAt` bounds how stale its
 * reads are. Unlike `now() - pg_last_xact_replay_timestamp()`, this does not grow while the primary is idle.
 * Null: the replica is behind every sample kept.
 */
export function caughtUpAt(samples: readonly Sample[], replayed: bigint): number | null {
  for (let i = samples.length - 1; i >= 0; i--) if (samples[i].lsn <= replayed) return samples[i].at;
  return null;
}

/**
 * The streaming replica of DATABASE_READ_URL, when there is one: its pool, and how far it is behind.
 * Every second the process samples the primary's WAL position (`pg_current_wal_lsn()`, on a connection of
 * its own) and then the replica's replayed position (`pg_last_wal_replay_lsn()`); the replica is `up`
 * while it has replayed what the primary had written at most READ_MAX_LAG_SECONDS ago, `lagging` when it
 * is further behind, and `down` when it does not answer, or answers as a primary (promoted, or the
 * wrong server: another cluster, or another database). Reads that may lag use it only while it is `up`
 * (PlainSql.read); the others are counted by reason in alert_ledger_replica_fallback_reads_total, and
 * /health/ready reports its state. The measured lag is up to one check interval above the real one (the
 * newest sample the replica has replayed may be a second old), so READ_MAX_LAG_SECONDS starts at 2.
 */
@Injectable()
export class ReadReplica implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(ReadReplica.name);
  /** The replica's pool; null without DATABASE_READ_URL. */
  readonly pool: Pool | null;
  readonly url: string | null;
  /** One connection to the primary for its WAL position. */
  private readonly probe: Pool | null;
  /** One connection to the replica for its replayed position: the checks never wait behind the reads. */
  private readonly replicaProbe: Pool | null;
  private primaryIdentity: Identity | null = null;
  /** Why the server of DATABASE_READ_URL answers but is not used (logged once, until the reason changes). */
  private refusal: string | null = null;
  private samples: Sample[] = [];
  private replicaAnswered = false;
  /** Counts the losses: a check that started before the last one does not bring the replica back. */
  private losses = 0;
  private caughtUp: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private checking: Promise<void> | null = null;
  private readonly maxLagMs: number;
  private readonly reads;
  private readonly fallbacks;

  constructor(config: AppConfig, metrics: MetricsService) {
    this.url = config.databaseReadUrl;
    this.maxLagMs = config.readMaxLagSeconds * 1000;
    this.pool = this.url ? resilientPool({ connectionString: this.url, max: config.databasePoolSize, types: PG_TYPES, keepAlive: true }) : null;
    const probe = { max: 1, query_timeout: CHECK_TIMEOUT_MS, keepAlive: true };
    this.probe = this.url ? resilientPool({ connectionString: config.databaseUrl, ...probe }) : null;
    this.replicaProbe = this.url ? resilientPool({ connectionString: this.url, ...probe }) : null;
    this.reads = metrics.counter({
      name: 'alert_ledger_database_reads_total',
      help: 'Reads that may lag (alert lists, details, statistics, exports) by the server that answered them: replica or primary',
      labelNames: ['server'] as const,
    });
    this.fallbacks = metrics.counter({
      name: 'alert_ledger_replica_fallback_reads_total',
      help: 'Reads that went to the primary instead of the read replica: it was more than READ_MAX_LAG_SECONDS behind (lagging), did not answer (down), had no free connection (busy) or failed the statement (error)',
      labelNames: ['reason'] as const,
    });
    if (!this.url) return;
    const lagSeconds = () => this.lagSeconds() ?? Number.NaN;
    metrics.gauge({
      name: 'alert_ledger_replica_lag_seconds',
      help: 'How far the read replica is behind the primary: seconds since the primary stood where the replica stands (NaN while it is down)',
      collect() {
        this.set(lagSeconds());
      },
    });
  }

  get configured(): boolean {
    return this.pool !== null;
  }

  /** Starts the checks; the first is awaited (a few seconds at most), so that a process starts with the replica's state known. */
  async onModuleInit(): Promise<void> {
    if (!this.configured) return;
    this.timer = setInterval(() => void this.check(), LAG_CHECK_INTERVAL_MS);
    this.timer.unref();
    await this.check();
  }

  /** Seconds since the primary stood where the replica stands; null while it does not answer as a replica. */
  lagSeconds(): number | null {
    if (!this.replicaAnswered) return null;
    return this.caughtUp === null ? Number.POSITIVE_INFINITY : Math.max(0, Date.now() - this.caughtUp) / 1000;
  }

  state(): ReplicaState {
    const lag = this.lagSeconds();
    if (lag === null) return 'down';
    return lag * 1000 <= this.maxLagMs ? 'up' : 'lagging';
  }

  /** The replica's pool for a read that may lag, or null (counted) when it should go to the primary. */
  poolForRead(): Pool | null {
    if (!this.pool) return null;
    const state = this.state();
    if (state === 'up') return this.pool;
    this.fellBack(state);
    return null;
  }

  /** A read answered by `server` (alert_ledger_database_reads_total). */
  answered(server: 'replica' | 'primary'): void {
    this.reads.inc({ server });
  }

  /** A read that went to the primary instead of the replica. */
  fellBack(reason: FallbackReason): void {
    this.fallbacks.inc({ reason });
  }

  /**
   * A replica read failed: for want of its server, the replica counts as down until a check finds it
   * again; for want of a free connection (`busy`) or with a statement error, only that read went to the primary.
   */
  failed(error: unknown): FallbackReason {
    if (error instanceof Error && POOL_EXHAUSTED.test(error.message)) return 'busy';
    if (!isConnectionError(error)) return 'error';
    this.lost(error);
    return 'down';
  }

  private lost(error: unknown): void {
    if (this.replicaAnswered) this.logger.warn(`read replica lost (${error instanceof Error ? error.message : String(error)}): reads go to the primary`);
    this.replicaAnswered = false;
    this.losses++;
  }

  /**
   * Waits until the replica has replayed everything the primary had written when this was called, for a
   * read that must see writes made before it (an export sees the alerts sent before it was asked for).
   * False, at once or after READ_MAX_LAG_SECONDS, when it cannot: that read goes to the primary.
   */
  async caughtUpWithPrimary(): Promise<boolean> {
    // Already too far behind: it would not catch up within the wait.
    if (!this.pool || !this.probe || this.state() !== 'up') return false;
    try {
      const target = await this.primaryPosition();
      const deadline = Date.now() + this.maxLagMs;
      for (;;) {
        const replayed = await this.replayedPosition();
        if (replayed === null) return false;
        if (replayed >= target) return true;
        if (Date.now() >= deadline) return false;
        await new Promise((done) => setTimeout(done, REPLAY_POLL_MS));
      }
    } catch (error) {
      this.lost(error);
      return false;
    }
  }

  /** Measures the lag once (each LAG_CHECK_INTERVAL_MS; a check still running is not started again). */
  check(): Promise<void> {
    this.checking ??= this.measure().finally(() => (this.checking = null));
    return this.checking;
  }

  private async measure(): Promise<void> {
    const losses = this.losses;
    const wasUp = this.state() === 'up';
    try {
      this.samples.push({ at: Date.now(), lsn: await this.primaryPosition() });
    } catch {
      // Without the primary's position the lag is not measured: it grows from the last one, and past
      // READ_MAX_LAG_SECONDS the reads go to the primary, which answers for itself.
    }
    const keepFrom = Date.now() - 2 * this.maxLagMs - LAG_CHECK_INTERVAL_MS;
    while (this.samples.length > 1 && this.samples[0].at < keepFrom) this.samples.shift();
    try {
      const otherData = await this.otherData();
      const replayed = otherData ? null : await this.replayedPosition();
      if (losses !== this.losses) return; // a read lost the replica meanwhile: the next check decides
      this.refuse(otherData ?? (replayed === null ? 'the server is not in recovery (a primary, not a streaming replica)' : null));
      this.replicaAnswered = replayed !== null;
      if (replayed !== null) {
        const at = caughtUpAt(this.samples, replayed);
        if (at !== null || this.caughtUp === null) this.caughtUp = at;
      }
      if (wasUp !== (this.state() === 'up')) this.logger.log(`read replica ${this.state()}`);
    } catch (error) {
      this.lost(error);
    }
  }

  private async primaryPosition(): Promise<bigint> {
    const { rows } = await (this.probe as Pool).query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn');
    return lsnValue(rows[0].lsn);
  }

  /**
   * Why the replica does not hold the primary's database, or null when it does: the same database name, and
   * the same cluster where both let us read its identifier. A standby of another cluster, or another
   * database of the right one, would answer reads from other data, with a lag that means nothing.
   */
  private async otherData(): Promise<string | null> {
    this.primaryIdentity ??= await identityOf(this.probe as Pool);
    const replica = await identityOf(this.replicaProbe as Pool);
    const primary = this.primaryIdentity;
    const same = replica.database === primary.database && (replica.system === null || primary.system === null || replica.system === primary.system);
    return same ? null : `it holds ${JSON.stringify(replica)}, not the primary's ${JSON.stringify(primary)}`;
  }

  private refuse(reason: string | null): void {
    if (reason && reason !== this.refusal) this.logger.error(`DATABASE_READ_URL is not used: ${reason}`);
    this.refusal = reason;
  }

  /** The replica's replayed WAL position; null when the server is not in recovery (not a replica). */
  private async replayedPosition(): Promise<bigint | null> {
    const { rows } = await (this.replicaProbe as Pool).query<{ lsn: string | null }>(
      'SELECT CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()::text END AS lsn',
    );
    return rows[0].lsn === null ? null : lsnValue(rows[0].lsn);
  }

  async onModuleDestroy(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    // A check's statements time out after CHECK_TIMEOUT_MS; shutdown does not wait longer for a silent server.
    await Promise.race([this.checking?.catch(() => undefined), new Promise((done) => setTimeout(done, CHECK_TIMEOUT_MS).unref())]);
    await Promise.all([this.pool?.end(), this.probe?.end(), this.replicaProbe?.end()]);
  }
}

async function identityOf(pool: Pool): Promise<Identity> {
  const { rows } = await pool.query<Identity>(IDENTITY_SQL);
  return rows[0];
}
