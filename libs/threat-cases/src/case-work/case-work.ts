import { appendAuditEvents } from '@app/audit-trail';
import { etag, ifMatchAccepts, Principal, ProblemException, ProblemTypes, publicId } from '@app/common';
import { Prisma, ScopedPrismaClient, ThreatCase, ThreatCaseEventType } from '@app/database';

import { threatCaseNotFound } from '../errors/threat-case-errors';
import type { ScopedTx } from '../threat-case-alert-links';

/** What a change of a case's tasks or observables records: one case timeline event and one audit event. */
export interface CaseWorkRecord {
  event: { type: ThreatCaseEventType; message: string };
  audit: { action: string; details: Prisma.InputJsonObject };
}

/**
 * Runs a change of a case's tasks or observables in one transaction: locks the case row (changes to one
 * case run one after another, so its bounds hold), reads it through the tenant scope (404 for another
 * tenant's or a deleted case), applies the change (no record: nothing changed, nothing more is written), then writes its timeline event and audit event and
 * moves the case's updated_at and version on (its timeline changed).
 */
export async function changeCaseWork<T>(
  db: ScopedPrismaClient,
  caseId: string,
  principal: Principal,
  apply: (tx: ScopedTx, tc: ThreatCase, now: Date) => Promise<{ result: T; record: CaseWorkRecord | null }>,
): Promise<T> {
  return db.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT 1 FROM threat_cases WHERE id = ${caseId} FOR UPDATE`;
    const tc = await tx.threatCase.findFirst({ where: { id: caseId, deleted: false } });
    if (!tc) throw threatCaseNotFound(caseId);
    const now = new Date();
    const { result, record } = await apply(tx, tc, now);
    if (!record) return result;
    await tx.threatCase.updateMany({ where: { id: caseId }, data: { updatedAt: now, version: { increment: 1 } } });
    await tx.threatCaseEvent.create({
      data: { id: publicId('tce', now.getTime()), tenantId: tc.tenantId, caseId, userId: principal.subject, at: now, ...record.event },
    });
    // Last: the audit append takes the tenant's chain lock, held until the commit.
    await appendAuditEvents(
      tx,
      tc.tenantId,
      [{ tenantId: tc.tenantId, action: record.audit.action, resourceType: 'threat_case', resourceId: caseId, details: record.audit.details }],
      now,
    );
    return result;
  });
}

/** 404 unless the case is one the principal may see and not deleted (reads of its tasks and observables). */
export async function requireVisibleCase(db: ScopedPrismaClient, caseId: string): Promise<ThreatCase> {
  const tc = await db.threatCase.findFirst({ where: { id: caseId, deleted: false } });
  if (!tc) throw threatCaseNotFound(caseId);
  return tc;
}

/** 412 (with the current ETag) when a checked If-Match header names another version than `version`. */
export function requireVersion(ifMatch: string | undefined, version: number): void {
  if (!ifMatchAccepts(ifMatch, version)) {
    throw new ProblemException(ProblemTypes.preconditionFailed, { args: { expected: ifMatch as string, current: version }, headers: { ETag: etag(version) } });
  }
}

/** The JSON of a timeline message: quoted and cut to a readable length. */
export function quoted(text: string, max = 200): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}
