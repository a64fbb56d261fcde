import { defineProblemTypes } from '@app/common';

/** Authentication: each bad credential has its own type (01). Titles and details are translated under `problems.<slug>` in libs/common/src/i18n. */
export const AuthProblems = defineProblemTypes({
  missingCredential: {
    slug: 'missing-credential',
    status: 401,
    code: 10010001,
    description: 'No credential was sent. Send `Authorization: Bearer <JWT>`, `X-API-Key: ak_…` or `Authorization: Bearer ak_…`.',
  },
  malformedAuthorization: { slug: 'malformed-authorization', status: 401, code: 10010002, description: 'The Authorization header is not `Bearer <token>`.' },
  malformedToken: {
    slug: 'malformed-token',
    status: 401,
    code: 10010003,
    description: 'The bearer token is not a well-formed JWT (three base64url parts holding a JSON header and JSON claims).',
  },
  unsignedToken: { slug: 'unsigned-token', status: 401, code: 10010004, description: 'The token is unsigned (`alg: none`); such a token is never accepted.' },
  unsupportedAlgorithm: {
    slug: 'unsupported-algorithm',
    status: 401,
    code: 10010005,
    description:
      'The token is signed with an algorithm this API does not accept: HS256 with the configured secret, or RS256, PS256, ES256 or EdDSA by a trusted OIDC issuer (`OIDC_ISSUERS`). `none` and HMAC are never accepted from an issuer.',
  },
  invalidSignature: { slug: 'invalid-signature', status: 401, code: 10010006, description: 'The token signature does not verify.' },
  tokenExpired: { slug: 'token-expired', status: 401, code: 10010007, description: 'The token has expired (`exp` is in the past). Get a new one.' },
  tokenNotYetValid: { slug: 'token-not-yet-valid', status: 401, code: 10010008, description: 'The token is not valid yet (`nbf` is in the future).' },
  invalidIssuer: {
    slug: 'invalid-issuer',
    status: 401,
    code: 10010009,
    description: 'The token `iss` is not the configured issuer: `JWT_ISSUER` for an HS256 token, one of `OIDC_ISSUERS` for a token signed by a provider.',
  },
  invalidAudience: {
    slug: 'invalid-audience',
    status: 401,
    code: 10010010,
    description: "The token `aud` does not name the configured audience (`JWT_AUDIENCE`, or the issuer's `audience` in `OIDC_ISSUERS`).",
  },
  invalidClaims: {
    slug: 'invalid-claims',
    status: 401,
    code: 10010011,
    description:
      "The token lacks `sub`, the tenant (`tenant_id`, or the issuer's `tenant_claim`), `exp`, or `scopes` (HS256), or one of them has the wrong type or names an unknown scope. `i18n_args.claim` names it.",
  },
  unknownSigningKey: {
    slug: 'unknown-signing-key',
    status: 401,
    code: 10010012,
    description:
      "The token `kid` is not among its issuer's signing keys, even after fetching them again (at most once every `OIDC_JWKS_REFRESH_SECONDS`): a key rotated out, or not published yet.",
  },
  invalidApiKey: {
    slug: 'invalid-api-key',
    status: 401,
    code: 10010013,
    description: 'The API key (`X-API-Key`, or a bearer token starting `ak_`) is not a key this API issued.',
  },
  revokedApiKey: {
    slug: 'revoked-api-key',
    status: 401,
    code: 10010014,
    description: 'The API key (`X-API-Key`, or a bearer token starting `ak_`) was revoked.',
  },
  expiredApiKey: {
    slug: 'expired-api-key',
    status: 401,
    code: 10010015,
    description: 'The API key (`X-API-Key`, or a bearer token starting `ak_`) has expired (`expires_at` is in the past).',
  },
  unknownTenant: {
    slug: 'unknown-tenant',
    status: 401,
    code: 10010018,
    description:
      'The credential is valid, but the tenant its `tenant_id` names does not exist (`i18n_args.tenant_id`). Nothing was read or changed; ask for a credential of an existing tenant.',
  },
  jwksUnavailable: {
    slug: 'jwks-unavailable',
    status: 503,
    code: 10010017,
    description: "The issuer's discovery document or signing keys (JWKS) could not be fetched, or its discovery document names another issuer. Retry shortly.",
  },
  tokenLifetimeTooLong: {
    slug: 'token-lifetime-too-long',
    status: 401,
    code: 10010020,
    description:
      'The token lives longer than this API accepts: `exp` is more than `JWT_MAX_TTL_SECONDS` (`i18n_args.max_ttl_seconds`) after `iat` (or after now, without `iat`). Get a token with a shorter lifetime.',
  },
  tooManyAuthFailures: {
    slug: 'too-many-auth-failures',
    status: 429,
    code: 10010021,
    description:
      'Too many failed authentications from this client address or with this API key prefix in the current minute (`AUTH_FAILURE_LIMIT_PER_MINUTE`). Wait `retry_after` seconds (also in `Retry-After`); further attempts are refused until then, valid or not.',
  },
});
