import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';

import { JsonLogger, Principal, ProblemTypes } from '@app/common';

import { ApiKeyStore } from '../api-keys/api-key-store';
import { looksLikeApiKey } from '../api-keys/api-key-secret';
import { authProblem } from '../auth-problems';
import { principalFromApiKey } from '../principals';

/** `X-API-Key: ak_…`, looked up by its SHA-256. Without the header it passes to the next strategy. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(
    private readonly keys: ApiKeyStore,
    private readonly logger: JsonLogger,
  ) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | null> {
    const header = request.headers['x-api-key'];
    if (header === undefined) return null;
    const secret = Array.isArray(header) ? header[0] : header;
    if (!looksLikeApiKey(secret)) throw authProblem(ProblemTypes.invalidApiKey);
    const key = await this.keys.findBySecret(secret);
    if (!key) throw authProblem(ProblemTypes.invalidApiKey);
    if (key.revokedAt) throw authProblem(ProblemTypes.revokedApiKey);
    if (key.expiresAt && key.expiresAt.getTime() <= Date.now()) throw authProblem(ProblemTypes.expiredApiKey, { expired_at: key.expiresAt.toISOString() });
    this.keys.touch(key).catch((error: unknown) => this.logger.failure('could not record API key use', error, 'auth'));
    return principalFromApiKey(key);
  }
}
