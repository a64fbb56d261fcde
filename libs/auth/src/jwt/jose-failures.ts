import { errors } from 'jose';

import { ProblemException } from '@app/common';

import { authProblem } from '../errors/auth-errors';
import { AuthProblems } from '../errors/auth-problems';

function iso(seconds: unknown): string {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : String(seconds);
}

/**
 * The problem of a token `jose` refused, one type for each way a token can be wrong. Our own problems
 * (raised by a key source: an unknown kid, keys that could not be fetched) pass as they are.
 */
export function joseFailure(error: unknown): ProblemException {
  if (error instanceof ProblemException) return error;
  if (error instanceof errors.JWTExpired) return authProblem(AuthProblems.tokenExpired, { expired_at: iso(error.payload.exp) }, error);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && error.reason === 'check_failed')
      return authProblem(AuthProblems.tokenNotYetValid, { not_before: iso(error.payload.nbf) }, error);
    if (error.claim === 'iss') return authProblem(AuthProblems.invalidIssuer, {}, error);
    if (error.claim === 'aud') return authProblem(AuthProblems.invalidAudience, {}, error);
    return authProblem(AuthProblems.invalidClaims, { claim: error.claim }, error);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return authProblem(AuthProblems.invalidSignature, {}, error);
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return authProblem(AuthProblems.unsupportedAlgorithm, {}, error);
  if (error instanceof errors.JWKSNoMatchingKey) return authProblem(AuthProblems.unknownSigningKey, { kid: '(none)' }, error);
  if (error instanceof errors.JWKSMultipleMatchingKeys) return authProblem(AuthProblems.invalidSignature, {}, error);
  // Any other refusal of jose is the token's fault: a 401 (counted by the failure limiter), never a 500.
  if (error instanceof errors.JOSEError) return authProblem(AuthProblems.malformedToken, {}, error);
  throw error;
}
