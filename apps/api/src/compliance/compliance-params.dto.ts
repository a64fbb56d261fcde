import { Matches } from 'class-validator';

export class ControlRuleIdParams {
  /** @example "cr_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @Matches(/^cr_[0-9A-Z]{26}$/, { message: 'id must be a control rule id (cr_ followed by 26 characters)' })
  id: string;
}

export class LegalHoldIdParams {
  /** @example "lh_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @Matches(/^lh_[0-9A-Z]{26}$/, { message: 'id must be a legal hold id (lh_ followed by 26 characters)' })
  id: string;
}
