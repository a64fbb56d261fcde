import { ArrayMaxSize, IsIn, IsOptional } from 'class-validator';
import { ApiPropertyOptional, IntersectionType } from '@nestjs/swagger';

import { CommaSeparated, PageQueryDto, queryListMaxItems, SparseFieldsQueryDto } from '@app/common';

import { EXPORT_STATUSES, ExportStatusName } from './export-enums';
import { ExportJobDto } from './export-job.dto';

export const EXPORT_SORT_FIELDS = ['created_at'] as const;

/** The caller's export jobs, newest first, in either paging mode. */
export class ListExportsQueryDto extends IntersectionType(PageQueryDto, SparseFieldsQueryDto(ExportJobDto, 'ExportJobField', 'job_id')) {
  @ApiPropertyOptional({ enum: EXPORT_STATUSES, enumName: 'ExportStatus', isArray: true, ...queryListMaxItems(50), description: 'Statuses (OR)' })
  @IsOptional()
  @CommaSeparated()
  @IsIn(EXPORT_STATUSES, { each: true })
  @ArrayMaxSize(50)
  status?: ExportStatusName[];

  /** Jobs sort by creation time, id breaking ties. */
  @IsOptional()
  @IsIn(EXPORT_SORT_FIELDS)
  sort_by?: (typeof EXPORT_SORT_FIELDS)[number];
}
