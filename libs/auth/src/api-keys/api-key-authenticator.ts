import { Injectable } from '@nestjs/common';

import { JsonLogger, Principal, RequestContextStore } from '@app/common';

import { authProblem } from '../errors/auth-errors';
import { principalFromApiKey } from '../principals';
import { looksLikeApiKey } from './api-key-secret';
import { ApiKeyStore } from './api-key-store';
import { AuthProblems } from '../errors/auth-problems';

/**
 * An API key to its principal, however it was sent (`X-API-Key`, or `Authorization: Bearer ak_…` as
 * Alertmanager's http_config sends a credential). Each bad key has its own 401: invalid, revoked, expired.
 */
@Injectable()
export class ApiKeyAuthenticator {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly logger: JsonLogger,
  ) {}

  async authenticate(secret: string): Promise<Principal> {
    if (!looksLikeApiKey(secret)) throw authProblem(AuthProblems.invalidApiKey);
    const key = await this.keys.findBySecret(secret);
    if (!key) throw authProblem(AuthProblems.invalidApiKey);
    const expired = key.expiresAt !== null && key.expiresAt.getTime() <= Date.now();
    if (key.revokedAt || expired) {
      // Refused, but known: whose request it was stays on the request context (an auditor's goes into the trail).
      const context = RequestContextStore.current();
      if (context) context.refusedPrincipal = principalFromApiKey(key);
    }
    if (key.revokedAt) throw authProblem(AuthProblems.revokedApiKey);
    if (expired && key.expiresAt) throw authProblem(AuthProblems.expiredApiKey, { expired_at: key.expiresAt.toISOString() });
    this.keys.touch(key).catch((error: unknown) => this.logger.failure('could not record API key use', error, 'auth'));
    return principalFromApiKey(key);
  }
}
