import { ProblemException, ProblemType } from '@app/common';

/** A 401 carries `WWW-Authenticate` (RFC 9110 §11.6.1); the rest is the problem as usual. */
export function authProblem(type: ProblemType, args: Record<string, string | number> = {}, cause?: unknown): ProblemException {
  return new ProblemException(type, {
    args,
    cause,
    headers: type.status === 401 ? { 'WWW-Authenticate': 'Bearer realm="alert-ledger", X-API-Key' } : undefined,
  });
}
