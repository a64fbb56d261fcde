import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';

import { Principal } from '@app/common';

import { ApiKeyAuthenticator } from '../api-keys/api-key-authenticator';
import { API_KEY_MARK } from '../api-keys/api-key-secret';
import { authProblem } from '../errors/auth-errors';
import { queryCredential } from '../decorators/query-credential.decorator';
import { JwtVerifier } from '../jwt/jwt-verifier';
import { principalFromToken } from '../principals';
import { apiKeyHeader } from './api-key.strategy';
import { strategyStarted, strategyStopped } from './live-strategies';
import { AuthProblems } from '../errors/auth-problems';

const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i;

/**
 * `Authorization: Bearer <JWT>`, or `Bearer ak_…`: an API key where a client can only send a bearer
 * token (Alertmanager's `http_config.authorization`). A JWT never starts with `ak_` (its header is
 * base64url JSON, `eyJ…`), so the two cannot be mistaken. Without the header it passes, so the next
 * strategy may answer.
 */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') implements OnModuleDestroy {
  constructor(
    private readonly verifier: JwtVerifier,
    private readonly apiKeys: ApiKeyAuthenticator,
  ) {
    super();
    strategyStarted('bearer', this);
  }

  onModuleDestroy(): void {
    strategyStopped('bearer', this);
  }

  async validate(request: FastifyRequest): Promise<Principal | null> {
    const fromQuery = request.headers.authorization === undefined && apiKeyHeader(request.headers) === undefined ? queryCredential(request) : undefined;
    const header = request.headers.authorization ?? (fromQuery === undefined ? undefined : `Bearer ${fromQuery}`);
    if (header === undefined) return null;
    const match = BEARER.exec(header.trim());
    if (!match) throw authProblem(AuthProblems.malformedAuthorization);
    const token = match[1];
    if (token.startsWith(API_KEY_MARK)) return this.apiKeys.authenticate(token);
    return principalFromToken(await this.verifier.verify(token));
  }
}
