import type { ThreatCaseStatus } from '@app/database';

import { THREAT_CASE_STATUSES } from './dto/threat-case-enums';

const REQUESTED_OR_FOLLOW_ON: ThreatCaseStatus[] = [
  'FOLLOW_ON',
  'ESCALATED',
  'VERIFIED',
  'UNVERIFIABLE',
  'DISMISSED',
  'CANCELLED',
  'TIMEOUT',
  'ERROR',
  'CLOSED',
];
const RETRYABLE: ThreatCaseStatus[] = ['REQUESTED', 'CLOSED'];

/**
 * The threat case lifecycle of shared/design/API.md: the statuses each status may move to. DISMISSED,
 * CANCELLED and CLOSED are final. FOLLOW_ON → FOLLOW_ON is allowed (another follow-on request).
 */
const ALLOWED: Record<ThreatCaseStatus, readonly ThreatCaseStatus[]> = {
  INITIATED: ['REQUESTED', 'FOLLOW_ON', 'ESCALATED', 'DISMISSED', 'CANCELLED', 'TIMEOUT', 'ERROR', 'CLOSED'],
  REQUESTED: REQUESTED_OR_FOLLOW_ON,
  FOLLOW_ON: REQUESTED_OR_FOLLOW_ON,
  ESCALATED: ['PSAP_CONTACTED', 'VERIFIED', 'UNVERIFIABLE', 'CANCELLED', 'ERROR', 'CLOSED'],
  PSAP_CONTACTED: ['VERIFIED', 'UNVERIFIABLE', 'CLOSED'],
  VERIFIED: ['PSAP_CONTACTED', 'CLOSED'],
  UNVERIFIABLE: ['ESCALATED', 'CLOSED'],
  TIMEOUT: RETRYABLE,
  ERROR: RETRYABLE,
  DISMISSED: [],
  CANCELLED: [],
  CLOSED: [],
};

/** The statuses a case in `status` may move to, in seed 003's order. */
export function allowedTargets(status: ThreatCaseStatus): ThreatCaseStatus[] {
  return THREAT_CASE_STATUSES.filter((target) => ALLOWED[status].includes(target));
}

export function canTransition(from: ThreatCaseStatus, to: ThreatCaseStatus): boolean {
  return ALLOWED[from].includes(to);
}

export function isFinal(status: ThreatCaseStatus): boolean {
  return ALLOWED[status].length === 0;
}
