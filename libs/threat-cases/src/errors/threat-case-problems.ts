import { defineProblemTypes } from '@app/common';

/** Threat cases (03). Titles and details are translated under `problems.<slug>` in libs/common/src/i18n. */
export const ThreatCaseProblems = defineProblemTypes({
  threatCaseInvalidTransition: {
    slug: 'threat-case-invalid-transition',
    status: 409,
    code: 10030001,
    description: "The threat case's status does not allow the requested status. `current_status` and `allowed_statuses` say what does; nothing was changed.",
  },
  threatCaseAlertsNotFound: {
    slug: 'threat-case-alerts-not-found',
    status: 422,
    code: 10030002,
    description: "Some alert ids do not name an alert of the case's tenant (unknown, or another tenant's). `alert_ids` lists them; nothing was changed.",
  },
  threatCaseAlertsNotLinked: {
    slug: 'threat-case-alerts-not-linked',
    status: 422,
    code: 10030003,
    description: 'Some alert ids are not linked to the threat case (to unlink, or to verify). `alert_ids` lists them; nothing was changed.',
  },
  threatCaseSelfApproval: {
    slug: 'threat-case-self-approval',
    status: 403,
    code: 10030004,
    description:
      'Four eyes: the principal who asked to close the threat case cannot decide on its own request. Another person must approve or reject it; nothing was changed.',
  },
  threatCaseNoCloseRequest: {
    slug: 'threat-case-no-close-request',
    status: 409,
    code: 10030005,
    description:
      'The threat case has no pending close request to approve or reject (none was made, or it was decided or withdrawn). `current_status` says where the case is.',
  },
  threatCaseAlertLimit: {
    slug: 'threat-case-alert-limit',
    status: 409,
    code: 10030006,
    description:
      'Linking these alerts would take the threat case past the most alerts one case holds (`limit`, 1,000; `linked` says how many it holds). Nothing was changed: unlink some, or open another case for them.',
  },
  threatCaseVerificationLimit: {
    slug: 'threat-case-verification-limit',
    status: 409,
    code: 10030007,
    description: 'The threat case holds the most verification records one case keeps (`limit`, 1,000). Nothing was changed.',
  },
});
