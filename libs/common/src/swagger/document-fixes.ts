import type { OpenAPIObject, OperationObject, ReferenceObject, ResponseObject, SchemaObject } from '@nestjs/swagger';

import { DATE_TIME_MAX_LENGTH } from '../dates/date-time-text';

type Schemas = Record<string, SchemaObject | ReferenceObject>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function operationsOf(document: OpenAPIObject): OperationObject[] {
  return Object.values(document.paths).flatMap((item) =>
    METHODS.map((method) => item[method]).filter((operation): operation is OperationObject => operation !== undefined),
  );
}

/** Names of the component schemas reachable from `roots` through `$ref`s. */
function reachable(schemas: Schemas, roots: unknown[]): Set<string> {
  const seen = new Set<string>();
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const ref = (node as ReferenceObject).$ref;
    if (typeof ref === 'string' && ref.startsWith('#/components/schemas/')) {
      const name = ref.slice('#/components/schemas/'.length);
      if (seen.has(name)) return;
      seen.add(name);
      walk(schemas[name]);
    }
    for (const value of Object.values(node)) walk(value);
  };
  roots.forEach(walk);
  return seen;
}

/**
 * A request body property that the server fills in when it is left out keeps its `default`, one level
 * down (`allOf: [schema, { default }]`). openapi-typescript reads a `default` beside a property as "always
 * present" (right for answers, wrong for requests, and it cannot tell a request's component schema from an
 * answer's), so `locale`, `alertable_type` and `decision` came out required. Schemas that answers use
 * too are left alone.
 */
export function withOptionalRequestDefaults(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Schemas;
  const operations = operationsOf(document);
  const answers = reachable(
    schemas,
    operations.map((operation) => operation.responses),
  );
  for (const name of reachable(
    schemas,
    operations.map((operation) => operation.requestBody),
  )) {
    if (answers.has(name)) continue;
    const schema = schemas[name] as SchemaObject;
    for (const [key, property] of Object.entries(schema.properties ?? {})) {
      if (!('default' in property) || schema.required?.includes(key)) continue;
      const { default: fallback, description, example, ...rest } = property;
      const base = rest.allOf && Object.keys(rest).length === 1 ? rest.allOf : [rest];
      schema.properties![key] = {
        ...(description === undefined ? {} : { description }),
        ...(example === undefined ? {} : { example }),
        allOf: [...base, { default: fallback }],
      };
    }
  }
  return document;
}

/** Operations that need no credential say so (`security: []`) instead of leaving it unsaid. */
export function withPublicOperationsDeclared(document: OpenAPIObject): OpenAPIObject {
  for (const operation of operationsOf(document)) operation.security ??= [];
  return document;
}

const ANSWER_HEADERS = {
  'RateLimit-Limit': {
    description: 'Requests the credential may make in the current one-minute window',
    schema: { type: 'integer', format: 'int32', minimum: 1, maximum: 1_000_000 },
  },
  'RateLimit-Remaining': { description: 'Requests left in the current window', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 1_000_000 } },
  'RateLimit-Reset': { description: 'Seconds until the window ends', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 60 } },
  'Retry-After': { description: 'Seconds to wait before the next request', schema: { type: 'integer', format: 'int32', minimum: 0, maximum: 60 } },
  'Access-Control-Allow-Origin': {
    description: 'The request’s Origin, when it is one of CORS_ORIGINS (absent otherwise)',
    schema: { type: 'string', maxLength: 2048, format: 'uri' },
  },
};

/**
 * Statuses answered before the credential is counted against its limit: 401 (no valid credential), 413
 * and 415 (the body is refused while it is read, before any guard runs).
 */
const UNCOUNTED = new Set(['401', '413', '415']);

const SHARED_RESPONSES: Record<string, string> = { '401': 'Unauthorized', '413': 'ContentTooLarge', '415': 'UnsupportedMediaType' };

/**
 * The uncounted answers (401, 413, 415) are one shared response each (`#/components/responses/…`, the
 * description most operations give), so .spectral.yaml can say once why they carry no RateLimit headers.
 */
