import type { IncomingMessage, ServerResponse } from 'node:http';

import helmet, { HelmetOptions } from 'helmet';

/** Where Swagger UI is served (its page and assets). */
export const DOCS_PATH = '/docs';

/** helmet's defaults, with inline scripts allowed so that Swagger UI (/docs) can run its bootstrap. */
export const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { directives: { 'script-src': ["'self'", "'unsafe-inline'"] } },
};

/**
 * Swagger UI's: the same, without `upgrade-insecure-requests`. Served over plain HTTP on any host but
 * localhost, that directive moved the page's scripts and styles to https, which nothing answered, and
 * the page stayed blank. Every other route keeps the strict policy above.
 */
export const DOCS_HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { directives: { 'script-src': ["'self'", "'unsafe-inline'"], 'upgrade-insecure-requests': null } },
};

/**
 * The headers helmet sets for `options`, computed once. helmet (as @fastify/helmet runs it) builds its
 * middleware, the CSP string included, on every request: that halved the stack's requests/s
 * (docs/BENCHMARKS.md), for headers that never change. helmet stays the source of the policy.
 */
export function helmetHeaders(options: HelmetOptions): Readonly<Record<string, string>> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => (headers[name.toLowerCase()] = String(value)),
    removeHeader: (name: string) => delete headers[name.toLowerCase()],
  };
  helmet(options)({} as IncomingMessage, response as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return Object.freeze(headers);
}

export const SECURITY_HEADERS = helmetHeaders(HELMET_OPTIONS);
export const DOCS_SECURITY_HEADERS = helmetHeaders(DOCS_HELMET_OPTIONS);

/** The security headers of a request's answer, by its URL. */
export function securityHeadersFor(url: string): Readonly<Record<string, string>> {
  const isDocs = url.startsWith(DOCS_PATH) && (url.length === DOCS_PATH.length || '/?#'.includes(url[DOCS_PATH.length]));
  return isDocs ? DOCS_SECURITY_HEADERS : SECURITY_HEADERS;
}
