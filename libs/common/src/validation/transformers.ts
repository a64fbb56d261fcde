import { Transform } from 'class-transformer';

/** `true`/`false` (also 1/0) in a query string to a boolean; anything else is left for @IsBoolean to refuse. */
export function ToBoolean(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (value === 'true' || value === '1' || value === true) return true;
    if (value === 'false' || value === '0' || value === false) return false;
    return value;
  });
}

/** A decimal integer string to a number; anything else is left for @IsInt to refuse. */
export function ToInt(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d{1,15}$/.test(value) ? Number(value) : value));
}

/** A string, or each string of an array, in lower case (enum values accepted in any case). */
export function ToLowerCase(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    const lower = (item: unknown) => (typeof item === 'string' ? item.toLowerCase() : item);
    return Array.isArray(value) ? value.map(lower) : lower(value);
  });
}

/** `a,b` and repeated `x=a&x=b` both become ['a', 'b'] (trimmed, empty parts dropped). */
export function CommaSeparated(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    if (value === undefined || value === null) return value;
    const parts = (Array.isArray(value) ? value : [value]).flatMap((item) => (typeof item === 'string' ? item.split(',') : [item]));
    return parts.map((part) => (typeof part === 'string' ? part.trim() : part)).filter((part) => part !== '');
  });
}
