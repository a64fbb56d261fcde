import { applyDecorators, Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Req, Res, StreamableFile } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

import {
  AlertActionDto,
  AlertDto,
  AlertLifecycleService,
  AlertListItemDto,
  AlertsService,
  AssignAlertDto,
  BatchResultDto,
  BulkActionDto,
  BulkResultDto,
  CreateAlertBatchDto,
  CreateAlertDto,
  IMAGE_TYPES,
  FollowUpDto,
  TIMELINE_MAX_ENTRIES,
  LifecycleAction,
  ListAlertsQueryDto,
  PatchAlertControlsDto,
  SetAlertControlsDto,
  ShelveAlertDto,
  TimelineEntryDto,
} from '@app/alerts';
import { Authenticated, CurrentPrincipal } from '@app/auth';
import {
  ApiEnvelope,
  ApiListEnvelope,
  Conditional,
  Envelope,
  envelope,
  EnvelopeStreamer,
  IF_MATCH_HEADER,
  BodyLimit,
  listEnvelope,
  sparseItems,
  ListEnvelope,
  Operation,
  PatchTagsDto,
  Principal,
  ProblemException,
  ProblemTypes,
  SetTagsDto,
  versionedEnvelope,
} from '@app/common';
import type { Alert } from '@app/database';

import { AlertableParams, AlertIdParams, AlertImageParams, BulkActionParams } from './alert-params.dto';

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

/** One lifecycle action's route: POST /v1/alerts/{id}/{action}, alerts:write, If-Match, 409 and 412. */
function LifecycleRoute(action: LifecycleAction, id: string, summary: string): MethodDecorator {
  const needsNote = action === 'resolve' || action === 'dismiss';
  return applyDecorators(
    Post(`:id/${action}`),
    HttpCode(200),
    Authenticated({ scopes: ['alerts:write'] }),
    ApiHeader(IF_MATCH_HEADER),
    ApiEnvelope(AlertDto),
    Operation({ id, summary, problems: needsNote ? [400, 404, 409, 412, 415, 422] : [400, 404, 409, 412, 415] }),
  );
}

function withEtag(reply: FastifyReply, alert: Alert): Envelope<AlertDto> {
  return versionedEnvelope(reply, alert.version, AlertDto.from(alert));
}

@ApiTags('alerts')
@Controller('v1/alerts')
export class AlertsController {
  constructor(
    private readonly alerts: AlertsService,
    private readonly lifecycle: AlertLifecycleService,
    private readonly streamer: EnvelopeStreamer,
  ) {}

  @Get()
  @Authenticated({ scopes: ['alerts:read'] })
  @ApiListEnvelope(AlertListItemDto)
  @Operation({ id: 'listAlerts', summary: 'List alerts with filters, sorting and offset or cursor paging', problems: [400] })
  async list(@Query() query: ListAlertsQueryDto, @CurrentPrincipal() principal: Principal): Promise<ListEnvelope<AlertListItemDto>> {
    return sparseItems(listEnvelope(await this.alerts.list(query, principal), AlertListItemDto.from), query.fields);
  }

