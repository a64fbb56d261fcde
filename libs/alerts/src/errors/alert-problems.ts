import { defineProblemTypes } from '@app/common';

/** Alerts (02). Titles and details are translated under `problems.<slug>` in libs/common/src/i18n. */
export const AlertProblems = defineProblemTypes({
  invalidTransition: {
    slug: 'invalid-transition',
    status: 409,
    code: 10020001,
    description: "The alert's status does not allow this action. `current_status` and `allowed_actions` say what does.",
  },
  idempotencyKeyReused: {
    slug: 'idempotency-key-reused',
    status: 422,
    code: 10020002,
    description: 'This Idempotency-Key was used before with a different request body. Use a new key for a new request.',
  },
  alertNoteRequired: {
    slug: 'alert-note-required',
    status: 422,
    code: 10020003,
    description:
      "Resolving or dismissing an alert of this severity needs a `note` (the tenant's `note_required_from` setting, GET /v1/compliance/settings). `errors[]` points at the note; nothing was changed.",
  },
  alertNotShelvable: {
    slug: 'alert-not-shelvable',
    status: 409,
    code: 10020010,
    description: 'Only an open, acknowledged or escalated alert can be shelved; `current_status` says what this one is. Nothing was changed.',
  },
  alertNotShelved: {
    slug: 'alert-not-shelved',
    status: 409,
    code: 10020011,
    description: 'The alert is not shelved (never was, or its shelf ended), so there is nothing to unshelve. Nothing was changed.',
  },
  alertImageRefused: {
    slug: 'alert-image-refused',
    status: 422,
    code: 10020004,
    description:
      'An event image (`event.primary_image`, `event.secondary_image`) is not a JPEG, PNG or WebP image (its bytes decide, whatever a data: URL declares), is not valid base64 or an https URL, or is larger than ALERT_IMAGE_MAX_BYTES (5 MiB by default). `errors[]` points at each; nothing was stored.',
  },
});
