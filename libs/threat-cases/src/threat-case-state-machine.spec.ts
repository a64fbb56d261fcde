import type { ThreatCaseStatus } from '@app/database';

import { THREAT_CASE_STATUSES } from './dto/threat-case-enums';
import { allowedTargets, canTransition, isFinal } from './threat-case-state-machine';

describe('threat case state machine', () => {
  it('should let a new case be requested, escalated or ended but not jump to a verdict', () => {
    expect(allowedTargets('INITIATED')).toEqual(['REQUESTED', 'FOLLOW_ON', 'ESCALATED', 'DISMISSED', 'CANCELLED', 'TIMEOUT', 'ERROR', 'CLOSED']);
    expect(canTransition('INITIATED', 'VERIFIED')).toBe(false);
    expect(canTransition('INITIATED', 'PSAP_CONTACTED')).toBe(false);
  });

  it('should give REQUESTED and FOLLOW_ON the same targets, a follow-on included', () => {
    expect(allowedTargets('REQUESTED')).toEqual(allowedTargets('FOLLOW_ON'));
    expect(canTransition('FOLLOW_ON', 'FOLLOW_ON')).toBe(true);
    expect(canTransition('REQUESTED', 'REQUESTED')).toBe(false);
  });

  it('should walk the escalation path to a close', () => {
    const path: ThreatCaseStatus[] = ['INITIATED', 'REQUESTED', 'ESCALATED', 'PSAP_CONTACTED', 'VERIFIED', 'CLOSED'];
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1], path[i])).toBe(true);
  });

  it('should let a contacted PSAP end only in a verdict or a close', () => {
    expect(allowedTargets('PSAP_CONTACTED')).toEqual(['VERIFIED', 'UNVERIFIABLE', 'CLOSED']);
    expect(allowedTargets('VERIFIED')).toEqual(['PSAP_CONTACTED', 'CLOSED']);
    expect(allowedTargets('UNVERIFIABLE')).toEqual(['ESCALATED', 'CLOSED']);
  });

  it('should let a timed-out or failed case be requested again or closed', () => {
    for (const status of ['TIMEOUT', 'ERROR'] as const) expect(allowedTargets(status)).toEqual(['REQUESTED', 'CLOSED']);
  });

  it('should treat DISMISSED, CANCELLED and CLOSED as final and nothing else', () => {
    expect(THREAT_CASE_STATUSES.filter((status) => isFinal(status))).toEqual(['DISMISSED', 'CANCELLED', 'CLOSED']);
    for (const status of ['DISMISSED', 'CANCELLED', 'CLOSED'] as const) {
      for (const target of THREAT_CASE_STATUSES) expect(canTransition(status, target)).toBe(false);
    }
  });

  it('should never lead back to INITIATED', () => {
    for (const status of THREAT_CASE_STATUSES) expect(canTransition(status, 'INITIATED')).toBe(false);
  });
});
