import type { FastifyRequest } from 'fastify';

import { addRouteConfig, routeConfigEntry } from '@app/common';

const QUERY_CREDENTIAL = 'queryCredential';
export const ACCESS_TOKEN_PARAMETER = 'access_token';

/**
 * Lets a route take its credential (a JWT or an `ak_` key) from `?access_token=` when no header carries
 * one: the browser's EventSource cannot send headers. Only the routes that say so; a token in a URL can
 * end up in proxies' logs, so a console should hand a short-lived JWT to it (docs/API-DECISIONS.md).
 * The route's query DTO declares `access_token` (the known-query check refuses undeclared parameters).
 */
export function QueryCredential(): MethodDecorator {
  return addRouteConfig({ [QUERY_CREDENTIAL]: true });
}

/** The `?access_token=` of a route that takes one, or undefined. */
export function queryCredential(request: FastifyRequest): string | undefined {
  if (routeConfigEntry<boolean>(request.routeOptions.config, QUERY_CREDENTIAL) !== true) return undefined;
  const token = (request.query as Record<string, unknown> | undefined)?.[ACCESS_TOKEN_PARAMETER];
  return typeof token === 'string' ? token : undefined;
}