export function withSharedUncountedResponses(document: OpenAPIObject): OpenAPIObject {
  const shared: Record<string, ResponseObject> = {};
  for (const [status, name] of Object.entries(SHARED_RESPONSES)) {
    const seen = new Map<string, number>();
    for (const operation of operationsOf(document)) {
      const response = operation.responses[status] as ResponseObject | ReferenceObject | undefined;
      if (response && !('$ref' in response)) seen.set(JSON.stringify(response), (seen.get(JSON.stringify(response)) ?? 0) + 1);
    }
    const common = [...seen.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (common === undefined) continue;
    shared[name] = JSON.parse(common) as ResponseObject;
    for (const operation of operationsOf(document)) if (operation.responses[status]) operation.responses[status] = { $ref: `#/components/responses/${name}` };
  }
  document.components = { ...document.components, responses: { ...document.components?.responses, ...shared } };
  return document;
}

/**
 * The RateLimit headers (RateLimitGuard) on every 2xx, 3xx (a 304 keeps the headers of its 200) and
 * 4xx answer of an operation that needs a credential, and Retry-After on its 429.
 */
export function withRateLimitHeaders(document: OpenAPIObject): OpenAPIObject {
  document.components = { ...document.components, headers: { ...document.components?.headers, ...ANSWER_HEADERS } };
  const ref = (name: string): ReferenceObject => ({ $ref: `#/components/headers/${name}` });
  for (const operation of operationsOf(document)) {
    if (!operation.security?.length) continue;
    for (const [status, response] of Object.entries(operation.responses) as [string, ResponseObject][]) {
      if (!/^[234]/.test(status) || UNCOUNTED.has(status)) continue;
      response.headers = {
        ...response.headers,
        'RateLimit-Limit': ref('RateLimit-Limit'),
        'RateLimit-Remaining': ref('RateLimit-Remaining'),
        'RateLimit-Reset': ref('RateLimit-Reset'),
        'Access-Control-Allow-Origin': ref('Access-Control-Allow-Origin'),
      };
      if (status === '429') response.headers['Retry-After'] = ref('Retry-After');
    }
  }
  return document;
}

/**
 * A nullable property that is only an `allOf` of one named schema (a nullable enum) gets that schema's
 * `type` beside `nullable`, which OpenAPI 3.0 needs for `nullable` to mean anything.
 */
export function withNullableTypes(document: OpenAPIObject): OpenAPIObject {
  const schemas = (document.components?.schemas ?? {}) as Schemas;
  for (const schema of Object.values(schemas) as SchemaObject[]) {
    for (const property of Object.values(schema.properties ?? {}) as SchemaObject[]) {
      const target = property.allOf?.length === 1 ? (property.allOf[0] as ReferenceObject).$ref?.split('/').pop() : undefined;
      const type = target ? (schemas[target] as SchemaObject | undefined)?.type : undefined;
      if (!property.nullable || property.type !== undefined || !type) continue;
      property.type = type;
      // The enum is beside the `allOf`, not here: its longest value bounds the string.
      const values = (schemas[target!] as SchemaObject).enum;
      if (type === 'string' && values?.length) property.maxLength = Math.max(...values.map((value: unknown) => String(value).length));
    }
  }
  return document;
}

const INT32 = 2 ** 31;

/** Every integer says how wide it is, from the bounds its validation enforces: int32 within ±2^31, int64 beyond or unbounded. */
export function withIntegerFormats(document: OpenAPIObject): OpenAPIObject {
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const schema = node as SchemaObject;
    if (schema.type === 'integer' && schema.format === undefined) {
      const narrow = schema.minimum !== undefined && schema.maximum !== undefined && schema.minimum >= -INT32 && schema.maximum < INT32;
      schema.format = narrow ? 'int32' : 'int64';
    }
    Object.values(node).forEach(walk);
  };
  walk(document.paths);
  walk(document.components);
  return document;
}

const ITEM_KEYWORDS = ['maxLength', 'minLength', 'pattern', 'format'] as const;

/**
 * The Swagger plugin's classValidatorShim writes `@MaxLength(n, { each: true })` (and minLength, pattern)
 * onto the array itself, where it means nothing; they are moved to the array's string items, which is
 * what the validation checks.
 */
