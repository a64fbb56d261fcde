import { Injectable } from '@nestjs/common';
import { I18nService } from 'nestjs-i18n';

import { AppConfig } from '@app/config';

import { Language } from '../i18n/translations.loader';
import { JsonLogger } from '../logging/json-logger';
import { RequestContext } from '../trace/request-context';
import { cutText, PROBLEM_LIMITS, ProblemDocument, problemTypeUri } from './problem-document';
import { FieldViolation, ProblemException } from './problem.exception';

const SECRET_FIELD = /pass(word)?|secret|token|api[_-]?key|authorization|credential/i;

export interface RenderedProblem {
  status: number;
  headers: Record<string, string>;
  body: ProblemDocument;
}

/** Builds the translated problem body of a ProblemException for one request. */
@Injectable()
export class ProblemRenderer {
  constructor(
    private readonly i18n: I18nService,
    private readonly config: AppConfig,
    private readonly logger: JsonLogger,
  ) {}

  render(problem: ProblemException, context: RequestContext, instance: string, lang: Language): RenderedProblem {
    const { problemType: type, options } = problem;
    if (type.status >= 500) this.logger.failure(`${type.slug}: ${describe(problem.cause ?? problem)}`, problem.cause ?? problem, 'problem');
    const args: Record<string, string | number> = { ...options.args };
    if (type.status === 500) args.request_id = context.requestId;
    if (options.errors) args.count ??= options.errors.length;
    const key = `problems.${type.slug}`;
    const body: ProblemDocument = {
      type: problemTypeUri(type.slug),
      title: cutText(this.translate(`${key}.title`, lang, {}), PROBLEM_LIMITS.text),
      status: type.status,
      detail: cutText(
        type.status >= 500 ? this.translate(`${key}.detail`, lang, args) : (options.detail ?? this.translate(`${key}.detail`, lang, args)),
        PROBLEM_LIMITS.text,
      ),
      instance: cutText(instance, PROBLEM_LIMITS.instance),
      code: type.code,
      i18n_key: key,
      i18n_args: args,
      ...(options.errors ? { errors: options.errors.slice(0, PROBLEM_LIMITS.errors).map((error) => this.violation(error, lang)) } : {}),
      request_id: context.requestId,
      trace_id: context.trace.traceId,
      span_id: context.trace.spanId,
      service: cutText(this.config.serviceName, PROBLEM_LIMITS.service),
      timestamp: new Date().toISOString(),
      ...options.extensions,
    };
    const headers: Record<string, string> = { 'Content-Language': lang, ...options.headers };
    const retryAfter = Number(options.headers?.['Retry-After'] ?? options.args?.retry_after);
    if (type.status === 429 || type.status === 503) {
      body.retry_after = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1;
      headers['Retry-After'] = String(body.retry_after);
    }
    return { status: type.status, headers, body };
  }

  private violation(error: FieldViolation, lang: Language): FieldViolation {
    const translated = lang === 'en' ? null : violationText(error);
    const description = translated ? this.translate(translated.key, lang, translated.args) : error.description;
    const showValue = !this.config.isProduction && error.value !== undefined && !SECRET_FIELD.test(error.field);
    return {
      field: cutText(error.field, PROBLEM_LIMITS.name),
      pointer: cutText(error.pointer, PROBLEM_LIMITS.name),
      code: error.code,
      description: cutText(description, PROBLEM_LIMITS.text),
      ...(showValue ? { value: error.value } : {}),
    };
  }

  private translate(key: string, lang: Language, args: Record<string, string | number>): string {
    return this.i18n.translate(key, { lang, args });
  }
}

/**
 * The translation key of a violation's description and its arguments: the sentence stating the allowed
 * values or the limit when the violation carries them (as its English description does), else its
 * code's sentence.
 */
export function violationText(error: FieldViolation): { key: string; args: Record<string, string | number> } {
  const { limits, code, field } = error;
  if (limits?.allowed && code === 'enum') return { key: 'validation.enum_allowed', args: { field, allowed: limits.allowed.join(', ') } };
  const hasMin = limits?.min !== undefined;
  const hasMax = limits?.max !== undefined;
  if ((hasMin || hasMax) && (code === 'length' || code === 'range')) {
    const bound = hasMin && hasMax ? 'between' : hasMin ? 'min' : 'max';
    const kind = code === 'range' ? 'range' : (limits?.unit ?? 'characters');
    return {
      key: `validation.${kind}_${bound}`,
      args: { field, ...(hasMin ? { min: limits?.min as number } : {}), ...(hasMax ? { max: limits?.max as number } : {}) },
    };
  }
  return { key: `validation.${code}`, args: { field } };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
