import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';

import { Principal, ProblemTypes } from '@app/common';

import { authProblem } from '../auth-problems';
import { JwtVerifier } from '../jwt/jwt-verifier';
import { principalFromToken } from '../principals';

const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]+)$/i;

/** `Authorization: Bearer <JWT>`. Without the header it passes, so the next strategy may answer. */
@Injectable()
export class BearerStrategy extends PassportStrategy(Strategy, 'bearer') {
  constructor(private readonly verifier: JwtVerifier) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (header === undefined) return null;
    const match = BEARER.exec(header.trim());
    if (!match) throw authProblem(ProblemTypes.malformedAuthorization);
    return principalFromToken(await this.verifier.verify(match[1]));
  }
}
