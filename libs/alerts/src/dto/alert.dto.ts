import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { MAX_ANSWERED_CONTROLS } from '@app/compliance';
import { ANNOTATION_LIMITS, isoUtc, LABEL_LIMITS, PROBLEM_LIMITS, ProblemSchema, TagsProperty } from '@app/common';
import type { Alert, AlertTimelineEntry } from '@app/database';

import { LIFECYCLE_ACTIONS } from '../alert-state-machine';
import { timeToAcknowledge, timeToResolve } from '../response-times';
import { MAX_BULK_FILTER_ALERTS } from './alert-actions.dto';
import { ALERTABLE_TYPES, FOLLOW_UP_STATUSES, SEVERITIES, STATUSES } from './alert-enums';
import { MAX_BATCH } from './create-alert.dto';
import { AlertEventDto, AlertEventSummaryDto } from '../event/alert-event-answer.dto';

function iso(date: Date | null): string | null {
  return date ? isoUtc(date) : null;
}

/** The rule that raised the alert, as it was then (seed 000's alert_rule): later edits of the rule do not change it. */
export class AlertRuleDto {
  @ApiProperty({ maxLength: 100, example: 'rule-fr-07' }) id: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200, example: 'Unknown face detected' }) name: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 2000, example: 'Alert for faces not enrolled' }) description: string | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'Whether the rule was active when the alert was raised; null when the sender did not say' })
  active: boolean | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100, example: 'FR', description: 'The analytic the rule belongs to' }) analytic_id: string | null;

  static from(alert: Alert): AlertRuleDto | null {
    if (!alert.alertRuleId) return null;
    return {
      id: alert.alertRuleId,
      name: alert.alertRuleName,
      description: alert.alertRuleDescription ?? null,
      active: alert.alertRuleActive ?? null,
      analytic_id: alert.alertRuleAnalyticId ?? null,
    };
  }
}

