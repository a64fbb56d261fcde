export const EXPORT_RESOURCES = ['alerts', 'threat_cases', 'audit_trail'] as const;
import type { ExportFormat } from '@app/database';

/** Formats as the API names them; `evidence-pack` is stored as evidence_pack (an enum value cannot hold a hyphen). */
export const EXPORT_FORMATS = ['pdf', 'xlsx', 'csv', 'ndjson', 'evidence-pack'] as const;
export const EXPORT_SCOPES = ['all', 'filtered', 'selected'] as const;
export const EXPORT_STATUSES = ['pending', 'processing', 'completed', 'failed', 'cancelled', 'expired'] as const;
/** Languages of the report texts (the PDF's cover, headings, column names and values); the data files (CSV, XLSX, NDJSON) keep field names and values as they are. */
export const REPORT_LOCALES = ['en', 'id', 'ko', 'zh'] as const;

export type ExportResourceName = (typeof EXPORT_RESOURCES)[number];
export type ExportFormatName = (typeof EXPORT_FORMATS)[number];
export type ExportScopeName = (typeof EXPORT_SCOPES)[number];
export type ExportStatusName = (typeof EXPORT_STATUSES)[number];
export type ReportLocale = (typeof REPORT_LOCALES)[number];

export const MAX_SELECTED_IDS = 10_000;
/** The most columns an export's `fields` names (a resource has fewer). */
export const MAX_EXPORT_FIELDS = 100;

/** The stored format of an API format name, and back. */
export function storedFormat(format: ExportFormatName): ExportFormat {
  return format === 'evidence-pack' ? 'evidence_pack' : format;
}

export function apiFormat(format: ExportFormat): ExportFormatName {
  return format === 'evidence_pack' ? 'evidence-pack' : format;
}

/** What a finished file is: its extension and media type. */
export const FILE_TYPES: Record<ExportFormat, { extension: string; contentType: string }> = {
  csv: { extension: 'csv', contentType: 'text/csv; charset=utf-8' },
  ndjson: { extension: 'ndjson', contentType: 'application/x-ndjson' },
  xlsx: { extension: 'xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
  pdf: { extension: 'pdf', contentType: 'application/pdf' },
  evidence_pack: { extension: 'zip', contentType: 'application/zip' },
};

/** Formats whose file holds the translated report (and so its summary page). */
export function hasReport(format: ExportFormat): boolean {
  return format === 'pdf' || format === 'evidence_pack';
}
