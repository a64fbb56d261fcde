import { RedisService } from '@app/common';
import { PrismaService, Tenant } from '@app/database';
import { appendOutboxEvents, LiveEventPublisher } from '@app/events';

import { integrationSuite } from '../../../../test/utils/integration';
import { WebhooksModule } from '../webhooks.module';
import { OutboxRelay } from './outbox-relay';

describe('OutboxRelay against PostgreSQL and Redis', () => {
  // A Redis prefix of its own: the webhooks queue of the run's prefix has consumers in other specs.
  const suite = integrationSuite(
    { imports: [WebhooksModule], providers: [OutboxRelay, LiveEventPublisher] },
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
    const pairs = deliveries.map((delivery) => `${delivery.subscriptionId}:${JSON.parse(delivery.payload).data.severity}`).sort();
    expect(pairs).toEqual([`${all}:critical`, `${all}:low`, `${critical}:critical`].sort());
    expect(deliveries.every((delivery) => delivery.status === 'pending' && JSON.parse(delivery.payload).type === 'alert.created')).toBe(true);
    const stream = await suite.module.get(RedisService).client.xrange(`events:${tenant.id}`, '-', '+');
    expect(stream.map(([, fields]) => fields[fields.indexOf('id') + 1])).toEqual(events.map((event) => event.id));
    await relay.drain();
    expect(await prisma.webhookDelivery.count({ where: { tenantId: tenant.id } })).toBe(3);
  });

  it('should remove relayed events older than a week and keep the others', async () => {
    await appendOutboxEvents(prisma, [alert('info'), alert('medium')]);
    await relay.drain();
    const [kept, aged] = await prisma.outboxEvent.findMany({ where: { tenantId: tenant.id }, orderBy: { id: 'desc' }, take: 2 });
    await prisma.outboxEvent.update({ where: { id: aged.id }, data: { dispatchedAt: new Date(Date.now() - 8 * 86_400_000) } });
    await relay.sweep();
    expect(await prisma.outboxEvent.findUnique({ where: { id: aged.id } })).toBeNull();
    expect(await prisma.outboxEvent.findUnique({ where: { id: kept.id } })).not.toBeNull();
  });
});
