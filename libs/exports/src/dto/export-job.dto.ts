import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { DATE_TIME_MAX_LENGTH } from '@app/common';
import { ExportJob } from '@app/database';

import { ERROR_MESSAGE_MAX_LENGTH } from '../runner/export-failures';

import { apiFormat, EXPORT_FORMATS, EXPORT_RESOURCES, EXPORT_SCOPES, EXPORT_STATUSES, MAX_EXPORT_FIELDS, MAX_SELECTED_IDS } from './export-enums';

export class ExportProgressDto {
  @ApiProperty() processed: number;
  @ApiProperty() total: number;
  @ApiProperty({ minimum: 0, maximum: 100 }) percent: number;
}

/** What an auditor relies on: the frozen query, when and by whom, how many rows, whether complete, and digests. */
export class ExportManifestDto {
  @ApiProperty({ maxLength: 40 }) export_id: string;
  @ApiProperty({ enum: EXPORT_RESOURCES, enumName: 'ExportResource' }) resource: string;
  @ApiProperty({ enum: EXPORT_FORMATS, enumName: 'ExportFormat' }) format: string;
  @ApiProperty({ enum: EXPORT_SCOPES, enumName: 'ExportScope' }) scope: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The filters as validated (scope filtered)' }) filters: Record<string, unknown>;
  @ApiProperty({ type: [String], maxLength: 40, maxItems: MAX_SELECTED_IDS, description: 'The selected ids (scope selected)' }) ids: string[];
  @ApiPropertyOptional({
    type: [String],
    maxLength: 60,
    maxItems: MAX_EXPORT_FIELDS,
    description:
      'The columns of the data, in file order (the request’s `fields`, or every column); absent in manifests written before exports chose columns (every column)',
  })
  fields?: string[];
  @ApiProperty({ description: 'IANA zone of the report and of date-only filters', maxLength: 64 }) timezone: string;
  @ApiProperty({ maxLength: 8 }) locale: string;
  @ApiProperty({
    type: 'object',
    properties: {
      from: { type: 'string', format: 'date-time', nullable: true, maxLength: DATE_TIME_MAX_LENGTH },
      to: { type: 'string', format: 'date-time', maxLength: DATE_TIME_MAX_LENGTH },
    },
    required: ['from', 'to'],
    description: 'Records created in [from, to) as instants (RFC 3339); `to` is at most `as_of`',
  })
  time_window: { from: string | null; to: string };
  @ApiProperty({ description: 'The point in time of the data: records created before it, as they stood then', maxLength: 40 }) as_of: string;
  @ApiProperty({ maxLength: 40 }) tenant_id: string;
  @ApiProperty({ description: 'Who asked: a JWT subject or an API key id', maxLength: 200 }) requested_by: string;
  @ApiProperty({ maxLength: 40 }) requested_at: string;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 128 }) request_id: string | null;
  @ApiProperty({ description: 'Records written to the file' }) row_count: number;
  @ApiProperty({ description: 'Records the query selected' }) matched_count: number;
  @ApiProperty({ description: 'Whether every selected record is in the file, every cell whole' }) complete: boolean;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    maxLength: 500,
    description: 'Why not, when complete is false: the EXPORT_MAX_RECORDS limit, cut XLSX cells, or both',
  })
  incomplete_reason: string | null;
  @ApiProperty({
    description:
      "XLSX cells cut to Excel's limit of 32,767 characters (each ends in a `[…cut` mark; the CSV and NDJSON hold them whole); 0 in the other formats",
  })
  truncated_cells: number;
  @ApiProperty({
    description: 'SHA-256 (hex) over the records as NDJSON lines, in file order: the same data gives the same digest in every format',
    maxLength: 64,
  })
  data_sha256: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'SHA-256 (hex) of the file', maxLength: 64 }) file_sha256: string | null;
  @ApiProperty({ maxLength: 40 }) generated_at: string;
}

