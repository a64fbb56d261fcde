import { Matches, MaxLength } from 'class-validator';

export class AuditEventIdParams {
  /** @example "aud_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @MaxLength(40)
  @Matches(/^aud_[0-9A-Z]{26}$/, { message: 'id must be an audit event id (aud_ followed by 26 characters)' })
  id: string;
}
