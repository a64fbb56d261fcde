import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsDefined, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength, ValidateIf } from 'class-validator';

import { SEVERITIES } from '@app/alerts/dto/alert-enums';
import { IsDateTimeText } from '@app/common';
import type { AlertSeverity, ThreatCaseStatus } from '@app/database';

import { ALERT_ID, CLOSE_DECISIONS, CloseDecision, THREAT_CASE_STATUSES } from './threat-case-enums';

export class TransitionThreatCaseDto {
  @ApiProperty({ enum: THREAT_CASE_STATUSES, enumName: 'ThreatCaseStatus', description: 'The status to move to; the state machine decides (409 otherwise)' })
  @IsIn(THREAT_CASE_STATUSES)
  status: ThreatCaseStatus;

  /** Why; kept in the timeline. @example "Dispatcher confirmed the caller" */
  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  note?: string;
}

export class ThreatCaseNoteDto {
  /** The note, kept in the timeline. @example "Guard on site reports the door forced open" */
  @IsString()
  @MinLength(1)
  @MaxLength(5_000)
  message: string;
}

/** One verification attempt (seed 003's verification record). */
export class CreateVerificationDto {
  /** The linked alert being verified. @example "alr_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @ApiPropertyOptional({ pattern: ALERT_ID.source })
  @IsOptional()
  @Matches(ALERT_ID, { message: 'alert_id must be an alert id (alr_ followed by 26 characters)' })
  alert_id?: string;

  /** The verifier's id of the clip verification. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  clip_verification_id?: string;

  /** The verifier's id of the stream verification. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  stream_verification_id?: string;

  @IsOptional()
  @IsBoolean()
  initiated_as_clip?: boolean;

  @IsOptional()
  @IsBoolean()
  sent_as_clip?: boolean;

  /** When the clip was sent, RFC 3339. */
  @IsOptional()
  @IsDateTimeText(false)
  sent_as_clip_at?: string;

  @IsOptional()
  @IsBoolean()
  failed_as_clip?: boolean;

  @IsOptional()
  @IsBoolean()
  sent_as_windowed_stream?: boolean;

  /** When the windowed stream was sent, RFC 3339. */
  @IsOptional()
  @IsDateTimeText(false)
  sent_as_windowed_stream_at?: string;

  @IsOptional()
  @IsBoolean()
  failed_as_stream?: boolean;
}

/** POST /v1/threat-cases/{id}/approvals: a second person's decision on the pending close request. */
export class CloseApprovalDto {
  @ApiPropertyOptional({
    enum: CLOSE_DECISIONS,
    enumName: 'CloseDecision',
    default: 'approve',
    description: 'approve closes the case; reject keeps it open and ends the request (the requester rejecting withdraws it)',
  })
  @IsOptional()
  @IsIn(CLOSE_DECISIONS)
  decision?: CloseDecision;

  /** Why; kept in the timeline. @example "Evidence reviewed, closure confirmed" */
  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  note?: string;
}

/** PATCH /v1/threat-cases/{id}: the triage fields (at least one of assignee and severity); omitted ones stay. */
export class UpdateThreatCaseDto {
  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 200, description: 'Who works the case; null unassigns it', example: 'analyst-002' })
  @ValidateIf((body: UpdateThreatCaseDto) => body.assignee !== null && (body.assignee !== undefined || body.severity === undefined))
  @IsDefined({ message: 'give assignee or severity (or both)' })
  @IsString()
  @MaxLength(200)
  assignee?: string | null;

  @ApiPropertyOptional({ enum: SEVERITIES, enumName: 'AlertSeverity', description: 'The alerts’ scale (not null: a case always has one)' })
  @ValidateIf((body: UpdateThreatCaseDto) => body.severity !== undefined)
  @IsIn(SEVERITIES)
  severity?: AlertSeverity;

  /** Why; kept in the timeline (a NOTE event after the change). */
  @IsOptional()
  @IsString()
  @MaxLength(5_000)
  note?: string;
}
