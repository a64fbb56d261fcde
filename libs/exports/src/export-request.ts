import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';

import { FieldViolation, toFieldViolations } from '@app/common';

import { CreateExportDto } from './dto/create-export.dto';
import { hasReport, storedFormat } from './dto/export-enums';
import { invalidExportRequest } from './errors/export-errors';
import { RecordSource } from './sources/record-source';

function violation(field: string, code: FieldViolation['code'], description: string): FieldViolation {
  return { field, pointer: `/body/${field.replace(/\./g, '/')}`, code, description };
}

/**
 * The file's columns a request chose (`fields`): names of the resource's export columns, `id` first and each
 * once; empty when it chose none (every column). A report (PDF, evidence pack) shows the chosen columns its
 * table has, so at least one of them must be such a column.
 */
export function validatedFields(body: CreateExportDto, source: RecordSource): string[] {
  if (!body.fields) return [];
  const known = source.columns.map((column) => column.key);
  const unknown = body.fields.filter((field) => !known.includes(field));
  if (unknown.length)
    throw invalidExportRequest([
      violation('fields', 'enum', `unknown ${source.resource} export column(s) ${unknown.join(', ')}; each field must be one of ${known.join(', ')}`),
    ]);
  const table = source.pdfColumns.map((column) => column.key);
  if (hasReport(storedFormat(body.format)) && !body.fields.some((field) => field !== 'id' && table.includes(field)))
    throw invalidExportRequest([
      violation('fields', 'invalid', `the report's table shows ${table.join(', ')}; fields names none of them, so the table would be empty`),
    ]);
  return [...new Set(['id', ...body.fields])];
}

/**
 * Checks what the DTO alone cannot: that `ids` and `filters` fit the scope, and that the filters are
 * the resource's list filters (validated by its own filter class, date-only values read in the
 * export's time zone). Answers the filters as they will be frozen in the job.
 */
export async function validatedFilters(body: CreateExportDto, source: RecordSource): Promise<Record<string, unknown>> {
  const problems: FieldViolation[] = [];
  if (body.scope === 'selected' && !body.ids) problems.push(violation('ids', 'required', 'ids is required when scope is selected'));
  if (body.scope !== 'selected' && body.ids) problems.push(violation('ids', 'invalid', `ids is only accepted when scope is selected (scope is ${body.scope})`));
  if (body.scope === 'filtered' && !body.filters) problems.push(violation('filters', 'required', 'filters is required when scope is filtered'));
  if (body.scope !== 'filtered' && body.filters)
    problems.push(violation('filters', 'invalid', `filters is only accepted when scope is filtered (scope is ${body.scope})`));
  if (problems.length) throw invalidExportRequest(problems);
  if (body.scope !== 'filtered' || !body.filters) return {};

  if ('tenant_id' in body.filters)
    throw invalidExportRequest([violation('filters.tenant_id', 'unknown', 'an export covers the caller’s tenant; filters.tenant_id is not accepted')]);
  const raw = { ...body.filters, timezone: body.filters.timezone ?? body.timezone };
  const instance = plainToInstance(source.filterType, raw) as Record<string, unknown>;
  const errors = await validate(instance, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: true, value: true } });
  if (errors.length) {
    const violations = toFieldViolations(errors, 'filters', '/filters');
    for (const v of violations) v.pointer = `/body${v.pointer}`;
    throw invalidExportRequest(violations);
  }
  return Object.fromEntries(Object.entries(instance).filter(([, value]) => value !== undefined));
}
