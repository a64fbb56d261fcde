import { FieldViolation } from '../problem/problem.exception';
import { memberField } from './string-record';
import { escapePointer } from './field-violations';

/** How deep a JSON body may nest objects and arrays (our deepest DTO needs 5). */
export const MAX_JSON_DEPTH = 32;
/** At most this many violations are listed for one request part. */
const MAX_VIOLATIONS = 20;

/** What makes a text unfit to store: a NUL character, a lone UTF-16 surrogate, or bytes that were not UTF-8. */
export type TextFault = 'nul' | 'surrogate' | 'utf8';

const SUSPECT = /[\u0000\uD800-\uDFFF\uFFFD]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const NUL = '\u0000';
const REPLACEMENT = '\uFFFD';

export interface TextRules {
  /** NUL characters pass (the Alertmanager webhook replaces them itself, see libs/ingest). */
  allowNul?: boolean;
  /** The text was decoded with replacement: U+FFFD marks bytes that were not UTF-8. */
  lossy?: boolean;
}

/** What is wrong with one text, or null. One regular-expression test for the usual, clean text. */
export function textFault(text: string, rules: TextRules = {}): TextFault | null {
  if (!SUSPECT.test(text)) return null;
  if (!rules.allowNul && text.includes(NUL)) return 'nul';
  if (LONE_SURROGATE.test(text)) return 'surrogate';
  if (rules.lossy && text.includes(REPLACEMENT)) return 'utf8';
  return null;
}

const DESCRIPTIONS: Record<TextFault, string> = {
  nul: 'must not contain a NUL character (U+0000)',
  surrogate: 'must be valid Unicode text (it holds a lone UTF-16 surrogate such as \\ud800)',
  utf8: 'must be valid UTF-8 (percent-decoded where percent-encoded)',
};

/** The validation-error entry of a text fault in one field. */
export function textViolation(field: string, pointer: string, fault: TextFault, value?: unknown): FieldViolation {
  return { field, pointer, code: 'format', description: `${field} ${DESCRIPTIONS[fault]}`, value };
}

interface Pending {
  value: unknown;
  field: string;
  pointer: string;
  depth: number;
}

/**
 * Every text fault of a parsed JSON body (member names and string values) and whether it nests deeper
 * than MAX_JSON_DEPTH, walked without recursion so that no nesting can exhaust the stack. Fields are
 * named as validation errors name them (`items[0].labels.severity`, pointer `/body/items/0/labels/severity`).
 */
export function jsonTextViolations(body: unknown, rules: TextRules = {}): FieldViolation[] {
  const violations: FieldViolation[] = [];
  const stack: Pending[] = [{ value: body, field: '', pointer: '/body', depth: 0 }];
  while (stack.length > 0 && violations.length < MAX_VIOLATIONS) {
    const { value, field, pointer, depth } = stack.pop() as Pending;
    if (typeof value === 'string') {
      const fault = textFault(value, rules);
      if (fault) violations.push(textViolation(field || 'body', pointer, fault));
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) {
      violations.push({
        field: field || 'body',
        pointer,
        code: 'range',
        description: `the body may nest objects and arrays at most ${MAX_JSON_DEPTH} levels deep`,
      });
      return violations;
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], field: `${field}[${i}]`, pointer: `${pointer}/${i}`, depth: depth + 1 });
      continue;
    }
    const keys = Object.keys(value);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const member = field ? memberField(field, key) : key;
      const memberPointer = `${pointer}/${escapePointer(key)}`;
      const fault = textFault(key, rules);
      if (fault) violations.push(textViolation(member, memberPointer, fault));
      else stack.push({ value: (value as Record<string, unknown>)[key], field: member, pointer: memberPointer, depth: depth + 1 });
    }
  }
  return violations;
}

/** A query string decoded as browsers encode it (`+` is a space), with the parameters whose bytes were not UTF-8 or not percent-encoding. */
export interface ParsedQuery {
  values: Record<string, string | string[]>;
  undecodable: string[];
}

function decode(component: string): string | null {
  const text = component.includes('+') ? component.replace(/\+/g, ' ') : component;
  if (!text.includes('%')) return text;
  try {
    return decodeURIComponent(text);
  } catch {
    return null; // a malformed escape, or escapes that decode to bytes that are not UTF-8 (%FF)
  }
}

/**
 * Parses a query string into an object without a prototype (`__proto__` is an ordinary name), repeated
 * names as arrays, as Fastify's own parser does, but remembering which parameters could not be decoded
 * instead of passing their raw escapes on as if they were the text.
 */
export function parseQuery(query: string): ParsedQuery {
  const values = Object.create(null) as Record<string, string | string[]>;
  const undecodable: string[] = [];
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const at = pair.indexOf('=');
    const rawKey = at === -1 ? pair : pair.slice(0, at);
    const rawValue = at === -1 ? '' : pair.slice(at + 1);
    const key = decode(rawKey);
    const value = decode(rawValue);
    const name = key ?? rawKey;
    if (key === null || value === null) undecodable.push(name);
    const text = value ?? rawValue;
    const existing = values[name];
    if (existing === undefined) values[name] = text;
    else if (Array.isArray(existing)) existing.push(text);
    else values[name] = [existing, text];
  }
  return { values, undecodable };
}

/** Text faults of flat request parts (query, path parameters, headers): `pointerBase` is `/query`, `/path` or `/headers`. */
export function flatTextViolations(values: Record<string, unknown>, pointerBase: string, rules: TextRules = {}): FieldViolation[] {
  const violations: FieldViolation[] = [];
  for (const key of Object.keys(values)) {
    const value = values[key];
    const texts = Array.isArray(value) ? value : [value];
    const keyFault = textFault(key, rules);
    const fault = keyFault ?? texts.map((text) => (typeof text === 'string' ? textFault(text, rules) : null)).find((f) => f) ?? null;
    if (fault) violations.push(textViolation(key, `${pointerBase}/${escapePointer(key)}`, fault));
  }
  return violations;
}
