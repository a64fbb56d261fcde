import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { PassportModule } from '@nestjs/passport';

import { AppConfig } from '@app/config';
import { PrismaService } from '@app/database';

import { ApiKeyAuthenticator } from './api-keys/api-key-authenticator';
import { ApiKeyStore } from './api-keys/api-key-store';
import { CredentialsGuard } from './guards/credentials.guard';
import { RateLimitGuard } from './guards/rate-limit.guard';
import { ScopesGuard } from './guards/scopes.guard';
import { JwtVerifier } from './jwt/jwt-verifier';
import { OidcIssuer } from './jwt/oidc-issuer';
import { AuthFailureLimiter } from './rate-limit/auth-failure-limiter';
import { RateLimiter } from './rate-limit/rate-limiter';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { BearerStrategy } from './strategies/bearer.strategy';
import { TenantDirectory } from './tenants/tenant-directory';

/** Authentication (Passport: bearer JWT or API key, X-API-Key), rate limits and scopes, as global guards in that order. */
@Global()
@Module({
  imports: [PassportModule.register({ session: false })],
  providers: [
    {
      provide: JwtVerifier,
      inject: [AppConfig],
      useFactory: (config: AppConfig) =>
        new JwtVerifier({
          secret: config.jwtSecret,
          issuer: config.jwtIssuer,
          audience: config.jwtAudience,
          issuers: config.oidcIssuers.map((issuer) => new OidcIssuer(issuer, config.oidcJwksRefreshSeconds)),
          maxTtlSeconds: config.jwtMaxTtlSeconds,
          allowNoExp: config.jwtAllowNoExp,
        }),
    },
    // API keys are looked up before there is a principal, across tenants: the unscoped client.
    { provide: ApiKeyStore, inject: [PrismaService], useFactory: (prisma: PrismaService) => new ApiKeyStore(prisma) },
    ApiKeyAuthenticator,
    TenantDirectory,
    RateLimiter,
    AuthFailureLimiter,
    BearerStrategy,
    ApiKeyStrategy,
    { provide: APP_GUARD, useClass: CredentialsGuard },
    { provide: APP_GUARD, useClass: RateLimitGuard },
    { provide: APP_GUARD, useClass: ScopesGuard },
  ],
  exports: [ApiKeyStore, JwtVerifier],
})
export class AuthModule {}
