import type { OpenAPIObject, ParameterObject, SchemaObject } from '@nestjs/swagger';

type Parameter = ParameterObject & { schema?: SchemaObject & { items?: SchemaObject } };

function shown(value: unknown): string {
  return Array.isArray(value) ? value.map(shown).join(',') : typeof value === 'string' ? value : JSON.stringify(value);
}

/**
 * The document as Swagger UI gets it: optional query parameters keep their examples in their
 * description only. Swagger UI fills a parameter's input with its example (the parameter's `example` or
 * `examples`, or its schema's `example`, where @nestjs/swagger writes a DTO property's example), so
 * "Execute" on the alert list sent `type=brute_force&label=env:prod&…` and answered nothing. Defaults
 * are still filled in: they are what the server assumes anyway. /openapi.json keeps the examples where
 * they were, for generators and other tools.
 */
export function forSwaggerUi(document: OpenAPIObject): OpenAPIObject {
  const copy = structuredClone(document);
  for (const item of Object.values(copy.paths)) {
    for (const operation of Object.values(item)) {
      for (const parameter of (operation as { parameters?: Parameter[] }).parameters ?? []) {
        if (parameter.in !== 'query' || parameter.required) continue;
        const example = parameter.example ?? parameter.schema?.example ?? parameter.schema?.items?.example;
        delete parameter.example;
        delete parameter.examples;
        delete parameter.schema?.example;
        delete parameter.schema?.items?.example;
        if (example !== undefined) parameter.description = `${parameter.description ? `${parameter.description}. ` : ''}Example: \`${shown(example)}\``;
      }
    }
  }
  return copy;
}
