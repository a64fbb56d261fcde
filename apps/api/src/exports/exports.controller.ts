import { Body, Controller, Delete, Get, Headers, HttpCode, Param, Post, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiHeader, ApiNoContentResponse, ApiOkResponse, ApiPartialContentResponse, ApiProduces, ApiTags, ApiTemporaryRedirectResponse } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Authenticated, CurrentPrincipal } from '@app/auth';
import { ApiEnvelope, ApiListEnvelope, Conditional, Envelope, envelope, listEnvelope, ListEnvelope, Operation, Principal, sparseItems } from '@app/common';
import { CreateExportDto, ExportAcceptedDto, ExportDownloadsService, ExportJobDto, ExportsService, ListExportsQueryDto, RANGE_MAX_LENGTH } from '@app/exports';

import { ExportJobIdParams } from './export-params.dto';

const FILE = { schema: { type: 'string', format: 'binary' } };
const FILE_TYPES = [
  'text/csv',
  'application/x-ndjson',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'application/pdf',
  'application/zip',
];

@ApiTags('exports')
@Controller('v1/exports')
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly downloads: ExportDownloadsService,
  ) {}

  @Post()
  @HttpCode(202)
  @Authenticated({ scopes: ['exports:write'] })
  @ApiEnvelope(ExportAcceptedDto, 202, 'Queued; poll the Location')
  @Operation({
    id: 'createExport',
    summary: 'Start an export job (PDF evidence report, XLSX, CSV, NDJSON, or an evidence pack zip)',
    problems: [400, 403, 413, 415, 422, 503],
  })
  async create(
    @Body() body: CreateExportDto,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<ExportAcceptedDto>> {
    const accepted = await this.exports.create(body, principal);
    void reply.header('Location', accepted.status_url);
    return envelope(accepted, 'Export job started');
  }

  @Get()
  @Authenticated({ scopes: ['exports:read'] })
  @ApiListEnvelope(ExportJobDto)
  @Operation({ id: 'listExports', summary: 'List the caller’s export jobs, newest first', problems: [400] })
  async list(@Query() query: ListExportsQueryDto, @CurrentPrincipal() principal: Principal): Promise<ListEnvelope<ExportJobDto>> {
    return sparseItems(
      listEnvelope(await this.exports.list(query, principal), (job) => ExportJobDto.from(job)),
      query.fields,
      'job_id',
    );
  }

  @Get(':job_id')
  @Conditional()
  @Authenticated({ scopes: ['exports:read'] })
  @ApiEnvelope(ExportJobDto)
  @Operation({ id: 'getExport', summary: 'Status, progress and manifest of an export job', problems: [404] })
  async get(@Param() { job_id: id }: ExportJobIdParams): Promise<Envelope<ExportJobDto>> {
    return envelope(ExportJobDto.from(await this.exports.get(id)));
  }

  @Get(':job_id/download')
  @Authenticated({ scopes: ['exports:read'] })
  @ApiHeader({
    name: 'Range',
    required: false,
    description:
      'One byte range, `bytes=start-end`, `bytes=start-` or `bytes=-length` (a list of several is answered with the whole file; longer than 200 characters: 416)',
    schema: { type: 'string', maxLength: RANGE_MAX_LENGTH, pattern: '^bytes=[0-9 ,-]+$' },
  })
  @ApiHeader({
    name: 'If-Range',
    required: false,
    description: 'The ETag; the range applies only while the file is the same (any other value: the whole file is sent)',
    schema: { type: 'string', maxLength: 66, pattern: '^"[0-9a-f]{64}"$' },
  })
  @ApiProduces(...FILE_TYPES)
  @ApiOkResponse({
    description: 'The file, with Repr-Digest (SHA-256), ETag and Content-Disposition',
    content: Object.fromEntries(FILE_TYPES.map((type) => [type, FILE])),
  })
  @ApiPartialContentResponse({ description: 'The requested byte range', content: Object.fromEntries(FILE_TYPES.map((type) => [type, FILE])) })
  @ApiTemporaryRedirectResponse({
    description:
      'With S3_PRESIGNED_DOWNLOADS: `Location` is a presigned URL of the object store, valid for 5 minutes, which answers the file (and a Range) itself; Repr-Digest and ETag as for 200',
  })
  @Operation({ id: 'downloadExport', summary: 'Download a completed export (whole, or a byte range)', problems: [404, 409, 410, 416] })
  async download(
    @Param() { job_id: id }: ExportJobIdParams,
    @Headers('range') range: string | undefined,
    @Headers('if-range') ifRange: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const file = await this.downloads.open(id, range, ifRange);
    void reply.status(file.status).headers(file.headers);
    return new StreamableFile(file.body);
  }

  @Delete(':job_id')
  @Authenticated({ scopes: ['exports:write'] })
  @ApiEnvelope(ExportJobDto, 200, 'The job was running and is now cancelled')
  @ApiNoContentResponse({ description: 'The job had finished; it and its file are deleted' })
  @Operation({
    id: 'cancelExport',
    summary: 'Cancel a running export, or delete a finished one with its file (an auditor: its own only; none under a legal hold)',
    problems: [403, 404, 409],
  })
  async cancel(
    @Param() { job_id: id }: ExportJobIdParams,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<ExportJobDto> | void> {
    const cancelled = await this.exports.cancel(id, principal);
    if (!cancelled) {
      void reply.status(204);
      return;
    }
    return envelope(ExportJobDto.from(cancelled), 'Export cancelled');
  }
}
