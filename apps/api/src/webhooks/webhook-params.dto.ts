import { Matches } from 'class-validator';

export class WebhookIdParams {
  /** @example "whk_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @Matches(/^whk_[0-9A-Z]{26}$/, { message: 'id must be a webhook id (whk_ followed by 26 characters)' })
  id: string;
}

export class WebhookDeliveryParams {
  /** @example "whk_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @Matches(/^whk_[0-9A-Z]{26}$/, { message: 'id must be a webhook id (whk_ followed by 26 characters)' })
  id: string;

  /** @example "whd_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @Matches(/^whd_[0-9A-Z]{26}$/, { message: 'delivery_id must be a webhook delivery id (whd_ followed by 26 characters)' })
  delivery_id: string;
}
