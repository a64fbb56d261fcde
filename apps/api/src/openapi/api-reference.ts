/**
 * Renders the operations and schemas of the served OpenAPI document as Markdown: the generated part of
 * docs/API.md. test/api-reference.e2e-spec.ts fails when the file and the document disagree, and
 * `npm run docs:api` rewrites it.
 */
import type { OpenAPIObject } from '@nestjs/swagger';

export const GENERATED_START = '<!-- generated from the OpenAPI document: npm run docs:api -->';
export const GENERATED_END = '<!-- end of generated part -->';

type Json = Record<string, unknown>;
type Schema = Json & {
  $ref?: string;
  type?: string;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  nullable?: boolean;
};
interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}
interface Operation {
  operationId?: string;
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, { schema?: Schema }> };
  responses?: Record<string, { description?: string; content?: Record<string, { schema?: Schema }> }>;
  security?: unknown[];
}

const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

/** A Markdown table cell: one line, pipes escaped. */
function cell(text: unknown): string {
  return String(text ?? '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|');
}

function refName(ref: string): string {
  return ref.slice(ref.lastIndexOf('/') + 1);
}

/** A short type: `string (date-time)`, `AlertDto[]`, `"open" \| "resolved"`, with limits. */
export function typeOf(schema: Schema | undefined): string {
  if (!schema) return '';
  if (schema.$ref) return `[${refName(schema.$ref)}](#${anchor(refName(schema.$ref))})`;
  const union = schema.allOf ?? schema.oneOf ?? schema.anyOf;
  if (union) return union.map(typeOf).join(schema.allOf ? ' & ' : ' or ') + (schema.nullable ? ' or null' : '');
  if (schema.enum) return schema.enum.map((value) => `\`${JSON.stringify(value)}\``).join(', ') + (schema.nullable ? ' or null' : '');
  let text: string;
  if (schema.type === 'array') text = `${typeOf(schema.items)}[]`;
  else if (schema.type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object')
    text = `map of ${typeOf(schema.additionalProperties)}`;
  else text = String(schema.type ?? 'any') + (schema.format ? ` (${String(schema.format)})` : '');
  const limits = limitsOf(schema);
  return text + (limits ? ` ${limits}` : '') + (schema.nullable ? ' or null' : '');
}

function limitsOf(schema: Schema): string {
  const parts: string[] = [];
  const range = (min: unknown, max: unknown, what: string): void => {
    if (min !== undefined && max !== undefined) parts.push(`${what}${String(min)}..${String(max)}`);
    else if (min !== undefined) parts.push(`${what}≥ ${String(min)}`);
    else if (max !== undefined) parts.push(`${what}≤ ${String(max)}`);
  };
  range(schema.minimum, schema.maximum, '');
  range(schema.minLength, schema.maxLength, 'length ');
  range(schema.minItems, schema.maxItems, 'items ');
  if (schema.pattern) parts.push(`pattern \`${cell(schema.pattern)}\``);
  return parts.length ? `(${parts.join(', ')})` : '';
}

function anchor(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9 -]/g, '')
    .replace(/ /g, '-');
}

function notes(schema: Schema | undefined, description: string | undefined): string {
  const text = (description ?? (schema?.description as string | undefined) ?? '').trim();
  const parts = text ? [/[.!?)`]$/.test(text) ? text : `${text}.`] : [];
  if (schema?.default !== undefined) parts.push(`Default \`${JSON.stringify(schema.default)}\`.`);
  return cell(parts.join(' '));
}

function renderOperation(method: string, path: string, operation: Operation): string[] {
  const lines = [`### ${method.toUpperCase()} ${path}`, ''];
  if (operation.summary) lines.push(`${operation.summary}${operation.operationId ? ` (\`${operation.operationId}\`)` : ''}`, '');
  if (operation.description) lines.push(operation.description, '');
  lines.push(operation.security?.length ? 'Credentials: a bearer token or an API key.' : 'Credentials: none.', '');
  if (operation.parameters?.length) {
    lines.push('| parameter | in | type | required | notes |', '|---|---|---|---|---|');
    for (const parameter of operation.parameters) {
      lines.push(
        `| \`${parameter.name}\` | ${parameter.in} | ${cell(typeOf(parameter.schema))} | ${parameter.required ? 'yes' : 'no'} | ${notes(parameter.schema, parameter.description)} |`,
      );
    }
    lines.push('');
  }
  for (const [mediaType, body] of Object.entries(operation.requestBody?.content ?? {})) {
    lines.push(`Body (${mediaType}${operation.requestBody?.required ? ', required' : ''}): ${typeOf(body.schema)}`, '');
  }
  lines.push('| status | answer |', '|---|---|');
  for (const [status, response] of Object.entries(operation.responses ?? {})) {
    const bodies = Object.entries(response.content ?? {}).map(
      ([mediaType, content]) => `${mediaType}${content.schema ? ` ${typeOf(envelopeData(content.schema))}` : ''}`,
    );
    lines.push(`| ${status} | ${cell([response.description, ...bodies].filter(Boolean).join('; '))} |`);
  }
  lines.push('');
  return lines;
}

/** Success bodies are inline envelopes: name what they carry (`data` or `items`) instead of the envelope. */
function envelopeData(schema: Schema): Schema {
  const data = schema.properties?.data ?? schema.properties?.items;
  if (!data) return schema;
  const inner = typeOf(data);
  return { type: `envelope of ${inner}` };
}

function renderSchema(name: string, schema: Schema): string[] {
  const lines = [`### ${name}`, ''];
  if (schema.description) lines.push(String(schema.description), '');
  if (!schema.properties) {
    lines.push(typeOf(schema), '');
    return lines;
  }
  const required = new Set(schema.required ?? []);
  lines.push('| field | type | required | notes |', '|---|---|---|---|');
  for (const [field, property] of Object.entries(schema.properties)) {
    lines.push(`| \`${field}\` | ${cell(typeOf(property))} | ${required.has(field) ? 'yes' : 'no'} | ${notes(property, undefined)} |`);
  }
  lines.push('');
  return lines;
}

/** The generated part of docs/API.md, between its two markers. */
export function renderApiReference(document: OpenAPIObject): string {
  const byTag = new Map<string, string[]>();
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of METHODS) {
      const operation = (item as Record<string, Operation | undefined>)[method];
      if (!operation) continue;
      const tag = operation.tags?.[0] ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), ...renderOperation(method, path, operation)]);
    }
  }
  const lines = [GENERATED_START, ''];
  for (const tag of [...byTag.keys()].sort()) lines.push(`## ${tag[0].toUpperCase()}${tag.slice(1)}`, '', ...(byTag.get(tag) ?? []));
  lines.push('## Schemas', '');
  const schemas = (document.components?.schemas ?? {}) as Record<string, Schema>;
  for (const name of Object.keys(schemas).sort()) lines.push(...renderSchema(name, schemas[name]));
  lines.push(GENERATED_END);
  return lines.join('\n') + '\n';
}

/** docs/API.md with its generated part replaced. */
export function withApiReference(markdown: string, document: OpenAPIObject): string {
  const start = markdown.indexOf(GENERATED_START);
  const end = markdown.indexOf(GENERATED_END);
  if (start < 0 || end < start) throw new Error(`docs/API.md needs the markers ${GENERATED_START} and ${GENERATED_END}`);
  return markdown.slice(0, start) + renderApiReference(document) + markdown.slice(end + GENERATED_END.length + 1);
}
