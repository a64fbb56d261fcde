import type { ImageType } from './event-image';

/** An image stored as an attachment: where it is in the export storage, and what it is. The bytes are never in a row. */
export interface StoredImage {
  key: string;
  content_type: ImageType;
  size: number;
  sha256: string;
}

/** An image the sender gave as a URL: kept as given, never fetched. */
export interface LinkedImage {
  url: string;
}

export const EVENT_IMAGE_SLOTS = ['primary', 'secondary'] as const;
export type EventImageSlot = (typeof EVENT_IMAGE_SLOTS)[number];

/** The `event` jsonb column of an alert (seed 000's event), as stored. */
export interface StoredEvent {
  id: string;
  analytic_id: string | null;
  stream_id: string | null;
  stream_name: string | null;
  stream_latitude: number | null;
  stream_longitude: number | null;
  label: string | null;
  result: string | null;
  location: string | null;
  status: string | null;
  logic: string | null;
  event_time: string | null;
  created_at: string | null;
  pipeline_event_id: string | null;
  primary_image: StoredImage | LinkedImage | null;
  secondary_image: StoredImage | LinkedImage | null;
}

export function isStoredImage(image: StoredImage | LinkedImage | null | undefined): image is StoredImage {
  return !!image && typeof (image as StoredImage).key === 'string';
}

/** The stored attachment of an alert's event image slot, if it has one (a URL image has none). */
export function storedImageOf(event: unknown, slot: EventImageSlot): StoredImage | null {
  if (!event || typeof event !== 'object') return null;
  const image = (event as Partial<StoredEvent>)[`${slot}_image`];
  return isStoredImage(image) ? image : null;
}
