/**
 * Hostile requests generated from an OpenAPI document, deterministically: the same seed gives the same
 * requests, so a failure found once is found again. Used by test/fuzz.e2e-spec.ts.
 */
import { Random } from '../../libs/database/src/seed/random';

type Schema = Record<string, unknown>;

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, Schema> };
}

interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema?: Schema;
}

interface OperationObject {
  operationId?: string;
  parameters?: ParameterObject[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  'x-required-scopes'?: string[];
}

export interface Operation {
  id: string;
  method: string;
  path: string;
  parameters: ParameterObject[];
  body: Schema | undefined;
  scopes: string[];
}

export interface FuzzRequest {
  operation: string;
  method: string;
  /** Path and query, percent-encoded as sent. */
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** Every operation of the document: method, path template, parameters and JSON body schema. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      operations.push({
        id: operation.operationId ?? `${method} ${path}`,
        method: method.toUpperCase(),
        path,
        parameters: operation.parameters ?? [],
        body: operation.requestBody?.content?.['application/json']?.schema,
        scopes: operation['x-required-scopes'] ?? [],
      });
    }
  }
  return operations;
}

/** The seed's mulberry32 generator: the same seed sends the same requests. */
export { Random };

/** Strings that have broken APIs: NUL, lone surrogates, huge and unusual Unicode, LIKE and SQL metacharacters, ids of nothing. */
export const HOSTILE_STRINGS: readonly string[] = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udc00y',
  '\ufffd',
  '\u202eevil',
  'ℌ𝔢𝔩𝔩𝔬 🚨 서버 过载',
  '🚨'.repeat(3_000),
  'x'.repeat(20_000),
  'y'.repeat(1_000_001),
  "' OR 1=1 --",
  '"; DROP TABLE alerts; --',
  "\\'; SELECT pg_sleep(5); --",
  '%',
  '_',
  '\\',
  '%_\\%',
  '%%%%',
  '[a-z]*',
  '(',
  ')',
  '*',
  '$1',
  '{}',
  '[]',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-1',
  '0',
  '1e309',
  '9007199254740993',
  '0x10',
  'true',
  '2026-13-45',
  '0000-00-00T00:00:00Z',
  '2026-02-30',
  '9999-12-31T24:00',
  '9999-12-31T24:00:00Z',
  '1969-12-31T23:59:59Z',
  'not a date',
  '+275760-09-13T00:00:00Z',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '{"$gt":""}',
  '__proto__',
  'constructor',
  'prototype',
  'tnt_00000000000000000000000000',
  'alr_01JQ3Z6V1B9W3C7KJ6T2X9P8R4',
  'ak_' + 'A'.repeat(43),
  'a,b,,c,',
  ',,,',
  'high,critical,high',
  ' critical ',
];

/** Non-string values of every JSON type, nested objects that attack prototypes, and deep nesting (10,000 deep is sent as a whole body: JSON.stringify cannot write it). */
export function hostileValues(random: Random): unknown[] {
  return [
    null,
    true,
    false,
    0,
    -1,
    0.5,
    2 ** 53 + 1,
    1e308,
    -1e308,
    [],
    {},
    [[]],
    [null],
    [1, 'a', null],
    JSON.parse('{"__proto__": {"polluted": true}}'),
    { constructor: { prototype: { polluted: true } } },
    deep(random.pick([40, 1_000])),
    random.pick(HOSTILE_STRINGS),
  ];
}

