import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';

import { AuditTrailService } from '@app/audit-trail';
import { JsonLogger, RequestContextStore } from '@app/common';
import { oneTenant, Prisma, runInTenantScope } from '@app/database';

/**
 * Every request an auditor makes is recorded in the audit trail (`auditor.request`: method, route,
 * status, query), successes and failures alike once the credential is known (a revoked or expired
 * auditor key included: 401, recorded as its auditor's), in one place: a Fastify
 * onSend hook, which every answer passes through (handlers, guards' 403 and 429, problems). The event is
 * written before the answer leaves, so a client that has the answer finds it in the trail.
 */
/** The query as recorded: a credential sent as `?access_token=` (GET /v1/events) never enters the trail. */
function withoutCredential(query: unknown): Prisma.InputJsonObject {
  const { access_token: _credential, ...rest } = (query ?? {}) as Record<string, unknown>;
  return rest as Prisma.InputJsonObject;
}

export function installAuditorRequestTrail(app: NestFastifyApplication): void {
  const trail = app.get(AuditTrailService);
  const logger = app.get(JsonLogger);
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      const principal = request.context?.principal ?? request.context?.refusedPrincipal;
      if (!principal?.scopes.has('auditor')) return payload;
      const route = request.routeOptions?.url ?? request.url.split('?')[0];
      const status = reply.statusCode;
      // A refused credential leaves no principal to scope by: the auditor's own tenant is the scope.
      await RequestContextStore.run(request.context, () =>
        runInTenantScope(oneTenant(principal.tenantId), () =>
          trail.record({
            tenantId: principal.tenantId,
            action: 'auditor.request',
            resourceType: 'api',
            resourceId: `${request.method} ${route}`.slice(0, 100),
            outcome: status < 400 ? 'success' : 'failure',
            actor: { id: principal.subject, type: principal.kind },
            details: { method: request.method, route, path: request.url.split('?')[0], status, query: withoutCredential(request.query) },
          }),
        ),
      ).catch((error: unknown) => logger.failure(`could not record the auditor request ${request.method} ${route}`, error, 'auditor'));
      return payload;
    });
}
