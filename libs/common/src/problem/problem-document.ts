import { FieldViolation } from './problem.exception';

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
