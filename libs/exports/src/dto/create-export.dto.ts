import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

import { IsTimeZone } from '@app/common';

import {
  EXPORT_FORMATS,
  EXPORT_RESOURCES,
  EXPORT_SCOPES,
  ExportFormatName,
  ExportResourceName,
  ExportScopeName,
  MAX_EXPORT_FIELDS,
  MAX_SELECTED_IDS,
  REPORT_LOCALES,
  ReportLocale,
} from './export-enums';

/** `POST /v1/exports`: what to export, in which format, for which records, read in which zone and language. */
export class CreateExportDto {
  @ApiProperty({ enum: EXPORT_RESOURCES, enumName: 'ExportResource', example: 'alerts' })
  @IsIn(EXPORT_RESOURCES)
  resource: ExportResourceName;

  @ApiProperty({
    enum: EXPORT_FORMATS,
    enumName: 'ExportFormat',
    example: 'pdf',
    description:
      "evidence-pack: one zip of report.pdf, data.csv, manifest.json, audit-trail-verification.json and SHA256SUMS (check with `sha256sum -c SHA256SUMS`). `excel` (seed 000's name) is taken as xlsx.",
  })
  @Transform(({ value }: { value: unknown }) => (value === 'excel' ? 'xlsx' : value))
  @IsIn(EXPORT_FORMATS)
  format: ExportFormatName;

  @ApiProperty({
    enum: EXPORT_SCOPES,
    enumName: 'ExportScope',
    description: 'all: every record of the tenant; filtered: those `filters` select; selected: the `ids`',
    example: 'filtered',
  })
  @IsIn(EXPORT_SCOPES)
  scope: ExportScopeName;

  @ApiPropertyOptional({ type: [String], maxItems: MAX_SELECTED_IDS, description: 'scope selected only: the record ids (all must be the tenant’s)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_SELECTED_IDS)
  @IsString({ each: true })
  @MaxLength(40, { each: true })
  ids?: string[];

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description:
      'scope filtered only: the list filters of the resource (alerts: those of GET /v1/alerts; audit_trail: those of GET /v1/audit-trail), in snake_case',
    example: { severity: ['high', 'critical'], created_from: '2025-04-01', created_to: '2025-05-01' },
  })
  @IsOptional()
  @IsObject()
  filters?: Record<string, unknown>;

  /** IANA time zone of the report's dates and of date-only filter values. @example "Asia/Jakarta" */
  @IsOptional()
  @MaxLength(64)
  @IsTimeZone()
  timezone?: string;

  @ApiPropertyOptional({ enum: REPORT_LOCALES, enumName: 'ReportLocale', default: 'en', description: 'Language of the report' })
  @IsOptional()
  @IsIn(REPORT_LOCALES)
  locale?: ReportLocale;

  @ApiPropertyOptional({
    default: false,
    description:
      "Alerts in a PDF (and an evidence pack's report.pdf): pages after the table with each alert's stored primary event image, six a page, fitted to 60 mm high (an image given as a URL is not fetched, so not shown). Other formats and resources ignore it",
  })
  @IsOptional()
  @IsBoolean()
  include_images?: boolean;

  @ApiPropertyOptional({
    type: [String],
    maxItems: MAX_EXPORT_FIELDS,
    example: ['id', 'created_at', 'severity', 'status', 'title'],
    description:
      'The columns of the file (CSV, NDJSON, XLSX; the PDF table shows those of them it has, and must have one), in this order: names of the resource’s export columns (a manifest lists them); `id` is always first. Absent: every column',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_EXPORT_FIELDS)
  @IsString({ each: true })
  @MaxLength(60, { each: true })
  fields?: string[];

  /** Title on the report's cover. @example "Q2 security alerts — ISO 27001 evidence" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(/^[^\u0000-\u001f]*$/, { message: 'title must not contain control characters' })
  title?: string;
}
