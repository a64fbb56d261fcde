import { Module } from '@nestjs/common';

import { EventStreams } from './live/event-streams';
import { LiveEventHub } from './live/live-event-hub';

/** The live stream's api side (GET /v1/events): the Redis subscription and the readers. */
@Module({
  providers: [LiveEventHub, EventStreams],
  exports: [EventStreams, LiveEventHub],
})
export class EventsModule {}
