import { isUtf8 } from 'node:buffer';

import type { FastifyInstance, FastifyRequest } from 'fastify';

import { FieldViolation, ProblemException } from '../problem/problem.exception';
import { ProblemTypes } from '../problem/problem-types';
import { escapePointer } from '../validation/field-violations';
import { flatTextViolations, jsonTextViolations, parseQuery, textViolation } from '../validation/text-input';
import { addRouteConfig, routeConfigEntry } from './route-config';

const ALLOW_NUL = 'allowNulText';
const UNDECODABLE = Symbol('undecodableQuery');

/** The request headers the API reads (credentials, conditions, negotiation, idempotency, tracing). */
const READ_HEADERS = [
  'authorization',
  'x-api-key',
  'x-auth-apikey',
  'idempotency-key',
  'if-match',
  'if-none-match',
  'if-range',
  'range',
  'accept-language',
  'x-request-id',
  'traceparent',
];

/**
 * The route's JSON body may hold NUL characters: the Alertmanager webhook stores what Alertmanager sends
 * and replaces them itself, so that one label cannot make a whole group fail (docs/API-DECISIONS.md).
 */
export function AllowNulText(): MethodDecorator {
  return addRouteConfig({ [ALLOW_NUL]: true });
}

function refuse(errors: FieldViolation[]): ProblemException {
  return new ProblemException(ProblemTypes.validationError, { errors });
}

/** Fastify's querystringParser: ours, so that a parameter whose escapes are not UTF-8 is known as such (Fastify's keeps `%FF` as text). */
export function queryStringParser(query: string): Record<string, string | string[]> {
  const { values, undecodable } = parseQuery(query);
  if (undecodable.length > 0) Object.defineProperty(values, UNDECODABLE, { value: undecodable, enumerable: false });
  return values;
}

/** Headers arrive as Latin-1 text: one that is not ASCII is valid only if its bytes are UTF-8. */
function headerViolations(request: FastifyRequest): FieldViolation[] {
  const violations: FieldViolation[] = [];
  for (const name of READ_HEADERS) {
    const value = request.headers[name];
    if (typeof value !== 'string' || !/[^\x00-\x7f]/.test(value)) continue;
    if (!isUtf8(Buffer.from(value, 'latin1'))) violations.push(textViolation(name, `/headers/${name}`, 'utf8'));
  }
  return violations;
}

/**
 * Text the API stores or compares must be text: every JSON body, query parameter, path parameter and
 * header it reads is refused with a validation-error naming the field when it holds a NUL character, a
 * lone UTF-16 surrogate (`\ud800` in JSON) or bytes that are not UTF-8 (percent-encoded ones included).
 * JSON bodies are also bounded in depth when parsed (MAX_JSON_DEPTH), so that no validation
 * recursion can overflow the stack. Checked once here for every route, not per DTO.
 */
export function installTextInputChecks(fastify: FastifyInstance): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body, done) => {
    const bytes = body as Buffer;
    void parseJson(request, bytes.toString('utf8'), (error: Error | null, value?: unknown) => {
      if (error) return done(error, undefined);
      const lossy = !isUtf8(bytes);
      const violations = jsonTextViolations(value, { lossy, allowNul: routeConfigEntry<boolean>(request.routeOptions.config, ALLOW_NUL) === true });
      if (lossy && violations.length === 0) violations.push({ field: 'body', pointer: '/body', code: 'format', description: 'body must be valid UTF-8' });
      if (violations.length > 0) return done(refuse(violations), undefined);
      done(null, value);
    });
  });
  fastify.addHook('preValidation', (request, _reply, done) => {
    const query = (request.query ?? {}) as Record<string | symbol, unknown>;
    const undecodable = (query[UNDECODABLE] as string[] | undefined) ?? [];
    const violations = [
      ...undecodable.map((name) => textViolation(name, `/query/${escapePointer(name)}`, 'utf8')),
      ...flatTextViolations(query as Record<string, unknown>, '/query').filter((v) => !undecodable.includes(v.field)),
      ...flatTextViolations((request.params ?? {}) as Record<string, unknown>, '/path'),
      ...headerViolations(request),
    ];
    done(violations.length > 0 ? refuse(violations) : undefined);
  });
}
