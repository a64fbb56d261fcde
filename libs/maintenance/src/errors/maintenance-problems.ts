import { defineProblemTypes } from '@app/common';

/** Maintenance windows (09). Titles and details are translated under `problems.<slug>` in libs/common/src/i18n. */
export const MaintenanceProblems = defineProblemTypes({
  maintenanceWindowLimit: {
    slug: 'maintenance-window-limit',
    status: 409,
    code: 10090001,
    description:
      'The tenant already has `limit` maintenance windows that have not ended: every alert created is matched against each of them, so their number is bounded. Delete or end one first; nothing was changed.',
  },
});
