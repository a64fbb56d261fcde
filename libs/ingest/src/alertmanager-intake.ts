import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';

import { ANNOTATION_LIMITS, FieldViolation, LABEL_LIMITS, memberField, StringRecordLimits, toFieldViolations } from '@app/common';

import { AlertmanagerAlertDto, AlertmanagerWebhookDto, GENERATOR_URL_MAX_LENGTH } from './dto/alertmanager-webhook.dto';
import { cutText as cutCommon } from '@app/common';

/** What takes a NUL's place: PostgreSQL text cannot hold U+0000, and a label is not worth a group. */
const NUL_REPLACEMENT = '\uFFFD';

/** At most this many errors are listed for one refused alert (a label set of 5,000 bad labels would list them all). */
const MAX_LISTED_ERRORS = 50;

/** An alert of the payload that will be stored, and what was done to fit it. */
export interface AdmittedAlert {
  alert: AlertmanagerAlertDto;
  /** Fields cut to their limit, as the alert's `truncated_fields` names them. */
  truncatedFields: string[];
  /** Fields whose NUL characters were replaced by U+FFFD. */
  nulReplaced: string[];
}

/** An alert of the payload that cannot be stored (no fingerprint, an unknown status, too many labels, …). */
export interface RefusedAlert {
  index: number;
  fingerprint: string | null;
  errors: FieldViolation[];
}

export interface Intake {
  admitted: AdmittedAlert[];
  refused: RefusedAlert[];
}

/** A text cut to `max` UTF-16 units, never between the two halves of a surrogate pair. */
export function cutText(text: string, max: number): string {
  return cutCommon(text, max, '');
}

function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replace(/\u0000/g, NUL_REPLACEMENT) : text;
}

/** Every text of a value with its NULs replaced; `replaced` collects where (dot paths under `path`). */
function replaceNul(value: unknown, path: string, replaced: string[]): unknown {
  if (typeof value === 'string') {
    const clean = withoutNul(value);
    if (clean !== value) replaced.push(path);
    return clean;
  }
  if (Array.isArray(value)) return value.map((item, i) => replaceNul(item, `${path}[${i}]`, replaced));
  if (typeof value !== 'object' || value === null) return value;
  const copy: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    const cleanKey = withoutNul(key);
    const field = path ? memberField(path, cleanKey) : cleanKey;
    if (cleanKey !== key) replaced.push(field);
    copy[cleanKey] = replaceNul(member, field, replaced);
  }
  return copy;
}

/** The payload-level texts (receiver, group key, common labels, …) with NULs replaced, in place; the alerts are left to admitAlerts. */
export function replacePayloadNul(payload: AlertmanagerWebhookDto): string[] {
  const replaced: string[] = [];
  const target = payload as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(payload)) {
    if (key !== 'alerts') target[key] = replaceNul(value, key, replaced);
  }
  return replaced;
}

function cutRecord(record: unknown, limits: StringRecordLimits, name: string, truncated: string[]): unknown {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) return record;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'string' && value.length > limits.maxValueLength) {
      copy[key] = cutText(value, limits.maxValueLength);
      truncated.push(memberField(name, key));
    } else copy[key] = value;
  }
  return copy;
}

/**
 * The alerts of a payload, one by one: NULs replaced by U+FFFD, values over their documented limit cut
 * to it (label values, annotation values, generatorURL) and named, then each alert validated on its own.
 * One alert that cannot be stored is refused alone; the rest of its group is stored, so that Alertmanager
 * never resends a group forever for one bad alert.
 */
export function admitAlerts(payload: AlertmanagerWebhookDto): Intake {
  const intake: Intake = { admitted: [], refused: [] };
  payload.alerts.forEach((raw, index) => {
    const nulReplaced: string[] = [];
    const truncatedFields: string[] = [];
    const plain = replaceNul(raw, '', nulReplaced) as Record<string, unknown>;
    plain.labels = cutRecord(plain.labels, LABEL_LIMITS, 'labels', truncatedFields);
    plain.annotations = cutRecord(plain.annotations, ANNOTATION_LIMITS, 'annotations', truncatedFields);
    if (typeof plain.generatorURL === 'string' && plain.generatorURL.length > GENERATOR_URL_MAX_LENGTH) {
      plain.generatorURL = cutText(plain.generatorURL, GENERATOR_URL_MAX_LENGTH);
      truncatedFields.push('generator_url');
    }
    const alert = plainToInstance(AlertmanagerAlertDto, plain);
    // Unknown members are dropped rather than refused: a later Alertmanager may send more.
    const errors = validateSync(alert, { whitelist: true, forbidNonWhitelisted: false, validationError: { target: false, value: true } });
    if (errors.length === 0) {
      intake.admitted.push({ alert, truncatedFields, nulReplaced });
      return;
    }
    const fingerprint = typeof plain.fingerprint === 'string' ? plain.fingerprint.slice(0, 100) : null;
    intake.refused.push({ index, fingerprint, errors: toFieldViolations(errors, `alerts[${index}]`, `/body/alerts/${index}`).slice(0, MAX_LISTED_ERRORS) });
  });
  return intake;
}
