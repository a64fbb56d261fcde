import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import type { Principal } from '@app/common';
import type { Tenant } from '@app/database';

import { TenantDto } from './tenant.dto';

/** What the credential of the request says of itself: an API key's name and expiry, a token's issuer, id and times. */
export class CredentialDto {
  @ApiPropertyOptional({ description: "An API key's name", example: 'alertmanager-prod', maxLength: 200 }) name?: string;
  @ApiPropertyOptional({ description: "A token's `iss`", example: 'https://login.example.com/realms/ops', maxLength: 500 }) issuer?: string;
  @ApiPropertyOptional({ description: "A token's `jti`", maxLength: 200 }) token_id?: string;
  @ApiPropertyOptional({ format: 'date-time', description: "A token's `iat`, or when the API key was created" }) issued_at?: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: "An API key's expires_at or a token's `exp`; null: it never expires" })
  expires_at: string | null;
}

/** GET /v1/me: who the request is made as. */
export class MeDto {
  @ApiProperty({ enum: ['jwt', 'api_key'], enumName: 'PrincipalKind', description: 'A bearer token (HS256 or OIDC) or an API key' }) kind: string;
  @ApiProperty({ description: "The token's `sub`, or the API key's id", example: 'user-42', maxLength: 200 }) subject: string;
  @ApiProperty({ type: TenantDto, description: "The principal's tenant" }) tenant: TenantDto;
  @ApiProperty({
    type: [String],
    maxItems: 20,
    items: { type: 'string', maxLength: 40 },
    example: ['alerts:read', 'alerts:write'],
    description: 'The scopes the request acts with (an auditor credential: the auditor set), sorted',
  })
  scopes: string[];
  @ApiProperty({ description: '`admin`: may act across tenants' }) is_admin: boolean;
  @ApiProperty({ type: CredentialDto }) credential: CredentialDto;

  static from(principal: Principal, tenant: Tenant): MeDto {
    const facts = principal.credential;
    return {
      kind: principal.kind,
      subject: principal.subject,
      tenant: TenantDto.from(tenant),
      scopes: [...principal.scopes].sort(),
      is_admin: principal.isAdmin,
      credential: {
        ...(facts?.name !== undefined ? { name: facts.name } : {}),
        ...(facts?.issuer !== undefined ? { issuer: facts.issuer } : {}),
        ...(facts?.tokenId !== undefined ? { token_id: facts.tokenId } : {}),
        ...(facts?.issuedAt !== undefined ? { issued_at: facts.issuedAt.toISOString() } : {}),
        expires_at: facts?.expiresAt ? facts.expiresAt.toISOString() : null,
      },
    };
  }
}
