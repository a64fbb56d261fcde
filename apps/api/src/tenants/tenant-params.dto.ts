import { IsTenantId } from '@app/common';

export class TenantIdParams {
  /** @example "tnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @IsTenantId('id', true)
  id: string;
}
