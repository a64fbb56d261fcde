import { ProblemType } from './problem-types';

export type FieldViolationCode = 'required' | 'type' | 'format' | 'range' | 'length' | 'enum' | 'unknown' | 'invalid';

/**
 * What the English description of a violation states besides the field (the allowed values, a limit),
 * so that a translated description can state it too. `unit` says what a length counts.
 */
export interface ViolationLimits {
  allowed?: readonly (string | number)[];
  min?: number;
  max?: number;
  unit?: 'characters' | 'items' | 'entries';
}

export interface FieldViolation {
  /** Dot notation with array indexes: `items[0].severity`. */
  field: string;
  /** JSON Pointer into the request part: `/body/items/0/severity`, `/query/page_size`. */
  pointer: string;
  code: FieldViolationCode;
  /** English description; translated by the filter where a translation exists. */
  description: string;
  value?: unknown;
  /** For translations; not part of the answer (the description states it in English). */
  limits?: ViolationLimits;
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
  constructor(
    readonly problemType: ProblemType,
    readonly options: ProblemOptions = {},
  ) {
    super(options.detail ?? problemType.slug, { cause: options.cause });
    this.name = 'ProblemException';
  }
}
