import { defineProblemTypes } from '@app/common';

/** Exports (04). Titles and details are translated under `problems.<slug>` in libs/common/src/i18n. */
export const ExportProblems = defineProblemTypes({
  exportNotReady: {
    slug: 'export-not-ready',
    status: 409,
    code: 10040001,
    description:
      'The export has no file to download yet (pending or processing), or will never have one (failed or cancelled). `current_status` says which; poll GET /v1/exports/{job_id}.',
  },
  exportExpired: {
    slug: 'export-expired',
    status: 410,
    code: 10040002,
    description: 'The export finished, but its file has expired and was removed (EXPORT_TTL_SECONDS). Start a new export.',
  },
  rangeNotSatisfiable: {
    slug: 'range-not-satisfiable',
    status: 416,
    code: 10040003,
    description: 'The Range header does not fit the file. `Content-Range: bytes */<size>` gives the size.',
  },
  exportUnknownIds: {
    slug: 'export-unknown-ids',
    status: 422,
    code: 10040004,
    description: 'Some ids of a `selected` export are not records of this tenant (or do not exist). `unknown_ids` lists them; nothing was queued.',
  },
  exportResourceUnavailable: {
    slug: 'export-resource-unavailable',
    status: 422,
    code: 10040005,
    description: 'This resource cannot be exported by this deployment.',
  },
  exportNotYours: {
    slug: 'export-not-yours',
    status: 403,
    code: 10040006,
    description: 'An auditor may cancel or delete only the exports it asked for; `requested_by` names who asked for this one. Nothing was changed.',
  },
  exportUnderLegalHold: {
    slug: 'export-under-legal-hold',
    status: 409,
    code: 10040007,
    description:
      'The tenant is under an active legal hold: a finished export is evidence and is not deleted until the hold is released. Nothing was changed; a running export can still be cancelled.',
  },
});