export class ExportJobDto {
  @ApiProperty({ example: 'exp_01JSZ0Q3M8X4N2B7C5D6E7F8G9', maxLength: 40 }) job_id: string;
  @ApiProperty({ enum: EXPORT_STATUSES, enumName: 'ExportStatus' }) status: string;
  @ApiProperty({ enum: EXPORT_RESOURCES, enumName: 'ExportResource' }) resource: string;
  @ApiProperty({ enum: EXPORT_FORMATS, enumName: 'ExportFormat' }) format: string;
  @ApiProperty({ enum: EXPORT_SCOPES, enumName: 'ExportScope' }) scope: string;
  @ApiProperty({ type: ExportProgressDto }) progress: ExportProgressDto;
  @ApiProperty({ description: 'Whether GET …/download answers the file now' }) file_ready: boolean;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: ERROR_MESSAGE_MAX_LENGTH }) error_message: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 255 }) file_name: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) size_bytes: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'SHA-256 (hex) of the file', maxLength: 64 }) sha256: string | null;
  @ApiProperty() total_records: number;
  @ApiProperty() attempts: number;
  @ApiProperty({ maxLength: 200 }) requested_by: string;
  @ApiProperty({ maxLength: 40 }) created_at: string;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 40 }) started_at: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 40 }) completed_at: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 40 }) expires_at: string | null;
  @ApiPropertyOptional({ nullable: true, type: ExportManifestDto, description: 'Set when the job completes' }) manifest: ExportManifestDto | null;
  @ApiPropertyOptional({
    nullable: true,
    type: String,
    maxLength: 400,
    example: 'alert-ledger.example.com/2026a 9mB1Zl0XnH…Yq0BQ==',
    description:
      'The manifest’s detached Ed25519 signature: the signing key’s name (its key in GET /.well-known/alert-ledger/keys), one space, the base64 signature over the manifest’s canonical JSON (UTF-8; object keys sorted by code unit at every level; no white space; what `manifest` parses to, serialised again). `alert-ledger-verify --export` checks it offline. Null while the job runs and when the deployment has no signing key.',
  })
  manifest_signature: string | null;

  static from(job: ExportJob, now = new Date()): ExportJobDto {
    const status = job.status === 'completed' && job.expiresAt && job.expiresAt <= now ? 'expired' : job.status;
    const total = job.totalRecords;
    return {
      job_id: job.id,
      status,
      resource: job.resource,
      format: apiFormat(job.format),
      scope: job.scope,
      progress: {
        processed: job.processed,
        total,
        percent: total === 0 ? (status === 'completed' ? 100 : 0) : Math.min(100, Math.floor((job.processed / total) * 100)),
      },
      file_ready: status === 'completed',
      error_message: job.errorMessage,
      file_name: job.fileName,
      size_bytes: job.sizeBytes === null ? null : Number(job.sizeBytes),
      sha256: job.sha256,
      total_records: total,
      attempts: job.attempts,
      requested_by: job.requestedBy,
      created_at: job.createdAt.toISOString(),
      started_at: job.startedAt?.toISOString() ?? null,
      completed_at: job.completedAt?.toISOString() ?? null,
      expires_at: job.expiresAt?.toISOString() ?? null,
      manifest: (job.manifest as unknown as ExportManifestDto | null) ?? null,
      manifest_signature: job.manifestSignature,
    };
  }
}

/** 202 of POST /v1/exports (seed 000's answer, plus where to poll). */
export class ExportAcceptedDto {
  @ApiProperty({ maxLength: 40 }) job_id: string;
  @ApiProperty({ enum: EXPORT_STATUSES, enumName: 'ExportStatus', example: 'pending' }) status: string;
  @ApiProperty({ description: 'A rough estimate from the record count and the format' }) estimated_time_seconds: number;
  @ApiProperty() total_records: number;
  @ApiProperty({ example: '/v1/exports/exp_01JSZ0Q3M8X4N2B7C5D6E7F8G9', maxLength: 52 }) status_url: string;
}
