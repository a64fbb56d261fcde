import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

import { PageQueryDto } from '@app/common';
import type { WebhookDelivery, WebhookDeliveryAttempt } from '@app/database';

export const DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export const ATTEMPT_OUTCOMES = ['succeeded', 'retrying', 'failed'] as const;

export class ListWebhookDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, enumName: 'WebhookDeliveryStatus', description: 'Only deliveries in this status' })
  @IsOptional()
  @IsIn(DELIVERY_STATUSES)
  status?: (typeof DELIVERY_STATUSES)[number];
}

export class ListWebhookDeliveryAttemptsQueryDto extends PageQueryDto {}

/** One event sent to one subscription, with its latest attempt (each attempt: GET …/deliveries/{delivery_id}/attempts). */
export class WebhookDeliveryDto {
  @ApiProperty({ example: 'whd_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) id: string;
  @ApiProperty({ maxLength: 40 }) webhook_id: string;
  /** The event's id: the `webhook-id` header of every attempt. */
  @ApiProperty({ maxLength: 40 }) event_id: string;
  @ApiProperty({ maxLength: 40, example: 'alert.created' }) event_type: string;
  @ApiProperty({ enum: DELIVERY_STATUSES, enumName: 'WebhookDeliveryStatus' }) status: string;
  @ApiProperty({ minimum: 0, maximum: 100 }) attempts: number;
  /** The HTTP status the receiver answered at the latest attempt; null when it answered nothing. */
  @ApiProperty({ type: Number, nullable: true, minimum: 100, maximum: 599 }) response_status: number | null;
  @ApiProperty({ type: Number, nullable: true, minimum: 0 }) duration_ms: number | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 1000 }) error: string | null;
  /** When the next attempt is due; null when none will be made. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) next_attempt_at: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;

  static from(delivery: WebhookDelivery): WebhookDeliveryDto {
    return {
      id: delivery.id,
      webhook_id: delivery.subscriptionId,
      event_id: delivery.eventId,
      event_type: delivery.eventType,
      status: delivery.status,
      attempts: delivery.attempts,
      response_status: delivery.responseStatus,
      duration_ms: delivery.durationMs,
      error: delivery.error,
      next_attempt_at: delivery.nextAttemptAt?.toISOString() ?? null,
      created_at: delivery.createdAt.toISOString(),
      updated_at: delivery.updatedAt.toISOString(),
    };
  }
}

/** One attempt of a delivery, as it happened. */
export class WebhookDeliveryAttemptDto {
  @ApiProperty({ example: 'wha_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) id: string;
  @ApiProperty({ maxLength: 40 }) delivery_id: string;
  /** Counts from 1 over the delivery's life; a resend on request continues the count. */
  @ApiProperty({ minimum: 1, maximum: 1_000_000 }) attempt: number;
  /** When the attempt started (its `webhook-timestamp`). */
  @ApiProperty({ format: 'date-time' }) attempted_at: string;
  /** succeeded: answered 2xx; retrying: failed, another attempt is due at next_attempt_at; failed: no attempt follows. */
  @ApiProperty({ enum: ATTEMPT_OUTCOMES, enumName: 'WebhookAttemptOutcome' }) outcome: string;
  /** The HTTP status the receiver answered; null when it answered nothing (refused address, timeout, connection error). */
  @ApiProperty({ type: Number, nullable: true, minimum: 100, maximum: 599 }) response_status: number | null;
  /** From the start of the request to the answer or the error. */
  @ApiProperty({ minimum: 0, maximum: 2_147_483_647 }) duration_ms: number;
  @ApiProperty({ type: String, nullable: true, maxLength: 1000 }) error: string | null;
  /** When the next attempt was due after this one; null when none followed. */
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) next_attempt_at: string | null;

  static from(attempt: WebhookDeliveryAttempt): WebhookDeliveryAttemptDto {
    return {
      id: attempt.id,
      delivery_id: attempt.deliveryId,
      attempt: attempt.attempt,
      attempted_at: attempt.attemptedAt.toISOString(),
      outcome: attempt.outcome,
      response_status: attempt.responseStatus,
      duration_ms: attempt.durationMs,
      error: attempt.error,
      next_attempt_at: attempt.nextAttemptAt?.toISOString() ?? null,
    };
  }
}
