import type { EventEmitter } from 'node:events';

import { Pool, PoolConfig } from 'pg';

/**
 * A pg connection may be ended by the server at any moment (a restart, a failover, a pooler restart,
 * pg_terminate_backend, an idle-session timeout). pg reports that as an 'error' event on the Client when
 * no query is running, and an 'error' event without a listener ends the process. Every Client we hold
 * (a pool's checked-out client, a dedicated one) is watched with this; the query that uses the dead
 * connection next fails with a connection error, which the caller handles (503, a retried job).
 */
export function watchConnection(client: EventEmitter): { lost(): Error | undefined; stop(): void } {
  let lost: Error | undefined;
  const onError = (error: Error): void => {
    lost ??= error;
  };
  client.on('error', onError);
  return { lost: () => lost, stop: () => client.off('error', onError) };
}

/** How long a pool waits for a new connection before the request fails (and answers 503) rather than hanging. */
export const CONNECT_TIMEOUT_MS = 5_000;

/**
 * A pg pool whose connection errors can never end the process. pg-pool listens on idle clients only:
 * between handing a client out and the borrower's own listener (a promise's continuation, Prisma's
 * transactions) a FATAL message read in the same chunk as the last answer (pg_terminate_backend) would be
 * an 'error' event without a listener. Every client gets a listener of its own when it connects; the
 * borrower's next query fails with a connection error, and pg-pool drops the client on release.
 */
export function resilientPool(config: PoolConfig): Pool {
  const pool = new Pool({ connectionTimeoutMillis: CONNECT_TIMEOUT_MS, ...config });
  pool.on('error', () => undefined); // an idle client's error: pg-pool has already removed it
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
