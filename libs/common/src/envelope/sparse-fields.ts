import { Type } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsIn, IsOptional } from 'class-validator';

import { queryListMaxItems } from '../swagger/query-enum';
import { CommaSeparated } from '../validation/transformers';

/** Where @nestjs/swagger keeps the `:name` of each @ApiProperty of a class (its DECORATORS.API_MODEL_PROPERTIES_ARRAY, not exported). */
const SWAGGER_PROPERTIES = 'swagger/apiModelPropertiesArray';

/** The top-level fields of a response DTO, as its @ApiProperty decorators declare them: its OpenAPI schema's properties. */
export function dtoFields(dto: Type): string[] {
  const names = (Reflect.getMetadata(SWAGGER_PROPERTIES, dto.prototype) ?? []) as string[];
  return [...new Set(names.map((name) => name.replace(/^:/, '')))];
}

/** A list query's `fields`: sparse fieldsets over the item DTO's top-level fields. */
export interface SparseFieldsQuery {
  fields?: string[];
}

/**
 * The `fields` query parameter of a list (sparse fieldsets, as JSON:API's): a comma-separated choice of the
 * items' top-level fields, named in the OpenAPI document as the enum `enumName`. The items then hold those
 * fields and their identifier `key` only, so a page a console shows as a table is a fraction of the bytes.
 */
export function SparseFieldsQueryDto(item: Type, enumName: string, key = 'id'): Type<SparseFieldsQuery> {
  const fields = dtoFields(item);
  if (!fields.includes(key)) throw new Error(`${item.name} has no field ${key} to identify its items`);
  class SparseFields implements SparseFieldsQuery {
    @ApiPropertyOptional({
      enum: fields,
      enumName,
      isArray: true,
      ...queryListMaxItems(fields.length),
      description:
        `Sparse fieldsets: the items hold only these top-level fields, and \`${key}\` always (\`fields=${fields.slice(0, 3).join(',')}\`); absent or empty: every field. ` +
        'A typed client reads such items as partial.',
    })
    @IsOptional()
    @CommaSeparated()
    @IsIn(fields, { each: true, message: `each field must be one of ${fields.join(', ')}` })
    @ArrayMaxSize(fields.length)
    fields?: string[];
  }
  return SparseFields;
}

/** The envelope with its items cut down to `fields` and their identifier `key`, in the items' own order; all of them when `fields` is absent. */
export function sparseItems<E extends { items: object[] }>(envelope: E, fields: readonly string[] | undefined, key = 'id'): E {
  if (!fields?.length) return envelope;
  const keep = new Set([key, ...fields]);
  return { ...envelope, items: envelope.items.map((item) => Object.fromEntries(Object.entries(item).filter(([name]) => keep.has(name)))) };
}
