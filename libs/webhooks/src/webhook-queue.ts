import { JobOptions } from 'bull';

/** The webhooks queue: the outbox relay and the api produce, apps/worker consumes. */
export const WEBHOOKS_QUEUE = 'webhooks';

export const WEBHOOK_JOBS = {
  /** One attempt of one delivery (Bull retries it with WEBHOOK_BACKOFF). */
  deliver: 'deliver',
} as const;

export interface DeliverWebhookPayload {
  deliveryId: string;
}

/** The custom backoff strategy's name: the delay the failed attempt computed (Retry-After or exponential with jitter). */
export const WEBHOOK_BACKOFF = 'webhook';

export function deliveryJobOptions(maxAttempts: number, jobId: string): JobOptions {
  return { jobId, attempts: maxAttempts, backoff: { type: WEBHOOK_BACKOFF }, removeOnComplete: true, removeOnFail: 1_000 };
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
