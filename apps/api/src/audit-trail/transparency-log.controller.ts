import { Controller, Get, HttpCode, Logger, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';

import {
  AuditTrailService,
  CheckpointDto,
  CheckpointKeys,
  CheckpointKeysDto,
  CheckpointQuery,
  ConsistencyProofDto,
  ConsistencyProofQuery,
  InclusionProofDto,
  InclusionProofQuery,
  TransparencyLogService,
} from '@app/audit-trail';
import { Authenticated, CurrentPrincipal } from '@app/auth';
import { ApiEnvelope, envelope, Envelope, Operation, Principal } from '@app/common';

import { AuditEventIdParams } from './audit-trail-params.dto';

/**
 * The audit trail's transparency log (docs/ARCHITECTURE.md, "The transparency log"): signed checkpoints
 * of the caller's tenant, inclusion and consistency proofs between them. Every read is recorded as an
 * audit event (`audit_trail.checkpoint_read`, `…proof_read`), like the other audit-trail reads.
 */
@ApiTags('audit-trail')
@Controller('v1/audit-trail')
export class TransparencyLogController {
  private readonly logger = new Logger(TransparencyLogController.name);

  constructor(
    private readonly log: TransparencyLogService,
    private readonly auditTrail: AuditTrailService,
  ) {}

  @Get('checkpoints/latest')
  @Authenticated({ scopes: ['audit:read'] })
  @ApiEnvelope(CheckpointDto)
  @Operation({ id: 'getLatestAuditCheckpoint', summary: 'The latest signed checkpoint of the tenant’s audit log (C2SP tlog-checkpoint)', problems: [404] })
  async latest(@CurrentPrincipal() principal: Principal): Promise<Envelope<CheckpointDto>> {
    return envelope(
      await this.read(principal, 'audit_trail.checkpoint_read', { latest: true }, () => this.log.checkpoint(principal.tenantId).then(CheckpointDto.from)),
    );
  }

  @Get('checkpoints')
  @Authenticated({ scopes: ['audit:read'] })
  @ApiEnvelope(CheckpointDto)
  @Operation({ id: 'getAuditCheckpoint', summary: 'The signed checkpoint of the tenant’s audit log of one tree size', problems: [400, 404] })
  async bySize(@Query() query: CheckpointQuery, @CurrentPrincipal() principal: Principal): Promise<Envelope<CheckpointDto>> {
    return envelope(
      await this.read(principal, 'audit_trail.checkpoint_read', { tree_size: query.tree_size }, () =>
        this.log.checkpoint(principal.tenantId, query.tree_size).then(CheckpointDto.from),
      ),
    );
  }

  @Post('checkpoints')
  @HttpCode(200)
  @Authenticated({ scopes: ['audit:read'] })
  @ApiEnvelope(CheckpointDto)
  @Operation({
    id: 'issueAuditCheckpoint',
    summary: 'Sign a checkpoint of the tenant’s audit log now (when it grew since the latest; else the latest is answered)',
    problems: [503],
  })
  async issue(@CurrentPrincipal() principal: Principal): Promise<Envelope<CheckpointDto>> {
    // Recorded first, so the checkpoint covers the request itself (and a tenant's log is never empty here).
    await this.auditTrail.record({ tenantId: principal.tenantId, action: 'audit_trail.checkpoint', resourceType: 'audit_trail' });
    const { checkpoint } = await this.log.issueCheckpoint(principal.tenantId);
    return envelope(CheckpointDto.from(checkpoint ?? (await this.log.checkpoint(principal.tenantId))));
  }

  @Get('events/:id/proof')
  @Authenticated({ scopes: ['audit:read'] })
  @ApiEnvelope(InclusionProofDto)
  @Operation({
    id: 'getAuditEventProof',
    summary: 'The inclusion proof (RFC 9162 PATH) of an audit event in a checkpoint of the tenant’s log (default: the latest)',
    problems: [400, 404],
  })
  async proof(
    @Param() params: AuditEventIdParams,
    @Query() query: InclusionProofQuery,
    @CurrentPrincipal() principal: Principal,
  ): Promise<Envelope<InclusionProofDto>> {
    return envelope(
      await this.read(principal, 'audit_trail.proof_read', { event_id: params.id, tree_size: query.tree_size ?? null }, (answerable) =>
        this.log.inclusionProof(principal.tenantId, params.id, query.tree_size, answerable).then(InclusionProofDto.from),
      ),
    );
  }

  @Get('consistency')
  @Authenticated({ scopes: ['audit:read'] })
  @ApiEnvelope(ConsistencyProofDto)
  @Operation({
    id: 'getAuditConsistencyProof',
    summary: 'The consistency proof (RFC 9162 PROOF) that the checkpoint of size second extends the tree of size first',
    problems: [400, 404],
  })
  async consistency(@Query() query: ConsistencyProofQuery, @CurrentPrincipal() principal: Principal): Promise<Envelope<ConsistencyProofDto>> {
    return envelope(
      await this.read(principal, 'audit_trail.proof_read', { first: query.first, second: query.second }, (answerable) =>
        this.log.consistencyProof(principal.tenantId, query.first, query.second, answerable).then(ConsistencyProofDto.from),
      ),
    );
  }

  /**
   * Answers the read and records it, with its outcome: a refused read is an auditor's action as well.
   * A proof calls `answerable` once nothing can refuse the request any more, and records the read while it
   * reads the tree's nodes, so that the two waits overlap instead of adding up (docs/BENCHMARKS.md). Should
   * the nodes then fail (a server fault: the tree lacks a node it holds), that failure is recorded too.
   * A record that fails is not made again as a failure: the request fails with an error either way.
   */
  private async read<T>(
    principal: Principal,
    action: string,
    details: Record<string, string | number | boolean | null>,
    work: (answerable: () => Promise<void>) => Promise<T>,
  ): Promise<T> {
    const entry = { tenantId: principal.tenantId, action, resourceType: 'audit_trail', details };
    let recording: Promise<void> | undefined;
    const answerable = () => (recording ??= this.auditTrail.record(entry));
    let answer: T;
    try {
      answer = await work(answerable);
    } catch (error) {
      const recordError = await recording?.then(
        () => undefined,
        (failed: unknown) => failed as Error,
      );
      // The work's own error is the answer; a record that failed beside it is logged, not lost.
      if (recordError && recordError !== error) this.logger.error(`the ${action} of ${principal.tenantId} was not recorded: ${recordError.message}`);
      if (!recordError) await this.auditTrail.record({ ...entry, outcome: 'failure' });
      throw error;
    }
    await answerable();
    return answer;
  }
}

/** The public keys that verify checkpoint signatures, as a JWKS. */
@ApiTags('audit-trail')
@Controller('.well-known/alert-ledger')
export class CheckpointKeysController {
  constructor(
    private readonly keys: CheckpointKeys,
    private readonly auditTrail: AuditTrailService,
  ) {}

  @Get('keys')
  @Authenticated({ scopes: ['audit:read'] })
  @ApiOkResponse({ type: CheckpointKeysDto, description: 'A JWKS of OKP/Ed25519 keys (not wrapped in the envelope), the active key first' })
  @Operation({ id: 'getCheckpointKeys', summary: 'The public keys that verify checkpoint signatures (JWKS, with their signed-note names)' })
  async list(@CurrentPrincipal() principal: Principal): Promise<CheckpointKeysDto> {
    await this.auditTrail.record({ tenantId: principal.tenantId, action: 'audit_trail.keys_read', resourceType: 'audit_trail' });
    return this.keys.jwks();
  }
}
