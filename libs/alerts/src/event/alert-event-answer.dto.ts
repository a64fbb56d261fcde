import { ApiProperty } from '@nestjs/swagger';

import { isoUtc, parseTimestamp } from '@app/common';

import { EVENT_ID_MAX_LENGTH } from './alert-event.dto';
import { IMAGE_TYPES, IMAGE_URL_MAX_LENGTH } from './event-image';
import { EventImageSlot, isStoredImage, LinkedImage, StoredEvent, StoredImage } from './stored-event';

/** An event image: an API URL (same credentials, alerts:read) for a stored attachment, or the URL the sender gave. */
export class AlertImageDto {
  @ApiProperty({
    maxLength: IMAGE_URL_MAX_LENGTH,
    description:
      'A stored image: `/v1/alerts/{id}/images/{primary|secondary}`, read with the same credentials (alerts:read). An image sent as a URL: that URL as given (not fetched by Alert Ledger)',
    example: '/v1/alerts/alr_01JQ3Z6V1B9W3C7KJ6T2X9P8R4/images/primary',
  })
  url: string;
  @ApiProperty({ type: String, enum: IMAGE_TYPES, nullable: true, description: 'The sniffed type of a stored image; null for a URL image' })
  content_type: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Bytes of a stored image; null for a URL image', example: 48213 })
  size: number | null;

  static from(alertId: string, slot: EventImageSlot, image: StoredImage | LinkedImage | null | undefined): AlertImageDto | null {
    if (!image) return null;
    if (isStoredImage(image)) return { url: `/v1/alerts/${alertId}/images/${slot}`, content_type: image.content_type, size: image.size };
    return { url: image.url, content_type: null, size: null };
  }
}

function utc(text: string | null | undefined): string | null {
  if (!text) return null;
  const date = parseTimestamp(text);
  return date ? isoUtc(date) : text;
}

/** Seed 000's event without its images: what the alert list carries. */
export class AlertEventSummaryDto {
  @ApiProperty({ maxLength: EVENT_ID_MAX_LENGTH, description: "The source's event id (an integer sent is answered as its decimal text)", example: '5801' })
  id: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 100, example: 'FR' }) analytic_id: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200, example: 'stream-uuid-xyz' }) stream_id: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200, example: 'Pintu Masuk Utama' }) stream_name: string | null;
  @ApiProperty({ type: Number, nullable: true, minimum: -90, maximum: 90, example: -6.2088 }) stream_latitude: number | null;
  @ApiProperty({ type: Number, nullable: true, minimum: -180, maximum: 180, example: 106.8456 }) stream_longitude: number | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200, example: 'Unknown' }) label: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200, example: 'unknown' }) result: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 500, example: 'Lantai 1, Gedung A' }) location: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 50, example: 'active' }) status: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 100, example: 'face_recognition' }) logic: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the event happened (UTC)' }) event_time: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'When the source recorded the event (UTC)' }) created_at: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 200, example: 'event_stream-uuid-xyz_1746000898' }) pipeline_event_id: string | null;

  static from(event: unknown): AlertEventSummaryDto | null {
    if (!event || typeof event !== 'object') return null;
    const e = event as Partial<StoredEvent>;
    return {
      id: String(e.id ?? ''),
      analytic_id: e.analytic_id ?? null,
      stream_id: e.stream_id ?? null,
      stream_name: e.stream_name ?? null,
      stream_latitude: e.stream_latitude ?? null,
      stream_longitude: e.stream_longitude ?? null,
      label: e.label ?? null,
      result: e.result ?? null,
      location: e.location ?? null,
      status: e.status ?? null,
      logic: e.logic ?? null,
      event_time: utc(e.event_time),
      created_at: utc(e.created_at),
      pipeline_event_id: e.pipeline_event_id ?? null,
    };
  }
}

/** Seed 000's event as the detail answers it: the summary and its images (references, never the bytes). */
export class AlertEventDto extends AlertEventSummaryDto {
  @ApiProperty({ type: AlertImageDto, nullable: true }) primary_image: AlertImageDto | null;
  @ApiProperty({ type: AlertImageDto, nullable: true }) secondary_image: AlertImageDto | null;

  static fromAlert(alertId: string, event: unknown): AlertEventDto | null {
    const summary = AlertEventSummaryDto.from(event);
    if (!summary) return null;
    const e = event as Partial<StoredEvent>;
    return {
      ...summary,
      primary_image: AlertImageDto.from(alertId, 'primary', e.primary_image),
      secondary_image: AlertImageDto.from(alertId, 'secondary', e.secondary_image),
    };
  }
}
