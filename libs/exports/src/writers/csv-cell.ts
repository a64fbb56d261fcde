import { ZonedFormatter } from '@app/common';

import { CellKind, CellValue } from '../sources/record-source';

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field, safe to open in Excel:
 * - text that Excel would read as a number (ids, long digit strings, `1e5`) is written as `="…"`, which
 *   Excel shows as the same text instead of a rounded number;
 * - text that starts like a formula (`=`, `+`, `-`, `@`, tab, carriage return) gets a leading `'`, so
 *   Excel and LibreOffice show it as text and never evaluate it (CSV injection);
 * - fields with quotes, commas or line breaks are quoted (RFC 4180).
 * Dates are RFC 3339 in the export's time zone; JSON values are JSON.
 */
export function csvField(value: CellValue, kind: CellKind, zone: ZonedFormatter): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (value instanceof Date) text = zone.rfc3339(value);
  else if (typeof value === 'number') return String(value);
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = value;
  if (kind !== 'number' && NUMERIC.test(text)) text = `="${text}"`;
  else if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