export function withArrayItemConstraints(document: OpenAPIObject): OpenAPIObject {
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const schema = node as SchemaObject & Record<string, unknown>;
    const items = schema.items as Record<string, unknown> | undefined;
    if (schema.type === 'array' && items?.type === 'string') {
      for (const keyword of ITEM_KEYWORDS) {
        if (schema[keyword] === undefined) continue;
        items[keyword] ??= schema[keyword];
        delete schema[keyword];
      }
    }
    Object.values(node).forEach(walk);
  };
  walk(document.paths);
  walk(document.components);
  return document;
}

/**
 * The longest string an anchored pattern matches, when it has a bound (literals, classes, `.`, groups with
 * alternatives, and `?`, `{n}` or `{m,n}`); undefined for `*`, `+`, `{m,}`, back references or anything else.
 */
export function patternMaxLength(pattern: string): number | undefined {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return undefined;
  const source = pattern.slice(1, -1);
  let at = 0;
  const quantified = (length: number): number | undefined => {
    const quantifier = /^(\?|\{(\d+)(,(\d+))?\})/.exec(source.slice(at));
    if (source[at] === '*' || source[at] === '+' || /^\{\d+,\}/.test(source.slice(at))) return undefined;
    if (!quantifier) return length;
    at += quantifier[0].length;
    return quantifier[1] === '?' ? length : length * Number(quantifier[4] ?? quantifier[2]);
  };
  const sequence = (): number | undefined => {
    let best = 0;
    let total = 0;
    while (at < source.length && source[at] !== ')') {
      if (source[at] === '|') {
        best = Math.max(best, total);
        total = 0;
        at++;
        continue;
      }
      let atom: number | undefined = 1;
      if (source[at] === '(') {
        at += source.startsWith('(?:', at) ? 3 : 1;
        atom = sequence();
        if (atom === undefined || source[at] !== ')') return undefined;
        at++;
      } else if (source[at] === '[') {
        const end = /^\[\^?\]?(\\.|[^\]\\])*\]/.exec(source.slice(at));
        if (!end) return undefined;
        at += end[0].length;
      } else if (source[at] === '\\') {
        if (/[1-9bBk]/.test(source[at + 1] ?? '')) return undefined;
        at += 2;
      } else if ('^$*+?{'.includes(source[at])) {
        return undefined;
      } else {
        at++;
      }
      const length = quantified(atom);
      if (length === undefined) return undefined;
      total += length;
    }
    return Math.max(best, total);
  };
  const length = sequence();
  return at === source.length ? length : undefined;
}

/** A string whose pattern bounds its length declares that length too (the pattern is what validation enforces). */
export function withPatternLengths(document: OpenAPIObject): OpenAPIObject {
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const schema = node as SchemaObject;
    if (schema.type === 'string' && typeof schema.pattern === 'string' && schema.maxLength === undefined) {
      const length = patternMaxLength(schema.pattern);
      if (length !== undefined) schema.maxLength = length;
    }
    Object.values(node).forEach(walk);
  };
  walk(document.paths);
  walk(document.components);
  return document;
}

/** A date-time string without a bound gets the one every date-time the API reads or writes keeps (DATE_TIME_MAX_LENGTH). */
export function withDateTimeLengths(document: OpenAPIObject): OpenAPIObject {
  const walk = (node: unknown): void => {
    if (node === null || typeof node !== 'object') return;
    const schema = node as SchemaObject;
    if (schema.type === 'string' && schema.format === 'date-time' && schema.maxLength === undefined) schema.maxLength = DATE_TIME_MAX_LENGTH;
    Object.values(node).forEach(walk);
  };
  walk(document.paths);
  walk(document.components);
  return document;
}

/** The fixes above, in order: what @nestjs/swagger writes, made exact for generators and linters. */
export function withDocumentFixes(document: OpenAPIObject): OpenAPIObject {
  const fixes = [
    withOptionalRequestDefaults,
    withNullableTypes,
    withPublicOperationsDeclared,
    withRateLimitHeaders,
    withSharedUncountedResponses,
    withIntegerFormats,
    withArrayItemConstraints,
    withPatternLengths,
    withDateTimeLengths,
  ];
  return fixes.reduce((fixed, fix) => fix(fixed), document);
}
