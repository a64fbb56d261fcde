export const EXPORT_RESOURCES = ['alerts', 'threat_cases', 'audit_trail'] as const;
export const EXPORT_FORMATS = ['pdf', 'xlsx', 'csv', 'ndjson'] as const;
export const EXPORT_SCOPES = ['all', 'filtered', 'selected'] as const;
export const EXPORT_STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled', 'expired'] as const;
/** Languages of report texts (PDF cover, headings, column names, XLSX headers). */
export const REPORT_LOCALES = ['en', 'id', 'ko', 'zh'] as const;

export type ExportResourceName = (typeof EXPORT_RESOURCES)[number];
export type ExportFormatName = (typeof EXPORT_FORMATS)[number];
export type ExportScopeName = (typeof EXPORT_SCOPES)[number];
export type ExportStatusName = (typeof EXPORT_STATUSES)[number];
export type ReportLocale = (typeof REPORT_LOCALES)[number];

/** Statuses a job can still leave: cancelling one stops it. */
export const RUNNING_STATUSES: readonly ExportStatusName[] = ['pending', 'processing'];

export const MAX_SELECTED_IDS = 10_000;
