import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';

import { Principal } from '@app/common';

import { ApiKeyAuthenticator } from '../api-keys/api-key-authenticator';

/** `X-API-Key: ak_…`, looked up by its SHA-256. Without the header it passes to the next strategy. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') {
  constructor(private readonly apiKeys: ApiKeyAuthenticator) {
    super();
  }

  async validate(request: FastifyRequest): Promise<Principal | null> {
    const header = request.headers['x-api-key'];
    if (header === undefined) return null;
    return this.apiKeys.authenticate(Array.isArray(header) ? header[0] : header);
  }
}
