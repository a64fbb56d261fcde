import { defineProblemTypes } from '@app/common';

/** The audit trail's transparency log (05). Titles and details are translated under `problems.<slug>` in libs/common/src/i18n. */
export const AuditTrailProblems = defineProblemTypes({
  checkpointNotFound: {
    slug: 'checkpoint-not-found',
    status: 404,
    code: 10050001,
    description:
      'No signed checkpoint of this tenant’s audit log has that tree size (or none was issued yet). Proofs are given between the sizes of issued checkpoints: GET /v1/audit-trail/checkpoints/latest names the newest.',
  },
  consistencySizesReversed: {
    slug: 'consistency-sizes-reversed',
    status: 400,
    code: 10050002,
    description: '`first` is larger than `second`: a consistency proof shows that the later tree (second) extends the earlier one (first).',
  },
  auditEventNotInTree: {
    slug: 'audit-event-not-in-tree',
    status: 400,
    code: 10050003,
    description: 'The audit event was recorded after the checkpoint of that tree size: ask for a proof against a later checkpoint.',
  },
  checkpointSigningDisabled: {
    slug: 'checkpoint-signing-disabled',
    status: 503,
    code: 10050004,
    description: 'This deployment has no checkpoint signing key (SIGNING_KEY_FILE is empty), so it issues no checkpoints.',
  },
});
