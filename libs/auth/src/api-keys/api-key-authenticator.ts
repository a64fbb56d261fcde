import { Injectable } from '@nestjs/common';

import { JsonLogger, Principal, ProblemTypes } from '@app/common';

import { authProblem } from '../auth-problems';
import { principalFromApiKey } from '../principals';
import { looksLikeApiKey } from './api-key-secret';
import { ApiKeyStore } from './api-key-store';

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
    if (!looksLikeApiKey(secret)) throw authProblem(ProblemTypes.invalidApiKey);
    const key = await this.keys.findBySecret(secret);
    if (!key) throw authProblem(ProblemTypes.invalidApiKey);
    if (key.revokedAt) throw authProblem(ProblemTypes.revokedApiKey);
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) throw authProblem(ProblemTypes.expiredApiKey, { expired_at: key.expiresAt.toISOString() });
    this.keys.touch(key).catch((error: unknown) => this.logger.failure('could not record API key use', error, 'auth'));
    return principalFromApiKey(key);
  }
}
