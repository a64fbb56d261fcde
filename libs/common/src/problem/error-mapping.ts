import { HttpException } from '@nestjs/common';

import { CONNECTION_RETRY_AFTER_SECONDS, isConnectionError } from './connection-errors';
import { ProblemException } from './problem.exception';
import { ProblemTypes, problemTypeForStatus } from './problem-types';

/** What the renderer needs of the request to classify an error. */
export interface ErrorRequest {
  method: string;
  url: string;
  /** The matched route template; undefined when no route matched. */
  route: string | undefined;
  allowedMethods(path: string): string[];
  bodyLimit: number;
  contentType: string | undefined;
}

interface FastifyLikeError {
  code?: string;
  statusCode?: number;
  message: string;
}

interface PrismaLikeError {
  name: string;
  code: string;
  meta?: {
    target?: string[] | string;
    modelName?: string;
    driverAdapterError?: { cause?: { table?: string; constraint?: { fields?: string[]; index?: string } } };
  };
}

function isPrismaKnownError(error: unknown): error is PrismaLikeError {
  const candidate = error as Partial<PrismaLikeError> | null;
  return candidate?.name === 'PrismaClientKnownRequestError' && typeof candidate.code === 'string';
}

function isFastifyError(error: unknown): error is FastifyLikeError {
  const candidate = error as Partial<FastifyLikeError> | null;
  return typeof candidate?.code === 'string' && candidate.code.startsWith('FST_');
}

/**
 * The columns of a violated unique constraint. Through the pg driver adapter Prisma reports only the
 * index name, which Prisma names `<table>_<columns>_key`; columns are snake_case like the API's fields.
 */
function uniqueFields(error: PrismaLikeError): string[] {
  const cause = error.meta?.driverAdapterError?.cause;
  const target = error.meta?.target ?? cause?.constraint?.fields;
  if (target) return (Array.isArray(target) ? target : [target]).map((field) => field.replace(/^"|"$/g, ''));
  const index = cause?.constraint?.index;
  const table = cause?.table;
  if (index && table && index.startsWith(`${table}_`) && index.endsWith('_key')) return [index.slice(table.length + 1, -'_key'.length)];
  return [];
}

/**
 * Prisma's codes for "more work than connections and time": P2028, a transaction that could not start
 * within its maxWait (the pool was busy) or that outlived its timeout waiting (the tenant's audit lock);
 * P2024, no pool connection in time; P2037, the database refused more connections. Each is overload,
 * not a bug, and nothing was committed: 503 overloaded with Retry-After, never 500.
 */
const OVERLOAD_CODES = new Set(['P2024', 'P2028', 'P2037']);
/** Seconds an overloaded caller is asked to wait: the queue it met drains within about that. */
const OVERLOAD_RETRY_AFTER_SECONDS = 1;

function routeProblem(request: ErrorRequest): ProblemException {
  const path = request.url.split('?')[0];
  const allowed = request.allowedMethods(path);
  if (allowed.length > 0) {
    return new ProblemException(ProblemTypes.methodNotAllowed, {
      args: { method: request.method, allowed: allowed.join(', ') },
      headers: { Allow: allowed.join(', ') },
    });
  }
  return new ProblemException(ProblemTypes.routeNotFound, { args: { method: request.method, path } });
}

/**
 * Classifies any thrown value as a ProblemException. Prisma and Fastify error codes are translated
 * here and nowhere else (connection errors of any dependency: 503 with Retry-After); whatever is not recognised becomes a 500 whose cause stays in the log.
 */
export function toProblemException(error: unknown, request: ErrorRequest): ProblemException {
  if (error instanceof ProblemException) return error;

  // A lost or refused database or Redis connection: the pools reconnect, so the same request can succeed later.
  if (isConnectionError(error)) {
    return new ProblemException(ProblemTypes.serviceUnavailable, { headers: { 'Retry-After': String(CONNECTION_RETRY_AFTER_SECONDS) }, cause: error });
  }

  if (isPrismaKnownError(error)) {
    if (error.code === 'P2002') {
      const fields = uniqueFields(error);
      return new ProblemException(ProblemTypes.conflict, {
        args: { resource: error.meta?.modelName ?? 'resource', fields: fields.join(', ') || 'key' },
        errors: fields.map((field) => ({ field, pointer: `/body/${field}`, code: 'invalid', description: `${field} is already taken.` })),
        cause: error,
      });
    }
    if (OVERLOAD_CODES.has(error.code)) {
      return new ProblemException(ProblemTypes.overloaded, {
        args: { retry_after: OVERLOAD_RETRY_AFTER_SECONDS },
        headers: { 'Retry-After': String(OVERLOAD_RETRY_AFTER_SECONDS) },
        cause: error,
      });
    }
    if (error.code === 'P2025') {
      return new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: error.meta?.modelName ?? 'resource', id: '' }, cause: error });
    }
  }

  if (isFastifyError(error)) {
    switch (error.code) {
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return new ProblemException(ProblemTypes.malformedJson, { cause: error });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return new ProblemException(ProblemTypes.payloadTooLarge, { args: { limit_bytes: request.bodyLimit }, cause: error });
      case 'FST_ERR_BAD_URL':
        // The router could not percent-decode the path (escapes that are not UTF-8, such as %FF).
        return new ProblemException(ProblemTypes.validationError, {
          errors: [{ field: 'path', pointer: '/path', code: 'format', description: 'path must be valid UTF-8 once percent-decoded' }],
          cause: error,
        });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return new ProblemException(ProblemTypes.unsupportedMediaType, {
          args: { content_type: request.contentType?.split(';')[0] || '(none)' },
          cause: error,
        });
      default:
        if (error.statusCode && error.statusCode < 500) {
          return new ProblemException(problemTypeForStatus(error.statusCode), { detail: error.message, cause: error });
        }
    }
  }

  // Fastify's JSON parser reports bad syntax as a SyntaxError carrying status 400.
  if (error instanceof SyntaxError && (error as FastifyLikeError).statusCode === 400) {
    return new ProblemException(ProblemTypes.malformedJson, { cause: error });
  }

  if (error instanceof HttpException) {
    const status = error.getStatus();
    if (status === 404 && request.route === undefined) return routeProblem(request);
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const type = problemTypeForStatus(status);
    return new ProblemException(type, { detail: status < 500 && typeof message === 'string' ? message : undefined, cause: error });
  }

  return new ProblemException(ProblemTypes.internalError, { cause: error });
}
