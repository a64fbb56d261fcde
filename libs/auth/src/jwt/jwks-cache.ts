import { createPublicKey, JsonWebKey, KeyObject } from 'node:crypto';

import { ProblemTypes } from '@app/common';

import { authProblem } from '../auth-problems';

interface Jwks {
  keys: (JsonWebKey & { kid?: string; use?: string; alg?: string })[];
}

const REFRESH_AFTER_MS = 10 * 60_000;
const FETCH_TIMEOUT_MS = 5_000;

/**
 * RS256 verification keys from the configured JWKS URL, cached. A `kid` that is not cached makes one
 * fresh fetch (a key may have just rotated); a second miss is an unknown key. Concurrent misses share
 * one fetch.
 */
export class JwksCache {
  private keys = new Map<string, KeyObject>();
  private fetchedAt = 0;
  private inflight: Promise<void> | null = null;

  constructor(
    private readonly url: string,
    private readonly fetcher: typeof fetch = fetch,
  ) {}

  async key(kid: string | undefined): Promise<KeyObject> {
    if (!kid) throw authProblem(ProblemTypes.unknownSigningKey, { kid: '(none)' });
    if (Date.now() - this.fetchedAt > REFRESH_AFTER_MS) await this.refresh();
    let key = this.keys.get(kid);
    if (!key) {
      await this.refresh();
      key = this.keys.get(kid);
    }
    if (!key) throw authProblem(ProblemTypes.unknownSigningKey, { kid });
    return key;
  }

  private refresh(): Promise<void> {
    this.inflight ??= this.load().finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }

  private async load(): Promise<void> {
    let jwks: Jwks;
    try {
      const response = await this.fetcher(this.url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS), headers: { accept: 'application/json' } });
      if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
      jwks = (await response.json()) as Jwks;
      if (!Array.isArray(jwks.keys)) throw new Error('JWKS has no keys array');
    } catch (error) {
      throw authProblem(ProblemTypes.jwksUnavailable, {}, error);
    }
    const keys = new Map<string, KeyObject>();
    for (const jwk of jwks.keys) {
      if (jwk.kty !== 'RSA' || !jwk.kid || (jwk.use && jwk.use !== 'sig')) continue;
      try {
        keys.set(jwk.kid, createPublicKey({ key: jwk, format: 'jwk' }));
      } catch {
        // a malformed key is skipped; tokens naming it fail as unknown keys
      }
    }
    this.keys = keys;
    this.fetchedAt = Date.now();
  }
}