function deep(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

/** The id prefix of the resource under each path segment. */
const ID_PREFIXES: Record<string, string> = {
  alerts: 'alr_',
  'threat-cases': 'tc_',
  'control-rules': 'cr_',
  'legal-holds': 'lh_',
  exports: 'exp_',
  tenants: 'tnt_',
};

/** Percent-escapes that do not decode to UTF-8, and NUL, for query strings and paths (written as is). */
const BAD_ESCAPES = ['%00', '%FF', '%C0%AF', '%ED%A0%80', '%E0%A4', '%', '%zz', '%F4%90%80%80', 'a%00b'];

export class RequestFactory {
  constructor(
    private readonly document: OpenApiDocument,
    private readonly random: Random,
    /** Real values the spec made (ids of alerts, cases, rules, holds, exports; cursors), by parameter name. */
    private readonly known: Record<string, string[]>,
  ) {}

  private resolve(schema: Schema | undefined): Schema {
    let current = schema ?? {};
    for (let i = 0; i < 10 && typeof current.$ref === 'string'; i++) {
      current = this.document.components?.schemas?.[(current.$ref as string).split('/').pop() as string] ?? {};
    }
    const composed = (current.allOf ?? current.oneOf ?? current.anyOf) as Schema[] | undefined;
    return composed?.length ? { ...current, ...this.resolve(this.random.pick(composed)) } : current;
  }

  /** A plausible value for a schema (its example, enum, default or format), so that requests get past the first check. */
  valid(schema: Schema | undefined, depth = 0): unknown {
    const s = this.resolve(schema);
    if (s.example !== undefined && this.random.chance(0.7)) return s.example;
    if (Array.isArray(s.enum) && s.enum.length) return this.random.pick(s.enum);
    if (s.default !== undefined && this.random.chance(0.5)) return s.default;
    switch (s.type) {
      case 'integer':
      case 'number':
        return typeof s.minimum === 'number' ? s.minimum : 1;
      case 'boolean':
        return this.random.chance(0.5);
      case 'array':
        return depth > 4 ? [] : [this.valid(s.items as Schema, depth + 1)];
      case 'string':
        if (s.format === 'date-time') return new Date(Date.now() - 3_600_000).toISOString();
        if (s.format === 'date') return '2026-01-01';
        return 'fuzz';
      default: {
        if (depth > 4) return {};
        const properties = (s.properties ?? {}) as Record<string, Schema>;
        const required = new Set((s.required ?? []) as string[]);
        const value: Record<string, unknown> = {};
        for (const [name, property] of Object.entries(properties)) {
          if (required.has(name) || this.random.chance(0.6)) value[name] = this.valid(property, depth + 1);
        }
        return value;
      }
    }
  }

  /** The body: valid-looking, then one member broken (wrong type, hostile text, removed, a prototype key), or wholly replaced. */
  private hostileBody(schema: Schema | undefined): string {
    if (this.random.chance(0.1))
      return this.random.pick([
        '',
        '{',
        '[]',
        'null',
        '"text"',
        '{"a":1,"a":2}',
        `{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
        '{"__proto__":{"admin":true}}',
      ]);
    const value = this.valid(schema) as Record<string, unknown>;
    if (typeof value !== 'object' || value === null) return JSON.stringify(value);
    const members = Object.keys(value);
    const target =
      this.random.chance(0.8) && members.length ? this.random.pick(members) : this.random.pick(['__proto__', 'constructor', 'tenant_id', 'unknown_field']);
    const roll = this.random.next();
    const replacement = roll < 0.2 ? null : roll < 0.6 ? this.random.pick(HOSTILE_STRINGS) : this.random.pick(hostileValues(this.random));
    if (target === '__proto__') return JSON.stringify(value).replace(/^\{/, `{"__proto__":${JSON.stringify(replacement)}${members.length ? ',' : ''}`);
    const nested = value[target];
    if (this.random.chance(0.3) && typeof nested === 'object' && nested !== null && !Array.isArray(nested) && Object.keys(nested).length) {
      (nested as Record<string, unknown>)[this.random.pick(Object.keys(nested))] = replacement; // one level down: filters, match, labels
    } else if (this.random.chance(0.15)) delete value[target];
    else value[target] = replacement;
    return JSON.stringify(value);
  }

  /** A hostile text for a query or path parameter, percent-encoded as sent; sometimes escapes that are not UTF-8, or a real value tampered with. */
  private hostileText(name: string): string {
    const roll = this.random.next();
    if (roll < 0.25) return this.random.pick(BAD_ESCAPES);
    if (roll < 0.45 && this.known[name]?.length) return encode(this.tampered(this.random.pick(this.known[name])));
    const hostile = this.random.pick(HOSTILE_STRINGS);
    return encode(hostile.length > 4_000 ? hostile.slice(0, 4_000) : hostile);
  }

  private validText(name: string, schema: Schema | undefined, prefix?: string): string {
    const known = (this.known[name] ?? []).filter((value) => !prefix || value.startsWith(prefix));
    if (known.length && this.random.chance(0.8)) return encode(this.random.pick(known));
    const value = this.valid(schema);
    return encode(Array.isArray(value) ? value.join(',') : String(value));
  }

  /** A real value, or one altered as an attacker alters a cursor or an id: a character flipped, cut, doubled, forged, or NUL-terminated. */
  private tampered(value: string): string {
    const roll = this.random.next();
    if (roll < 0.2) return value;
    const at = Math.floor(this.random.next() * value.length);
    if (roll < 0.45) return `${value.slice(0, at)}${value[at] === 'A' ? 'B' : 'A'}${value.slice(at + 1)}`;
    if (roll < 0.6) return value.slice(0, at);
    if (roll < 0.7) return `${value}${value}`;
    if (roll < 0.9) return Buffer.from(JSON.stringify({ v: 1, k: ["' OR 1=1 --", 1e308], s: 'x' })).toString('base64url');
    return `${value}\u0000`;
  }

  /**
   * Requests that break one body member at a time, each member of each operation's body in turn: null, then
   * a value of the wrong type, the rest of the request valid. Random requests alone reach a given member
   * with a given value too rarely.
   */
  memberRequests(operation: Operation, headers: Record<string, string>): FuzzRequest[] {
    const schema = this.resolve(operation.body);
    const members = Object.keys((schema.properties ?? {}) as Record<string, Schema>);
    return members.flatMap((member) =>
      [null, this.random.pick([0, true, [], {}, 'x'.repeat(5_000), '\u0000', '2026-02-30T24:00:00Z'])].map((replacement) => {
        const request = this.request(operation, headers, 'none');
        const body = { ...(this.valid(operation.body) as Record<string, unknown>), [member]: replacement };
        return { ...request, body: JSON.stringify(body), headers: { ...request.headers, 'content-type': 'application/json' } };
      }),
    );
  }

  /**
   * One request for an operation. Each request attacks one part (path, query, body or headers) and keeps
   * the others valid (real ids, plausible values), so that the attack reaches the code behind the checks.
   */
  request(operation: Operation, headers: Record<string, string>, only?: 'none'): FuzzRequest {
    const focus = only ?? this.random.pick(['path', 'query', 'query', 'body', 'body', 'header', 'none'] as const);
    const parameterOf = (name: string) => operation.parameters.find((p) => p.name === name);
    const pathNames = [...operation.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
    const attackedPath = focus === 'path' && pathNames.length ? this.random.pick(pathNames) : undefined;
    // A path parameter gets an id of the resource its path names (`/v1/compliance/control-rules/{id}`: a rule's).
    const prefixOf = (name: string) => Object.entries(ID_PREFIXES).find(([segment]) => operation.path.includes(`/${segment}/{${name}}`))?.[1];
    const path = operation.path.replace(/\{([^}]+)\}/g, (_, name: string) =>
      name === attackedPath ? this.hostileText(name) : this.validText(name, parameterOf(name)?.schema, prefixOf(name)),
    );
    const queryParameters = operation.parameters.filter((p) => p.in === 'query');
    const attackedQuery = focus === 'query' && queryParameters.length ? this.random.pick(queryParameters).name : undefined;
    const query: string[] = [];
    for (const parameter of queryParameters) {
      if (parameter.name === attackedQuery) query.push(`${encode(parameter.name)}=${this.hostileText(parameter.name)}`);
      else if (parameter.required || this.random.chance(0.25)) query.push(`${encode(parameter.name)}=${this.validText(parameter.name, parameter.schema)}`);
    }
    if (focus === 'query' && (!attackedQuery || this.random.chance(0.15))) {
      query.push(`${this.random.pick(['__proto__', 'constructor', 'unknown', '%FF', 'page[size]', 'q%00'])}=${this.random.pick(BAD_ESCAPES)}`);
    }
    const extra: Record<string, string> = {};
    if (focus === 'header') {
      const name = this.random.pick(['if-match', 'idempotency-key', 'accept-language', 'range', 'x-request-id', 'traceparent']);
      extra[name] = this.random.pick([
        '"1"',
        '5',
        'W/"2"',
        '*',
        '"x',
        '"99999999999999999999"',
        '"-1"',
        'k',
        'x'.repeat(300),
        "' OR 1=1",
        '%00',
        'ko',
        'zz',
        '*;q=abc',
        'bytes=0-',
        'bytes=-1',
        'bytes=9-1',
        'bytes=0-0,1-1,2-2',
        'items=1-2',
        '00-00000000000000000000000000000000-0000000000000000-00',
        'é'.repeat(10),
      ]);
    } else if (this.random.chance(0.2)) extra['if-match'] = '"1"';
    const wantsBody = operation.body !== undefined || (focus === 'body' && operation.method !== 'GET');
    const body = wantsBody ? (focus === 'body' ? this.hostileBody(operation.body) : JSON.stringify(this.valid(operation.body))) : undefined;
    const contentType = focus === 'body' && this.random.chance(0.05) ? 'text/csv' : 'application/json';
    return {
      operation: operation.id,
      method: operation.method,
      url: `${path}${query.length ? `?${query.join('&')}` : ''}`,
      headers: { ...headers, ...extra, ...(body !== undefined ? { 'content-type': contentType } : {}) },
      body,
    };
  }
}

/** encodeURIComponent, or for text it cannot encode (a lone surrogate) the bytes a careless client would send. */
function encode(text: string): string {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
}
