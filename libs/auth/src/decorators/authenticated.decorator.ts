import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiExtension, ApiResponse, ApiSecurity, getSchemaPath } from '@nestjs/swagger';

import { AUTH_METADATA, AuthRequirement, ProblemSchema } from '@app/common';

import { Scope } from '../scopes';

function problem(status: number, description: string): MethodDecorator & ClassDecorator {
  return ApiResponse({ status, description, content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemSchema) } } } });
}

/**
 * The operation needs a credential (Bearer JWT or X-API-Key) holding every scope listed (`admin` holds
 * them all). Documents both security schemes, the scopes (`x-required-scopes`) and 401/403/429.
 */
export function Authenticated(options: { scopes: Scope[] }): MethodDecorator & ClassDecorator {
  const scopes = options.scopes.length ? options.scopes.join(', ') : 'any valid credential';
  return applyDecorators(
    SetMetadata(AUTH_METADATA, { public: false, scopes: options.scopes } satisfies AuthRequirement),
    ApiBearerAuth('bearer'),
    ApiSecurity('api_key'),
    ApiExtension('x-required-scopes', options.scopes),
    problem(401, 'No valid credential (each cause has its own problem type, docs/ERRORS.md)'),
    problem(403, `A scope is missing. Needs: ${scopes}`),
    problem(429, 'Rate limit reached; see Retry-After'),
  );
}
