import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsEnum, IsIn, IsInt, IsString, Max, MaxLength, Min, ValidateNested, validateSync } from 'class-validator';
import { plainToInstance } from 'class-transformer';

import { violationText } from '../problem/problem-renderer';
import { toFieldViolations } from './field-violations';

enum Severity {
  low = 'low',
  high = 'high',
}

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

  it('should carry the limits a constraint states, and pick the translation that states them', () => {
    class Query {
      @IsIn(['asc', 'desc']) direction: string;
      @IsString() @MaxLength(10) title: string;
      @IsInt() @Min(1) @Max(200) page_size: number;
      @IsArray() @ArrayMaxSize(2) tags: string[];
    }
    const violations = toFieldViolations(validateSync(plainToInstance(Query, { direction: 'up', title: 'x'.repeat(11), page_size: 0, tags: ['a', 'b', 'c'] })));
    expect(violations.map(({ field, limits }) => [field, limits])).toEqual([
      ['direction', { allowed: ['asc', 'desc'] }],
      ['title', { max: 10, unit: 'characters' }],
      ['page_size', { min: 1 }],
      ['tags', { max: 2, unit: 'items' }],
    ]);
    expect(violations.map(violationText)).toEqual([
      { key: 'validation.enum_allowed', args: { field: 'direction', allowed: 'asc, desc' } },
      { key: 'validation.characters_max', args: { field: 'title', max: 10 } },
      { key: 'validation.range_min', args: { field: 'page_size', min: 1 } },
      { key: 'validation.items_max', args: { field: 'tags', max: 2 } },
    ]);
    expect(violationText({ field: 'x', pointer: '/x', code: 'format', description: 'x is bad' })).toEqual({ key: 'validation.format', args: { field: 'x' } });
  });
});
