import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

import { AdminOnly, CommaSeparated, DateRangeQueryDto, IsInstant, IsTenantId, queryListMaxItems, TagFilter, ToInt, ToLowerCase } from '@app/common';
import { CONTROL_ID, CONTROL_ID_MESSAGE, MAX_CONTROLS } from '@app/compliance';

import { ALERTABLE_TYPES, FOLLOW_UP_STATUSES, SEVERITIES, SEVERITY_FILTER, SHELVED_FILTER, STATUSES } from './alert-enums';

const LIST = { each: true } as const;

/** The `suppressed` filter's values (maintenance windows): only suppressed alerts, only the others (the default), or both. */
export const SUPPRESSED_FILTER = ['true', 'false', 'any'] as const;

/**
 * Every filter of the alert list, shared by the list, bulk actions, statistics and exports. Multi-value
 * filters take `a,b` or repeat the parameter; values within one filter are OR-ed, filters are AND-ed.
 */
export class AlertFilterDto extends DateRangeQueryDto {
  @ApiPropertyOptional({ type: [String], description: 'Alert types (OR)', example: ['brute_force'] })
  @IsOptional()
  @CommaSeparated()
  @IsString(LIST)
  @MaxLength(100, LIST)
  @ArrayMaxSize(50)
  type?: string[];

  @ApiPropertyOptional({ enum: SEVERITIES, enumName: 'AlertSeverity', isArray: true, ...queryListMaxItems(50), description: 'Severities (OR), in any case' })
  @IsOptional()
  @CommaSeparated()
  @ToLowerCase()
  @IsIn(SEVERITIES, SEVERITY_FILTER)
  @ArrayMaxSize(50)
  severity?: (typeof SEVERITIES)[number][];

  @ApiPropertyOptional({ enum: STATUSES, enumName: 'AlertStatus', isArray: true, ...queryListMaxItems(50), description: 'Statuses (OR)' })
  @IsOptional()
  @CommaSeparated()
  @IsIn(STATUSES, LIST)
  @ArrayMaxSize(50)
  status?: (typeof STATUSES)[number][];

  /** Case-insensitive substring of the source. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  source?: string;

  @ApiPropertyOptional({ type: [String], description: 'Alertmanager alertnames (OR)' })
  @IsOptional()
  @CommaSeparated()
  @IsString(LIST)
  @MaxLength(200, LIST)
  @ArrayMaxSize(50)
  alertname?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Assignees (OR)' })
  @IsOptional()
  @CommaSeparated()
  @IsString(LIST)
  @MaxLength(200, LIST)
  @ArrayMaxSize(50)
  assignee?: string[];

  @ApiPropertyOptional({ enum: ALERTABLE_TYPES, enumName: 'AlertableType', isArray: true, ...queryListMaxItems(50), description: 'What raised the alert (OR)' })
  @IsOptional()
  @CommaSeparated()
  @IsIn(ALERTABLE_TYPES, LIST)
  @ArrayMaxSize(50)
  alertable_type?: (typeof ALERTABLE_TYPES)[number][];

  /** The id of the entity that raised the alert. */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  alertable_id?: string;

  @ApiPropertyOptional({ type: [String], description: 'Alert rule ids (OR)' })
  @IsOptional()
  @CommaSeparated()
  @IsString(LIST)
  @MaxLength(100, LIST)
  @ArrayMaxSize(50)
  alert_rule_id?: string[];

  @ApiPropertyOptional({ type: [String], description: 'System keys (OR)' })
  @IsOptional()
  @CommaSeparated()
  @IsString(LIST)
  @MaxLength(200, LIST)
  @ArrayMaxSize(50)
  system_key?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Stream ids (OR)' })
  @IsOptional()
  @CommaSeparated()
  @IsString(LIST)
  @MaxLength(200, LIST)
  @ArrayMaxSize(50)
  stream_id?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Federated instances the alerts came from (OR); seed 000’s `instance`' })
  @IsOptional()
  @CommaSeparated()
  @IsString(LIST)
  @MaxLength(200, LIST)
  @ArrayMaxSize(50)
  instance?: string[];

  @ApiPropertyOptional({ type: [String], description: 'Site ids: every stream of the site (OR)' })
  @IsOptional()
  @CommaSeparated()
  @IsString(LIST)
  @MaxLength(200, LIST)
  @ArrayMaxSize(50)
  site_id?: string[];

  @ApiPropertyOptional({ enum: FOLLOW_UP_STATUSES, enumName: 'FollowUpStatus', isArray: true, ...queryListMaxItems(50) })
  @IsOptional()
  @CommaSeparated()
  @IsIn(FOLLOW_UP_STATUSES, LIST)
  @ArrayMaxSize(50)
  follow_up_status?: (typeof FOLLOW_UP_STATUSES)[number][];

  @ApiPropertyOptional({ type: [String], description: '`key:value` label matches; repeat for more (AND)', example: ['env:prod'] })
  @IsOptional()
  @CommaSeparated()
  @Matches(/^[^:]{1,100}:.{0,200}$/, { each: true, message: 'label must be key:value' })
  @ArrayMaxSize(20)
  label?: string[];

