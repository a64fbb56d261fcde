import helmet, { FastifyHelmetOptions } from '@fastify/helmet';
import { NestFastifyApplication } from '@nestjs/platform-fastify';

/** Where Swagger UI is served (its page and assets). */
export const DOCS_PATH = '/docs';

/**
 * Security headers on every response through @fastify/helmet: helmet's defaults, with inline scripts
 * allowed so that Swagger UI (/docs) can run its bootstrap.
 */
export const HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: { directives: { 'script-src': ["'self'", "'unsafe-inline'"] } },
};

/**
 * Swagger UI's: the same, without `upgrade-insecure-requests`. Served over plain HTTP on any host but
 * localhost, that directive moved the page's scripts and styles to https, which nothing answered, and
 * the page stayed blank. Every other route keeps the strict policy above.
 */
export const DOCS_HELMET_OPTIONS: FastifyHelmetOptions = {
  contentSecurityPolicy: { directives: { 'script-src': ["'self'", "'unsafe-inline'"], 'upgrade-insecure-requests': null } },
};

export function isDocsUrl(url: string): boolean {
  return url.startsWith(DOCS_PATH) && (url.length === DOCS_PATH.length || '/?#'.includes(url[DOCS_PATH.length]));
}

/** Registers @fastify/helmet before any route exists, the docs routes with their own policy. */
export async function installSecurityHeaders(app: NestFastifyApplication): Promise<void> {
  const fastify = app.getHttpAdapter().getInstance();
  // Runs before helmet's own onRoute hook, which reads `helmet` from the route's options.
  fastify.addHook('onRoute', (route) => {
    if (isDocsUrl(route.url)) (route as { helmet?: FastifyHelmetOptions }).helmet = DOCS_HELMET_OPTIONS;
  });
  await app.register(helmet as unknown as Parameters<NestFastifyApplication['register']>[0], HELMET_OPTIONS);
}
