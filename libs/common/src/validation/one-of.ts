import { registerDecorator, ValidationArguments, ValidationOptions } from 'class-validator';

/** Whether a body field was given: present and not null. */
export function isGiven(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/**
 * The field may not be given together with `otherField` (a body takes one of the two). Its violation
 * code is `invalid`: the value may be fine, the combination is not.
 */
export function NotWith(otherField: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'notWith',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [otherField],
      options: { message: `${String(propertyName)} cannot be combined with ${otherField}: give exactly one of the two`, ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => !isGiven(value) || !isGiven((args.object as Record<string, unknown>)[otherField]),
      },
    });
}
