import { Matches } from 'class-validator';

export class MaintenanceWindowIdParams {
  /** @example "mnt_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @Matches(/^mnt_[0-9A-Z]{26}$/, { message: 'id must be a maintenance window id (mnt_ followed by 26 characters)' })
  id: string;
}
