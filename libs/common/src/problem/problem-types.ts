/**
 * The catalogue of problem types. Each has a stable slug (its `type` URI is /problems/{slug}), an HTTP
 * status and an 8-digit business code: 2 digits service (10 = Alert Ledger API), 2 module
 * (00 HTTP and common, 01 auth, 02 alerts, 03 threat cases, 04 exports, 05 audit trail, 06 ingestion,
 * 07 compliance),
 * 4 error. Titles and details are translated under `problems.<slug>` in libs/common/src/i18n.
 * docs/ERRORS.md is checked against this list by a test.
 */
export interface ProblemType {
  slug: string;
  status: number;
  code: number;
  /** English description for the documentation page at the type URI. */
  description: string;
}

function define<T extends Record<string, ProblemType>>(types: T): T {
  return types;
}

export const ProblemTypes = define({
  validationError: {
    slug: 'validation-error',
    status: 400,
    code: 10000001,
    description: 'One or more fields of the request are missing or invalid. `errors[]` lists each field (`field` in dot notation, `pointer` into the request, `code`: required, type, format, range, length, enum or unknown).',
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
    description: 'The `cursor` parameter was not issued by this API for this list, sort and filter set, or was altered. Start again from the first page without a cursor.',
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
    description: 'The service has more concurrent writes than it can take right now (no database connection or transaction became free in time). Nothing was changed; retry after `Retry-After` seconds.',
  },
  headerFieldsTooLarge: {
    slug: 'request-header-fields-too-large',
    status: 431,
    code: 10000018,
    description: 'The request headers are larger than the server reads (16 KiB in all, Node\'s limit). Nothing was read or changed; send a shorter credential or fewer headers.',
  },

  // 01: authentication and authorisation. Each bad credential has its own code.
  missingCredential: { slug: 'missing-credential', status: 401, code: 10010001, description: 'No credential was sent. Send `Authorization: Bearer <JWT>`, `X-API-Key: ak_…` or `Authorization: Bearer ak_…`.' },
  malformedAuthorization: { slug: 'malformed-authorization', status: 401, code: 10010002, description: 'The Authorization header is not `Bearer <token>`.' },
  malformedToken: { slug: 'malformed-token', status: 401, code: 10010003, description: 'The bearer token is not a well-formed JWT (three base64url parts holding a JSON header and JSON claims).' },
  unsignedToken: { slug: 'unsigned-token', status: 401, code: 10010004, description: 'The token is unsigned (`alg: none`); such a token is never accepted.' },
  unsupportedAlgorithm: { slug: 'unsupported-algorithm', status: 401, code: 10010005, description: 'The token is signed with an algorithm this API does not accept: HS256 with the configured secret, or RS256, PS256, ES256 or EdDSA by a trusted OIDC issuer (`OIDC_ISSUERS`). `none` and HMAC are never accepted from an issuer.' },
  invalidSignature: { slug: 'invalid-signature', status: 401, code: 10010006, description: 'The token signature does not verify.' },
  tokenExpired: { slug: 'token-expired', status: 401, code: 10010007, description: 'The token has expired (`exp` is in the past). Get a new one.' },
  tokenNotYetValid: { slug: 'token-not-yet-valid', status: 401, code: 10010008, description: 'The token is not valid yet (`nbf` is in the future).' },
  invalidIssuer: { slug: 'invalid-issuer', status: 401, code: 10010009, description: 'The token `iss` is not the configured issuer: `JWT_ISSUER` for an HS256 token, one of `OIDC_ISSUERS` for a token signed by a provider.' },
  invalidAudience: { slug: 'invalid-audience', status: 401, code: 10010010, description: 'The token `aud` does not name the configured audience (`JWT_AUDIENCE`, or the issuer\'s `audience` in `OIDC_ISSUERS`).' },
  invalidClaims: { slug: 'invalid-claims', status: 401, code: 10010011, description: 'The token lacks `sub`, the tenant (`tenant_id`, or the issuer\'s `tenant_claim`), `exp`, or `scopes` (HS256), or one of them has the wrong type or names an unknown scope. `i18n_args.claim` names it.' },
  unknownSigningKey: { slug: 'unknown-signing-key', status: 401, code: 10010012, description: 'The token `kid` is not among its issuer\'s signing keys, even after fetching them again (at most once every `OIDC_JWKS_REFRESH_SECONDS`): a key rotated out, or not published yet.' },
  invalidApiKey: { slug: 'invalid-api-key', status: 401, code: 10010013, description: 'The API key (`X-API-Key`, or a bearer token starting `ak_`) is not a key this API issued.' },
  revokedApiKey: { slug: 'revoked-api-key', status: 401, code: 10010014, description: 'The API key (`X-API-Key`, or a bearer token starting `ak_`) was revoked.' },
  expiredApiKey: { slug: 'expired-api-key', status: 401, code: 10010015, description: 'The API key (`X-API-Key`, or a bearer token starting `ak_`) has expired (`expires_at` is in the past).' },
  missingScope: { slug: 'missing-scope', status: 403, code: 10010016, description: 'The credential lacks a scope this operation needs; `i18n_args.scope` names it.' },
  unknownTenant: { slug: 'unknown-tenant', status: 401, code: 10010018, description: 'The credential is valid, but the tenant its `tenant_id` names does not exist (`i18n_args.tenant_id`). Nothing was read or changed; ask for a credential of an existing tenant.' },
  jwksUnavailable: { slug: 'jwks-unavailable', status: 503, code: 10010017, description: 'The issuer\'s discovery document or signing keys (JWKS) could not be fetched, or its discovery document names another issuer. Retry shortly.' },
  tokenLifetimeTooLong: { slug: 'token-lifetime-too-long', status: 401, code: 10010020, description: 'The token lives longer than this API accepts: `exp` is more than `JWT_MAX_TTL_SECONDS` (`i18n_args.max_ttl_seconds`) after `iat` (or after now, without `iat`). Get a token with a shorter lifetime.' },
  tooManyAuthFailures: { slug: 'too-many-auth-failures', status: 429, code: 10010021, description: 'Too many failed authentications from this client address or with this API key prefix in the current minute (`AUTH_FAILURE_LIMIT_PER_MINUTE`). Wait `retry_after` seconds (also in `Retry-After`); further attempts are refused until then, valid or not.' },

  // 02: alerts.
  invalidTransition: { slug: 'invalid-transition', status: 409, code: 10020001, description: 'The alert\'s status does not allow this action. `current_status` and `allowed_actions` say what does.' },
  idempotencyKeyReused: { slug: 'idempotency-key-reused', status: 422, code: 10020002, description: 'This Idempotency-Key was used before with a different request body. Use a new key for a new request.' },
  alertNoteRequired: { slug: 'alert-note-required', status: 422, code: 10020003, description: 'Resolving or dismissing an alert of this severity needs a `note` (the tenant\'s `note_required_from` setting, GET /v1/compliance/settings). `errors[]` points at the note; nothing was changed.' },

  // 03: threat cases.
  threatCaseInvalidTransition: { slug: 'threat-case-invalid-transition', status: 409, code: 10030001, description: 'The threat case\'s status does not allow the requested status. `current_status` and `allowed_statuses` say what does; nothing was changed.' },
  threatCaseAlertsNotFound: { slug: 'threat-case-alerts-not-found', status: 422, code: 10030002, description: 'Some alert ids do not name an alert of the case\'s tenant (unknown, or another tenant\'s). `alert_ids` lists them; nothing was changed.' },
  threatCaseAlertsNotLinked: { slug: 'threat-case-alerts-not-linked', status: 422, code: 10030003, description: 'Some alert ids are not linked to the threat case (to unlink, or to verify). `alert_ids` lists them; nothing was changed.' },
  threatCaseSelfApproval: { slug: 'threat-case-self-approval', status: 403, code: 10030004, description: 'Four eyes: the principal who asked to close the threat case cannot decide on its own request. Another person must approve or reject it; nothing was changed.' },
  threatCaseNoCloseRequest: { slug: 'threat-case-no-close-request', status: 409, code: 10030005, description: 'The threat case has no pending close request to approve or reject (none was made, or it was decided or withdrawn). `current_status` says where the case is.' },
  threatCaseAlertLimit: { slug: 'threat-case-alert-limit', status: 409, code: 10030006, description: 'Linking these alerts would take the threat case past the most alerts one case holds (`limit`, 1,000; `linked` says how many it holds). Nothing was changed: unlink some, or open another case for them.' },
  threatCaseVerificationLimit: { slug: 'threat-case-verification-limit', status: 409, code: 10030007, description: 'The threat case holds the most verification records one case keeps (`limit`, 1,000). Nothing was changed.' },

  // 04: exports.
  exportNotReady: { slug: 'export-not-ready', status: 409, code: 10040001, description: 'The export has no file to download yet (pending or processing), or will never have one (failed or cancelled). `current_status` says which; poll GET /v1/exports/{job_id}.' },
  exportExpired: { slug: 'export-expired', status: 410, code: 10040002, description: 'The export finished, but its file has expired and was removed (EXPORT_TTL_SECONDS). Start a new export.' },
  rangeNotSatisfiable: { slug: 'range-not-satisfiable', status: 416, code: 10040003, description: 'The Range header does not fit the file. `Content-Range: bytes */<size>` gives the size.' },
  exportUnknownIds: { slug: 'export-unknown-ids', status: 422, code: 10040004, description: 'Some ids of a `selected` export are not records of this tenant (or do not exist). `unknown_ids` lists them; nothing was queued.' },
  exportResourceUnavailable: { slug: 'export-resource-unavailable', status: 422, code: 10040005, description: 'This resource cannot be exported by this deployment.' },
  exportNotYours: { slug: 'export-not-yours', status: 403, code: 10040006, description: 'An auditor may cancel or delete only the exports it asked for; `requested_by` names who asked for this one. Nothing was changed.' },
  exportUnderLegalHold: { slug: 'export-under-legal-hold', status: 409, code: 10040007, description: 'The tenant is under an active legal hold: a finished export is evidence and is not deleted until the hold is released. Nothing was changed; a running export can still be cancelled.' },

  // 05: the audit trail.
  auditTrailAppendOnly: { slug: 'audit-trail-append-only', status: 409, code: 10050001, description: 'Audit events cannot be changed or removed; the database refuses it.' },

  // 07: compliance (control rules, settings, legal holds, retention).
  legalHoldReleased: { slug: 'legal-hold-released', status: 409, code: 10070001, description: 'The legal hold was released already (`released_at` says when). A released hold stays on record and cannot be released again; place a new one if needed.' },
  legalHoldUnknownThreatCase: { slug: 'legal-hold-unknown-threat-case', status: 422, code: 10070002, description: '`threat_case_id` does not name a threat case of this tenant (unknown, deleted, or another tenant\'s); no hold was placed.' },
});

export type ProblemTypeKey = keyof typeof ProblemTypes;

export const ALL_PROBLEM_TYPES: readonly ProblemType[] = Object.values(ProblemTypes);

export function problemTypeBySlug(slug: string): ProblemType | undefined {
  return ALL_PROBLEM_TYPES.find((type) => type.slug === slug);
}

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
