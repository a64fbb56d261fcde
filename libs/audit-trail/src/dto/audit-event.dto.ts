import { ApiProperty } from '@nestjs/swagger';

import type { AuditEvent } from '@app/database';

import { eventFields } from '../audit-hash';

export class AuditEventDto {
  @ApiProperty({ example: 'aud_01JQ3Z6V1B9W3C7KJ6T2X9P8R4', maxLength: 40 }) id: string;
  @ApiProperty({ maxLength: 40 }) tenant_id: string;
  @ApiProperty({ description: 'Position in the tenant chain, from 1', example: 42 }) seq: number;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'analyst-001', maxLength: 200 }) actor: string;
  @ApiProperty({ enum: ['jwt', 'api_key', 'system'], enumName: 'AuditActorType' }) actor_type: string;
  @ApiProperty({ example: 'alert.acknowledge', maxLength: 100 }) action: string;
  @ApiProperty({ example: 'alert', maxLength: 50 }) resource_type: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) resource_id: string | null;
  @ApiProperty({ enum: ['success', 'failure'], enumName: 'AuditOutcome' }) outcome: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 64 }) ip: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 500 }) user_agent: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 128 }) request_id: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 32 }) trace_id: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details: Record<string, unknown>;
  @ApiProperty({ description: 'SHA-256 of the previous event of the tenant (64 zeros for the first)', maxLength: 64 }) prev_hash: string;
  @ApiProperty({ description: 'SHA-256 over the canonical serialisation of this event', maxLength: 64 }) hash: string;

  static from(event: AuditEvent): AuditEventDto {
    const fields = eventFields(event);
    return { id: event.id, ...fields, seq: Number(event.seq), details: event.details as Record<string, unknown>, hash: event.hash };
  }
}

export class AuditVerificationDto {
  @ApiProperty({ description: 'Every checked chain links and every hash recomputes' }) valid: boolean;
  @ApiProperty({ description: 'Events checked' }) checked: number;
  @ApiProperty({ type: String, nullable: true, description: 'The first event whose hash or link does not match', maxLength: 40 }) first_broken_id:
    string | null;
  @ApiProperty({ description: 'Tenants whose chains were checked' }) tenants: number;
  @ApiProperty({ description: 'Whether the chains were walked to their end; false when AUDIT_VERIFY_MAX_EVENTS stopped this call (continue at next_from_seq)' })
  complete: boolean;
  @ApiProperty({ type: Number, nullable: true, description: 'The seq this call started at (of the first tenant walked)' }) from_seq: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'The last seq checked (of the last tenant walked)' }) last_seq: number | null;
  @ApiProperty({
    type: String,
    nullable: true,
    maxLength: 30,
    description: 'When incomplete: the tenant to continue with (tenant_id, or from_tenant_id for an admin walking every tenant)',
  })
  next_tenant_id: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'When incomplete: the from_seq of the next call' }) next_from_seq: number | null;
}
