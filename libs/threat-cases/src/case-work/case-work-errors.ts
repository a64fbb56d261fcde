import { ProblemException, ProblemTypes } from '@app/common';

import { CaseWorkProblems } from './case-work-problems';
import { MAX_CASE_OBSERVABLES, MAX_CASE_TASKS, MAX_OBSERVABLE_ALERTS } from './case-work-enums';

export function taskNotFound(id: string): ProblemException {
  return new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'task', id } });
}

export function observableNotFound(id: string): ProblemException {
  return new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'observable', id } });
}

/** 409: the case keeps MAX_CASE_TASKS tasks already. */
export function caseTaskLimit(caseId: string): ProblemException {
  return new ProblemException(CaseWorkProblems.threatCaseTaskLimit, {
    args: { limit: MAX_CASE_TASKS },
    extensions: { threat_case_id: caseId, limit: MAX_CASE_TASKS },
  });
}

/** 409: the case keeps MAX_CASE_OBSERVABLES observables already. */
export function caseObservableLimit(caseId: string): ProblemException {
  return new ProblemException(CaseWorkProblems.threatCaseObservableLimit, {
    args: { limit: MAX_CASE_OBSERVABLES },
    extensions: { threat_case_id: caseId, limit: MAX_CASE_OBSERVABLES },
  });
}

/** 409: the observable would be linked to more than MAX_OBSERVABLE_ALERTS alerts. */
export function observableAlertLimit(observableId: string, linked: number): ProblemException {
  return new ProblemException(CaseWorkProblems.threatCaseObservableAlertLimit, {
    args: { linked, limit: MAX_OBSERVABLE_ALERTS },
    extensions: { observable_id: observableId, linked, limit: MAX_OBSERVABLE_ALERTS },
  });
}
