import { ArrayMaxSize, IsString, Matches, MaxLength } from 'class-validator';
import { applyDecorators } from '@nestjs/common';

/**
 * A control id: ISO/IEC 27001:2022 Annex A (`ISO27001:A.8.15`) or PCI DSS v4.0 (`PCI:10.2.1.1`). The
 * format is checked, not the catalogue: a tenant may map to controls this build does not list.
 */
export const CONTROL_ID = /^(ISO27001:A\.\d{1,2}\.\d{1,2}|PCI:\d{1,2}(\.\d{1,3}){0,4})$/;
/** The longest id CONTROL_ID matches (`PCI:12.123.123.123.123`), for the OpenAPI document. */
export const CONTROL_ID_MAX_LENGTH = 22;
export const CONTROL_ID_MESSAGE = 'each control must be ISO27001:A.<n>.<n> (for example ISO27001:A.8.15) or PCI:<n>(.<n>)* (for example PCI:10.2.1.1)';
/** Most controls one alert, rule or filter may name. */
export const MAX_CONTROLS = 50;
/**
 * Most controls an alert or a case answers (the first in byte order, beside the full `controls_count`).
 * Rules add to an alert's controls and a case holds the union of its alerts', so neither has a bound of
 * its own; the stored lists stay whole (filters and exports read them).
 */
export const MAX_ANSWERED_CONTROLS = 1_000;

export function isControlId(value: unknown): value is string {
  return typeof value === 'string' && CONTROL_ID.test(value);
}

/** A list of control ids (each validated, at most MAX_CONTROLS). */
export function IsControlIdList(): PropertyDecorator {
  return applyDecorators(
    IsString({ each: true }),
    MaxLength(40, { each: true }),
    Matches(CONTROL_ID, { each: true, message: CONTROL_ID_MESSAGE }),
    ArrayMaxSize(MAX_CONTROLS),
  );
}

/** Control ids once each, in a stable (byte) order: how they are stored. */
export function normaliseControls(controls: Iterable<string>): string[] {
  return [...new Set(controls)].sort();
}
