import { types } from 'pg';

const TIMESTAMPTZ = 1184;
const parseAnyTimestamptz = types.getTypeParser(TIMESTAMPTZ, 'text');
const ZERO = 48;

function digits(text: string, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) n = n * 10 + text.charCodeAt(i) - ZERO;
  return n;
}

function isDigits(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i) - ZERO;
    if (c < 0 || c > 9) return false;
  }
  return true;
}

/**
 * A timestamptz as PostgreSQL writes it (`2026-10-01 12:00:00.123+00`, `… +05:30`), read by index
 * instead of pg's regular expressions: the same Date, at a fraction of the cost and garbage, for the
 * millions of timestamps a list page or an export reads. Anything else (infinity, BC, years outside
 * 1000–9999, offsets with seconds) goes to pg's own parser.
 */
export function parseTimestamptz(text: string): Date {
  const n = text.length;
  let at = 19;
  if (n < 22 || text[4] !== '-' || text[7] !== '-' || text[10] !== ' ' || text[13] !== ':' || text[16] !== ':' || text.charCodeAt(0) === ZERO)
    return parseAnyTimestamptz(text);
  if (!isDigits(text, 0, 4) || !isDigits(text, 5, 7) || !isDigits(text, 8, 10) || !isDigits(text, 11, 13) || !isDigits(text, 14, 16) || !isDigits(text, 17, 19))
    return parseAnyTimestamptz(text);
  let ms = 0;
  if (text[at] === '.') {
    let end = at + 1;
    while (end < n && isDigits(text, end, end + 1)) end++;
    if (end === at + 1) return parseAnyTimestamptz(text);
    ms = digits(`${text.slice(at + 1, Math.min(end, at + 4))}00`, 0, 3);
    at = end;
  }
  const sign = text[at];
  const offsetLength = n - at;
  if ((sign !== '+' && sign !== '-') || (offsetLength !== 3 && offsetLength !== 6) || !isDigits(text, at + 1, at + 3)) return parseAnyTimestamptz(text);
  let offset = digits(text, at + 1, at + 3) * 60;
  if (offsetLength === 6) {
    if (text[at + 3] !== ':' || !isDigits(text, at + 4, at + 6)) return parseAnyTimestamptz(text);
    offset += digits(text, at + 4, at + 6);
  }
  const utc = Date.UTC(digits(text, 0, 4), digits(text, 5, 7) - 1, digits(text, 8, 10), digits(text, 11, 13), digits(text, 14, 16), digits(text, 17, 19), ms);
  return new Date(utc - (sign === '-' ? -offset : offset) * 60_000);
}

/** pg's type parsers, with the fast timestamptz reader: give it to a Pool as `types`. */
export const PG_TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === TIMESTAMPTZ && format !== 'binary' ? parseTimestamptz : types.getTypeParser(oid, format ?? 'text')) as typeof types.getTypeParser,
};
