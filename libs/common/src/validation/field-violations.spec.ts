import { Type } from 'class-transformer';
import { IsArray, IsEnum, IsInt, IsString, Max, Min, ValidateNested, validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';

import { toFieldViolations } from './field-violations';

enum Severity { low = 'low', high = 'high' }

class Item {
  @IsEnum(Severity) severity: Severity;
}

class Address {
  @IsString() city: string;
}

class Body {
  @IsInt() @Min(1) @Max(200) page_size: number;
  @ValidateNested() @Type(() => Address) address: Address;
  @IsArray() @ValidateNested({ each: true }) @Type(() => Item) items: Item[];
}

describe('toFieldViolations', () => {
  it('should give one violation per field with dot paths and pointers, nested and array fields included', () => {
    const body = plainToInstance(Body, { page_size: 500, address: { city: 7 }, items: [{ severity: 'low' }, { severity: 'urgent' }] });
    const violations = toFieldViolations(validateSync(body));
    expect(violations.map(({ field, pointer, code }) => ({ field, pointer, code }))).toEqual([
      { field: 'page_size', pointer: '/page_size', code: 'range' },
      { field: 'address.city', pointer: '/address/city', code: 'type' },
      { field: 'items[1].severity', pointer: '/items/1/severity', code: 'enum' },
    ]);
    expect(violations[2].value).toBe('urgent');
  });

  it('should report a missing field as required rather than as a type error', () => {
    const violations = toFieldViolations(validateSync(plainToInstance(Address, {})));
    expect(violations).toEqual([expect.objectContaining({ field: 'city', code: 'required', description: 'city is required; city must be a string' })]);
  });
});
