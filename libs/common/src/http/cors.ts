import cors from '@fastify/cors';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';

import { AppConfig } from '@app/config';

import { RouteIndex } from './route-index';

/** Every method a route of ours answers; a preflight allows them all. */
const CORS_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/**
 * Response headers a console reads besides the CORS-safelisted ones (Content-Type, Content-Length, …):
 * versions and links of what it changed, request and trace ids, rate limits, downloads and problems.
 */
const CORS_EXPOSED_HEADERS = [
  'ETag',
  'Location',
  'X-Request-Id',
  'traceparent',
  'RateLimit-Limit',
  'RateLimit-Remaining',
  'RateLimit-Reset',
  'Retry-After',
  'Content-Disposition',
  'Content-Language',
  'Content-Range',
  'Accept-Ranges',
  'Repr-Digest',
  'Idempotent-Replayed',
  'Alert-Duplicate',
  'WWW-Authenticate',
  'Allow',
];

/** How long a browser may cache a preflight (Chromium caps it at 2 hours). */
const PREFLIGHT_MAX_AGE_SECONDS = 600;

/**
 * CORS for the configured origins, and an answer to every OPTIONS request.
 *
 * A listed origin gets `Access-Control-Allow-Origin` on every response and its preflights allow every
 * method we serve and whatever request headers it asks for (Authorization, X-API-Key, If-Match,
 * Idempotency-Key, traceparent, … and the headers of tracing SDKs that a fixed list would refuse). An
 * origin not listed gets no CORS header at all, so its browser refuses the answer. The CORS plugin answers
 * a listed origin's OPTIONS (every OPTIONS with `*`) itself, 204 without `Allow`; any other OPTIONS request
 * (no CORS configured, an origin not listed, no Origin) is 204 with `Allow` when the path exists, and the
 * usual 404 when it does not: OPTIONS is never a 405 (docs/API-DECISIONS.md).
 */
export async function installCors(app: NestFastifyApplication, config: AppConfig, routes: RouteIndex): Promise<void> {
  // The CORS hook only when origins are configured: it would otherwise run on every request for nothing.
  if (config.corsOrigins.length) {
    const any = config.corsOrigins.includes('*');
    const listed = new Set(config.corsOrigins);
    await app.register(cors as never, {
      // false (not listed): the plugin adds no CORS header and lets the request go on, to the OPTIONS hook below.
      origin: any
        ? '*'
        : (origin: string | undefined, done: (error: null, allowed: string | false) => void) =>
            done(null, origin !== undefined && listed.has(origin) ? origin : false),
      methods: CORS_METHODS,
      exposedHeaders: CORS_EXPOSED_HEADERS,
      maxAge: PREFLIGHT_MAX_AGE_SECONDS,
      // A listed origin's OPTIONS without Access-Control-Request-Method is answered as a preflight, not with a text/plain 400.
      strictPreflight: false,
    });
  }
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRequest', (request, reply, done) => {
      if (request.method !== 'OPTIONS') return done();
      const allowed = routes.allowedMethods(request.url);
      if (!allowed.length) return done();
      void reply
        .code(204)
        .header('allow', [...allowed, 'OPTIONS'].join(', '))
        .send();
    });
}
