import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';

import { ApiQueryEnum, CommaSeparated, IsOmittable, PageQueryDto, queryListMaxItems } from '@app/common';
import type { ThreatCaseTask, ThreatCaseTaskStatus } from '@app/database';

import { CASE_WORK_DESCRIPTION_MAX_LENGTH, CASE_WORK_SORT_FIELDS, CaseWorkSortField, TASK_STATUSES, TASK_TITLE_MAX_LENGTH } from '../case-work-enums';

const LIST = { each: true } as const;
/** A field a PATCH may clear with null (validated only when it is a value). */
const ClearableWithNull = (): PropertyDecorator => ValidateIf((_dto: object, value: unknown) => value !== undefined && value !== null);

export class CreateCaseTaskDto {
  /** What is to be done. @example "Collect the door controller logs" */
  @IsString()
  @MinLength(1)
  @MaxLength(TASK_TITLE_MAX_LENGTH)
  title: string;

  /** How, or what was found. @example "Export the last 48 hours from the access control server" */
  @IsOptional()
  @IsString()
  @MaxLength(CASE_WORK_DESCRIPTION_MAX_LENGTH)
  description?: string;

  @ApiPropertyOptional({
    enum: TASK_STATUSES,
    enumName: 'ThreatCaseTaskStatus',
    default: 'waiting',
    description: 'The status to start in (completed sets done_at)',
  })
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: ThreatCaseTaskStatus;

  /** Who does it. @example "analyst-2" */
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  assignee?: string;
}

/** A change of a task: only the fields given change; `assignee` and `description` take null to clear them. */
export class UpdateCaseTaskDto {
  /** @example "Collect the door controller logs" */
  @ApiPropertyOptional({ type: String, minLength: 1, maxLength: TASK_TITLE_MAX_LENGTH })
  @IsOmittable()
  @IsString()
  @MinLength(1)
  @MaxLength(TASK_TITLE_MAX_LENGTH)
  title?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: CASE_WORK_DESCRIPTION_MAX_LENGTH, description: 'null clears it' })
  @ClearableWithNull()
  @IsString()
  @MaxLength(CASE_WORK_DESCRIPTION_MAX_LENGTH)
  description?: string | null;

  @ApiPropertyOptional({ enum: TASK_STATUSES, enumName: 'ThreatCaseTaskStatus', description: 'completed sets done_at; leaving completed clears it' })
  @IsOmittable()
  @IsIn(TASK_STATUSES)
  status?: ThreatCaseTaskStatus;

  @ApiPropertyOptional({ type: String, nullable: true, minLength: 1, maxLength: 200, description: 'null unassigns the task', example: 'analyst-2' })
  @ClearableWithNull()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  assignee?: string | null;
}

export class ListCaseTasksQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: TASK_STATUSES, enumName: 'ThreatCaseTaskStatus', isArray: true, ...queryListMaxItems(4), description: 'Statuses (OR)' })
  @IsOptional()
  @CommaSeparated()
  @IsIn(TASK_STATUSES, LIST)
  @ArrayMaxSize(4)
  status?: ThreatCaseTaskStatus[];

  @ApiPropertyOptional({ type: [String], maxItems: 20, maxLength: 200, description: 'Assignees (OR)' })
  @IsOptional()
  @CommaSeparated()
  @IsString(LIST)
  @MaxLength(200, LIST)
  @ArrayMaxSize(20)
  assignee?: string[];

  @ApiQueryEnum({ enum: CASE_WORK_SORT_FIELDS, enumName: 'CaseWorkSortField', default: 'created_at', description: 'Field to sort by; id breaks ties' })
  @IsOptional()
  @IsIn(CASE_WORK_SORT_FIELDS)
  sort_by?: CaseWorkSortField;
}

export class CaseTaskDto {
  @ApiProperty({ example: 'tct_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) id: string;
  @ApiProperty({ example: 'tc_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) case_id: string;
  @ApiProperty({ maxLength: 40 }) tenant_id: string;
  @ApiProperty({ maxLength: TASK_TITLE_MAX_LENGTH }) title: string;
  @ApiProperty({ type: String, nullable: true, maxLength: CASE_WORK_DESCRIPTION_MAX_LENGTH }) description: string | null;
  @ApiProperty({ enum: TASK_STATUSES, enumName: 'ThreatCaseTaskStatus' }) status: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) assignee: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the task was completed (null unless it is completed)' })
  done_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ maxLength: 200 }) created_by: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ maxLength: 200 }) updated_by: string;
  @ApiProperty({ description: 'Incremented by every change; the ETag' }) version: number;

  static from(task: ThreatCaseTask): CaseTaskDto {
    return {
      id: task.id,
      case_id: task.caseId,
      tenant_id: task.tenantId,
      title: task.title,
      description: task.description,
      status: task.status,
      assignee: task.assignee,
      done_at: task.doneAt ? task.doneAt.toISOString() : null,
      created_at: task.createdAt.toISOString(),
      created_by: task.createdBy,
      updated_at: task.updatedAt.toISOString(),
      updated_by: task.updatedBy,
      version: task.version,
    };
  }
}
