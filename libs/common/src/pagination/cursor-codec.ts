import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import { ProblemException } from '../problem/problem.exception';
import { ProblemTypes } from '../problem/problem-types';

export type CursorDirection = 'next' | 'prev';
/** One sort column's value in a cursor (dates as `{ date }`). */
export type CursorScalar = string | number | null | { date: string };
/** A sort value in a cursor: one column's, or each column's of a composite sort, in order. */
export type CursorValue = CursorScalar | CursorScalar[];

export interface CursorPosition {
  direction: CursorDirection;
  /** The sort value of the row the page continues from, then its id. */
  key: [CursorValue, string];
}

function isCursorScalar(value: unknown): value is CursorScalar {
  if (value === null || typeof value === 'string' || typeof value === 'number') return true;
  return typeof value === 'object' && !Array.isArray(value) && typeof (value as { date?: unknown }).date === 'string' && Object.keys(value).length === 1;
}

function isCursorKey(key: unknown): key is [CursorValue, string] {
  if (!Array.isArray(key) || key.length !== 2 || typeof key[1] !== 'string') return false;
  return Array.isArray(key[0]) ? key[0].every(isCursorScalar) : isCursorScalar(key[0]);
}

/** JSON.stringify replacer: an array of strings, numbers or booleans becomes its sorted distinct values. */
function asSets(_key: string, value: unknown): unknown {
  if (!Array.isArray(value) || !value.every((item) => ['string', 'number', 'boolean'].includes(typeof item))) return value;
  return [...new Set(value as (string | number | boolean)[])].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

interface CursorPayload {
  v: 1;
  d: CursorDirection;
  k: [CursorValue, string];
  /** Binds the cursor to one list: resource, tenant, sort and filters. */
  b: string;
}

/**
 * Opaque, tamper-checked cursors: base64url(JSON) + "." + HMAC-SHA256. A cursor only opens the list it
 * was made for (same resource, tenant, sort and filters); anything else is an invalid-cursor problem.
 */
export class CursorCodec {
  constructor(private readonly secret: string) {}

  /**
   * The fingerprint of a list: its scope serialised with every array of plain values as a set (sorted,
   * each value once), since a multi-value filter means the same list whatever the order of its values
   * (`severity=high,critical` and `critical,high`).
   */
  static binding(scope: unknown): string {
    return createHash('sha256').update(JSON.stringify(scope, asSets)).digest('base64url').slice(0, 16);
  }

  encode(position: CursorPosition, binding: string): string {
    const payload: CursorPayload = { v: 1, d: position.direction, k: position.key, b: binding };
    const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  decode(token: string, binding: string): CursorPosition {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined) throw invalidCursor();
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalidCursor();
    let payload: CursorPayload;
    try {
      payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CursorPayload;
    } catch {
      throw invalidCursor();
    }
    if (payload.v !== 1 || payload.b !== binding || !['next', 'prev'].includes(payload.d) || !isCursorKey(payload.k)) {
      throw invalidCursor();
    }
    return { direction: payload.d, key: payload.k };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.secret).update(body).digest('base64url');
  }
}

export function invalidCursor(): ProblemException {
  return new ProblemException(ProblemTypes.invalidCursor, {
    errors: [{ field: 'cursor', pointer: '/query/cursor', code: 'format', description: 'cursor was not issued for this list or was altered.' }],
  });
}
