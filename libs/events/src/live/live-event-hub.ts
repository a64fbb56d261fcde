import { Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import Redis from 'ioredis';

import { RedisService } from '@app/common';
import { AppConfig } from '@app/config';

import { LiveEvent, liveChannel, liveStreamKey } from './live-event-channel';

/** A relayed event as the api holds it: parsed once, its SSE frame written once, whatever the number of readers. */
export interface HeldEvent extends LiveEvent {
  data: Record<string, unknown>;
  frame: string;
}

export type LiveListener = (event: HeldEvent) => void;

/** `<ms>-<n>` stream positions in order. */
export function positionAfter(a: string, b: string): boolean {
  const [am, an] = a.split('-').map(BigInt);
  const [bm, bn] = b.split('-').map(BigInt);
  return am > bm || (am === bm && an > bn);
}

function held(event: LiveEvent): HeldEvent {
  return {
    ...event,
    data: (JSON.parse(event.payload) as { data: Record<string, unknown> }).data,
    frame: `id: ${event.id}\nevent: ${event.type}\ndata: ${event.payload}\n\n`,
  };
}

/**
 * The api side of the live stream: one Redis subscription per process to the channel the relay
 * publishes on (the fan-out across api replicas), handing each event to the listeners of its tenant;
 * and the tenant's Redis stream for Last-Event-ID resumption over the last EVENTS_RESUME_WINDOW events.
 */
@Injectable()
export class LiveEventHub implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(LiveEventHub.name);
  private readonly listeners = new Map<string, Set<LiveListener>>();
  private subscriber: Redis | null = null;

  constructor(
    private readonly redis: RedisService,
    private readonly config: AppConfig,
  ) {}

  async onModuleInit(): Promise<void> {
    const subscriber = this.redis.client.duplicate({ keyPrefix: '' });
    subscriber.on('error', () => undefined); // reconnects by itself; the readers of that moment resume with Last-Event-ID
    subscriber.on('message', (_channel: string, message: string) => this.dispatch(message));
    this.subscriber = subscriber;
    await subscriber.subscribe(liveChannel(this.config.redisPrefix)).catch((error: Error) => this.logger.warn(`live events not received (${error.message})`));
  }

  onModuleDestroy(): void {
    // At once: a subscriber has nothing to flush, and a graceful QUIT waits for a Redis that may be slow or gone.
    this.subscriber?.disconnect();
  }

  /** Listens to a tenant's events; answers the function that stops listening. */
  listen(tenantId: string, listener: LiveListener): () => void {
    const set = this.listeners.get(tenantId) ?? new Set<LiveListener>();
    set.add(listener);
    this.listeners.set(tenantId, set);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(tenantId) === set) this.listeners.delete(tenantId);
    };
  }

  /** How many readers this process holds (a gauge's value). */
  get readers(): number {
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }

  /**
   * The tenant's events after `lastEventId`, oldest first; null when that event is no longer in the
   * window (or never was), so the reader learns it missed some.
   */
  async since(tenantId: string, lastEventId: string): Promise<HeldEvent[] | null> {
    const entries = await this.redis.client.xrevrange(liveStreamKey(tenantId), '+', '-', 'COUNT', this.config.eventsResumeWindow);
    const after: HeldEvent[] = [];
    for (const [position, fields] of entries) {
      const field = (name: string) => fields[fields.indexOf(name) + 1];
      if (field('id') === lastEventId) return after.reverse();
      after.push(held({ tenantId, id: field('id'), type: field('type'), payload: field('payload'), position }));
    }
    return null;
  }

  private dispatch(message: string): void {
    let event: HeldEvent;
    try {
      event = held(JSON.parse(message) as LiveEvent);
    } catch {
      return;
    }
    for (const listener of this.listeners.get(event.tenantId) ?? []) listener(event);
  }
}
