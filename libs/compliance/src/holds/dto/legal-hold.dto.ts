import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsNotEmpty, IsOptional, IsString, Matches, MaxLength, ValidateIf } from 'class-validator';

import { PageQueryDto, ToBoolean } from '@app/common';
import type { LegalHold } from '@app/database';

export const LEGAL_HOLD_SCOPES = ['tenant', 'threat_case'] as const;
export type LegalHoldScopeName = (typeof LEGAL_HOLD_SCOPES)[number];
const THREAT_CASE_ID = /^tc_[0-9A-Z]{26}$/;

export class CreateLegalHoldDto {
  @ApiProperty({
    enum: LEGAL_HOLD_SCOPES,
    enumName: 'LegalHoldScope',
    description: 'tenant: nothing of the tenant is purged; threat_case: the case’s alerts are not purged',
    example: 'threat_case',
  })
  @IsIn(LEGAL_HOLD_SCOPES)
  scope: LegalHoldScopeName;

  /** The held case (scope threat_case only). @example "tc_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @ApiPropertyOptional({ pattern: THREAT_CASE_ID.source })
  @ValidateIf((body: CreateLegalHoldDto) => body.scope === 'threat_case' || body.threat_case_id !== undefined)
  @Matches(THREAT_CASE_ID, { message: 'threat_case_id must be a threat case id (tc_ followed by 26 characters); scope threat_case needs it' })
  threat_case_id?: string;

  /** Why the data must be kept. @example "Litigation hold requested by counsel" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(2_000)
  reason: string;

  /** The matter, ticket or request this hold answers. @example "MATTER-2025-017" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  reference?: string;
}

export class ReleaseLegalHoldDto {
  /** Why the hold ends; kept with the hold and in the audit trail. @example "Matter closed" */
  @IsString()
  @IsNotEmpty()
  @MaxLength(2_000)
  note: string;
}

export class ListLegalHoldsQueryDto extends PageQueryDto {
  /** Only active (true) or released (false) holds. */
  @IsOptional()
  @ToBoolean()
  @IsBoolean()
  active?: boolean;

  @ApiPropertyOptional({ enum: LEGAL_HOLD_SCOPES, enumName: 'LegalHoldScope' })
  @IsOptional()
  @IsIn(LEGAL_HOLD_SCOPES)
  scope?: LegalHoldScopeName;

  /** Holds on this threat case. */
  @ApiPropertyOptional({ pattern: THREAT_CASE_ID.source })
  @IsOptional()
  @Matches(THREAT_CASE_ID, { message: 'threat_case_id must be a threat case id (tc_…)' })
  threat_case_id?: string;

  /** Holds sort by the time they were placed, id breaking ties. */
  @IsOptional()
  @IsIn(['placed_at'])
  sort_by?: 'placed_at';
}

export class LegalHoldDto {
  @ApiProperty({ example: 'lh_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) id: string;
  @ApiProperty({ maxLength: 40 }) tenant_id: string;
  @ApiProperty({ enum: LEGAL_HOLD_SCOPES, enumName: 'LegalHoldScope' }) scope: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 40 }) threat_case_id: string | null;
  @ApiProperty({ maxLength: 2000 }) reason: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) reference: string | null;
  @ApiProperty({ description: 'Not released yet: the purge keeps what it covers' }) active: boolean;
  @ApiProperty({ format: 'date-time' }) placed_at: string;
  @ApiProperty({ maxLength: 200 }) placed_by: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) released_at: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) released_by: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 2000 }) release_note: string | null;

  static from(hold: LegalHold): LegalHoldDto {
    return {
      id: hold.id,
      tenant_id: hold.tenantId,
      scope: hold.scope,
      threat_case_id: hold.threatCaseId,
      reason: hold.reason,
      reference: hold.reference,
      active: hold.releasedAt === null,
      placed_at: hold.placedAt.toISOString(),
      placed_by: hold.placedBy,
      released_at: hold.releasedAt?.toISOString() ?? null,
      released_by: hold.releasedBy,
      release_note: hold.releaseNote,
    };
  }
}
