import type { ZonedFormatter } from '@app/common';

import type { CellKind, CellValue } from '../sources/record-source';

const NUMERIC = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",\r\n]/;
const [PLUS, MINUS, DOT, EQUALS, AT, TAB, CR, ZERO, NINE] = ['+', '-', '.', '=', '@', '\t', '\r', '0', '9'].map((c) => c.charCodeAt(0));

/**
 * Text made safe to open in Excel:
 * - text that Excel would read as a number (ids, long digit strings, `1e5`) is written as `="…"`, which
 *   Excel shows as the same text instead of a rounded number;
 * - text that starts like a formula (`=`, `+`, `-`, `@`, tab, carriage return) gets a leading `'`, so
 *   Excel and LibreOffice show it as text and never evaluate it (CSV injection);
 * - fields with quotes, commas or line breaks are quoted (RFC 4180).
 * The first character decides which tests can apply, so most cells cost one regular expression.
 */
function safeText(text: string, kind: CellKind): string {
  const first = text.charCodeAt(0);
  const mayBeNumber = (first >= ZERO && first <= NINE) || first === PLUS || first === MINUS || first === DOT;
  if (mayBeNumber && kind !== 'number' && NUMERIC.test(text)) text = `="${text}"`;
  else if (first === EQUALS || first === PLUS || first === MINUS || first === AT || first === TAB || first === CR) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** One CSV field, safe to open in Excel (see safeText). Dates are RFC 3339 in the export's time zone; JSON values are JSON. */
export function csvField(value: CellValue, kind: CellKind, zone: ZonedFormatter): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return safeText(zone.rfc3339(value), kind);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return safeText(typeof value === 'object' ? JSON.stringify(value) : value, kind);
}
