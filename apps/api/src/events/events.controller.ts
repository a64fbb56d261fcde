import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';

import { Authenticated, CurrentPrincipal, QueryCredential } from '@app/auth';
import { Operation, Principal } from '@app/common';
import { checkLastEventId, EventStreams, EventsQueryDto, streamTypes } from '@app/events';

@ApiTags('events')
@Controller('v1/events')
export class EventsController {
  constructor(private readonly streams: EventStreams) {}

  @Get()
  @Authenticated({ scopes: [] })
  @QueryCredential()
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    schema: { type: 'string', pattern: '^evt_[0-9A-Z]{26}$', maxLength: 30 },
    description: 'Resume after this event (EventSource sends it when it reconnects); older than the window: a `stream.gap` event first',
  })
  @ApiOkResponse({
    description:
      'Server-Sent Events: `event:` the type, `id:` the event id, `data:` the webhook payload `{type, timestamp, data}`; heartbeat comments; a last `stream.dropped` for a reader that fell behind',
    content: { 'text/event-stream': { schema: { type: 'string', maxLength: 1_000_000_000 } } },
  })
  @Operation({
    id: 'streamEvents',
    summary: 'The tenant’s changes as they happen (Server-Sent Events), by type and the webhook filters; each type needs its read scope',
    problems: [400],
  })
  async stream(
    @Query() query: EventsQueryDto,
    @CurrentPrincipal() principal: Principal,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await this.streams.stream(reply, {
      tenantId: principal.tenantId,
      types: streamTypes(principal, query.types),
      filter: { severity: query.severity, source: query.source, control: query.control, suppressed: query.suppressed },
      lastEventId: checkLastEventId(lastEventId),
    });
  }
}
