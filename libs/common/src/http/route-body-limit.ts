import type { FastifyInstance } from 'fastify';

import type { AppConfig } from '@app/config';

import { addRouteConfig, routeConfigEntry } from './route-config';

/** The AppConfig getters that hold a route's own body limit. */
export type BodyLimitSetting = 'ingestBodyLimitBytes' | 'alertBodyLimitBytes';

const BODY_LIMIT_SETTING = 'bodyLimitSetting';

/**
 * Gives a route its own body limit instead of BODY_LIMIT_BYTES: the configuration value named, set as
 * Fastify's per-route `bodyLimit` when the route is registered (installRouteBodyLimits). Nest's Fastify
 * adapter passes only `config`, `constraints` and `schema` through to a route, so the setting travels in
 * the route's `config` (addRouteConfig) and an onRoute hook turns it into the limit.
 */
export function BodyLimit(setting: BodyLimitSetting): MethodDecorator {
  return addRouteConfig({ [BODY_LIMIT_SETTING]: setting });
}

export function installRouteBodyLimits(fastify: FastifyInstance, config: AppConfig): void {
  fastify.addHook('onRoute', (route) => {
    const setting = routeConfigEntry<BodyLimitSetting>(route.config, BODY_LIMIT_SETTING);
    if (setting) route.bodyLimit = config[setting];
  });
}
