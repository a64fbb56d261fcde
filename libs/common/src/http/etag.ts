import { ProblemException } from '../problem/problem.exception';
import { ProblemTypes } from '../problem/problem-types';

/** The ETag of a versioned resource (an alert): its version in double quotes. */
export function etag(version: number): string {
  return `"${version}"`;
}

/** 412: If-Match named another version than the current one (whose ETag the answer carries). */
export function staleVersion(expected: string, current: number): ProblemException {
  return new ProblemException(ProblemTypes.preconditionFailed, { args: { expected, current }, headers: { ETag: etag(current) } });
}

/** An entity tag as RFC 9110 writes it: in double quotes, optionally weak (`W/"5"`). */
const ENTITY_TAG = /^(?:W\/)?"[\x21\x23-\x7e\x80-\xff]*"$/;

/** The longest If-Match header read: room for dozens of this API's ETags (`"<version>"`); longer is a 400. */
export const IF_MATCH_MAX_LENGTH = 1_024;

/** If-Match as the OpenAPI document states it: `*` or a comma-separated list of (weak or strong) quoted tags. */
export const IF_MATCH_PATTERN = '^\\s*(\\*|(W/)?"[^",]*"(\\s*,\\s*(W/)?"[^",]*")*)\\s*$';

/** The If-Match header of a change, as the OpenAPI document states it (`@ApiHeader(IF_MATCH_HEADER)`). */
export const IF_MATCH_HEADER = {
  name: 'If-Match',
  required: false,
  description: 'The ETag of the version the change is based on; a stale one answers 412',
  schema: { type: 'string', maxLength: IF_MATCH_MAX_LENGTH, pattern: IF_MATCH_PATTERN },
} as const;

/**
 * The If-Match header checked before anything is read: absent, `*`, or a comma-separated list of quoted
 * entity tags. Anything else (an unquoted `5`) is a 400 naming the header: it can never match, and a 412
 * would send the client to re-read and retry with the same malformed header (docs/API-DECISIONS.md).
 */
export function checkIfMatch(header: string | undefined): void {
  if (header === undefined || header.trim() === '*') return;
  if (header.length > IF_MATCH_MAX_LENGTH) {
    throw new ProblemException(ProblemTypes.validationError, {
      errors: [
        {
          field: 'If-Match',
          pointer: '/headers/if-match',
          code: 'length',
          description: `If-Match must be at most ${IF_MATCH_MAX_LENGTH} characters long`,
          limits: { max: IF_MATCH_MAX_LENGTH, unit: 'characters' },
        },
      ],
    });
  }
  if (header.split(',').every((tag) => ENTITY_TAG.test(tag.trim()))) return;
  throw new ProblemException(ProblemTypes.validationError, {
    errors: [
      {
        field: 'If-Match',
        pointer: '/headers/if-match',
        code: 'format',
        description: 'If-Match must be the ETag as the API sent it, in double quotes ("5"), a comma-separated list of them, or *',
        value: header,
      },
    ],
  });
}

/** Whether a checked If-Match header (absent, `*`, or a list of tags) accepts the current version; a weak tag counts as its strong one. */
export function ifMatchAccepts(header: string | undefined, version: number): boolean {
  if (header === undefined || header.trim() === '*') return true;
  return header
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .includes(etag(version));
}
