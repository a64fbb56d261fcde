import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-custom';

import { Principal } from '@app/common';

import { ApiKeyAuthenticator } from '../api-keys/api-key-authenticator';
import { strategyStarted, strategyStopped } from './live-strategies';

/**
 * The headers an API key may come in, in the order they are read: ours, then seed 003's (Rhombus sends
 * `x-auth-apikey` with `x-auth-scheme: api-token`; the scheme header is not needed and not read).
 */
export const API_KEY_HEADERS = ['x-api-key', 'x-auth-apikey'] as const;

/** The API key a request carries in one of API_KEY_HEADERS (the first one sent), or undefined. */
export function apiKeyHeader(headers: FastifyRequest['headers']): string | undefined {
  for (const name of API_KEY_HEADERS) {
    const header = headers[name];
    if (header !== undefined) return Array.isArray(header) ? header[0] : header;
  }
  return undefined;
}

/**
 * The API key to authenticate, or undefined when the key header only repeats the bearer token: a client
 * that answers every security scheme with one secret (@hey-api/openapi-ts's `auth` callback sends its JWT
 * as `Authorization: Bearer` and as `X-API-Key`) carries one credential, read once by the bearer strategy.
 * Two different credentials keep the documented precedence: the API key is read, the bearer never.
 */
export function apiKeyToAuthenticate(headers: FastifyRequest['headers']): string | undefined {
  const secret = apiKeyHeader(headers);
  if (secret === undefined) return undefined;
  const bearer = /^Bearer +(\S+)$/i.exec(headers.authorization?.trim() ?? '')?.[1];
  return bearer === secret ? undefined : secret;
}

/** `X-API-Key: ak_…` (or seed 003's `x-auth-apikey`), looked up by its SHA-256. Without one it passes to the next strategy. */
@Injectable()
export class ApiKeyStrategy extends PassportStrategy(Strategy, 'api-key') implements OnModuleDestroy {
  constructor(private readonly apiKeys: ApiKeyAuthenticator) {
    super();
    strategyStarted('api-key', this);
  }

  onModuleDestroy(): void {
    strategyStopped('api-key', this);
  }

  async validate(request: FastifyRequest): Promise<Principal | null> {
    const secret = apiKeyToAuthenticate(request.headers);
    if (secret === undefined) return null;
    return this.apiKeys.authenticate(secret);
  }
}
