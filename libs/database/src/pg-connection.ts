import type { EventEmitter } from 'node:events';

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
