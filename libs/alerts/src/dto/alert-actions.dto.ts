import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsOptional, IsString, Matches, MaxLength, ValidateIf, ValidateNested } from 'class-validator';

import { FOLLOW_UP_STATUSES } from './alert-enums';
import { AlertFilterDto } from './alert-filter.dto';

export class AlertActionDto {
  /** Why; kept in the timeline. @example "Confirmed with the account owner" */
  @IsOptional() @IsString() @MaxLength(5_000)
  note?: string;
}

export class AssignAlertDto {
  /** The new assignee; null unassigns. @example "analyst-002" */
  @ApiProperty({ type: String, nullable: true })
  @ValidateIf((_, value) => value !== null) @IsString() @MaxLength(200)
  assignee: string | null;

  @IsOptional() @IsString() @MaxLength(5_000)
  note?: string;
}

export class FollowUpDto {
  @ApiProperty({ enum: FOLLOW_UP_STATUSES, enumName: 'FollowUpStatus' })
  @IsIn(FOLLOW_UP_STATUSES)
  follow_up_status: (typeof FOLLOW_UP_STATUSES)[number];

  /** @example "Sudah diperiksa oleh tim keamanan pukul 09.00 WIB" */
  @IsOptional() @IsString() @MaxLength(5_000)
  follow_up_notes?: string;
}

/** Exactly one of `ids` (up to 1,000) or `filter`. */
export class BulkActionDto {
  @ApiPropertyOptional({ type: [String], maxItems: 1000 })
  @ValidateIf((body: BulkActionDto) => body.filter === undefined)
  @ArrayMinSize(1) @ArrayMaxSize(1000) @Matches(/^alr_[0-9A-Z]{26}$/, { each: true, message: 'each id must be an alert id (alr_…)' })
  ids?: string[];

  @ApiPropertyOptional({ type: AlertFilterDto, description: 'Every alert the list would show with these filters' })
  @ValidateIf((body: BulkActionDto) => body.ids === undefined || body.filter !== undefined)
  @ValidateNested() @Type(() => AlertFilterDto)
  filter?: AlertFilterDto;

  @IsOptional() @IsString() @MaxLength(5_000)
  note?: string;
}
