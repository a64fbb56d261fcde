import { Injectable } from '@nestjs/common';

import { appendAuditEvent } from '@app/audit-trail';
import { Page, Paginator, Principal, ProblemException, ProblemTypes, publicId } from '@app/common';
import { InjectScopedPrisma, keysetReads, LegalHold, Prisma, ScopedPrismaClient } from '@app/database';

import { retentionLock } from '../retention/retention-lock';
import { CreateLegalHoldDto, ListLegalHoldsQueryDto, ReleaseLegalHoldDto } from './dto/legal-hold.dto';
import { ComplianceProblems } from '../errors/compliance-problems';

function holdNotFound(id: string): ProblemException {
  return new ProblemException(ProblemTypes.resourceNotFound, { args: { resource: 'legal hold', id } });
}

/**
 * Legal holds: placed on the whole tenant or on one threat case, released with a note, never deleted.
 * Placing and releasing take the tenant's retention lock, so a purge batch never straddles them.
 */
@Injectable()
export class LegalHoldsService {
  constructor(
    @InjectScopedPrisma() private readonly db: ScopedPrismaClient,
    private readonly paginator: Paginator,
  ) {}

  list(query: ListLegalHoldsQueryDto, principal: Principal): Promise<Page<LegalHold>> {
    const where: Prisma.LegalHoldWhereInput = {
      ...(query.active !== undefined ? { releasedAt: query.active ? null : { not: null } } : {}),
      ...(query.scope ? { scope: query.scope } : {}),
      ...(query.threat_case_id ? { threatCaseId: query.threat_case_id } : {}),
    };
    return this.paginator.paginate<LegalHold>(query, {
      sortBy: 'placed_at',
      scope: { resource: 'legal-holds', tenant: principal.isAdmin ? '*' : principal.tenantId, where },
      sortValue: (hold) => hold.placedAt,
      id: (hold) => hold.id,
      ...keysetReads<LegalHold>(this.db.legalHold, where, 'placedAt'),
    });
  }

  async get(id: string): Promise<LegalHold> {
    const hold = await this.db.legalHold.findFirst({ where: { id } });
    if (!hold) throw holdNotFound(id);
    return hold;
  }

  place(dto: CreateLegalHoldDto, principal: Principal): Promise<LegalHold> {
    const tenantId = principal.tenantId;
    if (dto.scope === 'tenant' && dto.threat_case_id !== undefined) {
      throw new ProblemException(ProblemTypes.validationError, {
        errors: [
          {
            field: 'threat_case_id',
            pointer: '/body/threat_case_id',
            code: 'invalid',
            description: 'a tenant hold covers the whole tenant: threat_case_id is only taken with scope threat_case',
          },
        ],
      });
    }
    return this.db.$transaction(async (tx) => {
      await tx.$executeRaw(retentionLock(tenantId));
      if (dto.scope === 'threat_case') {
        const held = await tx.threatCase.findFirst({ where: { id: dto.threat_case_id, tenantId, deleted: false }, select: { id: true } });
        if (!held)
          throw new ProblemException(ComplianceProblems.legalHoldUnknownThreatCase, {
            args: { threat_case_id: dto.threat_case_id as string },
            extensions: { threat_case_id: dto.threat_case_id },
          });
      }
      const now = new Date();
      const hold = await tx.legalHold.create({
        data: {
          id: publicId('lh', now.getTime()),
          tenantId,
          scope: dto.scope,
          threatCaseId: dto.scope === 'threat_case' ? (dto.threat_case_id as string) : null,
          reason: dto.reason,
          reference: dto.reference ?? null,
          placedAt: now,
          placedBy: principal.subject,
        },
      });
      await appendAuditEvent(
        tx,
        {
          tenantId,
          action: 'legal_hold.place',
          resourceType: 'legal_hold',
          resourceId: hold.id,
          details: { scope: hold.scope, threat_case_id: hold.threatCaseId, reason: hold.reason, reference: hold.reference },
        },
        now,
      );
      return hold;
    });
  }

  /** Ends a hold (409 if it already ended); the hold stays on record with who released it, when and why. */
  release(id: string, dto: ReleaseLegalHoldDto, principal: Principal): Promise<LegalHold> {
    return this.db.$transaction(async (tx) => {
      const found = await tx.legalHold.findFirst({ where: { id } });
      if (!found) throw holdNotFound(id);
      await tx.$executeRaw(retentionLock(found.tenantId));
      const hold = await tx.legalHold.findFirstOrThrow({ where: { id } });
      if (hold.releasedAt) {
        throw new ProblemException(ComplianceProblems.legalHoldReleased, {
          args: { id, released_at: hold.releasedAt.toISOString() },
          extensions: { released_at: hold.releasedAt.toISOString(), released_by: hold.releasedBy },
        });
      }
      const now = new Date();
      const released = await tx.legalHold.update({ where: { id }, data: { releasedAt: now, releasedBy: principal.subject, releaseNote: dto.note } });
      await appendAuditEvent(
        tx,
        {
          tenantId: hold.tenantId,
          action: 'legal_hold.release',
          resourceType: 'legal_hold',
          resourceId: id,
          details: { scope: hold.scope, threat_case_id: hold.threatCaseId, placed_at: hold.placedAt.toISOString(), placed_by: hold.placedBy, note: dto.note },
        },
        now,
      );
      return released;
    });
  }
}
