import { defineProblemTypes } from '@app/common';

/** Webhooks and events (08). Titles and details are translated under `problems.<slug>` in libs/common/src/i18n. */
export const WebhookProblems = defineProblemTypes({
  webhookDisabled: {
    slug: 'webhook-disabled',
    status: 409,
    code: 10080001,
    description:
      'The webhook subscription is disabled (`disabled_reason` says why: a day of failed deliveries, or a person). Nothing was sent; PATCH it with `"enabled": true` first.',
  },
  webhookDeliveryPending: {
    slug: 'webhook-delivery-pending',
    status: 409,
    code: 10080002,
    description:
      'The delivery is still pending (its next attempt is due at `next_attempt_at`); only a delivery that succeeded or failed can be sent again. Nothing was changed.',
  },
  webhookEventGone: {
    slug: 'webhook-event-gone',
    status: 410,
    code: 10080003,
    description:
      'The event this delivery carried is no longer kept (events are kept WEBHOOK_DELIVERY_RETENTION_DAYS and two days more), so it cannot be sent again. Nothing was changed.',
  },
});
