import { FieldViolation } from './problem.exception';

/**
 * Bounds of a problem body's texts and lists, stated in the OpenAPI document (ProblemSchema): a problem
 * can echo the request (its path and query, an unknown property's name), so each text is cut to its
 * bound (ending in …) and at most PROBLEM_MAX_ERRORS violations are listed (`i18n_args.count` keeps the
 * number found).
 */
export const PROBLEM_LIMITS = { text: 2_000, instance: 2_048, name: 500, service: 100, errors: 100 } as const;

/** `text` cut to at most `max` UTF-16 units, never inside a surrogate pair, ending in `marker` when cut. */
export function cutText(text: string, max: number, marker = '…'): string {
  if (text.length <= max) return text;
  let end = max - marker.length;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}${marker}`;
}

/** The RFC 9457 body every failure answers with (seed 004's Problem, extended). */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  code: number;
  i18n_key: string;
  i18n_args: Record<string, string | number>;
  errors?: FieldViolation[];
  request_id: string;
  trace_id: string;
  span_id: string;
  service: string;
  timestamp: string;
  retry_after?: number;
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

export function problemTypeUri(slug: string): string {
  return `/problems/${slug}`;
}
