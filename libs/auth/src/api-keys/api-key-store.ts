import { publicId, ProblemException, ProblemTypes } from '@app/common';
import type { ApiKey, PrismaClient } from '@app/database';

import { isScope, Scope } from '../scopes';
import { apiKeyPrefix, hashApiKey, newApiKeySecret } from './api-key-secret';

export interface CreatedApiKey {
  apiKey: ApiKey;
  /** The key itself: shown once, never stored. */
  secret: string;
}

export interface NewApiKey {
  tenantId: string;
  name: string;
  scopes: string[];
  createdBy: string;
  expiresAt?: Date | null;
}

/** Lifetime of `last_used_at` updates: at most one write per key per minute. */
const TOUCH_INTERVAL_MS = 60_000;

type Db = Pick<PrismaClient, 'apiKey' | 'tenant'>;

/** API keys on any Prisma client (the api's, or the CLI's plain one). */
export class ApiKeyStore {
  constructor(private readonly db: Db) {}

  async create(input: NewApiKey): Promise<CreatedApiKey> {
    const unknown = input.scopes.filter((scope) => !isScope(scope));
    if (unknown.length || input.scopes.length === 0) {
      throw new ProblemException(ProblemTypes.validationError, {
        errors: [{ field: 'scopes', pointer: '/body/scopes', code: 'enum', description: `unknown or missing scopes: ${unknown.join(', ') || '(none given)'}` }],
      });
    }
    if (input.scopes.includes('auditor') && !input.expiresAt) {
      throw new ProblemException(ProblemTypes.validationError, {
        errors: [{ field: 'expires_at', pointer: '/body/expires_at', code: 'required', description: 'an auditor key must expire: give expires_at' }],
      });
    }
    const secret = newApiKeySecret();
    const apiKey = await this.db.apiKey.create({
      data: {
        id: publicId('ak'),
        tenantId: input.tenantId,
        name: input.name,
        prefix: apiKeyPrefix(secret),
        hash: hashApiKey(secret),
        scopes: [...new Set(input.scopes as Scope[])],
        createdBy: input.createdBy,
        expiresAt: input.expiresAt ?? null,
      },
    });
    return { apiKey, secret };
  }

  list(tenantId?: string): Promise<ApiKey[]> {
    return this.db.apiKey.findMany({ where: tenantId ? { tenantId } : {}, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  /** Answers the revoked key, or null when there is no such key. Revoking twice keeps the first time. */
  async revoke(id: string, now = new Date()): Promise<ApiKey | null> {
    const key = await this.db.apiKey.findUnique({ where: { id } });
    if (!key) return null;
    if (key.revokedAt) return key;
    return this.db.apiKey.update({ where: { id }, data: { revokedAt: now } });
  }

  findBySecret(secret: string): Promise<ApiKey | null> {
    return this.db.apiKey.findUnique({ where: { hash: hashApiKey(secret) } });
  }

  /** Records use, at most once a minute per key, so authentication is not a write per request. */
  async touch(key: ApiKey, now = new Date()): Promise<void> {
    if (key.lastUsedAt && now.getTime() - key.lastUsedAt.getTime() < TOUCH_INTERVAL_MS) return;
    await this.db.apiKey.updateMany({ where: { id: key.id }, data: { lastUsedAt: now } });
  }
}
