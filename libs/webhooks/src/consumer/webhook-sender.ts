import { request as httpRequest, IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { LookupFunction } from 'node:net';

import { parseRetryAfter } from '../webhook-queue';
import { RefusedTargetError, resolveTarget } from '../webhook-targets';

/** How one attempt ended, and whether another may follow. */
export type AttemptOutcome =
  | { kind: 'delivered'; status: number; durationMs: number }
  /** 5xx, 429 (Retry-After honoured), network errors and timeouts: worth another attempt. */
  | { kind: 'retry'; status: number | null; durationMs: number; error: string; retryAfterMs: number | null }
  /** Other 4xx, redirects (never followed), refused addresses: another attempt would end the same way. */
  | { kind: 'give-up'; status: number | null; durationMs: number; error: string };

const RESPONSE_BYTES_READ = 4096;

/**
 * POSTs one delivery. The host is resolved and checked here, at every attempt (SSRF: a private, loopback
 * or link-local address is refused unless allowed), and the connection goes to the address checked, so
 * DNS answering differently a moment later changes nothing. Redirects are not followed, the whole attempt
 * (connect, send, answer) has `timeoutMs`, and at most 4 KiB of the answer is read.
 */
export async function sendWebhook(
  url: string,
  headers: Record<string, string>,
  body: string,
  options: { timeoutMs: number; allowPrivate: boolean },
): Promise<AttemptOutcome> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const target = new URL(url);
  let address: { address: string; family: 4 | 6 };
  try {
    address = await resolveTarget(target.hostname, options.allowPrivate);
  } catch (error) {
    const message = (error as Error).message;
    return error instanceof RefusedTargetError
      ? { kind: 'give-up', status: null, durationMs: elapsed(), error: message }
      : { kind: 'retry', status: null, durationMs: elapsed(), error: `DNS: ${message}`, retryAfterMs: null };
  }
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all)
      (callback as unknown as (error: null, addresses: { address: string; family: number }[]) => void)(null, [address]);
    else callback(null, address.address, address.family);
  };
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<AttemptOutcome>((resolve) => {
    const request = send(target, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'user-agent': 'AlertLedger-Webhooks/1' },
      lookup: pinned,
      timeout: options.timeoutMs,
      agent: false,
    });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${options.timeoutMs / 1000} s`)), options.timeoutMs);
    const finish = (outcome: AttemptOutcome) => {
      clearTimeout(timer);
      resolve(outcome);
    };
    request.on('timeout', () => request.destroy(new Error(`no answer within ${options.timeoutMs / 1000} s`)));
    request.on('error', (error) => finish({ kind: 'retry', status: null, durationMs: elapsed(), error: (error as Error).message, retryAfterMs: null }));
    request.on('response', (response: IncomingMessage) => {
      let read = 0;
      response.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > RESPONSE_BYTES_READ) response.destroy();
      });
      const done = () => finish(classify(response, elapsed()));
      response.on('end', done);
      response.on('close', done);
      response.on('error', done);
    });
    request.end(body);
  });
}

function classify(response: IncomingMessage, durationMs: number): AttemptOutcome {
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300) return { kind: 'delivered', status, durationMs };
  if (status >= 300 && status < 400)
    return { kind: 'give-up', status, durationMs, error: `answered ${status} (a redirect, which is not followed: point the webhook at the final URL)` };
  if (status === 429 || status >= 500) {
    const retryAfter = response.headers['retry-after'];
    return {
      kind: 'retry',
      status,
      durationMs,
      error: `answered ${status}`,
      retryAfterMs: parseRetryAfter(Array.isArray(retryAfter) ? retryAfter[0] : retryAfter),
    };
  }
  return { kind: 'give-up', status, durationMs, error: `answered ${status}` };
}
