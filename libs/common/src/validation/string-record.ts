import { registerDecorator, ValidationOptions } from 'class-validator';

import type { FieldViolationCode, ViolationLimits } from '../problem/problem.exception';

/** How large a string record (labels, annotations) may be. */
export interface StringRecordLimits {
  maxKeys: number;
  maxKeyLength: number;
  maxValueLength: number;
}

/** Labels: Prometheus label sets, and the labels a client gives an alert. */
export const LABEL_LIMITS: StringRecordLimits = { maxKeys: 100, maxKeyLength: 200, maxValueLength: 2_000 };
/** Annotations: short texts such as summary and description (the description becomes the alert's message, at most 10,000 characters). */
export const ANNOTATION_LIMITS: StringRecordLimits = { maxKeys: 50, maxKeyLength: 200, maxValueLength: 10_000 };

/** One thing wrong with a string record; `key` names the member, or is absent for the record as a whole. */
export interface StringRecordProblem {
  key?: string;
  code: FieldViolationCode;
  description: string;
  limits?: ViolationLimits;
}

export const IS_STRING_RECORD = 'isStringRecord';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A member in dot notation (`labels.severity`), or in brackets when its name is not an identifier (`labels["app.kubernetes.io/name"]`). */
export function memberField(parent: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`;
}

/** Everything that keeps `value` from being a string record within `limits` (empty when it is one). */
export function stringRecordProblems(value: unknown, limits: StringRecordLimits, name = 'value'): StringRecordProblem[] {
  if (!isPlainObject(value)) return [{ code: 'type', description: `${name} must be an object whose values are strings` }];
  const keys = Object.keys(value);
  const problems: StringRecordProblem[] = [];
  if (keys.length > limits.maxKeys)
    problems.push({
      code: 'length',
      description: `${name} may hold at most ${limits.maxKeys} entries (it holds ${keys.length})`,
      limits: { max: limits.maxKeys, unit: 'entries' },
    });
  for (const key of keys) {
    const member = value[key];
    if (key.length === 0 || key.length > limits.maxKeyLength)
      problems.push({ key, code: 'length', description: `the names in ${name} must be 1 to ${limits.maxKeyLength} characters long` });
    else if (typeof member !== 'string') problems.push({ key, code: 'type', description: `${memberField(name, key)} must be a string` });
    else if (member.length > limits.maxValueLength)
      problems.push({
        key,
        code: 'length',
        description: `${memberField(name, key)} must be at most ${limits.maxValueLength} characters long`,
        limits: { max: limits.maxValueLength, unit: 'characters' },
      });
  }
  return problems;
}

/**
 * An object whose every value is a string (labels, annotations), with at most `maxKeys` entries and
 * bounded name and value lengths. A failure is reported per member (`labels.severity`), see
 * toFieldViolations.
 */
export function IsStringRecord(limits: StringRecordLimits = LABEL_LIMITS, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: IS_STRING_RECORD,
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `${String(propertyName)} must be an object of at most ${limits.maxKeys} string values`, ...options, context: limits },
      validator: { validate: (value: unknown) => stringRecordProblems(value, limits).length === 0 },
    });
}
