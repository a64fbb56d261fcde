import { AuditEntry } from '@app/audit-trail';
import { currentPrincipal } from '@app/common';

/** A day of retention: exactly 24 hours, whatever the zone. */
const DAY_MS = 86_400_000;

const SYSTEM = { id: 'retention-purge', type: 'system' } as const;

/** The instant before which a tenant's closed alerts and finished exports, by their last change, have expired. */
export function retentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(now.getTime() - retentionDays * DAY_MS);
}

/** Who a retention.purge event names: the principal that asked for the purge, or the system (the daily job). */
export function purgeActor(): AuditEntry['actor'] {
  return currentPrincipal() ? undefined : SYSTEM;
}
