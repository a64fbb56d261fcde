import { createHash, randomBytes } from 'node:crypto';

/** Every API key starts with it; a bearer token that does is read as an API key. */
export const API_KEY_MARK = 'ak_';
const KEY_PATTERN = /^ak_[A-Za-z0-9_-]{43}$/;
export const API_KEY_PREFIX_LENGTH = 11;

/** A new API key: `ak_` + 256 random bits. Only its SHA-256 and its first characters are stored. */
export function newApiKeySecret(): string {
  return `${API_KEY_MARK}${randomBytes(32).toString('base64url')}`;
}

/** SHA-256 suffices for keys of 256 random bits: nothing to guess, so no slow hash is needed. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function apiKeyPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX_LENGTH);
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}
