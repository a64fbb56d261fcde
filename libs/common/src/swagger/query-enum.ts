import { ApiPropertyOptional, ApiPropertyOptions } from '@nestjs/swagger';
import type { OpenAPIObject, ParameterObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';

/** Where a query enum's default waits for `withQueryEnumDefaults`. */
const QUERY_DEFAULT = 'x-query-default';
/** Where a query list's `maxItems` waits for `withQueryEnumDefaults`. */
const QUERY_MAX_ITEMS = 'x-query-max-items';

/**
 * `maxItems` of a query list of a named enum (spread into its `ApiPropertyOptional`), to say what its
 * `@ArrayMaxSize` enforces: @nestjs/swagger drops `maxItems` of such a parameter, as it drops its default.
 */
export function queryListMaxItems(maxItems: number): Record<string, number> {
  return { [QUERY_MAX_ITEMS]: maxItems };
}

export interface QueryEnumOptions {
  enum: readonly string[];
  enumName: string;
  default: string;
  description?: string;
}

/**
 * An optional query parameter of a named enum, with its default. @nestjs/swagger drops the `default` of
 * a query parameter whose schema is a `$ref` (any enum with an `enumName`); it is kept aside here and put
 * back by `withQueryEnumDefaults`. In a body DTO the property keeps its default as usual.
 */
export function ApiQueryEnum(options: QueryEnumOptions): PropertyDecorator {
  const property = {
    enum: [...options.enum],
    enumName: options.enumName,
    default: options.default,
    description: options.description,
    [QUERY_DEFAULT]: options.default,
  };
  return ApiPropertyOptional(property as ApiPropertyOptions);
}

function isReference(schema: SchemaObject | ReferenceObject | undefined): schema is ReferenceObject {
  return schema !== undefined && '$ref' in schema;
}

/**
 * Gives every query enum of `ApiQueryEnum` its default again, as OpenAPI 3.0 puts a sibling beside a
 * `$ref`: `{ allOf: [{ $ref }], default }` (the form @nestjs/swagger itself uses for body properties),
 * and every list of `queryListMaxItems` its `maxItems`.
 */
export function withQueryEnumDefaults(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const operation of Object.values(item)) {
      for (const parameter of (operation as { parameters?: (ParameterObject & Record<string, unknown>)[] }).parameters ?? []) {
        if (QUERY_MAX_ITEMS in parameter) {
          parameter.schema = { ...parameter.schema, maxItems: parameter[QUERY_MAX_ITEMS] as number };
          delete parameter[QUERY_MAX_ITEMS];
        }
        if (!(QUERY_DEFAULT in parameter)) continue;
        const fallback = parameter[QUERY_DEFAULT];
        delete parameter[QUERY_DEFAULT];
        parameter.schema = isReference(parameter.schema) ? { allOf: [parameter.schema], default: fallback } : { ...parameter.schema, default: fallback };
      }
    }
  }
  for (const schema of Object.values(document.components?.schemas ?? {})) {
    for (const property of Object.values((schema as SchemaObject).properties ?? {})) {
      const kept = property as Record<string, unknown>;
      delete kept[QUERY_DEFAULT];
      if (QUERY_MAX_ITEMS in kept) kept.maxItems = kept[QUERY_MAX_ITEMS];
      delete kept[QUERY_MAX_ITEMS];
    }
  }
  return document;
}
