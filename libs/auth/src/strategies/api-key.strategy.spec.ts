import { apiKeyHeader, apiKeyToAuthenticate } from './api-key.strategy';

describe('the API key headers', () => {
  it('should read X-API-Key', () => {
    expect(apiKeyHeader({ 'x-api-key': 'ak_ours' })).toBe('ak_ours');
  });

  it('should read seed 003’s x-auth-apikey as an alias, whatever x-auth-scheme says', () => {
    expect(apiKeyHeader({ 'x-auth-apikey': 'ak_rhombus', 'x-auth-scheme': 'api-token' })).toBe('ak_rhombus');
    expect(apiKeyHeader({ 'x-auth-apikey': 'ak_rhombus' })).toBe('ak_rhombus');
  });

  it('should prefer X-API-Key when both are sent, and take the first of a repeated header', () => {
    expect(apiKeyHeader({ 'x-auth-apikey': 'ak_rhombus', 'x-api-key': 'ak_ours' })).toBe('ak_ours');
    expect(apiKeyHeader({ 'x-auth-apikey': ['ak_first', 'ak_second'] as unknown as string })).toBe('ak_first');
  });

  it('should find none without either header, so the bearer strategy is tried', () => {
    expect(apiKeyHeader({ authorization: 'Bearer ak_x', 'x-auth-scheme': 'api-token' })).toBeUndefined();
  });
});

describe('a bearer token and an API key in one request', () => {
  it('should leave a key header that repeats the bearer token to the bearer strategy (one credential sent twice)', () => {
    expect(apiKeyToAuthenticate({ authorization: 'Bearer eyJhbGciOi.jwt.sig', 'x-api-key': 'eyJhbGciOi.jwt.sig' })).toBeUndefined();
    expect(apiKeyToAuthenticate({ authorization: 'bearer  ak_same', 'x-api-key': 'ak_same' })).toBeUndefined();
  });

  it('should read the API key when the two credentials differ, and when no bearer token is sent', () => {
    expect(apiKeyToAuthenticate({ authorization: 'Bearer eyJhbGciOi.jwt.sig', 'x-api-key': 'ak_other' })).toBe('ak_other');
    expect(apiKeyToAuthenticate({ authorization: 'Bearer eyJhbGciOi.jwt.sig', 'x-api-key': 'eyJhbGciOi.jwt.other' })).toBe('eyJhbGciOi.jwt.other');
    expect(apiKeyToAuthenticate({ 'x-api-key': 'ak_alone' })).toBe('ak_alone');
  });
});
