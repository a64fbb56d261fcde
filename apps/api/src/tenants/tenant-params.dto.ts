import { Matches } from 'class-validator';

export class TenantIdParams {
  /** @example "tnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @Matches(/^tnt_[0-9A-Z]{26}$/, { message: 'id must be a tenant id (tnt_ followed by 26 characters)' })
  id: string;
}
