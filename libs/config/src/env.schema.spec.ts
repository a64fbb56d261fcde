import { ConfigError, parseEnv } from './env.schema';

const valid = { JWT_SECRET: 'j'.repeat(32), CURSOR_SECRET: 'c'.repeat(32) };

describe('parseEnv', () => {
  it('should apply defaults for optional variables', () => {
    const env = parseEnv(valid);
    expect(env.PORT).toBe(3000);
    expect(env.DATABASE_URL).toBe('postgresql://postgres@127.0.0.1:5432/alert_ledger');
    expect(env.JWT_ISSUER).toBeNull();
    expect(env.METRICS_PUBLIC).toBe(true);
  });

  it('should accept JWTs without exp only in development', () => {
    expect(parseEnv({ ...valid, NODE_ENV: 'development', JWT_ALLOW_NO_EXP: 'true' }).JWT_ALLOW_NO_EXP).toBe(true);
    expect(() => parseEnv({ ...valid, NODE_ENV: 'production', JWT_ALLOW_NO_EXP: 'true' })).toThrow(
      'JWT_ALLOW_NO_EXP is malformed ("true"): expected false unless NODE_ENV=development',
    );
  });

  it('should name a missing required variable and what it expects', () => {
    expect(() => parseEnv({ CURSOR_SECRET: valid.CURSOR_SECRET })).toThrow(
      'JWT_SECRET is missing: expected a secret of at least 32 characters (HS256 signing key)',
    );
  });

  it('should report every malformed variable in one error without echoing secrets', () => {
    let error: ConfigError | undefined;
    try {
      parseEnv({ ...valid, PORT: '70000', DATABASE_URL: 'mysql://x', JWT_SECRET: 'short' });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems).toEqual([
      'PORT is malformed ("70000"): expected a TCP port from 1 to 65535',
      'DATABASE_URL is malformed ("mysql://x"): expected a PostgreSQL URL such as postgresql://postgres@127.0.0.1:5432/alert_ledger',
      'JWT_SECRET is malformed (5 characters): expected a secret of at least 32 characters (HS256 signing key)',
    ]);
    expect(error?.message).not.toContain('short');
  });

  it('should read the purge schedule as five cron fields, empty as never, anything else as malformed', () => {
    expect(parseEnv(valid).RETENTION_PURGE_CRON).toBe('30 2 * * *');
    expect(parseEnv({ ...valid, RETENTION_PURGE_CRON: ' 0  3 * * 1-5 ' }).RETENTION_PURGE_CRON).toBe('0 3 * * 1-5');
    expect(parseEnv({ ...valid, RETENTION_PURGE_CRON: '' }).RETENTION_PURGE_CRON).toBeNull();
    expect(() => parseEnv({ ...valid, RETENTION_PURGE_CRON: 'daily' })).toThrow(/RETENTION_PURGE_CRON is malformed/);
  });

  it('should keep exports on local disk by default and need a bucket, and both or neither S3 credential, for s3', () => {
    expect(parseEnv(valid)).toMatchObject({
      EXPORT_STORAGE: 'local',
      S3_BUCKET: null,
      S3_REGION: 'us-east-1',
      S3_FORCE_PATH_STYLE: true,
      S3_PRESIGNED_DOWNLOADS: false,
    });
    const s3 = {
      ...valid,
      EXPORT_STORAGE: 's3',
      S3_ENDPOINT: 'http://127.0.0.1:8080',
      S3_BUCKET: 'exports',
      S3_ACCESS_KEY_ID: 'test:tester',
      S3_SECRET_ACCESS_KEY: 'testing',
    };
    expect(parseEnv(s3)).toMatchObject({ EXPORT_STORAGE: 's3', S3_ENDPOINT: 'http://127.0.0.1:8080', S3_BUCKET: 'exports' });
    expect(() => parseEnv({ ...s3, S3_BUCKET: '' })).toThrow('S3_BUCKET is missing: expected the bucket holding export files, since EXPORT_STORAGE=s3');
    expect(() => parseEnv({ ...s3, S3_SECRET_ACCESS_KEY: '' })).toThrow(/S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are malformed: expected both or neither/);
    expect(() => parseEnv({ ...s3, EXPORT_STORAGE: 'gcs', S3_ENDPOINT: 'ftp://x' })).toThrow(/EXPORT_STORAGE is malformed \("gcs"\).*S3_ENDPOINT is malformed/);
  });

  it('should parse lists and booleans', () => {
    const env = parseEnv({ ...valid, CORS_ORIGINS: 'https://a.example, http://b.example:8080', METRICS_PUBLIC: 'false' });
    expect(env.CORS_ORIGINS).toEqual(['https://a.example', 'http://b.example:8080']);
    // As a browser sends Origin: lower-case host, no trailing slash, the default port dropped.
    expect(parseEnv({ ...valid, CORS_ORIGINS: 'https://Console.Example.com/,https://c.example:443' }).CORS_ORIGINS).toEqual([
      'https://console.example.com',
      'https://c.example',
    ]);
    expect(() => parseEnv({ ...valid, CORS_ORIGINS: 'https://console.example.com/app' })).toThrow(/CORS_ORIGINS/);
    expect(env.METRICS_PUBLIC).toBe(false);
  });
});

describe('OIDC_ISSUERS', () => {
  const base = { JWT_SECRET: 'j'.repeat(32), CURSOR_SECRET: 'c'.repeat(32) };
  const keycloak = {
    issuer: 'https://sso.example/realms/acme',
    audience: 'alert-ledger',
    tenant_claim: 'tenant_id',
    scope_claims: ['realm_access.roles'],
    scope_map: { 'alert-readers': ['alerts:read'] },
  };

  it('should read issuers with their claims, defaulting to scope and scp', () => {
    const [issuer, entra] =
      parseEnv({
        ...base,
        OIDC_ISSUERS: JSON.stringify([
          keycloak,
          { issuer: 'https://login.example/t/v2.0', audience: 'api://alert-ledger', tenant: 'tnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R4' },
        ]),
      }).OIDC_ISSUERS ?? [];
    expect(issuer).toEqual({
      issuer: keycloak.issuer,
      audience: 'alert-ledger',
      jwksUri: null,
      tenantClaim: 'tenant_id',
      tenant: null,
      scopeClaims: ['realm_access.roles'],
      scopeMap: keycloak.scope_map,
    });
    expect(entra).toEqual(
      expect.objectContaining({ tenant: 'tnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', tenantClaim: null, scopeClaims: ['scope', 'scp'], scopeMap: null }),
    );
  });

  it.each([
    ['not JSON', '{'],
    ['no tenant', JSON.stringify([{ ...keycloak, tenant_claim: undefined }])],
    ['both tenant ways', JSON.stringify([{ ...keycloak, tenant: 'tnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R4' }])],
    ['an unknown key', JSON.stringify([{ ...keycloak, algorithms: ['HS256'] }])],
    ['an issuer twice', JSON.stringify([keycloak, keycloak])],
    ['no audience', JSON.stringify([{ ...keycloak, audience: '' }])],
  ])('should refuse %s', (_case, value) => {
    expect(() => parseEnv({ ...base, OIDC_ISSUERS: value })).toThrow('OIDC_ISSUERS is malformed');
  });

  it('should refuse JWT_JWKS_URL, which is no longer read', () => {
    expect(() => parseEnv({ ...base, JWT_JWKS_URL: 'https://idp.example/jwks' })).toThrow('JWT_JWKS_URL is no longer read');
  });
});
