import type { ServerResponse } from 'node:http';

import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { FastifyReply } from 'fastify';

import { AppConfig } from '@app/config';

import { EventFilter, matchesFilter } from '../event-filter';
import { EventType } from '../event-types';
import { HeldEvent, LiveEventHub, positionAfter } from './live-event-hub';

export interface StreamRequest {
  tenantId: string;
  types: ReadonlySet<EventType>;
  filter: EventFilter;
  lastEventId: string | undefined;
}

/** Sent when Last-Event-ID is older than the resumption window: the reader missed events and should read the lists again. */
export const GAP_EVENT = 'stream.gap';
/** Sent, last, to a reader that left more than EVENTS_MAX_BUFFERED_BYTES unread: it reconnects with Last-Event-ID. */
export const DROPPED_EVENT = 'stream.dropped';

/**
 * GET /v1/events: Server-Sent Events for one reader. Writes the headers the request hooks set (CORS,
 * request id, security headers) with the event-stream ones, replays what followed Last-Event-ID, then
 * the live events of the tenant that pass the reader's types and filter, a heartbeat comment every
 * EVENTS_HEARTBEAT_SECONDS. Live events that arrive during the replay wait and are sent after it, those
 * the replay already sent skipped by stream position. A reader whose socket holds more than
 * EVENTS_MAX_BUFFERED_BYTES unsent is sent a final `stream.dropped` and closed: memory per reader is bounded.
 */
@Injectable()
export class EventStreams implements OnModuleDestroy {
  /** The open readers' sockets: a closing app destroys them (the server would otherwise wait for them forever, and for a reader that reads nothing). */
  private readonly open = new Set<ServerResponse>();

  constructor(
    private readonly hub: LiveEventHub,
    private readonly config: AppConfig,
  ) {}

  onModuleDestroy(): void {
    for (const raw of [...this.open]) raw.destroy();
  }

  async stream(reply: FastifyReply, request: StreamRequest): Promise<void> {
    const raw = reply.raw;
    reply.hijack();
    raw.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      'x-accel-buffering': 'no',
    });
    raw.write(`retry: 3000\n: ${request.types.size} event types\n\n`);
    let closed = false;
    let waiting: HeldEvent[] | null = [];
    let sentUpTo = '0-0';
    const wanted = (event: HeldEvent) => request.types.has(event.type as EventType) && matchesFilter(request.filter, event.data);
    const close = (final?: string) => {
      if (closed) return;
      closed = true;
      this.open.delete(raw);
      stop();
      clearInterval(heartbeat);
      if (final) raw.end(final);
      else raw.end();
    };
    const send = (event: HeldEvent) => {
      if (closed || !positionAfter(event.position, sentUpTo)) return;
      sentUpTo = event.position;
      if (!wanted(event)) return;
      if (raw.writableLength > this.config.eventsMaxBufferedBytes) {
        close(`event: ${DROPPED_EVENT}\ndata: ${JSON.stringify({ reason: 'the reader fell behind', last_event_id: event.id })}\n\n`);
        return;
      }
      raw.write(event.frame);
    };
    const stop = this.hub.listen(request.tenantId, (event) => (waiting ? waiting.push(event) : send(event)));
    // A reader's heartbeat never keeps the process alive by itself (its socket does, while it is open).
    const heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), this.config.eventsHeartbeatSeconds * 1000).unref();
    this.open.add(raw);
    raw.on('close', () => close());
    raw.on('error', () => close());
    if (request.lastEventId) {
      const missed = await this.hub.since(request.tenantId, request.lastEventId).catch(() => null);
      if (missed === null)
        raw.write(`event: ${GAP_EVENT}\ndata: ${JSON.stringify({ last_event_id: request.lastEventId, window: this.config.eventsResumeWindow })}\n\n`);
      for (const event of missed ?? []) send(event);
    }
    const live = waiting;
    waiting = null;
    for (const event of live) send(event);
  }
}
