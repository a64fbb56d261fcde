import { createHash } from 'node:crypto';
import { isIP } from 'node:net';

import type { FieldViolation } from '@app/common';

import { OBSERVABLE_TYPES, ObservableTypeName } from './case-work-enums';

const HASH = /^(?:[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/;
const DOMAIN = /^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/;
const EMAIL = /^[^\s@]+@[^\s@]+$/;

/**
 * An observable's value as stored, or why it is not one of its type. Cheap checks only: an ip parses as
 * IPv4 or IPv6 (IPv6 kept in its canonical form), a url parses as an absolute URL, a hash is the hex of
 * an MD5, SHA-1 or SHA-256, a domain is a host name, an email has one @; hashes, domains and emails are
 * lower-cased so that the same indicator is one observable. Other types are kept as given.
 */
export function normaliseObservable(type: ObservableTypeName, value: string): { value: string } | { error: string } {
  switch (type) {
    case 'ip': {
      const version = isIP(value);
      if (version === 0) return { error: 'value must be an IPv4 or IPv6 address for type ip' };
      return { value: version === 6 ? new URL(`http://[${value}]/`).hostname.slice(1, -1) : value };
    }
    case 'url':
      return URL.canParse(value) ? { value } : { error: 'value must be an absolute URL for type url' };
    case 'hash': {
      const lower = value.toLowerCase();
      return HASH.test(lower) ? { value: lower } : { error: 'value must be the hex of an MD5, SHA-1 or SHA-256 (32, 40 or 64 hex digits) for type hash' };
    }
    case 'domain': {
      const lower = value.toLowerCase().replace(/\.$/, '');
      return DOMAIN.test(lower) ? { value: lower } : { error: 'value must be a domain name for type domain' };
    }
    case 'email': {
      const lower = value.toLowerCase();
      return EMAIL.test(lower) ? { value: lower } : { error: 'value must be an email address for type email' };
    }
    default:
      return { value };
  }
}

/** The 400 of a value that is not one of its type, or null. */
export function observableValueViolation(type: ObservableTypeName, value: string): FieldViolation | null {
  const normal = normaliseObservable(type, value);
  return 'error' in normal ? { field: 'value', pointer: '/body/value', code: 'format', description: normal.error } : null;
}

/** The lookup key of a stored value (SHA-256, hex). */
export function observableDigest(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}

/** The keys a searched value may be stored under: as given, and normalised for each of `types` (every type when none) it is a valid value of. */
export function observableSearchDigests(value: string, types?: readonly ObservableTypeName[]): string[] {
  const forms = new Set<string>([value]);
  for (const candidate of types?.length ? types : OBSERVABLE_TYPES) {
    const normal = normaliseObservable(candidate, value);
    if ('value' in normal) forms.add(normal.value);
  }
  return [...forms].map(observableDigest);
}
