/**
 * Whether an error means that a dependency's connection is gone or cannot be had in time (PostgreSQL
 * restarted, failed over, ended the session or is saturated; Redis down), as opposed to a fault of the
 * request or of our code.
 * Such a request answers 503 with Retry-After: retrying it later can succeed. Recognised here, once:
 * pg's and Prisma's errors (through the pg driver adapter), Node's socket errors and ioredis's.
 */

/** SQLSTATEs of a lost or refused PostgreSQL connection: class 08, the server shutting down (57P01–57P03), too many connections. */
const CONNECTION_SQLSTATE = /^(08[0-9A-Z]{3}|57P0[1-3]|53300)$/;

/**
 * Prisma's codes for an unreachable database and a closed connection. Its codes for more work than
 * connections and time (P2024, P2028, P2037) are overload, mapped beside this to 503 `overloaded`.
 */
const PRISMA_CONNECTION_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017']);

/** The pg driver adapter's kinds of connection failure (meta.driverAdapterError.cause.kind). */
const ADAPTER_CONNECTION_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'DatabaseDoesNotExist',
  'TlsConnectionError',
]);

/** Node's codes for a peer that cannot be reached or dropped the connection (a database, Redis, an object store). */
export const SOCKET_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/** Messages of pg, pg-pool and ioredis that carry no code. */
const CONNECTION_MESSAGES = [
  /^Connection terminated/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
  /^timeout exceeded when trying to connect/,
  /^Connection is closed\.?$/,
  /^Stream isn't writeable/,
  /^Reached the max retries per request limit/,
];

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { kind?: unknown; code?: unknown; originalCode?: unknown } } };
}

function isLost(error: ErrorLike): boolean {
  const code = typeof error.code === 'string' ? error.code : '';
  if (CONNECTION_SQLSTATE.test(code) || SOCKET_CODES.has(code)) return true;
  if (PRISMA_CONNECTION_CODES.has(code) && typeof error.name === 'string' && error.name.startsWith('PrismaClient')) return true;
  if (error.name === 'PrismaClientInitializationError' || error.name === 'MaxRetriesPerRequestError') return true;
  const adapter = error.meta?.driverAdapterError?.cause;
  if (adapter) {
    if (typeof adapter.kind === 'string' && ADAPTER_CONNECTION_KINDS.has(adapter.kind)) return true;
    const sqlstate = adapter.originalCode ?? adapter.code;
    if (typeof sqlstate === 'string' && CONNECTION_SQLSTATE.test(sqlstate)) return true;
  }
  const message = typeof error.message === 'string' ? error.message : '';
  return CONNECTION_MESSAGES.some((pattern) => pattern.test(message));
}

export function isConnectionError(error: unknown): boolean {
  // Follow `cause` a few levels: Prisma and our own wrappers keep the driver's error there.
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    if (isLost(current as ErrorLike)) return true;
    current = (current as ErrorLike).cause;
  }
  return false;
}

/** Seconds a client is asked to wait after a lost connection: pools reconnect on the next request. */
export const CONNECTION_RETRY_AFTER_SECONDS = 2;
