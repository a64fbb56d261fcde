import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';

import { DOCS_PATH, FieldViolationSchema, PaginationSchema, ProblemSchema, withDocumentFixes, withQueryEnumDefaults } from '@app/common';

import { forSwaggerUi } from './swagger-ui-document';

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Alert Ledger API')
    .setDescription(
      'History, triage and compliance evidence for security and operations alerts. Every error is an RFC 9457 problem (application/problem+json) whose `type` links to its documentation.',
    )
    .setVersion('1.0.0')
    .addServer('/', 'The server that serves this document: production, staging or local alike')
    .addBearerAuth(
      {
        type: 'http',
        scheme: 'bearer',
        bearerFormat: 'JWT',
        description:
          'A JWT: HS256 with the configured secret (claims sub, tenant_id, scopes), or an access token of a trusted OpenID Connect provider (OIDC_ISSUERS; RS256, PS256, ES256 or EdDSA; the tenant and scopes read from the claims configured for it), verified as RFC8725 (JSON Web Token Best Current Practices) asks: the algorithm is fixed by the key source and never `none`, exp and nbf are checked, iss and aud when configured, or an API key (ak_…) where a client can only send a bearer token, such as Alertmanager’s http_config.authorization',
      },
      'bearer',
    )
    .addApiKey(
      {
        type: 'apiKey',
        in: 'header',
        name: 'X-API-Key',
        description:
          'An API key (ak_…) bound to one tenant and its scopes. Seed 003 (Rhombus) clients may send it as x-auth-apikey instead; X-API-Key wins when both are sent. With `Authorization: Bearer` too, a different X-API-Key is the credential read (the bearer token is not), and an X-API-Key that repeats the bearer token is the same credential sent twice, read once (docs/API-DECISIONS.md)',
      },
      'api_key',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config, {
    extraModels: [ProblemSchema, FieldViolationSchema, PaginationSchema],
    operationIdFactory: (_controller, method) => method,
  });
  // Meant for clients outside the operator's network too (OWASP API9: say who a server is for).
  for (const server of document.servers ?? []) Object.assign(server, { 'x-internal': false });
  return withDocumentFixes(withQueryEnumDefaults(document));
}

/** Swagger UI at /docs (with optional filters empty: forSwaggerUi) and the document at /openapi.json. */
export function serveOpenApi(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  const uiDocument = forSwaggerUi(document);
  SwaggerModule.setup(DOCS_PATH.slice(1), app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
    // Swagger UI's page embeds its document in swagger-ui-init.js; /openapi.json and .yaml stay as built.
    patchDocumentOnRequest: (request, _reply, built) => ((request as { url?: string }).url?.includes('swagger-ui-init.js') ? uiDocument : built),
  });
  return document;
}
