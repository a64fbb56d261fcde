import { defineProblemTypes } from '@app/common';

/** Compliance: control rules, settings, legal holds, retention (07). Titles and details are translated under `problems.<slug>` in libs/common/src/i18n. */
export const ComplianceProblems = defineProblemTypes({
  legalHoldReleased: {
    slug: 'legal-hold-released',
    status: 409,
    code: 10070001,
    description:
      'The legal hold was released already (`released_at` says when). A released hold stays on record and cannot be released again; place a new one if needed.',
  },
  legalHoldUnknownThreatCase: {
    slug: 'legal-hold-unknown-threat-case',
    status: 422,
    code: 10070002,
    description: "`threat_case_id` does not name a threat case of this tenant (unknown, deleted, or another tenant's); no hold was placed.",
  },
});
