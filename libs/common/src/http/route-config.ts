import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';

/**
 * Adds entries to a route's Fastify `config` (what Nest's adapter passes to a route), keeping those other
 * decorators set: Nest's own @RouteConfig replaces the whole object, so two settings could not meet.
 */
export function addRouteConfig(entries: Record<string, unknown>): MethodDecorator {
  return (_target, _key, descriptor) => {
    const current = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, descriptor.value as object) ?? {}) as Record<string, unknown>;
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...current, ...entries }, descriptor.value as object);
    return descriptor;
  };
}

/** A route's config entry, as addRouteConfig put it there. */
export function routeConfigEntry<T>(config: unknown, key: string): T | undefined {
  return (config as Record<string, unknown> | undefined)?.[key] as T | undefined;
}
