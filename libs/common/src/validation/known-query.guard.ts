import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import type { FastifyRequest } from 'fastify';

import { ProblemException } from '../problem/problem.exception';
import { ProblemTypes } from '../problem/problem-types';
import { escapePointer } from './field-violations';

/** Whether a handler declares a `@Query()` parameter; its DTO and the validation pipe then judge the query. */
function takesQuery(controller: object, handler: string): boolean {
  const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler) ?? {}) as Record<string, unknown>;
  return Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.QUERY));
}

/**
 * Refuses query parameters on operations that take none (a detail, a timeline, a change), as the
 * validation pipe refuses unknown ones where a query DTO exists: with 400 `validation-error`, one
 * `unknown` violation per parameter. Installed after the credential, rate-limit and scope guards, so a
 * request is authenticated before its input is judged.
 */
@Injectable()
export class KnownQueryGuard implements CanActivate {
  private readonly takes = new WeakMap<object, boolean>();

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const handler = context.getHandler();
    let takes = this.takes.get(handler);
    if (takes === undefined) {
      takes = takesQuery(context.getClass(), handler.name);
      this.takes.set(handler, takes);
    }
    if (takes) return true;
    const names = Object.keys((context.switchToHttp().getRequest<FastifyRequest>().query ?? {}) as Record<string, unknown>);
    if (names.length === 0) return true;
    throw new ProblemException(ProblemTypes.validationError, {
      errors: names.map((name) => ({
        field: name,
        pointer: `/query/${escapePointer(name)}`,
        code: 'unknown' as const,
        description: `${name} is not a query parameter of this operation, which takes none`,
      })),
    });
  }
}
