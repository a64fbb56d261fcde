import { InjectQueue } from '@nestjs/bull';
import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Queue } from 'bull';
import { Client } from 'pg';

import { idFloor, publicId } from '@app/common';
import { AppConfig } from '@app/config';
import { CONNECT_TIMEOUT_MS, OutboxEvent, Prisma, PrismaService, WebhookSubscription } from '@app/database';
import { eventPayload, EventFilter, LiveEventPublisher, matchesFilter } from '@app/events';
import { queueCall } from '@app/queues';

import { batchJobId, batchJobOptions, DELIVERY_BATCH, deliveryJobId, deliveryJobOptions, WEBHOOK_JOBS, WEBHOOKS_QUEUE } from '../webhook-queue';

const CHANNEL = 'alert_ledger_outbox';
const BATCH = 500;
const POLL_MS = 1_000;
/** A pending delivery this long past its next attempt whose job is gone lost its queue entry (a process died, Redis was emptied). */
const ORPHAN_AFTER_MS = 60_000;
const SWEEP_EVERY_MS = 60_000;
/**
 * Relayed events that made no delivery are kept a week (the live stream resumes from Redis). Those that made
 * deliveries are their body: they are kept as long as the deliveries and two days more, and never while one
 * of their deliveries is pending (a round of attempts that waits on Retry-After can last days). Then they
 * are removed in batches, several a sweep; the week-old ones by a walk that goes on from where the last
 * sweep stopped, so the events kept for their deliveries are not read again each minute.
 */
const KEEP_DISPATCHED_MS = 7 * 86_400_000;
const KEEP_AFTER_DELIVERIES_MS = 2 * 86_400_000;
const PURGE_BATCH = 10_000;
const PURGE_BATCHES = 10;
/** Overdue deliveries the sweep reads a page, and pages a sweep: a backlog is walked over several sweeps, from where the last stopped. */
const SWEEP_PAGE = 1_000;
const SWEEP_PAGES = 20;

/** A batch job to queue: the deliveries of one subscription it makes the first attempt of. */
interface DeliveryBatch {
  jobId: string;
  deliveryIds: string[];
}

interface RelayedEvent {
  tenantId: string;
  id: string;
  type: string;
  payload: string;
}

