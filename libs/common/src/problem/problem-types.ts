/**
 * A problem type. Each has a stable slug (its `type` URI is /problems/{slug}), an HTTP status and an
 * 8-digit business code: 2 digits service (10 = Alert Ledger API), 2 module (00 HTTP and common, 01 auth,
 * 02 alerts, 03 threat cases, 04 exports, 05 audit trail, 06 ingestion, 07 compliance, 08 webhooks), 4 error.
 * Titles and details are translated under `problems.<slug>` in libs/common/src/i18n. Each library
 * defines the types it raises (`defineProblemTypes`: AuthProblems, AlertProblems, …); this file holds
 * the HTTP and common ones (ProblemTypes), and apps/api assembles the catalogue (problem-catalogue.ts)
 * for /problems and docs/ERRORS.md.
 */
export interface ProblemType {
  slug: string;
  status: number;
  code: number;
  /** English description for the documentation page at the type URI. */
  description: string;
}

/** A library's problem types, checked against ProblemType and keeping their keys. */
export function defineProblemTypes<T extends Record<string, ProblemType>>(types: T): T {
  return types;
}

export const ProblemTypes = defineProblemTypes({
  validationError: {
    slug: 'validation-error',
    status: 400,
    code: 10000001,
    description:
      'One or more fields of the request are missing or invalid. `errors[]` lists each field (`field` in dot notation, `pointer` into the request, `code`: required, type, format, range, length, enum or unknown).',
  },
  malformedJson: {
    slug: 'malformed-json',
    status: 400,
    code: 10000002,
    description: 'The request body is not valid JSON (or is empty while the Content-Type says JSON). Nothing was changed.',
  },
  invalidCursor: {
    slug: 'invalid-cursor',
    status: 400,
    code: 10000003,
    description:
      'The `cursor` parameter was not issued by this API for this list, sort and filter set, or was altered. Start again from the first page without a cursor.',
  },
  badRequest: {
    slug: 'bad-request',
    status: 400,
    code: 10000004,
    description: 'The request could not be understood (for example a malformed header or query string).',
  },
  unauthorized: {
    slug: 'unauthorized',
    status: 401,
    code: 10000005,
    description: 'No valid credential was presented. Send `Authorization: Bearer <JWT>` or `X-API-Key`.',
  },
  forbidden: {
    slug: 'forbidden',
    status: 403,
    code: 10000006,
    description: 'The credential is valid but lacks a scope this operation needs; `detail` names it.',
  },
  routeNotFound: {
    slug: 'route-not-found',
    status: 404,
    code: 10000007,
    description: 'No operation exists at this path. See /docs for the operations this API offers.',
  },
  resourceNotFound: {
    slug: 'resource-not-found',
    status: 404,
    code: 10000008,
    description: 'The resource does not exist, or belongs to another tenant (the two are not told apart, so that existence does not leak).',
  },
  methodNotAllowed: {
    slug: 'method-not-allowed',
    status: 405,
    code: 10000009,
    description: 'The path exists but does not accept this HTTP method. The `Allow` header lists the methods it accepts.',
  },
  conflict: {
    slug: 'conflict',
    status: 409,
    code: 10000010,
    description: 'The request conflicts with the current state of a resource: a unique value is already taken. `errors[]` names the fields.',
  },
  preconditionFailed: {
    slug: 'precondition-failed',
    status: 412,
    code: 10000011,
    description: 'The `If-Match` header names a version that is no longer current. Read the resource again and retry with its ETag.',
  },
  payloadTooLarge: {
    slug: 'payload-too-large',
    status: 413,
    code: 10000012,
    description: 'The request body is larger than this API accepts; `i18n_args.limit_bytes` says how large it may be.',
  },
  unsupportedMediaType: {
    slug: 'unsupported-media-type',
    status: 415,
    code: 10000013,
    description: 'The request body has a Content-Type this operation does not read. Send `application/json`.',
  },
  unprocessable: {
    slug: 'unprocessable-entity',
    status: 422,
    code: 10000014,
    description: 'The request is well formed but cannot be carried out as asked (for example an Idempotency-Key reused with another body).',
  },
  rateLimited: {
    slug: 'rate-limited',
    status: 429,
    code: 10000015,
    description: 'Too many requests from this principal. Wait `retry_after` seconds (also in the `Retry-After` header).',
  },
  internalError: {
    slug: 'internal-error',
    status: 500,
    code: 10000016,
    description: 'The server failed unexpectedly. Nothing about the cause is returned; quote `request_id` when you report it.',
  },
  serviceUnavailable: {
    slug: 'service-unavailable',
    status: 503,
    code: 10000017,
    description: 'A dependency (database, Redis or the browser) is not reachable. Retry after `Retry-After` seconds.',
  },
  requestTimeout: {
    slug: 'request-timeout',
    status: 408,
    code: 10000041,
    description: 'The request body did not arrive within `BODY_TIMEOUT_SECONDS` (`i18n_args.timeout_seconds`). Nothing was changed; send the request again.',
  },
  overloaded: {
    slug: 'overloaded',
    status: 503,
    code: 10000042,
    description:
      'The service has more concurrent writes than it can take right now (no database connection or transaction became free in time). Nothing was changed; retry after `Retry-After` seconds.',
  },
  headerFieldsTooLarge: {
    slug: 'request-header-fields-too-large',
    status: 431,
    code: 10000018,
    description:
      "The request headers are larger than the server reads (16 KiB in all, Node's limit). Nothing was read or changed; send a shorter credential or fewer headers.",
  },
  // Raised by the auth guards and by services that check a scope themselves (exports, threat cases).
  missingScope: {
    slug: 'missing-scope',
    status: 403,
    code: 10010016,
    description: 'The credential lacks a scope this operation needs; `i18n_args.scope` names it.',
  },
});

export type ProblemTypeKey = keyof typeof ProblemTypes;

/** The longest slug a problem type may have (the catalogue's spec checks it): the bound of `type` and `i18n_key` in the OpenAPI document. */
export const PROBLEM_SLUG_MAX_LENGTH = 40;

export function problemTypeForStatus(status: number): ProblemType {
  const generic: Record<number, ProblemType> = {
    400: ProblemTypes.badRequest,
    401: ProblemTypes.unauthorized,
    403: ProblemTypes.forbidden,
    404: ProblemTypes.resourceNotFound,
    405: ProblemTypes.methodNotAllowed,
    408: ProblemTypes.requestTimeout,
    409: ProblemTypes.conflict,
    412: ProblemTypes.preconditionFailed,
    413: ProblemTypes.payloadTooLarge,
    415: ProblemTypes.unsupportedMediaType,
    422: ProblemTypes.unprocessable,
    429: ProblemTypes.rateLimited,
    431: ProblemTypes.headerFieldsTooLarge,
    503: ProblemTypes.serviceUnavailable,
  };
  return generic[status] ?? (status >= 500 ? ProblemTypes.internalError : ProblemTypes.badRequest);
}
