/**
 * Security headers on every response: helmet's defaults, as a constant. @fastify/helmet computed them
 * per request and halved the requests/s of the whole stack (docs/BENCHMARKS.md); they never change.
 * The CSP lets Swagger UI (/docs) run its inline bootstrap.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self';base-uri 'self';font-src 'self' https: data:;form-action 'self';frame-ancestors 'self';img-src 'self' data:;object-src 'none';script-src 'self' 'unsafe-inline';script-src-attr 'none';style-src 'self' https: 'unsafe-inline';upgrade-insecure-requests",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'SAMEORIGIN',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};

/** Where Swagger UI is served (its page and assets). */
export const DOCS_PATH = '/docs';

/**
 * Swagger UI's: the same, without `upgrade-insecure-requests`. Served over plain HTTP on any host but
 * localhost, that directive moved the page's scripts and styles to https, which nothing answered, and
 * the page stayed blank. Everything else keeps the strict policy above.
 */
export const DOCS_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  ...SECURITY_HEADERS,
  'content-security-policy': SECURITY_HEADERS['content-security-policy'].replace(';upgrade-insecure-requests', ''),
};

/** The security headers of a request's answer, by its URL. */
export function securityHeadersFor(url: string): Readonly<Record<string, string>> {
  const isDocs = url.startsWith(DOCS_PATH) && (url.length === DOCS_PATH.length || '/?#'.includes(url[DOCS_PATH.length]));
  return isDocs ? DOCS_SECURITY_HEADERS : SECURITY_HEADERS;
}
