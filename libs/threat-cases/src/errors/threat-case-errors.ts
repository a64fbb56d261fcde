import { FieldViolation, Principal, ProblemException, ProblemTypes } from '@app/common';
import type { ThreatCaseStatus } from '@app/database';

import { MAX_CASE_ALERTS, MAX_CASE_VERIFICATIONS } from '../dto/threat-case-enums';
import { allowedTargets } from '../threat-case-state-machine';
import { ThreatCaseProblems } from './threat-case-problems';

export function threatCaseNotFound(id: string): ProblemException {
  return new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'threat case', id } });
}

/** 409 naming the current status and the statuses it may move to. */
export function invalidCaseTransition(id: string, current: ThreatCaseStatus, requested: ThreatCaseStatus): ProblemException {
  const allowed = allowedTargets(current);
  return new ProblemException(ThreatCaseProblems.threatCaseInvalidTransition, {
    args: { current_status: current, allowed_statuses: allowed.length ? allowed.join(', ') : '(none: final)' },
    extensions: { threat_case_id: id, current_status: current, requested_status: requested, allowed_statuses: allowed },
  });
}

/** 422 listing alert ids that are unknown or another tenant's (the two are not told apart). */
export function alertsNotFound(ids: string[]): ProblemException {
  return new ProblemException(ThreatCaseProblems.threatCaseAlertsNotFound, { args: { alert_ids: ids.join(', ') }, extensions: { alert_ids: ids } });
}

/** 409: the case would hold more than MAX_CASE_ALERTS alerts. */
export function caseAlertLimit(id: string, linked: number): ProblemException {
  return new ProblemException(ThreatCaseProblems.threatCaseAlertLimit, {
    args: { linked, limit: MAX_CASE_ALERTS },
    extensions: { threat_case_id: id, linked, limit: MAX_CASE_ALERTS },
  });
}

/** 409: the case keeps MAX_CASE_VERIFICATIONS records already. */
export function caseVerificationLimit(id: string): ProblemException {
  return new ProblemException(ThreatCaseProblems.threatCaseVerificationLimit, {
    args: { limit: MAX_CASE_VERIFICATIONS },
    extensions: { threat_case_id: id, limit: MAX_CASE_VERIFICATIONS },
  });
}

export function alertsNotLinked(ids: string[]): ProblemException {
  return new ProblemException(ThreatCaseProblems.threatCaseAlertsNotLinked, { args: { alert_ids: ids.join(', ') }, extensions: { alert_ids: ids } });
}

/** Deleted cases are shown to `admin` only: anyone else asking for them is refused, not silently served less. */
export function assertMaySeeDeleted(principal: Principal, includeDeleted: boolean | undefined): void {
  if (includeDeleted && !principal.isAdmin) throw new ProblemException(ProblemTypes.missingScope, { args: { scope: 'admin' } });
}

/** A 400 validation-error for one field of the request. */
export function invalidField(violation: FieldViolation): ProblemException {
  return new ProblemException(ProblemTypes.validationError, { errors: [violation] });
}

/** 403: four eyes, the requester of a close cannot approve it. */
export function selfApproval(id: string, requestedBy: string): ProblemException {
  return new ProblemException(ThreatCaseProblems.threatCaseSelfApproval, {
    args: { requested_by: requestedBy },
    extensions: { threat_case_id: id, requested_by: requestedBy },
  });
}

/** 409: nothing to approve or reject. */
export function noCloseRequest(id: string, status: ThreatCaseStatus): ProblemException {
  return new ProblemException(ThreatCaseProblems.threatCaseNoCloseRequest, {
    args: { current_status: status },
    extensions: { threat_case_id: id, current_status: status },
  });
}
