import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsNumber, IsOptional, IsString, Max, MaxLength, Min, registerDecorator, ValidationArguments } from 'class-validator';

import { IsDateTimeText } from '@app/common';

import { IMAGE_URL_MAX_LENGTH } from './event-image';

/** The longest image field text: base64 of the largest configurable image (ALERT_IMAGE_MAX_BYTES ≤ 20 MiB) with a data: prefix. */
export const IMAGE_TEXT_MAX_LENGTH = Math.ceil(20_971_520 / 3) * 4 + 200;
export const EVENT_ID_MAX_LENGTH = 100;

/** A string, or an integer (seed 000's event ids are numbers) taken as its decimal text. */
function IsEventId(): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isString',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: (args: ValidationArguments) => `${args.property} must be a string or an integer` },
      validator: { validate: (value: unknown) => typeof value === 'string' && value.trim().length > 0 },
    });
}

const IMAGE_DESCRIPTION =
  'A JPEG, PNG or WebP image as base64 (plain, or a `data:image/…;base64,` URL; at most ALERT_IMAGE_MAX_BYTES decoded, 5 MiB by default; its bytes decide its type) stored as an attachment, or an https URL kept as given (never fetched)';

/** Seed 000's event: what the analytic saw, on which stream, when. Only with `alertable_type: event`. */
export class CreateAlertEventDto {
  @ApiProperty({
    oneOf: [
      { type: 'string', minLength: 1, maxLength: EVENT_ID_MAX_LENGTH },
      { type: 'integer', minimum: Number.MIN_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
    ],
    description: "The source's event id; an integer is kept as its decimal text",
    example: 5801,
  })
  @Transform(({ value }: { value: unknown }) => (typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value))
  @IsEventId()
  @MaxLength(EVENT_ID_MAX_LENGTH)
  id: string;

  /** The analytic that raised the event. @example "FR" */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  analytic_id?: string;

  /** @example "stream-uuid-xyz" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  stream_id?: string;

  /** The stream's name when the event was raised. @example "Pintu Masuk Utama" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  stream_name?: string;

  @ApiPropertyOptional({ minimum: -90, maximum: 90, example: -6.2088 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  stream_latitude?: number;

  @ApiPropertyOptional({ minimum: -180, maximum: 180, example: 106.8456 })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  stream_longitude?: number;

  /** @example "Unknown" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  label?: string;

  /** @example "unknown" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  result?: string;

  /** @example "Lantai 1, Gedung A" */
  @IsOptional()
  @IsString()
  @MaxLength(500)
  location?: string;

  /** The event's status at the source. @example "active" */
  @IsOptional()
  @IsString()
  @MaxLength(50)
  status?: string;

  /** @example "face_recognition" */
  @IsOptional()
  @IsString()
  @MaxLength(100)
  logic?: string;

  /** When the event happened (RFC 3339). */
  @IsOptional()
  @IsDateTimeText(false)
  event_time?: string;

  /** When the source recorded the event (RFC 3339; the source's, not the alert's created_at). */
  @IsOptional()
  @IsDateTimeText(false)
  created_at?: string;

  /** @example "event_stream-uuid-xyz_1746000898" */
  @IsOptional()
  @IsString()
  @MaxLength(200)
  pipeline_event_id?: string;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: IMAGE_TEXT_MAX_LENGTH, description: IMAGE_DESCRIPTION })
  @IsOptional()
  @IsString()
  @MaxLength(IMAGE_TEXT_MAX_LENGTH)
  primary_image?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: IMAGE_TEXT_MAX_LENGTH, description: IMAGE_DESCRIPTION })
  @IsOptional()
  @IsString()
  @MaxLength(IMAGE_TEXT_MAX_LENGTH)
  secondary_image?: string | null;
}

export { IMAGE_URL_MAX_LENGTH };
