import { Injectable } from '@nestjs/common';

import { RedisService } from '@app/common';
import { AppConfig } from '@app/config';

import { LiveEvent, liveChannel, liveStreamKey } from './live-event-channel';

/**
 * Hands relayed events to the live stream: each is appended to its tenant's Redis stream (trimmed to
 * about EVENTS_RESUME_WINDOW entries: the resumption window), then published with its stream position
 * on one channel that every api process subscribes to (the fan-out across replicas).
 */
@Injectable()
export class LiveEventPublisher {
  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  async publish(events: readonly Omit<LiveEvent, 'position'>[]): Promise<void> {
    if (events.length === 0) return;
    const append = this.redis.client.pipeline();
    for (const event of events) {
      append.xadd(
        liveStreamKey(event.tenantId),
        'MAXLEN',
        '~',
        String(this.config.eventsResumeWindow),
        '*',
        'id',
        event.id,
        'type',
        event.type,
        'payload',
        event.payload,
      );
    }
    const positions = (await append.exec()) ?? [];
    const announce = this.redis.client.pipeline();
    const channel = liveChannel(this.config.redisPrefix);
    events.forEach((event, index) => {
      const [error, position] = positions[index] ?? [new Error('no answer'), null];
      if (!error && typeof position === 'string') announce.publish(channel, JSON.stringify({ ...event, position } satisfies LiveEvent));
    });
    await announce.exec();
  }
}
