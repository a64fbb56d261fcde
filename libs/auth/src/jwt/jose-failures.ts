import { errors } from 'jose';

import { ProblemException, ProblemTypes } from '@app/common';

import { authProblem } from '../auth-problems';

function iso(seconds: unknown): string {
  return typeof seconds === 'number' ? new Date(seconds * 1000).toISOString() : String(seconds);
}

/**
 * The problem of a token `jose` refused, one type for each way a token can be wrong. Our own problems
 * (raised by a key source: an unknown kid, keys that could not be fetched) pass as they are.
 */
export function joseFailure(error: unknown): ProblemException {
  if (error instanceof ProblemException) return error;
  if (error instanceof errors.JWTExpired) return authProblem(ProblemTypes.tokenExpired, { expired_at: iso(error.payload.exp) }, error);
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === 'nbf' && error.reason === 'check_failed') return authProblem(ProblemTypes.tokenNotYetValid, { not_before: iso(error.payload.nbf) }, error);
    if (error.claim === 'iss') return authProblem(ProblemTypes.invalidIssuer, {}, error);
    if (error.claim === 'aud') return authProblem(ProblemTypes.invalidAudience, {}, error);
    return authProblem(ProblemTypes.invalidClaims, { claim: error.claim }, error);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return authProblem(ProblemTypes.invalidSignature, {}, error);
  if (error instanceof errors.JOSEAlgNotAllowed || error instanceof errors.JOSENotSupported) return authProblem(ProblemTypes.unsupportedAlgorithm, {}, error);
  if (error instanceof errors.JWKSNoMatchingKey) return authProblem(ProblemTypes.unknownSigningKey, { kid: '(none)' }, error);
  if (error instanceof errors.JWSInvalid || error instanceof errors.JWTInvalid) return authProblem(ProblemTypes.malformedToken, {}, error);
  throw error;
}
