import { ApiProperty } from '@nestjs/swagger';

import { SEVERITIES } from '@app/alerts/dto/alert-enums';
import { TagsProperty } from '@app/common';
import { MAX_ANSWERED_CONTROLS } from '@app/compliance';
import type { ThreatCaseEvent, ThreatCaseSirenSettings, ThreatCaseVerification } from '@app/database';

import type { ThreatCaseDetail } from '../threat-cases.repository';
import { CASE_TIMELINE_MAX_ENTRIES, MAX_CASE_ALERTS, MAX_CASE_VERIFICATIONS, THREAT_CASE_EVENT_TYPES, THREAT_CASE_STATUSES } from './threat-case-enums';

function iso(date: Date | null): string | null {
  return date ? date.toISOString() : null;
}

export class ThreatCaseEventDto {
  @ApiProperty({ example: 'tce_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) id: string;
  @ApiProperty({ enum: THREAT_CASE_EVENT_TYPES, enumName: 'ThreatCaseEventType' }) type: string;
  @ApiProperty({ type: String, nullable: true, description: 'The note, or what happened', maxLength: 5000 }) message: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'The alert the event is about (ALERT, ALERT_UNLINKED, VERIFICATION)', maxLength: 40 }) alert_id:
    string | null;
  @ApiProperty({ description: 'Who made the change', maxLength: 200 }) user_id: string;
  @ApiProperty({ format: 'date-time' }) timestamp: string;
  @ApiProperty({ enum: THREAT_CASE_STATUSES, enumName: 'ThreatCaseStatus', nullable: true }) from_status: string | null;
  @ApiProperty({ enum: THREAT_CASE_STATUSES, enumName: 'ThreatCaseStatus', nullable: true }) to_status: string | null;

  static from(event: ThreatCaseEvent): ThreatCaseEventDto {
    return {
      id: event.id,
      type: event.type,
      message: event.message,
      alert_id: event.alertId,
      user_id: event.userId,
      timestamp: event.at.toISOString(),
      from_status: event.fromStatus,
      to_status: event.toStatus,
    };
  }
}

export class VerificationRecordDto {
  @ApiProperty({ example: 'tcv_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) id: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 40 }) alert_id: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) clip_verification_id: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) stream_verification_id: string | null;
  @ApiProperty() initiated_as_clip: boolean;
  @ApiProperty() sent_as_clip: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sent_as_clip_at: string | null;
  @ApiProperty() failed_as_clip: boolean;
  @ApiProperty() sent_as_windowed_stream: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) sent_as_windowed_stream_at: string | null;
  @ApiProperty() failed_as_stream: boolean;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ maxLength: 200 }) created_by: string;

  static from(record: ThreatCaseVerification): VerificationRecordDto {
    return {
      id: record.id,
      alert_id: record.alertId,
      clip_verification_id: record.clipVerificationId,
      stream_verification_id: record.streamVerificationId,
      initiated_as_clip: record.initiatedAsClip,
      sent_as_clip: record.sentAsClip,
      sent_as_clip_at: iso(record.sentAsClipAt),
      failed_as_clip: record.failedAsClip,
      sent_as_windowed_stream: record.sentAsWindowedStream,
      sent_as_windowed_stream_at: iso(record.sentAsWindowedStreamAt),
      failed_as_stream: record.failedAsStream,
      created_at: record.createdAt.toISOString(),
      created_by: record.createdBy,
    };
  }
}

/** The position of the current verification's alert among the case's alerts (seed 003's alertIndex). */
export function currentAlertIndex(detail: ThreatCaseDetail): number | null {
  const current = detail.verifications[detail.verifications.length - 1];
  const index = current?.alertId ? detail.alerts.findIndex((link) => link.alertId === current.alertId) : -1;
  return index >= 0 ? index : null;
}

export class VerificationHistoryDto {
  @ApiProperty({ type: Number, nullable: true, description: 'Index in alert_ids of the alert the current verification is about' }) alert_index: number | null;
  @ApiProperty({ type: VerificationRecordDto, nullable: true, description: 'The newest record' }) current: VerificationRecordDto | null;
  @ApiProperty({
    type: [VerificationRecordDto],
    description: `Every record, oldest first (a case keeps at most ${MAX_CASE_VERIFICATIONS.toLocaleString('en')})`,
    maxItems: MAX_CASE_VERIFICATIONS,
  })
  records: VerificationRecordDto[];
}

export class SirenSettingsDto {
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) clip_id: string | null;
  @ApiProperty({ type: Number, nullable: true }) duration_seconds: number | null;
  @ApiProperty({ type: Number, nullable: true }) play_count: number | null;

  static from(siren: ThreatCaseSirenSettings | null): SirenSettingsDto | null {
    return siren ? { clip_id: siren.clipId, duration_seconds: siren.durationSeconds, play_count: siren.playCount } : null;
  }
}

