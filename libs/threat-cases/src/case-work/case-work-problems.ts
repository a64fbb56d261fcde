import { defineProblemTypes } from '@app/common';

/**
 * Threat case tasks and observables (03, errors 01xx: kept apart from ThreatCaseProblems' 00xx).
 * Titles and details are translated under `problems.<slug>` in libs/common/src/i18n.
 */
export const CaseWorkProblems = defineProblemTypes({
  threatCaseTaskLimit: {
    slug: 'threat-case-task-limit',
    status: 409,
    code: 10030101,
    description: 'The threat case holds the most tasks one case keeps (`limit`, 1,000). Nothing was changed: delete finished tasks, or open another case.',
  },
  threatCaseObservableLimit: {
    slug: 'threat-case-observable-limit',
    status: 409,
    code: 10030102,
    description:
      'The threat case holds the most observables one case keeps (`limit`, 1,000). Nothing was changed. Adding an observable the case holds already (same type and value) is not refused: it updates its last_seen.',
  },
  threatCaseObservableAlertLimit: {
    slug: 'threat-case-observable-alert-limit',
    status: 409,
    code: 10030103,
    description:
      'With these alerts the observable would be linked to more than the most alerts one observable keeps (`limit`, 100; `linked` says how many it has). Nothing was changed.',
  },
});
