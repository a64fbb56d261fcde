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