  @Post()
  @HttpCode(201)
  @BodyLimit('alertBodyLimitBytes')
  @Authenticated({ scopes: ['alerts:write'] })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'Repeat a create safely: the same key and body answer the first alert (with Idempotent-Replayed: true)',
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source, maxLength: 200 },
  })
  @ApiEnvelope(AlertDto, 201, 'The alert (created now, or earlier under the same Idempotency-Key)')
  @ApiEnvelope(
    AlertDto,
    200,
    'The alert repeated an active one (the same fingerprint, or the same alertable and type without one): that alert, its duplicate_count and last_received_at counted up',
    false,
    undefined,
    { 'Alert-Duplicate': { description: '`true`: the request repeated this active alert', schema: { type: 'string', enum: ['true'] } } },
  )
  @Operation({
    id: 'createAlert',
    summary: 'Create an alert (manual by default; an event alert may carry seed 000’s event with images), or count a repeat of an active one',
    problems: [400, 413, 415, 422],
  })
  async create(
    @Body() body: CreateAlertDto,
    @Headers('idempotency-key') key: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    if (key !== undefined && !IDEMPOTENCY_KEY.test(key)) {
      throw new ProblemException(ProblemTypes.validationError, {
        errors: [
          {
            field: 'Idempotency-Key',
            pointer: '/headers/idempotency-key',
            code: 'format',
            description: 'Idempotency-Key must be 1 to 200 visible ASCII characters',
          },
        ],
      });
    }
    const { alert, replayed, duplicate } = await this.alerts.create(body, principal, key);
    void reply.header('Location', `/v1/alerts/${alert.id}`);
    if (replayed) void reply.header('Idempotent-Replayed', 'true');
    if (duplicate) void reply.status(200).header('Alert-Duplicate', 'true');
    return withEtag(reply, alert);
  }

  @Post('batch')
  @HttpCode(200)
  @BodyLimit('alertBodyLimitBytes')
  @Authenticated({ scopes: ['alerts:write'] })
  @ApiEnvelope(BatchResultDto)
  @Operation({
    id: 'createAlertBatch',
    summary: 'Create up to 1,000 alerts; invalid items are reported by index, valid ones stored, repeats of active alerts counted on them',
    problems: [400, 413, 415],
  })
  async batch(@Body() body: CreateAlertBatchDto, @CurrentPrincipal() principal: Principal): Promise<Envelope<BatchResultDto>> {
    const result = await this.alerts.createBatch(body.alerts, principal);
    return envelope(
      { created: result.created.map(AlertDto.from), created_indexes: result.createdIndexes, duplicates: result.duplicates, errors: result.errors },
      `${result.created.length} created, ${result.duplicates.length} repeated, ${result.errors.length} rejected`,
    );
  }

  @Post('bulk/:action')
  @HttpCode(200)
  @Authenticated({ scopes: ['alerts:write'] })
  @ApiEnvelope(BulkResultDto, 200, 'Per-id outcomes, streamed 500 at a time, then the totals; `data.error` when the work broke off after the answer had begun')
  @Operation({
    id: 'bulkAlertAction',
    summary: 'Apply a lifecycle action to listed ids or to every alert a filter matches; per-id outcomes',
    problems: [400, 413, 415],
  })
  bulk(
    @Param() params: BulkActionParams,
    @Body() body: BulkActionDto,
    @CurrentPrincipal() principal: Principal,
    @Req() request: FastifyRequest,
  ): Promise<StreamableFile> {
    return this.streamer.stream(this.lifecycle.bulk(params.action, body, principal), request);
  }

  @Get('by-alertable/:alertable_type/:alertable_id')
  @Conditional()
  @Authenticated({ scopes: ['alerts:read'] })
  @ApiEnvelope(AlertDto)
  @Operation({ id: 'getAlertByAlertable', summary: 'The newest alert raised by an entity', problems: [400, 404] })
  async byAlertable(@Param() params: AlertableParams, @Res({ passthrough: true }) reply: FastifyReply): Promise<Envelope<AlertDto>> {
    return withEtag(reply, await this.alerts.getByAlertable(params.alertable_type, params.alertable_id));
  }

  @Get(':id')
  @Conditional()
  @Authenticated({ scopes: ['alerts:read'] })
  @ApiEnvelope(AlertDto)
  @Operation({ id: 'getAlert', summary: 'Get an alert (ETag: its version)', problems: [400, 404] })
  async get(
    @Param() params: AlertIdParams,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return withEtag(reply, await this.alerts.get(params.id, principal));
  }

  @Get(':id/images/:slot')
  @Conditional()
  @Authenticated({ scopes: ['alerts:read'] })
  @ApiProduces(...IMAGE_TYPES)
  @ApiOkResponse({
    description:
      'The image bytes as stored, with their Content-Type (sniffed when the alert was created), Content-Length, ETag (the SHA-256) and X-Content-Type-Options: nosniff',
    content: Object.fromEntries(IMAGE_TYPES.map((type) => [type, { schema: { type: 'string', format: 'binary' } }])),
  })
  @Operation({
    id: 'getAlertImage',
    summary: "An event alert's stored image (404 when the slot holds none, or holds a URL)",
    problems: [400, 404],
  })
  async image(
    @Param() params: AlertImageParams,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    const { image, body } = await this.alerts.image(params.id, params.slot, principal);
    void reply.headers({
      'Content-Type': image.content_type,
      'Content-Length': String(image.size),
      ETag: `"${image.sha256}"`,
      'Cache-Control': 'private, no-cache',
      'X-Content-Type-Options': 'nosniff',
    });
    return new StreamableFile(body, { type: image.content_type, length: image.size });
  }

  @Get(':id/timeline')
  @Authenticated({ scopes: ['alerts:read'] })
  @ApiEnvelope(TimelineEntryDto, 200, 'The timeline, oldest first: its first 10,000 entries (docs/API-DECISIONS.md)', true, TIMELINE_MAX_ENTRIES)
  @Operation({ id: 'getAlertTimeline', summary: 'Every change of an alert: who, when, from → to, note (oldest first)', problems: [400, 404] })
  async timeline(@Param() params: AlertIdParams, @CurrentPrincipal() principal: Principal): Promise<Envelope<TimelineEntryDto[]>> {
    return envelope((await this.alerts.timeline(params.id, principal)).map(TimelineEntryDto.from));
  }

  @LifecycleRoute('acknowledge', 'acknowledgeAlert', 'Acknowledge an alert')
  acknowledge(
    @Param() params: AlertIdParams,
    @Body() body: AlertActionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return this.act('acknowledge', params.id, body, ifMatch, principal, reply);
  }

  @LifecycleRoute('escalate', 'escalateAlert', 'Escalate an alert')
  escalate(
    @Param() params: AlertIdParams,
    @Body() body: AlertActionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return this.act('escalate', params.id, body, ifMatch, principal, reply);
  }

  @LifecycleRoute('resolve', 'resolveAlert', 'Resolve an alert (a note is required at or above the tenant’s note_required_from: 422)')
  resolve(
    @Param() params: AlertIdParams,
    @Body() body: AlertActionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return this.act('resolve', params.id, body, ifMatch, principal, reply);
  }

  @LifecycleRoute('dismiss', 'dismissAlert', 'Dismiss an alert (a note is required at or above the tenant’s note_required_from: 422)')
  dismiss(
    @Param() params: AlertIdParams,
    @Body() body: AlertActionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return this.act('dismiss', params.id, body, ifMatch, principal, reply);
  }

  @LifecycleRoute('reopen', 'reopenAlert', 'Reopen a resolved or dismissed alert')
  reopen(
    @Param() params: AlertIdParams,
    @Body() body: AlertActionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return this.act('reopen', params.id, body, ifMatch, principal, reply);
  }

  @Post(':id/shelve')
  @HttpCode(200)
  @Authenticated({ scopes: ['alerts:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiEnvelope(AlertDto)
  @Operation({
    id: 'shelveAlert',
    summary: 'Shelve (snooze) an active alert until a time: out of the default list until then or until a repeat arrives',
    problems: [400, 404, 409, 412, 415],
  })
  async shelve(
    @Param() params: AlertIdParams,
    @Body() body: ShelveAlertDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return withEtag(reply, await this.lifecycle.shelve(params.id, body, ifMatch, principal));
  }

  @Post(':id/unshelve')
  @HttpCode(200)
  @Authenticated({ scopes: ['alerts:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiEnvelope(AlertDto)
  @Operation({ id: 'unshelveAlert', summary: 'Take a shelved alert off its shelf before its time', problems: [400, 404, 409, 412, 415] })
  async unshelve(
    @Param() params: AlertIdParams,
    @Body() body: AlertActionDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return withEtag(reply, await this.lifecycle.unshelve(params.id, body.note, ifMatch, principal));
  }

  @Put(':id/assignee')
  @Authenticated({ scopes: ['alerts:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiEnvelope(AlertDto)
  @Operation({ id: 'assignAlert', summary: 'Set or clear the assignee', problems: [400, 404, 412, 415] })
  async assign(
    @Param() params: AlertIdParams,
    @Body() body: AssignAlertDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return withEtag(reply, await this.lifecycle.assign(params.id, body.assignee, body.note, ifMatch, principal));
  }

  @Patch(':id/follow-up-status')
  @Authenticated({ scopes: ['alerts:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiEnvelope(AlertDto)
  @Operation({ id: 'updateAlertFollowUp', summary: 'Mark an alert followed up (or not), with notes', problems: [400, 404, 412, 415] })
  async followUp(
    @Param() params: AlertIdParams,
    @Body() body: FollowUpDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return withEtag(reply, await this.lifecycle.followUp(params.id, body, ifMatch, principal));
  }

  @Put(':id/controls')
  @Authenticated({ scopes: ['alerts:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiEnvelope(AlertDto)
  @Operation({ id: 'setAlertControls', summary: 'Replace the control ids (ISO27001:A.n.n, PCI:n.n…) the alert evidences', problems: [400, 404, 412, 415] })
  async setControls(
    @Param() params: AlertIdParams,
    @Body() body: SetAlertControlsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return withEtag(reply, await this.lifecycle.setControls(params.id, body, ifMatch, principal));
  }

  @Patch(':id/controls')
  @Authenticated({ scopes: ['alerts:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiEnvelope(AlertDto)
  @Operation({ id: 'patchAlertControls', summary: 'Add and remove control ids of an alert', problems: [400, 404, 412, 415] })
  async patchControls(
    @Param() params: AlertIdParams,
    @Body() body: PatchAlertControlsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return withEtag(reply, await this.lifecycle.patchControls(params.id, body, ifMatch, principal));
  }

  @Put(':id/tags')
  @Authenticated({ scopes: ['alerts:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiEnvelope(AlertDto)
  @Operation({ id: 'setAlertTags', summary: 'Replace the tags of an alert ([] clears them)', problems: [400, 404, 412, 415] })
  async setTags(
    @Param() params: AlertIdParams,
    @Body() body: SetTagsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return withEtag(reply, await this.lifecycle.setTags(params.id, body, ifMatch, principal));
  }

  @Patch(':id/tags')
  @Authenticated({ scopes: ['alerts:write'] })
  @ApiHeader(IF_MATCH_HEADER)
  @ApiEnvelope(AlertDto)
  @Operation({ id: 'patchAlertTags', summary: 'Add and remove tags of an alert (at most 50 after the change: 400)', problems: [400, 404, 412, 415] })
  async patchTags(
    @Param() params: AlertIdParams,
    @Body() body: PatchTagsDto,
    @Headers('if-match') ifMatch: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return withEtag(reply, await this.lifecycle.patchTags(params.id, body, ifMatch, principal));
  }

  private async act(
    action: LifecycleAction,
    id: string,
    body: AlertActionDto,
    ifMatch: string | undefined,
    principal: Principal,
    reply: FastifyReply,
  ): Promise<Envelope<AlertDto>> {
    return withEtag(reply, await this.lifecycle.transition(id, action, body.note, ifMatch, principal));
  }
}
