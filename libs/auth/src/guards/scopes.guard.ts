import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';

import { ProblemTypes } from '@app/common';
import { AppConfig } from '@app/config';

import { authProblem } from '../errors/auth-errors';
import { isOpen, requirementOf } from './credentials.guard';
import { AuthProblems } from '../errors/auth-problems';

/** Every scope the route lists must be held by the principal; `admin` holds them all. */
@Injectable()
export class ScopesGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly config: AppConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const requirement = requirementOf(this.reflector, context);
    if (!requirement || requirement.public || isOpen(requirement, this.config)) return true;
    const principal = context.switchToHttp().getRequest<FastifyRequest>().context.principal;
    if (!principal) throw authProblem(AuthProblems.missingCredential);
    if (principal.isAdmin) return true;
    const missing = requirement.scopes.find((scope) => !principal.scopes.has(scope));
    if (missing) throw authProblem(ProblemTypes.missingScope, { scope: missing });
    return true;
  }
}
