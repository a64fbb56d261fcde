import { Prisma } from '@app/database';

function refresh(cases: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`
    UPDATE threat_cases c SET controls = COALESCE((
        SELECT array_agg(DISTINCT x COLLATE "C" ORDER BY x COLLATE "C")
          FROM threat_case_alerts l JOIN alerts a ON a.id = l.alert_id CROSS JOIN LATERAL unnest(a.controls) AS x
         WHERE l.case_id = c.id), '{}')
     WHERE ${cases}`;
}

/**
 * A threat case's controls are the union of its linked alerts' controls. Every change of a link or of
 * an alert's controls runs one of these in its own transaction, so the stored column (GIN-indexed for
 * the `control` filter) never disagrees with the alerts. It is derived data: the case's version stays.
 */
export function refreshCaseControlsSql(caseIds: string[]): Prisma.Sql {
  return refresh(Prisma.sql`c.id = ANY(${caseIds})`);
}

/**
 * A case's controls after linking these alerts: its own and theirs, merged. Linking only adds, so this
 * reads the new alerts alone, not every alert the case holds (up to 1,000).
 */
export function addAlertControlsToCaseSql(caseId: string, alertIds: string[]): Prisma.Sql {
  return Prisma.sql`
    UPDATE threat_cases c SET controls = COALESCE((
        SELECT array_agg(DISTINCT x COLLATE "C" ORDER BY x COLLATE "C")
          FROM (SELECT unnest(c.controls) AS x UNION ALL SELECT unnest(a.controls) FROM alerts a WHERE a.id = ANY(${alertIds})) merged), '{}')
     WHERE c.id = ${caseId}`;
}

/** The same for every case linked to one of these alerts. */
export function refreshCaseControlsOfAlertsSql(alertIds: string[]): Prisma.Sql {
  return refresh(Prisma.sql`c.id IN (SELECT l.case_id FROM threat_case_alerts l WHERE l.alert_id = ANY(${alertIds}))`);
}
