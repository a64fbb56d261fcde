import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

import { JsonLogger } from '../logging/json-logger';
import { RequestContext, RequestContextStore } from '../trace/request-context';
import { acceptRequestId, continueTrace, formatTraceparent } from '../trace/trace-context';
import { MetricsService } from './metrics.service';
import { RouteIndex } from './route-index';
import { securityHeadersFor } from './security-headers';
import './request-state';

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Makes the request's trace context and echoes X-Request-Id and traceparent on its reply. */
export function startRequestContext(request: FastifyRequest, reply: FastifyReply): RequestContext {
  const context: RequestContext = {
    requestId: acceptRequestId(header(request, 'x-request-id')),
    method: request.method,
    trace: continueTrace(header(request, 'traceparent')),
    startedAt: process.hrtime.bigint(),
    ip: request.ip,
    userAgent: header(request, 'user-agent')?.slice(0, 500),
  };
  request.context = context;
  void reply.headers(securityHeadersFor(request.url)).header('x-request-id', context.requestId).header('traceparent', formatTraceparent(context.trace));
  return context;
}

export interface HttpHookDependencies {
  logger: JsonLogger;
  metrics: MetricsService;
  routes: RouteIndex;
}

/**
 * Request plumbing shared by the api and the worker's health server: every route is indexed (for 405),
 * every request gets a context that all its log lines carry, and its response is logged and counted.
 */
export function installHttpHooks(fastify: FastifyInstance, { logger, metrics, routes }: HttpHookDependencies): void {
  fastify.decorateRequest('context', null as unknown as RequestContext);
  fastify.addHook('onRoute', (route) => routes.add(route.method, route.url));
  fastify.addHook('onRequest', (request, reply, done) => {
    const context = startRequestContext(request, reply);
    RequestContextStore.run(context, done);
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const context = request.context;
    const seconds = context ? Number(process.hrtime.bigint() - context.startedAt) / 1e9 : 0;
    const route = request.routeOptions?.url ?? 'unmatched';
    RequestContextStore.run(context, () => {
      logger.request({
        method: request.method,
        route,
        url: request.url,
        status: reply.statusCode,
        duration_ms: Math.round(seconds * 1e4) / 10,
        principal: context?.principal?.credentialId,
        ...(logger.enabled('debug') ? { headers: request.headers } : {}),
      });
    });
    metrics.observeRequest(request.method, route, reply.statusCode, seconds);
    done();
  });
}
