import { ApiProperty } from '@nestjs/swagger';
import { IsIn, Matches, MaxLength } from 'class-validator';

import { ALERTABLE_TYPES, EVENT_IMAGE_SLOTS, EventImageSlot, LIFECYCLE_ACTIONS, LifecycleAction } from '@app/alerts';

export class AlertIdParams {
  /** @example "alr_01JQ3Z6V1B9W3C7KJ6T2X9P8R4" */
  @Matches(/^alr_[0-9A-Z]{26}$/, { message: 'id must be an alert id (alr_ followed by 26 characters)' })
  id: string;
}

export class AlertImageParams extends AlertIdParams {
  @ApiProperty({ enum: EVENT_IMAGE_SLOTS, enumName: 'AlertImageSlot', description: "Which of the event's images" })
  @IsIn(EVENT_IMAGE_SLOTS)
  slot: EventImageSlot;
}

export class AlertableParams {
  @ApiProperty({ enum: ALERTABLE_TYPES, enumName: 'AlertableType' })
  @IsIn(ALERTABLE_TYPES, { message: `alertable_type must be one of: ${ALERTABLE_TYPES.join(', ')}` })
  alertable_type: (typeof ALERTABLE_TYPES)[number];

  @MaxLength(200)
  alertable_id: string;
}

export class BulkActionParams {
  @ApiProperty({ enum: LIFECYCLE_ACTIONS, enumName: 'AlertAction' })
  @IsIn(LIFECYCLE_ACTIONS)
  action: LifecycleAction;
}

export class SystemKeyParams {
  @MaxLength(200)
  system_key: string;
}
