// Loaded by part threads (runner/part-thread.ts): the column files only, no source (they load Nest and Prisma).
import type { ExportResourceName } from '../dto/export-enums';
import { ALERT_EXPORT_COLUMNS } from './alert-columns';
import { AUDIT_TRAIL_EXPORT_COLUMNS } from './audit-trail-columns';
import type { ExportColumn } from './record-source';
import { THREAT_CASE_EXPORT_COLUMNS } from './threat-case-columns';

/** The columns an export writes: those its job chose (`fields`, in that order), or every column. */
export function chosenColumns<C extends { key: string }>(columns: readonly C[], fields: readonly string[]): C[] {
  if (fields.length === 0) return [...columns];
  const byKey = new Map(columns.map((column) => [column.key, column]));
  return fields.flatMap((field) => byKey.get(field) ?? []);
}

/** The exported columns of each resource, as its RecordSource has them. */
export const EXPORT_COLUMNS: Record<ExportResourceName, ExportColumn<never>[]> = {
  alerts: ALERT_EXPORT_COLUMNS as ExportColumn<never>[],
  threat_cases: THREAT_CASE_EXPORT_COLUMNS as ExportColumn<never>[],
  audit_trail: AUDIT_TRAIL_EXPORT_COLUMNS as ExportColumn<never>[],
};
