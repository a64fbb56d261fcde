import { ProblemType } from './problem-types';

export type FieldViolationCode = 'required' | 'type' | 'format' | 'range' | 'length' | 'enum' | 'unknown' | 'invalid';

export interface FieldViolation {
  /** Dot notation with array indexes: `items[0].severity`. */
  field: string;
  /** JSON Pointer into the request part: `/body/items/0/severity`, `/query/page_size`. */
  pointer: string;
  code: FieldViolationCode;
  /** English description; translated by the filter where a translation exists. */
  description: string;
  value?: unknown;
}

export interface ProblemOptions {
  /** Arguments for the translated detail (`problems.<slug>.detail`), also returned as `i18n_args`. */
  args?: Record<string, string | number>;
  /** A detail that replaces the translated one (English; used when no translation fits). */
  detail?: string;
  errors?: FieldViolation[];
  headers?: Record<string, string>;
  /** Extra members of the problem body (RFC 9457 extensions), e.g. `allowed_actions`. */
  extensions?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The one exception type the global filter turns into a problem body. Domain errors extend it with a
 * ProblemType of their own, so services throw meaning and never HTTP details.
 */
export class ProblemException extends Error {
  constructor(readonly problemType: ProblemType, readonly options: ProblemOptions = {}) {
    super(options.detail ?? problemType.slug, { cause: options.cause });
    this.name = 'ProblemException';
  }
}