/**
 * Relays the outbox after the commit: each event becomes a delivery per matching enabled subscription
 * (one transaction: the events are claimed with FOR UPDATE SKIP LOCKED, so several relays share the work,
 * the deliveries written and the events marked dispatched), then the deliveries are queued and the
 * events published to the live stream. A LISTEN on the outbox trigger's channel wakes it at each commit;
 * a poll every second covers a lost notification or connection. A process that dies after the commit but
 * before queueing leaves deliveries without a queue entry: the sweep queues them again (each delivery names
 * its job in `queued_as`, and is queued again only when that job is gone or failed).
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private listener: Client | null = null;
  /** The one pending attempt to listen again: a failure is followed by one new connection, never more. */
  private relisten: NodeJS.Timeout | null = null;
  private timers: NodeJS.Timeout[] = [];
  /** Runs of this process, one after another (several processes share the work through SKIP LOCKED). */
  private chain: Promise<void> = Promise.resolve();
  private queued = false;
  /** Where the last sweep stopped in a backlog of overdue deliveries (next_attempt_at, id); null: from the oldest. */
  private sweptUpTo: { nextAttemptAt: Date; id: string } | null = null;
  /** Where the walk over week-old relayed events stopped (dispatched_at, id); null: from the oldest. */
  private purgedUpTo: { dispatchedAt: Date; id: string } | null = null;
  private stopped = false;

  constructor(
    private readonly prisma: PrismaService,
    @InjectQueue(WEBHOOKS_QUEUE) private readonly queue: Queue,
    private readonly live: LiveEventPublisher,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    void this.listen();
    this.timers.push(
      setInterval(() => this.kick(), POLL_MS),
      setInterval(() => void this.sweep(), SWEEP_EVERY_MS),
    );
    this.kick();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.timers.forEach(clearInterval);
    if (this.relisten) clearTimeout(this.relisten);
    await this.chain;
    await this.listener?.end().catch(() => undefined);
  }

  /** Runs the relay after the current run, unless a run is already waiting (it will see what woke this one). */
  kick(): void {
    if (this.stopped || this.queued) return;
    this.queued = true;
    this.drain().catch(() => undefined); // logged by the chain
  }

  /** Relays batches until the outbox is empty, after the run in progress. */
  drain(): Promise<void> {
    const run = this.chain.then(async () => {
      this.queued = false;
      while (!this.stopped && (await this.relayBatch()) === BATCH);
    });
    this.chain = run.catch((error: Error) => this.logger.warn(`outbox relay: ${error.message}`));
    return run;
  }

  private listenAgain(afterMs: number): void {
    if (this.stopped || this.relisten) return;
    this.relisten = setTimeout(() => {
      this.relisten = null;
      void this.listen();
    }, afterMs);
    this.relisten.unref();
  }

  /**
   * One LISTEN connection. When it fails (an error event, a failed connect or LISTEN, or both for the same
   * failure) it is closed and one new attempt is scheduled: terminated connections during an outage must
   * not multiply into new ones, which once used up the server's connections.
   */
  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.config.databaseUrl, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    let failed = false;
    const fail = (afterMs: number): void => {
      if (failed) return;
      failed = true;
      if (this.listener === client) this.listener = null;
      client.end().catch(() => undefined);
      this.listenAgain(afterMs); // the poll goes on meanwhile
    };
    client.on('error', () => fail(POLL_MS));
    client.on('notification', () => this.kick());
    try {
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      if (this.stopped) await client.end();
      else if (!failed) this.listener = client;
    } catch (error) {
      if (!failed) this.logger.warn(`outbox relay: no LISTEN (${(error as Error).message}); polling every ${POLL_MS} ms`);
      fail(POLL_MS * 5);
    }
  }

  private async relayBatch(): Promise<number> {
    const { events, batches } = await this.prisma.$transaction(async (tx) => {
      const claimed = await tx.$queryRaw<OutboxEvent[]>`
        SELECT id, tenant_id AS "tenantId", type, data, occurred_at AS "occurredAt" FROM outbox_events
         WHERE dispatched_at IS NULL ORDER BY id LIMIT ${BATCH} FOR UPDATE SKIP LOCKED`;
      if (claimed.length === 0) return { events: [] as RelayedEvent[], batches: [] as DeliveryBatch[] };
      const tenants = [...new Set(claimed.map((event) => event.tenantId))];
      const subscriptions = await tx.webhookSubscription.findMany({ where: { tenantId: { in: tenants }, enabled: true } });
      const now = new Date();
      const relayed = claimed.map((event) => ({
        tenantId: event.tenantId,
        id: event.id,
        type: event.type,
        payload: eventPayload(event.type, event.occurredAt, event.data),
      }));
      // Each subscription's deliveries, in event order, in batches of DELIVERY_BATCH: one queue job a batch.
      const rows: Prisma.WebhookDeliveryCreateManyInput[] = [];
      const batches: DeliveryBatch[] = [];
      for (const subscription of subscriptions) {
        let batch: DeliveryBatch | null = null;
        relayed.forEach((event, index) => {
          if (!wants(subscription, claimed[index])) return;
          const id = publicId('whd', now.getTime());
          if (!batch || batch.deliveryIds.length === DELIVERY_BATCH) batches.push((batch = { jobId: batchJobId(id), deliveryIds: [] }));
          batch.deliveryIds.push(id);
          rows.push({
            id,
            tenantId: event.tenantId,
            subscriptionId: subscription.id,
            eventId: event.id,
            eventType: event.type,
            nextAttemptAt: now,
            queuedAs: batch.jobId,
            createdAt: now,
            updatedAt: now,
          });
        });
      }
      if (rows.length) await tx.webhookDelivery.createMany({ data: rows });
      const withDeliveries = [...new Set(rows.map((row) => row.eventId))];
      await tx.$executeRaw`UPDATE outbox_events SET dispatched_at = ${now}, made_deliveries = (id = ANY(${withDeliveries}::text[]))
                            WHERE id = ANY(${claimed.map((event) => event.id)}::text[])`;
      return { events: relayed, batches };
    });
    if (events.length === 0) return 0;
    await this.enqueue(batches).catch((error: Error) =>
      this.logger.warn(`outbox relay: ${batches.length} delivery batches not queued (${error.message}); the sweep queues them`),
    );
    await this.live.publish(events).catch((error: Error) => this.logger.warn(`outbox relay: ${events.length} events not published live (${error.message})`));
    return events.length;
  }

  private async enqueue(batches: readonly DeliveryBatch[]): Promise<void> {
    if (batches.length === 0) return;
    await queueCall(this.queue, () =>
      this.queue.addBulk(batches.map(({ jobId, deliveryIds }) => ({ name: WEBHOOK_JOBS.deliverBatch, data: { deliveryIds }, opts: batchJobOptions(jobId) }))),
    );
  }

  /**
   * Queues again the deliveries whose next attempt is long overdue and whose queue job is gone (a process
   * died between a commit and its queueing, Redis was emptied), each as a `deliver` job that goes on with its
   * round of attempts; and removes old relayed events.
   */
  async sweep(): Promise<void> {
    try {
      for (let page = 0; page < SWEEP_PAGES; page++) if (!(await this.sweepPage())) break;
      await this.purgeRelayed();
      // Finished deliveries past their retention, with their attempt log (ON DELETE CASCADE): ids sort by
      // creation, so the old ones are a primary-key range; a pending one stays whatever its age.
      const floor = idFloor('whd', Date.now() - this.config.webhookDeliveryRetentionDays * 86_400_000);
      await this.prisma.$executeRaw`DELETE FROM webhook_deliveries WHERE id IN (
          SELECT id FROM webhook_deliveries WHERE id < ${floor} AND status <> 'pending' ORDER BY id LIMIT ${PURGE_BATCH})`;
    } catch (error) {
      this.logger.warn(`webhook sweep: ${(error as Error).message}`);
    }
  }

  /** Removes relayed events no delivery needs any more (KEEP_DISPATCHED_MS, KEEP_AFTER_DELIVERIES_MS). */
  private async purgeRelayed(): Promise<void> {
    const weekAgo = new Date(Date.now() - KEEP_DISPATCHED_MS);
    const deliveriesGone = new Date(Date.now() - this.config.webhookDeliveryRetentionDays * 86_400_000 - KEEP_AFTER_DELIVERIES_MS);
    for (let batch = 0; batch < PURGE_BATCHES; batch++) {
      const removed = await this.prisma.$executeRaw`
        DELETE FROM outbox_events WHERE id IN (
          SELECT id FROM outbox_events
           WHERE dispatched_at < ${deliveriesGone} AND id NOT IN (SELECT event_id FROM webhook_deliveries WHERE status = 'pending')
           ORDER BY dispatched_at LIMIT ${PURGE_BATCH})`;
      if (removed < PURGE_BATCH) break;
    }
    for (let batch = 0; batch < PURGE_BATCHES; batch++) {
      const after = this.purgedUpTo ?? { dispatchedAt: new Date(0), id: '' };
      const [page] = await this.prisma.$queryRaw<{ n: number; last_at: Date | null; last_id: string | null }[]>`
        WITH page AS (
          SELECT id, dispatched_at, made_deliveries FROM outbox_events
           WHERE dispatched_at < ${weekAgo} AND (dispatched_at, id) > (${after.dispatchedAt}::timestamptz, ${after.id})
           ORDER BY dispatched_at, id LIMIT ${PURGE_BATCH}),
        gone AS (DELETE FROM outbox_events o USING page WHERE o.id = page.id AND NOT page.made_deliveries)
        SELECT count(*)::int AS n, max(dispatched_at) AS last_at,
               (array_agg(id ORDER BY dispatched_at DESC, id DESC))[1] AS last_id FROM page`;
      // A short page reached the events younger than a week: the next sweep starts again from there.
      this.purgedUpTo = page.last_at && page.last_id ? { dispatchedAt: page.last_at, id: page.last_id } : this.purgedUpTo;
      if (page.n < PURGE_BATCH) break;
    }
  }

  /**
   * One page of overdue deliveries after `sweptUpTo`, in (next_attempt_at, id) order: those whose job is gone
   * or failed are queued again. Answers whether more may follow; at the end the next sweep starts from the oldest.
   */
  private async sweepPage(): Promise<boolean> {
    const after = this.sweptUpTo;
    const overdue = await this.prisma.webhookDelivery.findMany({
      where: {
        status: 'pending',
        nextAttemptAt: { lt: new Date(Date.now() - ORPHAN_AFTER_MS) },
        ...(after ? { OR: [{ nextAttemptAt: { gt: after.nextAttemptAt } }, { nextAttemptAt: after.nextAttemptAt, id: { gt: after.id } }] } : {}),
      },
      select: { id: true, attempts: true, roundFrom: true, queuedAs: true, nextAttemptAt: true },
      orderBy: [{ nextAttemptAt: 'asc' }, { id: 'asc' }],
      take: SWEEP_PAGE,
    });
    const last = overdue.at(-1);
    this.sweptUpTo = overdue.length < SWEEP_PAGE || !last ? null : { nextAttemptAt: last.nextAttemptAt as Date, id: last.id };
    const byJob = new Map<string, typeof overdue>();
    for (const delivery of overdue) {
      const jobId = delivery.queuedAs ?? delivery.id;
      byJob.set(jobId, [...(byJob.get(jobId) ?? []), delivery]);
    }
    for (const [jobId, deliveries] of byJob) {
      const job = await this.queue.getJob(jobId);
      if (job && !(await job.isFailed())) continue;
      await job?.remove();
      for (const delivery of deliveries) await this.requeue(delivery);
    }
    return this.sweptUpTo !== null;
  }

  /**
   * Queues a delivery as its own job, going on with its round of attempts (a resent delivery's round counts
   * from the resend), unless it moved on meanwhile (its job ran, or another sweep took it).
   */
  private async requeue(delivery: { id: string; attempts: number; roundFrom: number; queuedAs: string | null }): Promise<void> {
    const maxAttempts = this.config.webhookMaxAttempts;
    const priorAttempts = Math.min(Math.max(0, delivery.attempts - delivery.roundFrom), maxAttempts - 1);
    const jobId = `${deliveryJobId(delivery.id, delivery.attempts)}:swept`;
    const taken = await this.prisma.webhookDelivery.updateMany({
      where: { id: delivery.id, status: 'pending', attempts: delivery.attempts, queuedAs: delivery.queuedAs },
      data: { queuedAs: jobId },
    });
    if (taken.count === 0) return;
    // A job of that id left by an earlier sweep is removed only if it failed: a live one (another sweeper's) stays.
    const earlier = await this.queue.getJob(jobId);
    if (earlier && !(await earlier.isFailed())) return;
    await earlier?.remove();
    await queueCall(this.queue, () =>
      this.queue.add(WEBHOOK_JOBS.deliver, { deliveryId: delivery.id, priorAttempts }, deliveryJobOptions(maxAttempts - priorAttempts, jobId)),
    );
  }
}

function wants(subscription: WebhookSubscription, event: OutboxEvent): boolean {
  return (
    subscription.tenantId === event.tenantId &&
    subscription.eventTypes.includes(event.type) &&
    matchesFilter(subscription.filter as EventFilter, event.data as Record<string, unknown>)
  );
}
