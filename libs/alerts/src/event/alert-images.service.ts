import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';

import { Inject, Injectable } from '@nestjs/common';

import { FieldViolation, isoUtc, parseTimestamp, ProblemException, ProblemTypes } from '@app/common';
import { AppConfig } from '@app/config';

import { AlertProblems } from '../errors/alert-problems';
import { CreateAlertEventDto } from './alert-event.dto';
import { IMAGE_EXTENSIONS, ImageInput, ImageRefused, parseImage } from './event-image';
import { EVENT_IMAGE_SLOTS, EventImageSlot, StoredEvent, StoredImage, storedImageOf } from './stored-event';

/** Where event images live: the app wires the export storage here (AlertsModule.register), whatever it is (local disk, S3). */
export const ALERT_FILES = Symbol('ALERT_FILES');

/** The part of the export storage (ExportStorage) attachments use. */
export interface AlertFiles {
  workDir(id: string): Promise<string>;
  discardWork(id: string): Promise<void>;
  put(localFile: string, key: string): Promise<void>;
  size(key: string): Promise<number | null>;
  read(key: string): Readable;
}

/** An event checked and decoded, its images not yet stored. */
export interface PreparedEvent {
  fields: Omit<StoredEvent, 'primary_image' | 'secondary_image'>;
  images: Partial<Record<EventImageSlot, ImageInput>>;
}

/** `{tenant}/attachments/alert-images/{sha256}.{ext}`: tenant-scoped and content-addressed (docs/ARCHITECTURE.md). */
export function imageKey(tenantId: string, sha256: string, contentType: StoredImage['content_type']): string {
  return `${tenantId}/attachments/alert-images/${sha256}.${IMAGE_EXTENSIONS[contentType]}`;
}

function utc(text: string | undefined): string | null {
  if (!text) return null;
  const date = parseTimestamp(text);
  return date ? isoUtc(date) : null;
}

/**
 * Event images: checked and decoded before anything is written; stored as attachments in the export
 * storage before the alert's transaction, under a tenant-scoped content-addressed key, so a transaction
 * that fails leaves at most a file nobody references, which the same image sent again reuses.
 */
@Injectable()
export class AlertImagesService {
  constructor(
    @Inject(ALERT_FILES) private readonly files: AlertFiles,
    private readonly config: AppConfig,
  ) {}

  /** The event's fields and decoded images, or the violations of its images (fields `<field>.primary_image`, pointers `<pointer>/primary_image`). */
  prepare(event: CreateAlertEventDto, field: string, pointer: string): PreparedEvent | FieldViolation[] {
    const violations: FieldViolation[] = [];
    const images: PreparedEvent['images'] = {};
    for (const slot of EVENT_IMAGE_SLOTS) {
      const value = event[`${slot}_image`];
      if (value === undefined || value === null) continue;
      const name = `${field}.${slot}_image`;
      try {
        images[slot] = parseImage(name, value, this.config.alertImageMaxBytes);
      } catch (error) {
        if (!(error instanceof ImageRefused)) throw error;
        violations.push({ field: name, pointer: `${pointer}/${slot}_image`, ...error.refusal });
      }
    }
    if (violations.length) return violations;
    return {
      fields: {
        id: event.id,
        analytic_id: event.analytic_id ?? null,
        stream_id: event.stream_id ?? null,
        stream_name: event.stream_name ?? null,
        stream_latitude: event.stream_latitude ?? null,
        stream_longitude: event.stream_longitude ?? null,
        label: event.label ?? null,
        result: event.result ?? null,
        location: event.location ?? null,
        status: event.status ?? null,
        logic: event.logic ?? null,
        event_time: utc(event.event_time),
        created_at: utc(event.created_at),
        pipeline_event_id: event.pipeline_event_id ?? null,
      },
      images,
    };
  }

  /** As `prepare` for one alert of POST /v1/alerts: refused images are 422 alert-image-refused. */
  prepareOrThrow(event: CreateAlertEventDto): PreparedEvent {
    const prepared = this.prepare(event, 'event', '/body/event');
    if (Array.isArray(prepared))
      throw new ProblemException(AlertProblems.alertImageRefused, { args: { max_bytes: this.config.alertImageMaxBytes }, errors: prepared });
    return prepared;
  }

  /** Writes the event's images (those not stored already) and answers the `event` column's value, references only. */
  async store(tenantId: string, prepared: PreparedEvent): Promise<StoredEvent> {
    const stored: Partial<Record<EventImageSlot, StoredEvent['primary_image']>> = {};
    for (const slot of EVENT_IMAGE_SLOTS) {
      const image = prepared.images[slot];
      if (!image) continue;
      if (image.kind === 'url') {
        stored[slot] = { url: image.url };
        continue;
      }
      const key = imageKey(tenantId, image.sha256, image.contentType);
      if ((await this.files.size(key)) !== image.bytes.length) await this.write(key, image.bytes);
      stored[slot] = { key, content_type: image.contentType, size: image.bytes.length, sha256: image.sha256 };
    }
    return { ...prepared.fields, primary_image: stored.primary ?? null, secondary_image: stored.secondary ?? null };
  }

  /** An alert's stored image and its bytes; 404 when the slot holds none (or a URL), or the file is gone. */
  async open(alertId: string, event: unknown, slot: EventImageSlot): Promise<{ image: StoredImage; body: Readable }> {
    const image = storedImageOf(event, slot);
    const notFound = () => new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'alert image', id: `${alertId}/${slot}` } });
    if (!image) throw notFound();
    const size = await this.files.size(image.key);
    if (size === null) throw notFound();
    return { image: { ...image, size }, body: this.files.read(image.key) };
  }

  private async write(key: string, bytes: Buffer): Promise<void> {
    const work = `attachment-${randomUUID()}`;
    try {
      const file = join(await this.files.workDir(work), 'image');
      await writeFile(file, bytes);
      await this.files.put(file, key);
    } finally {
      await this.files.discardWork(work).catch(() => undefined);
    }
  }
}
