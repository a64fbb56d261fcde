import { Matches } from 'class-validator';

const WEBHOOK_ID = /^whk_[0-9A-Z]{26}$/;
const WEBHOOK_ID_MESSAGE = 'id must be a webhook id (whk_ followed by 26 characters)';

export class WebhookIdParams {
  /** @example "whk_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @Matches(WEBHOOK_ID, { message: WEBHOOK_ID_MESSAGE })
  id: string;
}

export class WebhookDeliveryParams {
  /** @example "whk_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @Matches(WEBHOOK_ID, { message: WEBHOOK_ID_MESSAGE })
  id: string;

  /** @example "whd_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @Matches(/^whd_[0-9A-Z]{26}$/, { message: 'delivery_id must be a webhook delivery id (whd_ followed by 26 characters)' })
  delivery_id: string;
}