/** The fields of an alert that every answer carries; `event` is the detail's or the list's (AlertDto, AlertListItemDto). */
export abstract class AlertFieldsDto {
  @ApiProperty({ example: 'alr_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) id: string;
  @ApiProperty({ maxLength: 40 }) tenant_id: string;
  @ApiProperty({ example: 'brute_force', maxLength: 100 }) type: string;
  @ApiProperty({ example: 'auth-gateway', maxLength: 200 }) source: string;
  @ApiProperty({ maxLength: 500 }) title: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 10000 }) message: string | null;
  @ApiProperty({ enum: SEVERITIES, enumName: 'AlertSeverity' }) severity: string;
  @ApiProperty({ enum: STATUSES, enumName: 'AlertStatus' }) status: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) assignee: string | null;
  @ApiProperty({ enum: ALERTABLE_TYPES, enumName: 'AlertableType' }) alertable_type: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) alertable_id: string | null;
  @ApiProperty({ type: AlertRuleDto, nullable: true }) alert_rule: AlertRuleDto | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) system_key: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) alertname: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) fingerprint: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) stream_id: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) site_id: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 200,
    description: 'The federated instance the alert came from; null for a local alert',
    example: 'raisa-jakarta-1',
  })
  instance: string | null;
  /** Whether a maintenance window suppressed the alert when it was created: it is then left out of lists, counts, statistics and exports unless `suppressed=true|any`. */
  @ApiProperty() suppressed: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 40,
    description: 'The maintenance window that suppressed the alert (it may since have been deleted); null when not suppressed',
    example: 'mnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R4',
  })
  maintenance_window_id: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', maxLength: LABEL_LIMITS.maxValueLength } }) labels: Record<string, string>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string', maxLength: ANNOTATION_LIMITS.maxValueLength } }) annotations: Record<string, string>;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) receiver: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Alertmanager’s generatorURL: the Prometheus expression that raised the alert; null for alerts from elsewhere',
    example: 'http://prometheus:9090/graph?g0.expr=up+%3D%3D+0',
    maxLength: 8192,
  })
  generator_url: string | null;
  @ApiProperty({
    type: 'array',
    items: { type: 'string', maxLength: 220 },
    maxItems: 151,
    description:
      'Fields Alertmanager sent longer than their documented limit, cut to it on ingestion (label values 2,000 characters, annotation values 10,000, generator_url 8,192); empty when nothing was cut',
    example: ['annotations.description'],
  })
  truncated_fields: string[];
  @ApiProperty({ enum: FOLLOW_UP_STATUSES, enumName: 'FollowUpStatus' }) follow_up_status: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 5000 }) follow_up_notes: string | null;
  @ApiProperty({ format: 'date-time' }) starts_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) ends_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) acknowledged_at: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) acknowledged_by: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) escalated_at: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) escalated_by: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) resolved_at: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) resolved_by: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) dismissed_at: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) dismissed_by: string | null;
  @ApiProperty({ description: 'Optimistic-concurrency version; the ETag is "<version>"' }) version: number;
  @ApiProperty({
    type: [String],
    description: `Control ids the alert evidences (control rules and edits), in byte order: the first ${MAX_ANSWERED_CONTROLS.toLocaleString('en')} (exports hold them all)`,
    example: ['ISO27001:A.8.15', 'PCI:10.2.1.1'],
    maxLength: 22,
    maxItems: MAX_ANSWERED_CONTROLS,
  })
  controls: string[];
  @ApiProperty({ description: 'How many controls the alert evidences (more than `controls` lists only past its bound)', example: 2 }) controls_count: number;
  @TagsProperty('Tags, lower case, in byte order (PUT or PATCH /v1/alerts/{id}/tags)') tags: string[];
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'acknowledged_at − created_at in seconds (the latest acknowledgement); null until acknowledged. As in /stats/response-times',
    example: 95.5,
  })
  time_to_acknowledge_seconds: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'resolved_at − the earlier of starts_at and created_at (when the condition began), in seconds, never negative; null unless resolved (a reopening clears it). As in /stats/response-times',
    example: 3600,
  })
  time_to_resolve_seconds: number | null;
  @ApiProperty({
    description:
      'Repeats received while the alert was active (the same fingerprint, or the same alertable and type without one), each counted here instead of stored again',
    example: 0,
  })
  duplicate_count: number;
  @ApiProperty({ format: 'date-time', description: 'When the alert, or its latest repeat, was received' }) last_received_at: string;
  @ApiProperty({ description: 'Shelved (snoozed) now: left out of the default list until `shelved_until` or a repeat' }) shelved: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the shelf ends; null when not shelved' }) shelved_until: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200, description: 'Who shelved it; null when not shelved' }) shelved_by: string | null;

  static fields(alert: Alert): AlertFieldsDto {
    const shelved = isShelved(alert);
    return {
      id: alert.id,
      tenant_id: alert.tenantId,
      type: alert.type,
      source: alert.source,
      title: alert.title,
      message: alert.message,
      severity: alert.severity,
      status: alert.status,
      assignee: alert.assignee,
      alertable_type: alert.alertableType,
      alertable_id: alert.alertableId,
      alert_rule: AlertRuleDto.from(alert),
      system_key: alert.systemKey,
      alertname: alert.alertname,
      fingerprint: alert.fingerprint,
      stream_id: alert.streamId,
      site_id: alert.siteId,
      instance: alert.instance || null,
      suppressed: alert.maintenanceWindowId != null,
      maintenance_window_id: alert.maintenanceWindowId ?? null,
      labels: alert.labels as Record<string, string>,
      annotations: alert.annotations as Record<string, string>,
      receiver: alert.receiver,
      generator_url: alert.generatorUrl,
      truncated_fields: alert.truncatedFields ?? [],
      follow_up_status: alert.followUpStatus,
      follow_up_notes: alert.followUpNotes,
      starts_at: isoUtc(alert.startsAt),
      ends_at: iso(alert.endsAt),
      created_at: isoUtc(alert.createdAt),
      updated_at: isoUtc(alert.updatedAt),
      acknowledged_at: iso(alert.acknowledgedAt),
      acknowledged_by: alert.acknowledgedBy,
      escalated_at: iso(alert.escalatedAt),
      escalated_by: alert.escalatedBy,
      resolved_at: iso(alert.resolvedAt),
      resolved_by: alert.resolvedBy,
      dismissed_at: iso(alert.dismissedAt),
      dismissed_by: alert.dismissedBy,
      version: alert.version,
      controls: (alert.controls ?? []).slice(0, MAX_ANSWERED_CONTROLS),
      controls_count: alert.controls?.length ?? 0,
      tags: alert.tags ?? [],
      time_to_acknowledge_seconds: timeToAcknowledge(alert),
      time_to_resolve_seconds: timeToResolve(alert),
      duplicate_count: alert.duplicateCount ?? 0,
      last_received_at: isoUtc(alert.lastReceivedAt ?? alert.createdAt),
      shelved,
      shelved_until: shelved ? iso(alert.shelvedUntil) : null,
      shelved_by: shelved ? alert.shelvedBy : null,
    };
  }
}

/** An alert as the detail (and every single-alert answer) has it: `event` with its images' references. */
export class AlertDto extends AlertFieldsDto {
  @ApiProperty({
    type: AlertEventDto,
    nullable: true,
    description: "Seed 000's event context of an `event` alert (images as references: GET /v1/alerts/{id}/images/{slot}); null for other alerts",
  })
  event: AlertEventDto | null;

  static from(this: void, alert: Alert): AlertDto {
    return { ...AlertFieldsDto.fields(alert), event: AlertEventDto.fromAlert(alert.id, alert.event) };
  }
}

/** An alert in a list: its event without images (the detail has them). */
export class AlertListItemDto extends AlertFieldsDto {
  @ApiProperty({
    type: AlertEventSummaryDto,
    nullable: true,
    description: "Seed 000's event context without its images (the detail has them); null for other alerts",
  })
  event: AlertEventSummaryDto | null;