  @ApiPropertyOptional({
    type: [String],
    description: 'Control ids (OR): alerts that evidence any of them (`ISO27001:A.<n>.<n>`, `PCI:<n>(.<n>)*`)',
    maxItems: MAX_CONTROLS,
    example: ['ISO27001:A.8.15', 'PCI:10.2.1.1'],
  })
  // 22 is CONTROL_ID_MAX_LENGTH, written out: the Swagger plugin reads a literal, not an imported constant.
  @IsOptional()
  @CommaSeparated()
  @Matches(CONTROL_ID, { each: true, message: CONTROL_ID_MESSAGE })
  @MaxLength(22, LIST)
  @ArrayMaxSize(MAX_CONTROLS)
  control?: string[];

  @TagFilter('Tags (OR): alerts holding any of them (case-insensitive)')
  tag?: string[];

  @TagFilter('Tags (AND): alerts holding every one of them (case-insensitive)')
  tags_all?: string[];

  /**
   * Alerts open at this instant (created by then and not resolved or dismissed then, reopenings
   * included), from their recorded lifecycle: RFC 3339, or a date read in `timezone`. @example "2025-04-01T00:00:00Z"
   */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsInstant()
  open_at?: string;

  @ApiPropertyOptional({ type: 'integer', minimum: 0, maximum: 2_147_483_647, description: 'Alerts repeated at least this many times (`duplicate_count`)' })
  @IsOptional()
  @ToInt()
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  min_duplicate_count?: number;

  /** Alerts last received (created, or repeated) at or after this instant: RFC 3339, or a date read in `timezone`. @example "2025-04-01T00:00:00Z" */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsInstant()
  last_received_from?: string;

  /** Alerts last received before this instant: RFC 3339, or a date read in `timezone`. @example "2025-05-01T00:00:00Z" */
  @IsOptional()
  @IsString()
  @MaxLength(40)
  @IsInstant()
  last_received_to?: string;

  @ApiPropertyOptional({
    enum: SHELVED_FILTER,
    description:
      'Shelved (snoozed) alerts: `true` only those shelved now, `false` only the others, `any` both. The list leaves shelved alerts out when neither this nor `status` is given; statistics, exports and bulk actions take both unless told.',
  })
  @IsOptional()
  @IsIn(SHELVED_FILTER)
  shelved?: (typeof SHELVED_FILTER)[number];
  @ApiPropertyOptional({
    enum: SUPPRESSED_FILTER,
    enumName: 'SuppressedFilter',
    default: 'false',
    description:
      'Alerts a maintenance window suppressed: `true` only those, `false` (the default) only the others, `any` both. Lists, counts, statistics and exports leave suppressed alerts out unless this says otherwise',
  })
  @IsOptional()
  @IsIn(SUPPRESSED_FILTER)
  suppressed?: (typeof SUPPRESSED_FILTER)[number];

  /** Free text over title, message, source, alertable_id and the rule name (case-insensitive). */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  /** Admin only: one tenant (400 from any other principal). */
  @IsOptional()
  @AdminOnly()
  @IsTenantId()
  tenant_id?: string;
}

/** Filter fields, for code that copies a filter out of a larger query object. */
const ALERT_FILTER_FIELDS = [
  'type',
  'severity',
  'status',
  'source',
  'alertname',
  'assignee',
  'alertable_type',
  'alertable_id',
  'alert_rule_id',
  'system_key',
  'stream_id',
  'site_id',
  'instance',
  'follow_up_status',
  'label',
  'q',
  'created_from',
  'created_to',
  'timezone',
  'tenant_id',
  'control',
  'open_at',
  'tag',
  'tags_all',
  'min_duplicate_count',
  'last_received_from',
  'last_received_to',
  'shelved',
  'suppressed',
] as const satisfies readonly (keyof AlertFilterDto)[];

/** Fields that do not narrow the alerts by themselves: how dates are read, and (admin) the whole of one tenant. */
const NOT_NARROWING = new Set<string>(['timezone', 'tenant_id']);

/**
 * Whether a filter selects fewer than all of the tenant's alerts: some field other than `timezone` and
 * `tenant_id` is given. An empty string or list counts as not given, as the where-builder skips it.
 */
export function narrowsAlerts(filter: AlertFilterDto): boolean {
  return ALERT_FILTER_FIELDS.some((field) => {
    const value = filter[field];
    if (((field === 'shelved' || field === 'suppressed') && value === 'any') || (field === 'min_duplicate_count' && value === 0)) return false;
    return !NOT_NARROWING.has(field) && value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
  });
}

/** Just the filter of a larger query (a list query with paging, a statistics query with a limit). */
export function pickAlertFilter(query: AlertFilterDto): AlertFilterDto {
  const filter: Record<string, unknown> = {};
  for (const field of ALERT_FILTER_FIELDS) if (query[field] !== undefined) filter[field] = query[field];
  return filter as AlertFilterDto;
}
