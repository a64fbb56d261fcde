import { ProblemException, ProblemTypes } from '@app/common';
import type { AlertSeverity, AlertStatus } from '@app/database';

import { allowedActions, LifecycleAction } from '../alert-state-machine';
import { AlertProblems } from './alert-problems';

export function alertNotFound(id: string): ProblemException {
  return new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'alert', id } });
}

export function invalidTransition(id: string, status: AlertStatus, action: LifecycleAction): ProblemException {
  const allowed = allowedActions(status);
  return new ProblemException(AlertProblems.invalidTransition, {
    args: { current_status: status, allowed_actions: allowed.join(', ') },
    extensions: { alert_id: id, action, current_status: status, allowed_actions: allowed },
  });
}

export { staleVersion } from '@app/common';

/** 422: resolving or dismissing an alert of this severity needs a note (the tenant's note_required_from). */
export function noteRequired(id: string, severity: AlertSeverity, action: 'resolve' | 'dismiss', requiredFrom: AlertSeverity): ProblemException {
  const done = action === 'resolve' ? 'resolved' : 'dismissed';
  return new ProblemException(AlertProblems.alertNoteRequired, {
    args: { severity, action: done, required_from: requiredFrom },
    extensions: { alert_id: id, severity, note_required_from: requiredFrom },
    errors: [
      {
        field: 'note',
        pointer: '/body/note',
        code: 'required',
        description: `a ${severity} alert needs a note to be ${done} (note_required_from is ${requiredFrom})`,
      },
    ],
  });
}

/** 409: shelving a resolved or dismissed alert. */
export function notShelvable(id: string, status: AlertStatus): ProblemException {
  return new ProblemException(AlertProblems.alertNotShelvable, { args: { current_status: status }, extensions: { alert_id: id, current_status: status } });
}

/** 409: unshelving an alert that is not shelved. */
export function notShelved(id: string): ProblemException {
  return new ProblemException(AlertProblems.alertNotShelved, { args: { alert_id: id }, extensions: { alert_id: id } });
}

/** 400: a shelf that would end in the past or more than `maxSeconds` ahead (known only against the clock, after validation). */
export function shelveUntilOutOfRange(until: string, maxSeconds: number): ProblemException {
  return new ProblemException(ProblemTypes.validationError, {
    errors: [
      {
        field: 'until',
        pointer: '/body/until',
        code: 'range',
        description: `until must be in the future and at most ${maxSeconds / 86_400} days ahead`,
        value: until,
      },
    ],
  });
}
