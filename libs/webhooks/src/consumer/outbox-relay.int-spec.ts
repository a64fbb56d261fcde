import { getQueueToken } from '@nestjs/bull';
import { Queue } from 'bull';

import { idFloor, publicId, RedisService } from '@app/common';
import { PrismaService, Tenant } from '@app/database';
import { appendOutboxEvents, LiveEventPublisher } from '@app/events';

import { integrationSuite } from '../../../../test/utils/integration';
import { WEBHOOK_JOBS, WEBHOOKS_QUEUE } from '../webhook-queue';
import { WebhooksModule } from '../webhooks.module';
import { deliveryBodies } from './delivery-bodies';
import { OutboxRelay } from './outbox-relay';
import { WebhookDeliverer } from './webhook-deliverer';
import { WebhookMetrics } from './webhook-metrics';

describe('OutboxRelay against PostgreSQL and Redis', () => {
  // A Redis prefix of its own: the webhooks queue of the run's prefix has consumers in other specs.
  const suite = integrationSuite(
    { imports: [WebhooksModule], providers: [OutboxRelay, LiveEventPublisher, WebhookDeliverer, WebhookMetrics] },
    { REDIS_PREFIX: `${process.env.REDIS_PREFIX as string}:relay` },
  );
  let prisma: PrismaService;
  let relay: OutboxRelay;
  let tenant: Tenant;

  beforeAll(async () => {
    prisma = suite.module.get(PrismaService);
    relay = suite.module.get(OutboxRelay);
    tenant = await suite.world.tenant('Relay');
  });

  async function subscription(fields: { eventTypes: string[]; filter?: object; enabled?: boolean }): Promise<string> {
    const now = new Date();
    const id = `whk_${Math.random().toString(36).slice(2, 12).toUpperCase().padEnd(26, '0')}`;
    await prisma.webhookSubscription.create({
      data: {
        id,
        tenantId: tenant.id,
        url: 'https://hooks.example.com/',
        secret: 'whsec_x',
        createdAt: now,
        createdBy: 'int',
        updatedAt: now,
        filter: {},
        ...fields,
      },
    });
    return id;
  }

  const alert = (severity: string) => ({
    tenantId: tenant.id,
    type: 'alert.created' as const,
    data: { id: `alr_${severity}`, severity, source: 's', controls: [] },
  });

  it('should make a delivery per enabled subscription whose types and filter match, mark the events dispatched and publish them', async () => {
    const all = await subscription({ eventTypes: ['alert.created'] });
    const critical = await subscription({ eventTypes: ['alert.created'], filter: { severity: ['critical'] } });
    await subscription({ eventTypes: ['alert.created'], enabled: false });
    await subscription({ eventTypes: ['export.failed'] });
    await appendOutboxEvents(prisma, [alert('low'), alert('critical')]);
    await relay.drain();
    const events = await prisma.outboxEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { id: 'asc' } });
    expect(events.every((event) => event.dispatchedAt !== null)).toBe(true);
    const deliveries = await prisma.webhookDelivery.findMany({ where: { tenantId: tenant.id } });
    expect(deliveries.every((delivery) => delivery.payload === null)).toBe(true); // the body is the event's, not a copy
    const bodies = await deliveryBodies(prisma, deliveries);
    const body = (id: string): { type: string; data: Record<string, unknown> } => JSON.parse(bodies.get(id) ?? 'null');
    const pairs = deliveries.map((delivery) => `${delivery.subscriptionId}:${body(delivery.id).data.severity}`).sort();
    expect(pairs).toEqual([`${all}:critical`, `${all}:low`, `${critical}:critical`].sort());
    expect(deliveries.every((delivery) => delivery.status === 'pending' && body(delivery.id).type === 'alert.created')).toBe(true);
    const stream = await suite.module.get(RedisService).client.xrange(`events:${tenant.id}`, '-', '+');
    expect(stream.map(([, fields]) => fields[fields.indexOf('id') + 1])).toEqual(events.map((event) => event.id));
    await relay.drain();
    expect(await prisma.webhookDelivery.count({ where: { tenantId: tenant.id } })).toBe(3);
  });

  it('should deliver a suppressed alert only to subscriptions that ask for suppressed alerts', async () => {
    const defaults = await subscription({ eventTypes: ['alert.escalated'] });
    const any = await subscription({ eventTypes: ['alert.escalated'], filter: { suppressed: 'any' } });
    const only = await subscription({ eventTypes: ['alert.escalated'], filter: { suppressed: 'true' } });
    await appendOutboxEvents(prisma, [
      { tenantId: tenant.id, type: 'alert.escalated', data: { id: 'alr_quiet', severity: 'high', source: 's', controls: [], suppressed: true } },
      { tenantId: tenant.id, type: 'alert.escalated', data: { id: 'alr_loud', severity: 'high', source: 's', controls: [], suppressed: false } },
    ]);
    await relay.drain();
    const deliveries = await prisma.webhookDelivery.findMany({ where: { subscriptionId: { in: [defaults, any, only] } } });
    const bodies = await deliveryBodies(prisma, deliveries);
    const pairs = deliveries.map((delivery) => `${delivery.subscriptionId}:${JSON.parse(bodies.get(delivery.id) ?? 'null').data.id}`).sort();
    expect(pairs).toEqual([`${defaults}:alr_loud`, `${any}:alr_loud`, `${any}:alr_quiet`, `${only}:alr_quiet`].sort());
    await prisma.webhookSubscription.updateMany({ where: { id: { in: [defaults, any, only] } }, data: { enabled: false } });
  });

  it('should queue one batch job per subscription for its deliveries, named on each, and queue again a delivery whose job is gone', async () => {
    const queue = suite.module.get<Queue>(getQueueToken(WEBHOOKS_QUEUE));
    const first = await subscription({ eventTypes: ['alert.updated'] });
    const second = await subscription({ eventTypes: ['alert.updated'] });
    await appendOutboxEvents(
      prisma,
      ['low', 'high', 'critical'].map((severity) => ({ ...alert(severity), type: 'alert.updated' as const })),
    );
    await relay.drain();
    const deliveries = await prisma.webhookDelivery.findMany({ where: { subscriptionId: { in: [first, second] } }, orderBy: { id: 'asc' } });
    expect(deliveries).toHaveLength(6);
    for (const id of [first, second]) {
      const own = deliveries.filter((delivery) => delivery.subscriptionId === id);
      expect(new Set(own.map((delivery) => delivery.queuedAs))).toEqual(new Set([`batch:${own[0].id}`]));
      const job = await queue.getJob(`batch:${own[0].id}`);
      expect(job?.name).toBe(WEBHOOK_JOBS.deliverBatch);
      expect(job?.data).toEqual({ deliveryIds: own.map((delivery) => delivery.id) });
    }

    // The first subscription's batch job is lost, and its deliveries are overdue: each is queued on its own.
    const lost = deliveries.filter((delivery) => delivery.subscriptionId === first);
    await (await queue.getJob(`batch:${lost[0].id}`))?.remove();
    await prisma.webhookDelivery.updateMany({ where: { subscriptionId: { in: [first, second] } }, data: { nextAttemptAt: new Date(Date.now() - 120_000) } });
    await relay.sweep();
    for (const delivery of lost) {
      const job = await queue.getJob(`${delivery.id}:swept`);
      expect({ name: job?.name, data: job?.data, attempts: job?.opts.attempts }).toEqual({
        name: WEBHOOK_JOBS.deliver,
        data: { deliveryId: delivery.id, priorAttempts: 0 },
        attempts: 8,
      });
      expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).queuedAs).toBe(`${delivery.id}:swept`);
    }
    // The second's batch job still waits: nothing is queued twice.
    const kept = deliveries.filter((delivery) => delivery.subscriptionId === second);
    for (const delivery of kept) expect(await queue.getJob(`${delivery.id}:swept`)).toBeNull();
    expect(await prisma.webhookDelivery.count({ where: { id: { in: kept.map((d) => d.id) }, queuedAs: `batch:${kept[0].id}` } })).toBe(3);

    // The replaced batch job turning up late (a stalled worker's) sends none of what the sweep gave away, nor
    // does any job but the one a delivery names; the named one does (here: it ends the deliveries of a
    // subscription disabled meanwhile, which sends nothing over the network).
    const deliverer = suite.module.get(WebhookDeliverer);
    await prisma.webhookSubscription.update({ where: { id: first }, data: { enabled: false } });
    await deliverer.firstAttempts(
      lost.map((delivery) => delivery.id),
      `batch:${lost[0].id}`,
    );
    await deliverer.attempt(lost[0].id, 1, 8, `batch:${lost[0].id}`);
    expect(await prisma.webhookDelivery.count({ where: { id: { in: lost.map((d) => d.id) }, status: 'pending', attempts: 0 } })).toBe(3);
    await deliverer.attempt(lost[0].id, 1, 8, `${lost[0].id}:swept`);
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: lost[0].id } })).status).toBe('failed');
  });

  it('should find a lost delivery behind a backlog of a thousand overdue ones whose job still waits', async () => {
    const queue = suite.module.get<Queue>(getQueueToken(WEBHOOKS_QUEUE));
    const sub = await subscription({ eventTypes: ['alert.updated'] });
    // A job that stays waiting for an hour: the backlog's deliveries all name it.
    await queue.add(WEBHOOK_JOBS.deliverBatch, { deliveryIds: [] }, { jobId: `backlog:${sub}`, delay: 3_600_000 });
    const overdue = Date.now() - 600_000;
    const row = (i: number, queuedAs: string) => ({
      id: `whd_${sub.slice(4, 14)}${String(i).padStart(16, '0')}`,
      tenantId: tenant.id,
      subscriptionId: sub,
      eventId: `evt_${i}`,
      eventType: 'alert.updated',
      payload: '{}',
      nextAttemptAt: new Date(overdue + i),
      queuedAs,
      createdAt: new Date(overdue),
      updatedAt: new Date(overdue),
    });
    await prisma.webhookDelivery.createMany({ data: Array.from({ length: 1_200 }, (_, i) => row(i, `backlog:${sub}`)) });
    const lost = row(1_200, `batch:gone-${sub}`);
    await prisma.webhookDelivery.create({ data: lost });
    await relay.sweep();
    expect((await prisma.webhookDelivery.findUniqueOrThrow({ where: { id: lost.id } })).queuedAs).toBe(`${lost.id}:swept`);
    expect(await queue.getJob(`${lost.id}:swept`)).not.toBeNull();
    expect(await prisma.webhookDelivery.count({ where: { subscriptionId: sub, queuedAs: `backlog:${sub}` } })).toBe(1_200);
    await prisma.webhookDelivery.deleteMany({ where: { subscriptionId: sub } });
  });

  it("should go on with a resent delivery's own round when the sweep queues it again, not with what its first round left", async () => {
    const queue = suite.module.get<Queue>(getQueueToken(WEBHOOKS_QUEUE));
    const sub = await subscription({ eventTypes: ['alert.updated'] });
    const overdue = new Date(Date.now() - 120_000);
    // Eight attempts failed, then a resend; its second attempt of the new round failed and the job was lost.
    const resent = { id: publicId('whd'), attempts: 10, roundFrom: 8 };
    const spent = { id: publicId('whd'), attempts: 7, roundFrom: 0 };
    await prisma.webhookDelivery.createMany({
      data: [resent, spent].map((delivery) => ({
        ...delivery,
        tenantId: tenant.id,
        subscriptionId: sub,
        eventId: 'evt_x',
        eventType: 'alert.updated',
        nextAttemptAt: overdue,
        queuedAs: `gone:${delivery.id}`,
        createdAt: overdue,
        updatedAt: overdue,
      })),
    });
    await relay.sweep();
    const job = async (id: string, attempts: number) => {
      const found = await queue.getJob(`${id}:${attempts}:swept`);
      return { data: found?.data, attempts: found?.opts.attempts };
    };
    expect(await job(resent.id, 10)).toEqual({ data: { deliveryId: resent.id, priorAttempts: 2 }, attempts: 6 });
    expect(await job(spent.id, 7)).toEqual({ data: { deliveryId: spent.id, priorAttempts: 7 }, attempts: 1 });
    await prisma.webhookDelivery.deleteMany({ where: { subscriptionId: sub } });
  });

  it('should remove finished deliveries past their retention with their attempt log, and keep pending and recent ones', async () => {
    const sub = await subscription({ eventTypes: ['alert.updated'] });
    const day = 86_400_000;
    // Ids as they were made then (publicId never steps back in time): the time part, then a suffix of our own.
    const delivery = (ageDays: number, status: 'pending' | 'succeeded' | 'failed') => {
      const at = new Date(Date.now() - ageDays * day);
      return {
        id: `${idFloor('whd', at.getTime()).slice(0, -2)}${ageDays}`,
        tenantId: tenant.id,
        subscriptionId: sub,
        eventId: publicId('evt', at.getTime()),
        eventType: 'alert.updated',
        payload: '{}',
        status,
        createdAt: at,
        updatedAt: at,
      };
    };
    const [oldDone, oldFailed, oldPending, recent] = [delivery(31, 'succeeded'), delivery(40, 'failed'), delivery(45, 'pending'), delivery(29, 'succeeded')];
    await prisma.webhookDelivery.createMany({ data: [oldDone, oldFailed, oldPending, recent] });
    await prisma.webhookDeliveryAttempt.create({
      data: {
        id: publicId('wha'),
        tenantId: tenant.id,
        deliveryId: oldDone.id,
        attempt: 1,
        attemptedAt: oldDone.createdAt,
        outcome: 'succeeded',
        durationMs: 5,
      },
    });
    await relay.sweep();
    const left = await prisma.webhookDelivery.findMany({ where: { subscriptionId: sub }, select: { id: true } });
    expect(left.map((d) => d.id).sort()).toEqual([oldPending.id, recent.id].sort());
    expect(await prisma.webhookDeliveryAttempt.count({ where: { deliveryId: oldDone.id } })).toBe(0);
    await prisma.webhookDelivery.deleteMany({ where: { subscriptionId: sub } });
  });

  it('should keep a relayed event a week, or while its deliveries are kept and two days more, and never while one is pending', async () => {
    await appendOutboxEvents(prisma, [alert('info'), alert('medium'), alert('low'), alert('high'), alert('critical')]);
    await relay.drain();
    const events = await prisma.outboxEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { id: 'desc' }, take: 5 });
    const day = 86_400_000;
    const age = async (event: { id: string }, days: number, madeDeliveries: boolean) =>
      prisma.outboxEvent.update({ where: { id: event.id }, data: { dispatchedAt: new Date(Date.now() - days * day), madeDeliveries } });
    const [quietYoung, quietOld, deliveredYoung, deliveredOld, deliveredPending] = events;
    await age(quietYoung, 6, false);
    await age(quietOld, 8, false);
    await age(deliveredYoung, 31, true);
    await age(deliveredOld, 33, true);
    await age(deliveredPending, 40, true);
    // The earlier tests' subscriptions made deliveries of these events: they have ended, but for one of ours.
    await prisma.webhookDelivery.updateMany({ where: { eventId: { in: events.map((e) => e.id) } }, data: { status: 'succeeded' } });
    const sub = await subscription({ eventTypes: ['alert.created'] });
    const now = new Date();
    await prisma.webhookDelivery.create({
      data: {
        id: publicId('whd'),
        tenantId: tenant.id,
        subscriptionId: sub,
        eventId: deliveredPending.id,
        eventType: 'alert.created',
        createdAt: now,
        updatedAt: now,
      },
    });
    await relay.sweep();
    const left = new Set((await prisma.outboxEvent.findMany({ where: { id: { in: events.map((e) => e.id) } } })).map((e) => e.id));
    expect({ quietYoung: left.has(quietYoung.id), quietOld: left.has(quietOld.id) }).toEqual({ quietYoung: true, quietOld: false });
    expect({ young: left.has(deliveredYoung.id), old: left.has(deliveredOld.id), pending: left.has(deliveredPending.id) }).toEqual({
      young: true,
      old: false,
      pending: true,
    });
    // Once its delivery has ended, the pending one's event goes too.
    await prisma.webhookDelivery.updateMany({ where: { subscriptionId: sub }, data: { status: 'succeeded' } });
    await relay.sweep();
    expect(await prisma.outboxEvent.findUnique({ where: { id: deliveredPending.id } })).toBeNull();
    await prisma.webhookDelivery.deleteMany({ where: { subscriptionId: sub } });
  });

  it('should mark the events that made deliveries when it relays them', async () => {
    const sub = await subscription({ eventTypes: ['alert.escalated'] });
    await appendOutboxEvents(prisma, [
      { ...alert('high'), type: 'alert.escalated' as const },
      { ...alert('high'), type: 'alert.status_changed' as const },
    ]);
    await relay.drain();
    const [escalated, resolved] = await prisma.outboxEvent
      .findMany({ where: { tenantId: tenant.id }, orderBy: { id: 'desc' }, take: 2 })
      .then((rows) => rows.reverse());
    expect({ escalated: escalated.madeDeliveries, resolved: resolved.madeDeliveries }).toEqual({ escalated: true, resolved: false });
    await prisma.webhookDelivery.deleteMany({ where: { subscriptionId: sub } });
  });

  it('should fail a delivery whose event is no longer kept without sending it, saying why', async () => {
    const sub = await subscription({ eventTypes: ['alert.updated'] });
    const id = publicId('whd');
    const now = new Date();
    await prisma.webhookDelivery.create({
      data: { id, tenantId: tenant.id, subscriptionId: sub, eventId: 'evt_gone', eventType: 'alert.updated', createdAt: now, updatedAt: now },
    });
    await suite.module.get(WebhookDeliverer).attempt(id, 1, 8);
    const delivery = await prisma.webhookDelivery.findUniqueOrThrow({ where: { id } });
    expect({ status: delivery.status, attempts: delivery.attempts, responseStatus: delivery.responseStatus }).toEqual({
      status: 'failed',
      attempts: 1,
      responseStatus: null,
    });
    expect(delivery.error).toBe('Not sent: event evt_gone is no longer kept (events are kept as long as their deliveries)');
    await prisma.webhookDelivery.deleteMany({ where: { subscriptionId: sub } });
  });
});
