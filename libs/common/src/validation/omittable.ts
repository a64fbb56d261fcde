import { ValidateIf } from 'class-validator';

/**
 * A field a PATCH may leave out but not set to null: unlike @IsOptional (which skips null too, so a
 * null reached the database as "clear this NOT NULL column" and failed there), null is validated by the
 * field's other decorators and refused with 400.
 */
export function IsOmittable(): PropertyDecorator {
  return ValidateIf((_object: object, value: unknown) => value !== undefined);
}
