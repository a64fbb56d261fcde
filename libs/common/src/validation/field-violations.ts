import { getMetadataStorage, ValidationError } from 'class-validator';

import { FieldViolation, FieldViolationCode, ViolationLimits } from '../problem/problem.exception';
import { IS_STRING_RECORD, isPlainObject, memberField, StringRecordLimits, stringRecordProblems } from './string-record';

const CODE_BY_CONSTRAINT: Record<string, FieldViolationCode> = {
  isDefined: 'required',
  isNotEmpty: 'required',
  isNotEmptyObject: 'required',
  arrayNotEmpty: 'required',
  whitelistValidation: 'unknown',
  adminOnly: 'unknown',
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

/** The limits a constraint states, from the arguments it was declared with (IsIn's values, MaxLength's number). */
const LIMITS_OF: Record<string, (args: unknown[]) => ViolationLimits> = {
  isIn: ([values]) => ({ allowed: values as string[] }),
  isEnum: ([entity, values]) => ({ allowed: Array.isArray(values) ? (values as string[]) : Object.values(entity as object) }),
  maxLength: ([max]) => ({ max: max as number, unit: 'characters' }),
  minLength: ([min]) => ({ min: min as number, unit: 'characters' }),
  length: ([min, max]) => ({ min: min as number, max: max as number | undefined, unit: 'characters' }),
  arrayMaxSize: ([max]) => ({ max: max as number, unit: 'items' }),
  arrayMinSize: ([min]) => ({ min: min as number, unit: 'items' }),
  min: ([min]) => ({ min: min as number }),
  max: ([max]) => ({ max: max as number }),
};

/**
 * The limits behind a failed constraint, read from class-validator's metadata of the object's class
 * (so the error must carry its target). Undefined when the constraint states none or the class is unknown.
 */
function limitsOf(error: ValidationError, constraint: string): ViolationLimits | undefined {
  const limits = LIMITS_OF[constraint];
  const target = error.target?.constructor;
  if (!limits || !target) return undefined;
  const metadata = getMetadataStorage()
    .getTargetValidationMetadatas(target, '', true, false)
    .find((m) => m.propertyName === error.property && m.name === constraint);
  return metadata ? limits(metadata.constraints ?? []) : undefined;
}

function fieldPath(parent: string, property: string, isArrayItem: boolean): string {
  if (isArrayItem) return `${parent}[${property}]`;
  return parent ? `${parent}.${property}` : property;
}

/** One reference token of a JSON Pointer (RFC 6901): `~` as `~0`, `/` as `~1`. */
export function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function pointerPath(parent: string, property: string): string {
  return `${parent}/${escapePointer(property)}`;
}

/** A string record's violations point at the members that broke it (`labels.severity`), not at the record. */
function stringRecordViolations(error: ValidationError, field: string, pointer: string): FieldViolation[] | null {
  const limits = error.contexts?.[IS_STRING_RECORD] as StringRecordLimits | undefined;
  if (!limits || !error.constraints?.[IS_STRING_RECORD] || !isPlainObject(error.value)) return null;
  const record = error.value;
  return stringRecordProblems(record, limits, field).map(({ key, code, description, limits: stated }) =>
    key === undefined
      ? { field, pointer, code, description, value: undefined, limits: stated }
      : { field: memberField(field, key), pointer: pointerPath(pointer, key), code, description, value: record[key], limits: stated },
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
      const limits = code === 'required' ? undefined : limitsOf(error, constraint);
      violations.push({
        field,
        pointer,
        code,
        description: missing && code === 'required' ? `${field} is required; ${message}` : message,
        value: error.value,
        ...(limits ? { limits } : {}),
      });
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
