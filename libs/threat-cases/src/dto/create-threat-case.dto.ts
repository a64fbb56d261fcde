import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';

import { SEVERITIES } from '@app/alerts/dto/alert-enums';
import { OptionalTags } from '@app/common';
import type { AlertSeverity } from '@app/database';

import { ALERT_ID, MAX_ALERT_IDS } from './threat-case-enums';

const ALERT_ID_MESSAGE = { each: true, message: 'each alert id must be an alert id (alr_ followed by 26 characters)' } as const;

/** The alert ids of a request: 1 to 100 alerts of the caller's tenant. */
export class ThreatCaseAlertIdsDto {
  @ApiProperty({ type: [String], minItems: 1, maxItems: MAX_ALERT_IDS, pattern: ALERT_ID.source, example: ['alr_01JQ3Z6V1B9W3C7KJ6T2X9P8R4'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ALERT_IDS)
  @Matches(ALERT_ID, ALERT_ID_MESSAGE)
  alert_ids: string[];
}

/** The siren a case plays on site (seed 003's sirenSettings). */
export class SirenSettingsInputDto {
  /** The audio clip the siren plays. @example "clip-evacuate-01" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  clip_id?: string;

  /** How long one play lasts, in seconds (1 to 3,600). @example 30 */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(3_600)
  duration_seconds?: number;

  /** How many times it plays (1 to 100). @example 3 */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(100)
  play_count?: number;
}

/** A threat case escalated from alerts of the caller's tenant; it starts INITIATED. */
export class CreateThreatCaseDto extends ThreatCaseAlertIdsDto {
  /** Seed 003's promptTitle. @example "Person with a weapon at the north entrance" */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  title?: string;

  /** Seed 003's promptTheme (upper case, default THREAT). @example "THREAT" */
  @IsOptional()
  @Matches(/^[A-Z][A-Z0-9_]{0,49}$/, { message: 'prompt_theme must be upper case letters, digits and _ (for example THREAT)' })
  prompt_theme?: string;

  /** The device that raised the threat. @example "cam-north-entrance" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  device_id?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 50, description: 'Other devices that saw it', example: ['cam-lobby'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  associated_device_ids?: string[];

  /** @example "site-jakarta-hq" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  location_id?: string;

  /** @example "Jakarta HQ" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  location_name?: string;

  /** Dot-separated location ids from the site down. @example "site-jakarta-hq.building-a.floor-1" */
  @IsOptional()
  @IsString()
  @MaxLength(1_000)
  sub_locations_hierarchy_key?: string;

  @IsOptional()
  @ValidateNested()
  @Type(() => SirenSettingsInputDto)
  siren_settings?: SirenSettingsInputDto;

  /** Who works the case. @example "analyst-002" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  assignee?: string;

  @ApiPropertyOptional({ enum: SEVERITIES, enumName: 'AlertSeverity', description: 'The alerts’ scale; omitted: the highest severity of the linked alerts' })
  @IsOptional()
  @IsIn(SEVERITIES)
  severity?: AlertSeverity;

  @OptionalTags('Tags (case-insensitive, stored in lower case, once each); PUT or PATCH /v1/threat-cases/{id}/tags changes them later')
  tags?: string[];

  /** Why the case was opened; kept in the timeline. */
  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  note?: string;
}
