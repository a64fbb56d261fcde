import type { Queue } from 'bull';

/** How long a request waits for a queue operation before it answers 503 (Bull would otherwise wait for Redis to return). */
const QUEUE_CALL_TIMEOUT_MS = 3_000;

function unavailable(message: string, code: string): Error {
  // A socket error code, so that the central problem mapping answers 503 with Retry-After.
  return Object.assign(new Error(message), { code });
}

/** Throws at once when the queue's Redis connection is down (reconnecting), before a request changes anything. */
export function assertQueueConnected(queue: Queue): void {
  const status = queue.client.status;
  // Connecting is fine at start; after a lost connection (ioredis counts its retries until the next ready)
  // it is an attempt against a Redis that was down a moment ago: refuse before anything is written.
  const reconnecting = (queue.client as unknown as { retryAttempts?: number }).retryAttempts ?? 0;
  const starting = (status === 'connecting' || status === 'connect') && reconnecting === 0;
  if (status !== 'ready' && status !== 'wait' && !starting) {
    throw unavailable(`Redis unavailable (queue ${queue.name}: ${status})`, 'ECONNREFUSED');
  }
}

/**
 * Runs a Bull call against a queue whose Redis may be down: refused at once when the queue's connection
 * is not up, and failed after `timeoutMs` otherwise, instead of waiting until Redis comes back.
 */
export async function queueCall<T>(queue: Queue, call: () => Promise<T>, timeoutMs = QUEUE_CALL_TIMEOUT_MS): Promise<T> {
  assertQueueConnected(queue);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(unavailable(`Redis did not answer within ${timeoutMs} ms (queue ${queue.name})`, 'ETIMEDOUT')), timeoutMs);
  });
  try {
    return await Promise.race([call(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Calls `work` each time the queue's Redis connection becomes ready again (after the first time): a Redis
 * that comes back empty has lost every repeatable schedule, which its owner then writes again. Answers
 * the function that stops listening.
 */
export function onQueueReconnect(queue: Queue, work: () => Promise<unknown>, onError: (error: Error) => void): () => void {
  const listener = (): void => {
    work().catch(onError);
  };
  queue.client.on('ready', listener);
  return () => queue.client.off('ready', listener);
}
