import { ValidationError } from 'class-validator';

import { FieldViolation, toFieldViolations } from '@app/common';

/** Field violations of one item of a batch, with its position in the field paths and pointers (answered as they are: no translation limits). */
export function toFieldViolationsOf(errors: ValidationError[], fieldPrefix: string, pointerPrefix: string): FieldViolation[] {
  return toFieldViolations(errors).map(({ limits: _limits, ...violation }) => ({
    ...violation,
    field: `${fieldPrefix}.${violation.field}`,
    pointer: `${pointerPrefix}${violation.pointer}`,
  }));
}
