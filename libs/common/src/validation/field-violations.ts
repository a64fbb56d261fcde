import { ValidationError } from 'class-validator';

import { FieldViolation, FieldViolationCode } from '../problem/problem.exception';
import { IS_STRING_RECORD, isPlainObject, memberField, StringRecordLimits, stringRecordProblems } from './string-record';

const CODE_BY_CONSTRAINT: Record<string, FieldViolationCode> = {
  isDefined: 'required',
  isNotEmpty: 'required',
  isNotEmptyObject: 'required',
  arrayNotEmpty: 'required',
  whitelistValidation: 'unknown',
  isInt: 'type',
  isNumber: 'type',
  isBoolean: 'type',
  isBooleanString: 'type',
  isString: 'type',
  isArray: 'type',
  isObject: 'type',
  isStringRecord: 'type',
  nestedValidation: 'type',
  min: 'range',
  max: 'range',
  isPositive: 'range',
  minDate: 'range',
  maxDate: 'range',
  isAfter: 'range',
  minLength: 'length',
  maxLength: 'length',
  length: 'length',
  arrayMinSize: 'length',
  arrayMaxSize: 'length',
  isEnum: 'enum',
  isIn: 'enum',
};

const FORMAT_CONSTRAINT = /^(is|matches)/;

function codeOf(constraint: string): FieldViolationCode {
  return CODE_BY_CONSTRAINT[constraint] ?? (FORMAT_CONSTRAINT.test(constraint) ? 'format' : 'invalid');
}

function fieldPath(parent: string, property: string, isArrayItem: boolean): string {
  if (isArrayItem) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

function pointerPath(parent: string, property: string): string {
  return `${parent}/${property.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

/** A string record's violations point at the members that broke it (`labels.severity`), not at the record. */
function stringRecordViolations(error: ValidationError, field: string, pointer: string): FieldViolation[] | null {
  const limits = error.contexts?.[IS_STRING_RECORD] as StringRecordLimits | undefined;
  if (!limits || !error.constraints?.[IS_STRING_RECORD] || !isPlainObject(error.value)) return null;
  const record = error.value;
  return stringRecordProblems(record, limits, field).map(({ key, code, description }) =>
    key === undefined
      ? { field, pointer, code, description, value: undefined }
      : { field: memberField(field, key), pointer: pointerPath(pointer, key), code, description, value: record[key] },
  );
}

/**
 * One violation per failing field of a class-validator result, nested objects and array items
 * included: `field` in dot notation (`items[0].severity`), `pointer` a JSON Pointer (`/items/0/severity`).
 * Within a field the most telling constraint wins (required before type before the rest).
 */
export function toFieldViolations(errors: ValidationError[], parentField = '', parentPointer = '', parentIsArray = false): FieldViolation[] {
  const violations: FieldViolation[] = [];
  for (const error of errors) {
    const isArrayItem = parentIsArray && /^\d+$/.test(error.property);
    const field = fieldPath(parentField, error.property, isArrayItem);
    const pointer = pointerPath(parentPointer, error.property);
    const members = stringRecordViolations(error, field, pointer);
    if (members) violations.push(...members);
    const constraints = Object.entries(error.constraints ?? {}).filter(([constraint]) => !members || constraint !== IS_STRING_RECORD);
    if (constraints.length > 0) {
      const ordered = constraints.sort(([a], [b]) => rank(codeOf(a)) - rank(codeOf(b)));
      const [constraint, message] = ordered[0];
      const missing = error.value === undefined || error.value === null;
      const code = missing && constraint !== 'whitelistValidation' ? 'required' : codeOf(constraint);
      violations.push({ field, pointer, code, description: missing && code === 'required' ? `${field} is required; ${message}` : message, value: error.value });
    }
    if (error.children?.length) {
      violations.push(...toFieldViolations(error.children, field, pointer, Array.isArray(error.value)));
    }
  }
  return violations;
}

function rank(code: FieldViolationCode): number {
  return ['unknown', 'required', 'type', 'enum', 'format', 'range', 'length', 'invalid'].indexOf(code);
}
