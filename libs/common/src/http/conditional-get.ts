import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';

import { applyDecorators, CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { map, Observable } from 'rxjs';

/** The longest If-None-Match header read; a longer one is ignored (the full answer is sent). */
export const IF_NONE_MATCH_MAX_LENGTH = 1_024;

/** An entity tag as RFC 9110 writes it (section 8.8.3): optionally weak, its opaque part in double quotes. */
const ENTITY_TAG = '(?:W/)?"[\\x21\\x23-\\x7e\\x80-\\xff]*"';
const TAG_LIST = new RegExp(`^\\s*${ENTITY_TAG}(?:\\s*,\\s*${ENTITY_TAG})*\\s*$`);
const OPAQUE_TAGS = /(?:W\/)?("[^"]*")/g;

/** The opaque part of an entity tag (`W/"x"` and `"x"` both give `"x"`). */
function opaque(tag: string): string {
  return tag.trim().replace(/^W\//, '');
}

/**
 * Whether If-None-Match names the current entity tag, as RFC 9110 section 13.1.2 has it: `*` matches
 * any current representation, a list matches when one of its tags equals the current one by the weak
 * comparison (`W/"5"` matches `"5"`). A header that is not `*` or a list of quoted tags never matches:
 * the full answer is sent, which a client can always use.
 */
export function ifNoneMatchMatches(header: string | undefined, current: string): boolean {
  if (header === undefined || header.length > IF_NONE_MATCH_MAX_LENGTH) return false;
  if (header.trim() === '*') return true;
  if (!TAG_LIST.test(header)) return false;
  const wanted = opaque(current);
  return [...header.matchAll(OPAQUE_TAGS)].some((match) => match[1] === wanted);
}

/**
 * A weak ETag of what an answer says, the envelope's `data`: its timestamp and request id differ on
 * every answer, so the bytes are never the same twice, but the resource is (weak: semantically equal).
 */
export function dataEtag(data: unknown): string {
  return `W/"${createHash('sha256')
    .update(JSON.stringify(data) ?? '')
    .digest('base64url')}"`;
}

/** Gives a detail answer an ETag of its data, unless the handler set one (an alert's is its version). */
@Injectable()
export class DataEtagInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const reply = context.switchToHttp().getResponse<FastifyReply>();
    return next.handle().pipe(
      map((body: unknown) => {
        if (reply.getHeader('etag') === undefined && body !== null && typeof body === 'object' && 'data' in body)
          void reply.header('ETag', dataEtag(body.data));
        return body;
      }),
    );
  }
}

/**
 * A detail read that answers an ETag and honours If-None-Match: 304 without a body (installConditionalGet)
 * when the client's copy is current. The ETag is the handler's own, or else a weak one of the data.
 */
export function Conditional(): MethodDecorator {
  return applyDecorators(
    UseInterceptors(DataEtagInterceptor),
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'ETags of copies the client holds (or `*`); when one is current the answer is 304 without a body (weak comparison)',
      schema: { type: 'string', maxLength: IF_NONE_MATCH_MAX_LENGTH },
    }),
    ApiResponse({
      status: 304,
      description: 'Not modified: the copy If-None-Match names is current (no body; the ETag is sent again)',
      headers: { ETag: { description: 'The current ETag', schema: { type: 'string', maxLength: 100 } } },
    }),
  );
}

/**
 * Turns a 200 answer to GET or HEAD into 304 Not Modified when the request's If-None-Match names the
 * answer's ETag: the body is dropped, ETag and the other headers stay (RFC 9110 section 15.4.5), so a
 * console polling a detail re-reads nothing that did not change.
 */
export function installConditionalGet(fastify: FastifyInstance): void {
  fastify.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || reply.statusCode !== 200) return payload;
    const current = reply.getHeader('etag');
    const header = request.headers['if-none-match'];
    if (typeof current !== 'string' || typeof header !== 'string' || !ifNoneMatchMatches(header, current)) return payload;
    if (payload !== null && typeof payload === 'object' && typeof (payload as Readable).destroy === 'function') (payload as Readable).destroy();
    reply.removeHeader('content-type');
    reply.removeHeader('content-length');
    void reply.code(304);
    return null;
  });
}
