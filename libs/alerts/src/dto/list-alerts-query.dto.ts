import { IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

import { ApiQueryEnum, PageQueryDto, SparseFieldsQueryDto } from '@app/common';

import { ALERT_SORT_FIELDS, AlertSortField } from './alert-enums';
import { AlertListItemDto } from './alert.dto';
import { AlertFilterDto } from './alert-filter.dto';

/** The alert list: every filter, sort, both paging modes and sparse fieldsets. */
export class ListAlertsQueryDto extends IntersectionType(AlertFilterDto, PageQueryDto, SparseFieldsQueryDto(AlertListItemDto, 'AlertListField')) {
  @ApiQueryEnum({
    enum: ALERT_SORT_FIELDS,
    enumName: 'AlertSortField',
    default: 'created_at',
    description: 'Field to sort by; severity and status then sort by created_at, and id breaks ties',
  })
  @IsOptional()
  @IsIn(ALERT_SORT_FIELDS)
  sort_by?: AlertSortField;
}
