import { ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';

import { AUTH_METADATA, AuthRequirement, Principal, ProblemException } from '@app/common';
import { AppConfig } from '@app/config';

import { authProblem } from '../errors/auth-errors';
import { AuthFailureLimiter } from '../rate-limit/auth-failure-limiter';
import { TenantDirectory } from '../tenants/tenant-directory';
import { AuthProblems } from '../errors/auth-problems';

export function requirementOf(reflector: Reflector, context: ExecutionContext): AuthRequirement | undefined {
  return reflector.getAllAndOverride<AuthRequirement | undefined>(AUTH_METADATA, [context.getHandler(), context.getClass()]);
}

/** True when the route needs no credential: declared public, or opened by configuration. */
export function isOpen(requirement: AuthRequirement | undefined, config: AppConfig): boolean {
  if (!requirement) return false;
  return requirement.public || (requirement.openWhen === 'metricsPublic' && config.metricsPublic);
}

/**
 * Authenticates every route that is not public, through the Passport strategies (an API key first,
 * then a bearer JWT), and puts the principal into the request context, where the data layer reads
 * its tenant, which must exist. A route that declares nothing is refused. Failed attempts (401) are
 * counted per client address and API key prefix; past the limit, attempts are refused with 429 before
 * any check.
 */
@Injectable()
export class CredentialsGuard extends AuthGuard(['api-key', 'bearer']) {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
    private readonly failures: AuthFailureLimiter,
    private readonly tenants: TenantDirectory,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const requirement = requirementOf(this.reflector, context);
    if (requirement === undefined) throw new Error(`${context.getClass().name}.${context.getHandler().name} declares neither @Public nor @Authenticated`);
    if (isOpen(requirement, this.config)) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    await this.failures.check(request);
    try {
      await super.canActivate(context);
      await this.requireTenant(request);
    } catch (error) {
      if (error instanceof ProblemException && error.problemType.status === 401) await this.failures.record(request);
      throw error;
    }
    return true;
  }

  /** A credential whose tenant does not exist (a signed JWT may name any) is refused before anything is read or written. */
  private async requireTenant(request: FastifyRequest): Promise<void> {
    const principal = request.context.principal;
    if (!principal || (await this.tenants.exists(principal.tenantId))) return;
    request.context.principal = undefined;
    throw authProblem(AuthProblems.unknownTenant, { tenant_id: principal.tenantId });
  }

  override handleRequest<T = Principal>(error: unknown, principal: T | false, _info: unknown, context: ExecutionContext): T {
    if (error) throw error;
    if (!principal) throw authProblem(AuthProblems.missingCredential);
    context.switchToHttp().getRequest<FastifyRequest>().context.principal = principal as unknown as Principal;
    return principal;
  }
}