  static from(this: void, alert: Alert): AlertListItemDto {
    return { ...AlertFieldsDto.fields(alert), event: AlertEventSummaryDto.from(alert.event) };
  }
}

/** Whether the alert is shelved at `now`: a shelf whose time has passed is gone, before the sweep records it. */
export function isShelved(alert: Pick<Alert, 'shelvedUntil'>, now = new Date()): boolean {
  return alert.shelvedUntil != null && alert.shelvedUntil.getTime() > now.getTime();
}

export class TimelineEntryDto {
  @ApiProperty({ maxLength: 40 }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ description: 'Who made the change', maxLength: 200 }) actor: string;
  @ApiProperty({ example: 'acknowledged', maxLength: 50 }) action: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 20 }) from_status: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 20 }) to_status: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 5000 }) note: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details: Record<string, unknown>;

  static from(entry: AlertTimelineEntry): TimelineEntryDto {
    return {
      id: entry.id,
      at: entry.at.toISOString(),
      actor: entry.actor,
      action: entry.action,
      from_status: entry.fromStatus,
      to_status: entry.toStatus,
      note: entry.note,
      details: entry.details as Record<string, unknown>,
    };
  }
}

export class BatchItemErrorDto {
  @ApiProperty({ description: 'Position of the item in `alerts`' }) index: number;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    maxItems: PROBLEM_LIMITS.errors,
    description: 'Field violations, as in a validation problem (the first 100 found)',
  })
  errors: unknown[];
}

export class BatchDuplicateDto {
  @ApiProperty({ description: 'Index of the item in `alerts`' }) index: number;
  @ApiProperty({ maxLength: 40, description: 'The active alert it repeated (or the alert an earlier item of the batch created)' }) alert_id: string;
  @ApiProperty({ description: 'That alert’s duplicate_count after the batch' }) duplicate_count: number;
}

export class BatchResultDto {
  @ApiProperty({ type: [AlertDto], maxItems: MAX_BATCH }) created: AlertDto[];
  @ApiProperty({ type: [Number], maxItems: MAX_BATCH, description: 'Index in `alerts` of each created alert, in the same order' }) created_indexes: number[];
  @ApiProperty({
    type: [BatchDuplicateDto],
    maxItems: MAX_BATCH,
    description: 'Items that repeated an active alert (the same fingerprint, or the same alertable and type without one), counted on it instead of created',
  })
  duplicates: BatchDuplicateDto[];
  @ApiProperty({ type: [BatchItemErrorDto], maxItems: MAX_BATCH }) errors: BatchItemErrorDto[];
}

export const BULK_OUTCOMES = ['updated', 'not_found', 'invalid_transition', 'note_required'] as const;

export class BulkOutcomeDto {
  @ApiProperty({ maxLength: 40 }) id: string;
  @ApiProperty({
    enum: BULK_OUTCOMES,
    enumName: 'BulkOutcome',
    description: 'note_required: the alert’s severity needs a note (the tenant’s note_required_from) and none was given',
  })
  outcome: (typeof BULK_OUTCOMES)[number];
  @ApiProperty({ type: String, nullable: true, description: 'The status after (updated) or as found (invalid_transition)', maxLength: 20 }) status:
    string | null;
}

/** The answer of a bulk action, streamed: the outcomes a chunk at a time, the totals after them. */
export class BulkResultDto {
  @ApiProperty({ enum: LIFECYCLE_ACTIONS, enumName: 'AlertAction' }) action: string;
  @ApiProperty({ description: 'True when the request was a dry run: nothing changed, no outcomes, `matched` is the count' }) dry_run: boolean;
  @ApiProperty({
    type: [BulkOutcomeDto],
    maxItems: MAX_BULK_FILTER_ALERTS,
    description: `One per matched id, in the order walked (ids as listed; a filter in id order, at most ${MAX_BULK_FILTER_ALERTS.toLocaleString('en')} alerts a request); empty in a dry run`,
  })
  outcomes: BulkOutcomeDto[];
  @ApiProperty({
    description:
      "Outcomes answered: updated + failed; in a dry run, the alerts the request would act on (the ids found, or the filter's matches after `after`, at most 10,000)",
  })
  matched: number;
  @ApiProperty() updated: number;
  @ApiProperty() failed: number;
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 30,
    description: `A filter that matched more than the ${MAX_BULK_FILTER_ALERTS.toLocaleString('en')} alerts one request acts on: the last id acted on (in a dry run, the one it would be); send it as \`after\` with the same filter to go on. null when the walk reached the end, and with ids`,
  })
  next_after: string | null;
  @ApiPropertyOptional({
    type: ProblemSchema,
    description:
      'Only when the work broke off after the answer had begun (the status was already sent): the problem it would have answered. The outcomes and totals cover the chunks done; nothing of the failed chunk was changed',
  })
  error?: ProblemSchema;
}

export class ControlRulesAppliedDto {
  @ApiProperty({ description: 'Alerts the filter selected' }) matched: number;
  @ApiProperty({ description: 'Alerts whose controls changed (each with a timeline entry and an audit event)' }) updated: number;
}
