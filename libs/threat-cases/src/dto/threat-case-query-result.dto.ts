import { ApiProperty } from '@nestjs/swagger';

import { CURSOR_MAX_LENGTH, MAX_PAGE_SIZE } from '@app/common';
import type { ThreatCaseEvent, ThreatCaseVerification } from '@app/database';

import type { ThreatCaseQueryPage } from '../threat-case-query.service';
import type { ThreatCaseDetail } from '../threat-cases.repository';
import { currentAlertIndex } from './threat-case.dto';
import { CASE_TIMELINE_MAX_ENTRIES, MAX_CASE_ALERTS, MAX_CASE_VERIFICATIONS, THREAT_CASE_EVENT_TYPES, THREAT_CASE_STATUSES } from './threat-case-enums';

function ms(date: Date | null): number | null {
  return date ? date.getTime() : null;
}

/** Seed 003's fields that have no counterpart here: always present, always null (docs/API-DECISIONS.md). */
const NO_COUNTERPART = { nullable: true, description: 'No counterpart in Alert Ledger: always null' } as const;

/** Seed 003's timeline event. */
export class MonitoringTimelineEventDto {
  @ApiProperty({ type: String, nullable: true, maxLength: 40 }) alertUuid: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 5000 }) message: string | null;
  @ApiProperty({ type: String, ...NO_COUNTERPART, maxLength: 0 }) noonlightVerificationId: null;
  @ApiProperty({ description: 'Seconds since the epoch' }) timestampSec: number;
  @ApiProperty({ enum: THREAT_CASE_EVENT_TYPES, enumName: 'ThreatCaseEventType' }) type: string;
  @ApiProperty({ maxLength: 200 }) userUuid: string;

  static from(event: ThreatCaseEvent): MonitoringTimelineEventDto {
    return {
      alertUuid: event.alertId,
      message: event.message,
      noonlightVerificationId: null,
      timestampSec: Math.floor(event.at.getTime() / 1000),
      type: event.type,
      userUuid: event.userId,
    };
  }
}

/** Seed 003's verification record. */
export class MonitoringVerificationDto {
  @ApiProperty({ type: String, nullable: true, maxLength: 40 }) alertUuid: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) clipVerificationId: string | null;
  @ApiProperty() failedAsClip: boolean;
  @ApiProperty() failedAsStream: boolean;
  @ApiProperty() initiatedAsClip: boolean;
  @ApiProperty() sentAsClip: boolean;
  @ApiProperty({ type: Number, nullable: true }) sentAsClipAtMs: number | null;
  @ApiProperty() sentAsWindowedStream: boolean;
  @ApiProperty({ type: Number, nullable: true }) sentAsWindowedStreamAtMs: number | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) streamVerificationId: string | null;

  static from(record: ThreatCaseVerification): MonitoringVerificationDto {
    return {
      alertUuid: record.alertId,
      clipVerificationId: record.clipVerificationId,
      failedAsClip: record.failedAsClip,
      failedAsStream: record.failedAsStream,
      initiatedAsClip: record.initiatedAsClip,
      sentAsClip: record.sentAsClip,
      sentAsClipAtMs: ms(record.sentAsClipAt),
      sentAsWindowedStream: record.sentAsWindowedStream,
      sentAsWindowedStreamAtMs: ms(record.sentAsWindowedStreamAt),
      streamVerificationId: record.streamVerificationId,
    };
  }
}

export class MonitoringVerificationHistoryDto {
  @ApiProperty({ type: Number, nullable: true }) alertIndex: number | null;
  @ApiProperty({ type: MonitoringVerificationDto, nullable: true }) currentVerification: MonitoringVerificationDto | null;
  @ApiProperty({ type: [MonitoringVerificationDto], maxItems: MAX_CASE_VERIFICATIONS }) verificationRecords: MonitoringVerificationDto[];
}

export class MonitoringSirenSettingsDto {
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) clipUuid: string | null;
  @ApiProperty({ type: Number, nullable: true }) durationSeconds: number | null;
  @ApiProperty({ type: Number, nullable: true }) playCount: number | null;
}

