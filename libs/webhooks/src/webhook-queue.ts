import { JobOptions } from 'bull';

/** The webhooks queue: the outbox relay and the api produce, apps/worker consumes. */
export const WEBHOOKS_QUEUE = 'webhooks';

export const WEBHOOK_JOBS = {
  /** The attempts of one delivery (Bull retries it with WEBHOOK_BACKOFF): resends, pings, and a batch's retries. */
  deliver: 'deliver',
  /** The first attempt of up to DELIVERY_BATCH deliveries the relay made for one subscription; each that is to be retried goes on as a `deliver` job. */
  deliverBatch: 'deliver-batch',
} as const;

export interface DeliverWebhookPayload {
  deliveryId: string;
  /** Attempts of this round made before this job (1 when a batch made the first); absent for a fresh round. */
  priorAttempts?: number;
}

export interface DeliverWebhookBatchPayload {
  deliveryIds: string[];
}

/** Deliveries of one subscription per batch job. */
export const DELIVERY_BATCH = 50;

/** The custom backoff strategy's name: the delay the failed attempt computed (Retry-After or exponential with jitter). */
export const WEBHOOK_BACKOFF = 'webhook';

/** A `deliver` job of `maxAttempts` attempts, the first after `delayMs`. */
export function deliveryJobOptions(maxAttempts: number, jobId: string, delayMs = 0): JobOptions {
  return { jobId, attempts: maxAttempts, backoff: { type: WEBHOOK_BACKOFF }, delay: delayMs, removeOnComplete: true, removeOnFail: 1_000 };
}

/** A `deliver-batch` job: retried twice if the database or Redis fails it (the deliveries it already sent are not sent again). */
export function batchJobOptions(jobId: string): JobOptions {
  return { jobId, attempts: 3, backoff: { type: 'exponential', delay: 2_000 }, removeOnComplete: true, removeOnFail: 1_000 };
}

/** The job id of a relay batch, named by its first delivery. */
export function batchJobId(firstDeliveryId: string): string {
  return `batch:${firstDeliveryId}`;
}

/** The job id of the `deliver` job that goes on after a delivery's `attempts`-th attempt (its own id before the first). */
export function deliveryJobId(deliveryId: string, attempts: number): string {
  return attempts === 0 ? deliveryId : `${deliveryId}:${attempts}`;
}

/** How long the retry after `attempt` (1 = the first attempt failed) waits: base × 3^(attempt−1), ±20% jitter, or what Retry-After asked. */
export function retryDelayMs(attempt: number, baseMs: number, retryAfterMs: number | null, random = Math.random): number {
  if (retryAfterMs !== null) return retryAfterMs;
  const exponential = baseMs * 3 ** (attempt - 1);
  return Math.round(exponential * (0.8 + 0.4 * random()));
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now; null when absent or malformed; at most a day. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return null;
  return Math.min(Math.max(ms, 0), 86_400_000);
}
