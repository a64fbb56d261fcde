import { randomBytes } from 'node:crypto';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
let lastTime = -1;
let lastRandom: number[] = [];
let pastTime = -1;
let pastRandom: number[] = [];

function encodeTime(time: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[time % 32] + out;
    time = Math.floor(time / 32);
  }
  return out;
}

function freshRandom(): number[] {
  return [...randomBytes(16)].map((byte) => byte % 32);
}

function increment(digits: number[]): number[] {
  const next = [...digits];
  for (let i = next.length - 1; i >= 0; i--) {
    if (next[i] < 31) {
      next[i]++;
      return next;
    }
    next[i] = 0;
  }
  return freshRandom();
}

/**
 * A ULID: 48-bit milliseconds then 80 random bits, monotonic within one millisecond, so ids sort by creation.
 * The id always carries the time it is given: an earlier time than the last (a record made for the past, or
 * a clock that stepped back) gets random bits under its own time, counting up while that time repeats. An
 * alert's id must carry its created_at exactly: alerts are partitioned by id range, month by month
 * (prisma/sql/partitions.sql).
 */
export function ulid(now = Date.now()): string {
  if (now < lastTime) {
    // Ids made one after another for the same earlier millisecond count up as well.
    pastRandom = now === pastTime ? increment(pastRandom) : freshRandom();
    pastTime = now;
    return encodeTime(now) + pastRandom.map((digit) => CROCKFORD[digit]).join('');
  }
  // Within one millisecond, count up.
  if (now === lastTime) {
    lastRandom = increment(lastRandom);
  } else {
    lastTime = now;
    lastRandom = freshRandom();
  }
  return encodeTime(lastTime) + lastRandom.map((digit) => CROCKFORD[digit]).join('');
}

export type IdPrefix =
  'alr' | 'atl' | 'tc' | 'tce' | 'tcv' | 'tct' | 'tco' | 'exp' | 'tnt' | 'ak' | 'aud' | 'cr' | 'lh' | 'evt' | 'whk' | 'whd' | 'wha' | 'mnt';

/** Public ids carry their type: `alr_01J…`, `tnt_01J…`. */
export function publicId(prefix: IdPrefix, now?: number): string {
  return `${prefix}_${ulid(now)}`;
}

/** The lowest id of this type made at `time` (ms): every id made before it sorts below it, so `id < idFloor(…)` is a primary-key range. */
export function idFloor(prefix: IdPrefix, time: number): string {
  return `${prefix}_${encodeTime(time)}${'0'.repeat(16)}`;
}

/** A tenant's public id (`tnt_` + ULID), as every request names one. */
export const TENANT_ID = /^tnt_[0-9A-Z]{26}$/;

/**
 * Validates a tenant id field (a query, body or path parameter), naming the field in the message, and
 * states its pattern in the OpenAPI document (the Swagger plugin reads only `@Matches` written on the
 * property itself). Optional unless `required` (a path parameter).
 */
export function IsTenantId(field = 'tenant_id', required = false): PropertyDecorator {
  return applyDecorators(
    Matches(TENANT_ID, { message: `${field} must be a tenant id (tnt_ followed by 26 characters)` }),
    ApiProperty({ type: String, pattern: TENANT_ID.source, required }),
  );
}