/** A pending close request (four eyes): a second person must approve it. */
export class CloseRequestDto {
  @ApiProperty({ description: 'Who asked to close the case', maxLength: 200 }) requested_by: string;
  @ApiProperty({ format: 'date-time' }) requested_at: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 5000 }) note: string | null;
}

export class ThreatCaseDto {
  @ApiProperty({ example: 'tc_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) id: string;
  @ApiProperty({ maxLength: 40 }) tenant_id: string;
  @ApiProperty({ enum: THREAT_CASE_STATUSES, enumName: 'ThreatCaseStatus' }) status: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 500 }) title: string | null;
  @ApiProperty({ example: 'THREAT', maxLength: 50 }) prompt_theme: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) device_id: string | null;
  @ApiProperty({ type: [String], maxLength: 200, maxItems: 50 }) associated_device_ids: string[];
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) location_id: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) location_name: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 1000 }) sub_locations_hierarchy_key: string | null;
  @ApiProperty({
    type: [String],
    description: `The linked alerts, in the order they were linked (at most ${MAX_CASE_ALERTS.toLocaleString('en')})`,
    maxLength: 40,
    maxItems: MAX_CASE_ALERTS,
  })
  alert_ids: string[];
  @ApiProperty({
    type: [ThreatCaseEventDto],
    description: `Every change, oldest first: the first ${CASE_TIMELINE_MAX_ENTRIES.toLocaleString('en')} (the audit trail holds them all)`,
    maxItems: CASE_TIMELINE_MAX_ENTRIES,
  })
  timeline: ThreatCaseEventDto[];
  @ApiProperty({ type: VerificationHistoryDto }) verification_history: VerificationHistoryDto;
  @ApiProperty({ type: SirenSettingsDto, nullable: true }) siren_settings: SirenSettingsDto | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ maxLength: 200 }) created_by: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the case was first REQUESTED' }) submitted_at: string | null;
  @ApiProperty() deleted: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) deleted_at: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) deleted_by: string | null;
  @ApiProperty({ description: 'Incremented by every change' }) version: number;
  @ApiProperty({
    type: [String],
    description: `The union of the linked alerts’ controls, in byte order: the first ${MAX_ANSWERED_CONTROLS.toLocaleString('en')}`,
    example: ['ISO27001:A.5.26'],
    maxLength: 22,
    maxItems: MAX_ANSWERED_CONTROLS,
  })
  controls: string[];
  @ApiProperty({ description: 'How many controls the union holds (more than `controls` lists only past its bound)', example: 1 }) controls_count: number;
  @ApiProperty({ type: String, nullable: true, maxLength: 200, description: 'Who works the case; null: nobody yet' }) assignee: string | null;
  @ApiProperty({ enum: SEVERITIES, enumName: 'AlertSeverity', description: 'The alerts’ scale; on creation the highest of the linked alerts’ unless given' })
  severity: string;
  @TagsProperty('Tags, lower case, in byte order (PUT or PATCH /v1/threat-cases/{id}/tags)') tags: string[];
  @ApiProperty({ type: CloseRequestDto, nullable: true, description: 'The pending close request, when the tenant needs a second person to close cases' })
  close_request: CloseRequestDto | null;

  static from(detail: ThreatCaseDetail): ThreatCaseDto {
    const records = detail.verifications.map(VerificationRecordDto.from);
    return {
      id: detail.id,
      tenant_id: detail.tenantId,
      status: detail.status,
      title: detail.title,
      prompt_theme: detail.promptTheme,
      device_id: detail.deviceId,
      associated_device_ids: detail.associatedDeviceIds,
      location_id: detail.locationId,
      location_name: detail.locationName,
      sub_locations_hierarchy_key: detail.subLocationsHierarchyKey,
      alert_ids: detail.alerts.map((link) => link.alertId),
      timeline: detail.timeline.map(ThreatCaseEventDto.from),
      verification_history: { alert_index: currentAlertIndex(detail), current: records[records.length - 1] ?? null, records },
      siren_settings: SirenSettingsDto.from(detail.sirenSettings),
      created_at: detail.createdAt.toISOString(),
      created_by: detail.createdBy,
      updated_at: detail.updatedAt.toISOString(),
      submitted_at: iso(detail.submittedAt),
      deleted: detail.deleted,
      deleted_at: iso(detail.deletedAt),
      deleted_by: detail.deletedBy,
      version: detail.version,
      controls: (detail.controls ?? []).slice(0, MAX_ANSWERED_CONTROLS),
      controls_count: detail.controls?.length ?? 0,
      assignee: detail.assignee,
      severity: detail.severity,
      tags: detail.tags ?? [],
      close_request:
        detail.closeRequestedBy && detail.closeRequestedAt
          ? { requested_by: detail.closeRequestedBy, requested_at: detail.closeRequestedAt.toISOString(), note: detail.closeRequestNote }
          : null,
    };
  }
}
