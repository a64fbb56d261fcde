import { PrismaService, WebhookDelivery } from '@app/database';
import { eventPayload } from '@app/events';

/**
 * The bodies to send, by delivery id. A delivery of an outbox event keeps no copy of it: the body is the
 * event's `{type, timestamp, data}`, serialised from its stored row on every attempt (jsonb answers its keys
 * in one order, so every attempt sends, and signs, the same bytes). A test ping carries its own body. A
 * delivery whose event is no longer kept has none (null): it cannot be sent.
 */
export async function deliveryBodies(
  prisma: PrismaService,
  deliveries: readonly Pick<WebhookDelivery, 'id' | 'eventId' | 'payload'>[],
): Promise<Map<string, string | null>> {
  const wanted = deliveries.filter((delivery) => delivery.payload === null).map((delivery) => delivery.eventId);
  const events = wanted.length
    ? await prisma.outboxEvent.findMany({ where: { id: { in: [...new Set(wanted)] } }, select: { id: true, type: true, occurredAt: true, data: true } })
    : [];
  const bodies = new Map(events.map((event) => [event.id, eventPayload(event.type, event.occurredAt, event.data)]));
  return new Map(deliveries.map((delivery) => [delivery.id, delivery.payload ?? bodies.get(delivery.eventId) ?? null]));
}
