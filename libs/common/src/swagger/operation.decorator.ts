import { applyDecorators, HttpStatus, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, getSchemaPath } from '@nestjs/swagger';

import { PaginationSchema, ProblemSchema, TOTAL_IS_ESTIMATE } from './schemas';

const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request (validation-error, malformed-json, invalid-cursor)',
  401: 'No valid credential',
  403: 'A scope is missing',
  404: 'Not found (or another tenant’s)',
  405: 'Method not allowed',
  409: 'Conflict with the current state',
  410: 'Gone: expired',
  412: 'If-Match names a stale version',
  413: 'Body too large',
  415: 'Unsupported Content-Type',
  416: 'Range not satisfiable',
  422: 'Well formed but cannot be processed',
  429: 'Rate limit reached',
  500: 'Unexpected server error',
  503: 'A dependency is unavailable',
};

/** Problem responses every operation can answer. */
const ALWAYS = [500];

export interface OperationOptions {
  id: string;
  summary: string;
  description?: string;
  /** 4xx/5xx statuses beyond 500, each documented with the problem schema. */
  problems?: number[];
}

/** operationId, summary and every problem response, so generated clients need no hand edits. */
export function Operation({ id, summary, description, problems = [] }: OperationOptions): MethodDecorator {
  const statuses = [...new Set([...problems, ...ALWAYS])].sort();
  return applyDecorators(
    ApiOperation({ operationId: id, summary, description }),
    ApiExtraModels(ProblemSchema),
    ...statuses.map((status) =>
      ApiResponse({
        status,
        description: PROBLEM_DESCRIPTIONS[status] ?? HttpStatus[status],
        content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemSchema) } } },
      }),
    ),
  );
}

/** 200 with `{ code, message, data: Model (or Model[] with isArray), timestamp, request_id }`. */
export function ApiEnvelope(model: Type<unknown>, status = 200, description = 'OK', isArray = false): MethodDecorator {
  const data = isArray ? { type: 'array', items: { $ref: getSchemaPath(model) } } : { $ref: getSchemaPath(model) };
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({
      status,
      description,
      schema: {
        type: 'object',
        required: ['code', 'message', 'data', 'timestamp', 'request_id'],
        properties: {
          code: { type: 'integer', example: 0 },
          message: { type: 'string', example: 'OK' },
          data,
          timestamp: { type: 'string', format: 'date-time' },
          request_id: { type: 'string' },
        },
      },
    }),
  );
}

/** 200 with the list envelope of Model items. */
export function ApiListEnvelope(model: Type<unknown>): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(model, PaginationSchema),
    ApiResponse({
      status: 200,
      description: 'One page of the list',
      schema: {
        type: 'object',
        required: ['code', 'message', 'items', 'total', 'total_is_estimate', 'pagination', 'timestamp', 'request_id'],
        properties: {
          code: { type: 'integer', example: 0 },
          message: { type: 'string', example: 'OK' },
          items: { type: 'array', items: { $ref: getSchemaPath(model) } },
          total: { type: 'integer', nullable: true },
          total_is_estimate: { type: 'boolean', description: TOTAL_IS_ESTIMATE },
          pagination: { $ref: getSchemaPath(PaginationSchema) },
          timestamp: { type: 'string', format: 'date-time' },
          request_id: { type: 'string' },
        },
      },
    }),
  );
}