/** A threat case in seed 003's shape (camelCase, milliseconds). */
export class MonitoringThreatCaseDto {
  @ApiProperty({ example: 'tc_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) uuid: string;
  @ApiProperty({ description: 'The tenant id', maxLength: 40 }) orgUuid: string;
  @ApiProperty({ enum: THREAT_CASE_STATUSES, enumName: 'ThreatCaseStatus' }) status: string;
  @ApiProperty() createdAtMillis: number;
  @ApiProperty({ type: Number, nullable: true, description: 'When the case was first REQUESTED (ms)' }) submissionTimestampMs: number | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) deviceUuid: string | null;
  @ApiProperty({ type: [String], maxLength: 200, maxItems: 50 }) associatedDeviceUuids: string[];
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) locationUuid: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200 }) locationName: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 1000 }) subLocationsHierarchyKey: string | null;
  @ApiProperty({ type: Number, ...NO_COUNTERPART }) submitDelayExpireTimestampMs: null;
  @ApiProperty({ type: String, ...NO_COUNTERPART, maxLength: 0 }) noonlightAlarmId: null;
  @ApiProperty({ type: String, ...NO_COUNTERPART, maxLength: 0 }) noonlightVerificationId: null;
  @ApiProperty({ type: String, ...NO_COUNTERPART, maxLength: 0 }) sharedClipGroupUuid: null;
  @ApiProperty({ type: String, nullable: true, description: 'The first linked alert', maxLength: 40 }) policyAlertUuid: string | null;
  @ApiProperty({ type: [String], maxLength: 40, maxItems: MAX_CASE_ALERTS }) policyAlertUuids: string[];
  @ApiProperty({ example: 'THREAT', maxLength: 50 }) promptTheme: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 500 }) promptTitle: string | null;
  @ApiProperty({ type: MonitoringSirenSettingsDto, nullable: true }) sirenSettings: MonitoringSirenSettingsDto | null;
  @ApiProperty({
    type: [MonitoringTimelineEventDto],
    description: `Oldest first: the first ${CASE_TIMELINE_MAX_ENTRIES.toLocaleString('en')}`,
    maxItems: CASE_TIMELINE_MAX_ENTRIES,
  })
  timelineEventList: MonitoringTimelineEventDto[];
  @ApiProperty({ type: MonitoringVerificationHistoryDto }) verificationHistory: MonitoringVerificationHistoryDto;
  @ApiProperty() deleted: boolean;

  static from(detail: ThreatCaseDetail): MonitoringThreatCaseDto {
    const records = detail.verifications.map(MonitoringVerificationDto.from);
    const alertIds = detail.alerts.map((link) => link.alertId);
    const siren = detail.sirenSettings;
    return {
      uuid: detail.id,
      orgUuid: detail.tenantId,
      status: detail.status,
      createdAtMillis: detail.createdAt.getTime(),
      submissionTimestampMs: ms(detail.submittedAt),
      deviceUuid: detail.deviceId,
      associatedDeviceUuids: detail.associatedDeviceIds,
      locationUuid: detail.locationId,
      locationName: detail.locationName,
      subLocationsHierarchyKey: detail.subLocationsHierarchyKey,
      submitDelayExpireTimestampMs: null,
      noonlightAlarmId: null,
      noonlightVerificationId: null,
      sharedClipGroupUuid: null,
      policyAlertUuid: alertIds[0] ?? null,
      policyAlertUuids: alertIds,
      promptTheme: detail.promptTheme,
      promptTitle: detail.title,
      sirenSettings: siren ? { clipUuid: siren.clipId, durationSeconds: siren.durationSeconds, playCount: siren.playCount } : null,
      timelineEventList: detail.timeline.map(MonitoringTimelineEventDto.from),
      verificationHistory: { alertIndex: currentAlertIndex(detail), currentVerification: records[records.length - 1] ?? null, verificationRecords: records },
      deleted: detail.deleted,
    };
  }
}

/**
 * Seed 003's answer: one page of cases and the key that continues it (null on the last page). A failure is
 * a problem details answer, never this body, so `error` is always false and `errorMsg` null; no warning is
 * ever given, so `warningMsg` is null.
 */
export class ThreatCaseQueryResultDto {
  @ApiProperty({ type: Boolean, nullable: true, description: 'Always false: failures are problem details (application/problem+json)' }) error: false;
  @ApiProperty({ type: String, nullable: true, description: 'Always null: failures are problem details', maxLength: 0 }) errorMsg: null;
  @ApiProperty({ type: String, ...NO_COUNTERPART, maxLength: 0 }) warningMsg: null;
  @ApiProperty({ type: [MonitoringThreatCaseDto], maxItems: MAX_PAGE_SIZE }) threatCases: MonitoringThreatCaseDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Send it back as lastEvaluatedKey for the next page; null when there is none',
    maxLength: CURSOR_MAX_LENGTH,
  })
  lastEvaluatedKey: string | null;

  static from(page: ThreatCaseQueryPage): ThreatCaseQueryResultDto {
    return {
      error: false,
      errorMsg: null,
      warningMsg: null,
      threatCases: page.cases.map(MonitoringThreatCaseDto.from),
      lastEvaluatedKey: page.lastEvaluatedKey,
    };
  }
}
