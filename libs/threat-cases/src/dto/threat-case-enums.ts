/** Seed 003's statuses, in its order. */
export const THREAT_CASE_STATUSES = [
  'INITIATED',
  'REQUESTED',
  'FOLLOW_ON',
  'ESCALATED',
  'PSAP_CONTACTED',
  'VERIFIED',
  'DISMISSED',
  'CANCELLED',
  'UNVERIFIABLE',
  'TIMEOUT',
  'ERROR',
  'CLOSED',
] as const;
export type ThreatCaseStatusName = (typeof THREAT_CASE_STATUSES)[number];

export const THREAT_CASE_EVENT_TYPES = [
  'CREATED',
  'STATUS_CHANGED',
  'NOTE',
  'VERIFICATION',
  'ALERT',
  'ALERT_UNLINKED',
  'DELETED',
  'CLOSE_REQUESTED',
  'CLOSE_APPROVED',
  'CLOSE_REJECTED',
  'CLOSE_WITHDRAWN',
  'TASK_CREATED',
  'TASK_UPDATED',
  'TASK_DELETED',
  'OBSERVABLE_ADDED',
  'OBSERVABLE_UPDATED',
  'OBSERVABLE_DELETED',
  'ASSIGNED',
  'SEVERITY_CHANGED',
  'TAGS_CHANGED',
] as const;

export const CLOSE_DECISIONS = ['approve', 'reject'] as const;
export type CloseDecision = (typeof CLOSE_DECISIONS)[number];

/** severity sorts by rank (the enum's order), then id: ids are ULIDs, so within one severity by creation time. */
export const THREAT_CASE_SORT_FIELDS = ['created_at', 'updated_at', 'severity'] as const;
export type ThreatCaseSortField = (typeof THREAT_CASE_SORT_FIELDS)[number];

/** Public id patterns, for request validation. */
export const THREAT_CASE_ID = /^tc_[0-9A-Z]{26}$/;
export const ALERT_ID = /^alr_[0-9A-Z]{26}$/;
/** Most alert ids one request may name. */
export const MAX_ALERT_IDS = 100;
/** Most alerts one case holds (linking past it is 409 threat-case-alert-limit). */
export const MAX_CASE_ALERTS = 1_000;
/** Most verification records one case keeps (409 threat-case-verification-limit beyond). */
export const MAX_CASE_VERIFICATIONS = 1_000;
/** A case answers the oldest this many timeline events, as an alert its timeline (docs/API-DECISIONS.md). */
export const CASE_TIMELINE_MAX_ENTRIES = 10_000;
