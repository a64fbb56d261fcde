import { applyDecorators, HttpStatus, Type } from '@nestjs/common';
import { ApiExtraModels, ApiOperation, ApiResponse, ApiResponseOptions, getSchemaPath } from '@nestjs/swagger';

import { MAX_PAGE_SIZE } from '../pagination/page-query.dto';
import { PaginationSchema, ProblemSchema, TOTAL_IS_ESTIMATE } from './schemas';

/** The envelope's own fields, with the bounds the server keeps: `code` is 0 on success, the request id is ours or a caller's of at most 128 characters. */
const ENVELOPE_FIELDS = {
  code: { type: 'integer', format: 'int32', minimum: 0, maximum: 0, example: 0 },
  message: { type: 'string', maxLength: 200, example: 'OK' },
  timestamp: { type: 'string', format: 'date-time', maxLength: 30 },
  request_id: { type: 'string', maxLength: 128, pattern: '^[A-Za-z0-9._:@-]{1,128}$' },
};

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

/** 200 with `{ code, message, data: Model (or Model[] with isArray, at most maxItems), timestamp, request_id }`. */
export function ApiEnvelope(
  model: Type<unknown>,
  status = 200,
  description = 'OK',
  isArray = false,
  maxItems?: number,
  headers?: ApiResponseOptions['headers'],
): MethodDecorator {
  const data = isArray ? { type: 'array', maxItems, items: { $ref: getSchemaPath(model) } } : { $ref: getSchemaPath(model) };
  return applyDecorators(
    ApiExtraModels(model),
    ApiResponse({
      status,
      description,
      ...(headers ? { headers } : {}),
      schema: {
        type: 'object',
        required: ['code', 'message', 'data', 'timestamp', 'request_id'],
        properties: { ...ENVELOPE_FIELDS, data },
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
          ...ENVELOPE_FIELDS,
          items: { type: 'array', maxItems: MAX_PAGE_SIZE, items: { $ref: getSchemaPath(model) } },
          total: { type: 'integer', format: 'int64', minimum: 0, maximum: Number.MAX_SAFE_INTEGER, nullable: true },
          total_is_estimate: { type: 'boolean', description: TOTAL_IS_ESTIMATE },
          pagination: { $ref: getSchemaPath(PaginationSchema) },
        },
      },
    }),
  );
}
