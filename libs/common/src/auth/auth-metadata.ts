import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const AUTH_METADATA = 'alert-ledger:auth';

/**
 * What a route needs, read by the credentials and scopes guards. Every route declares one: a route
 * without it is refused (fail closed). `openWhen` names a configuration switch that opens the route.
 */
export type AuthRequirement = { public: true } | { public: false; scopes: string[]; openWhen?: 'metricsPublic' };

/** The operation answers without a credential (health, docs, problem pages). */
export function Public(): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(AUTH_METADATA, { public: true } satisfies AuthRequirement), ApiExtension('x-public', true));
}
