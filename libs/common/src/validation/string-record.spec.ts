import { plainToInstance, Type } from 'class-transformer';
import { IsArray, IsOptional, ValidateNested, validateSync } from 'class-validator';

import { toFieldViolations } from './field-violations';
import { IsStringRecord } from './string-record';

const LIMITS = { maxKeys: 3, maxKeyLength: 10, maxValueLength: 5 };

class Item {
  @IsStringRecord(LIMITS) labels: Record<string, string>;
  @IsOptional() @IsStringRecord(LIMITS) annotations?: Record<string, string>;
}

class Body {
  @IsArray() @ValidateNested({ each: true }) @Type(() => Item) items: Item[];
}

const violationsOf = (body: object) =>
  toFieldViolations(validateSync(plainToInstance(Body, body))).map(({ field, pointer, code, value }) => ({ field, pointer, code, value }));

describe('IsStringRecord', () => {
  it('should accept string values within the limits, and an absent optional record', () => {
    expect(violationsOf({ items: [{ labels: { a: 'x', b: '' } }, { labels: {}, annotations: { summary: 'ok' } }] })).toEqual([]);
  });

  it('should point at each member that is not a string, not at the record', () => {
    expect(
      violationsOf({ items: [{ labels: { severity: 3, ok: 'x' } }, { labels: { a: 'x' }, annotations: { summary: { text: 'x' }, 'a.b/c': null } }] }),
    ).toEqual([
      { field: 'items[0].labels.severity', pointer: '/items/0/labels/severity', code: 'type', value: 3 },
      { field: 'items[1].annotations.summary', pointer: '/items/1/annotations/summary', code: 'type', value: { text: 'x' } },
      { field: 'items[1].annotations["a.b/c"]', pointer: '/items/1/annotations/a.b~1c', code: 'type', value: null },
    ]);
  });

  it('should refuse an array, a string or null as the record itself', () => {
    expect(violationsOf({ items: [{ labels: ['a'] }, { labels: 'a=b' }, { labels: null }] })).toEqual([
      { field: 'items[0].labels', pointer: '/items/0/labels', code: 'type', value: ['a'] },
      { field: 'items[1].labels', pointer: '/items/1/labels', code: 'type', value: 'a=b' },
      { field: 'items[2].labels', pointer: '/items/2/labels', code: 'required', value: null },
    ]);
  });

  it('should bound the number of entries and the lengths of names and values', () => {
    expect(violationsOf({ items: [{ labels: { a: '1', b: '2', c: '3', d: '4' } }, { labels: { long: '123456', ['k'.repeat(11)]: 'x' } }] })).toEqual([
      { field: 'items[0].labels', pointer: '/items/0/labels', code: 'length', value: undefined },
      { field: 'items[1].labels.long', pointer: '/items/1/labels/long', code: 'length', value: '123456' },
      { field: `items[1].labels.${'k'.repeat(11)}`, pointer: `/items/1/labels/${'k'.repeat(11)}`, code: 'length', value: 'x' },
    ]);
  });
});
