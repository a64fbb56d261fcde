// A deep import: part threads load this file through export-failures.ts, and the library's barrel would slow their start.
import { SOCKET_CODES } from '@app/common/problem/connection-errors';

/**
 * The object store's failures as a user reads them in an export's error_message, and whether another
 * attempt can help. Plain code without the SDK: describeFailure (loaded by part threads) reads it.
 */
export class ObjectStoreFailure extends Error {
  constructor(
    message: string,
    /** A network fault or the store's 5xx, 408 or 429: a later attempt can succeed. */
    readonly retryable: boolean,
    cause: unknown,
    /** Node's socket error code when the store could not be reached: the api answers such a failure 503 (isConnectionError). */
    readonly code?: string,
  ) {
    super(message, { cause });
    this.name = 'ObjectStoreFailure';
  }
}

/** The store's answers that no retry changes, in words an operator can act on. */
const PERMANENT_ANSWERS: Record<string, string> = {
  NoSuchBucket: 'the bucket does not exist (NoSuchBucket): create it, or correct S3_BUCKET',
  SignatureDoesNotMatch: 'the store refused the credentials (SignatureDoesNotMatch): check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY',
  InvalidAccessKeyId: 'the store does not know the access key (InvalidAccessKeyId): check S3_ACCESS_KEY_ID',
  AccessDenied: 'the store denied access (AccessDenied): the credentials may not write to the bucket',
  InvalidBucketName: 'the bucket name is not valid (InvalidBucketName): correct S3_BUCKET',
};

interface SdkErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** Node's socket error code of a failure, also inside an AggregateError (a name resolving to several addresses). */
function networkCode(error: SdkErrorLike): string | null {
  for (const candidate of [error, ...(Array.isArray(error.errors) ? (error.errors as SdkErrorLike[]) : [])]) {
    if (typeof candidate?.code === 'string' && SOCKET_CODES.has(candidate.code)) return candidate.code;
  }
  if (error.name === 'TimeoutError') return 'ETIMEDOUT';
  // The SDK's retry layer wraps an error of another realm (a test runner's sandbox) in a bare Error that keeps only its text.
  const named = typeof error.message === 'string' ? /\b(E[A-Z_]+)\b/.exec(error.message)?.[1] : undefined;
  return named && SOCKET_CODES.has(named) ? named : null;
}

/** The store's HTTP status of an SDK error, or null when no answer came. */
export function storeStatus(error: unknown): number | null {
  const status = (error as SdkErrorLike | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : null;
}

/** Whether an error is the store's "no such object" (HeadObject answers a bare 404 NotFound). */
export function isMissingObject(error: unknown): boolean {
  const name = (error as SdkErrorLike | null)?.name;
  return name === 'NoSuchKey' || name === 'NotFound' || (storeStatus(error) === 404 && name !== 'NoSuchBucket');
}

/**
 * An SDK error as an ObjectStoreFailure saying what the store (or the network) said, then what was being
 * done where: `the object store is unreachable: ECONNREFUSED (storing t1/exp_1.csv in bucket exports at http://…)`.
 */
export function objectStoreFailure(
  error: unknown,
  doing: 'storing' | 'reading' | 'removing',
  store: { endpoint: string; bucket: string; key: string },
): ObjectStoreFailure {
  if (error instanceof ObjectStoreFailure) return error;
  const sdk = (error ?? {}) as SdkErrorLike;
  const where = ` (${doing} ${store.key} in bucket ${store.bucket} at ${store.endpoint})`;
  const code = networkCode(sdk);
  if (code) return new ObjectStoreFailure(`the object store is unreachable: ${code}${where}`, true, error, code);
  const name = typeof sdk.name === 'string' ? sdk.name : 'Error';
  const status = storeStatus(error);
  if (PERMANENT_ANSWERS[name]) return new ObjectStoreFailure(`${PERMANENT_ANSWERS[name]}${where}`, false, error);
  const message = typeof sdk.message === 'string' && sdk.message && sdk.message !== name ? `: ${sdk.message}` : '';
  const retryable = status === null || status >= 500 || status === 408 || status === 429;
  return new ObjectStoreFailure(`the object store answered ${status ?? 'nothing'} ${name}${message}${where}`, retryable, error);
}
