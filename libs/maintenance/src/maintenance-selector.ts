import { Prisma, SqlRun, tenantParam } from '@app/database';

/** What a window's selector is matched against: the alert as it is created. */
export interface SelectedAlert {
  source: string;
  labels: Record<string, unknown>;
  systemKey: string | null;
}

/** A window as matching needs it: its id and selector (the source, label pairs and system key it asks for; null or empty: any). */
export interface ActiveWindow {
  id: string;
  source: string | null;
  labels: Record<string, string>;
  systemKey: string | null;
}

/**
 * Whether an alert falls under a selector: the source is the window's (exactly), every label pair of the
 * window is among the alert's labels, and the system key is the window's. A selector part not given
 * matches anything, so an empty selector matches every alert.
 */
export function selectorMatches(window: Omit<ActiveWindow, 'id'>, alert: SelectedAlert): boolean {
  if (window.source !== null && window.source !== alert.source) return false;
  if (window.systemKey !== null && window.systemKey !== alert.systemKey) return false;
  return Object.entries(window.labels).every(([key, value]) => Object.prototype.hasOwnProperty.call(alert.labels, key) && alert.labels[key] === value);
}

/**
 * The window that suppresses an alert: the first of `windows` (the active ones, in starts_at then id
 * order, as activeWindows reads them) whose selector matches; null when none does.
 */
export function suppressingWindow(windows: readonly ActiveWindow[], alert: SelectedAlert): string | null {
  return windows.find((window) => selectorMatches(window, alert))?.id ?? null;
}

/**
 * The tenant's windows active at `at` (starts_at <= at < ends_at), the earliest started first, then by id:
 * one read of maintenance_windows_tenant_ends_idx per request or payload, whatever its number of alerts.
 */
export function activeWindowsSql(tenantId: string, at: Date): Prisma.Sql {
  return Prisma.sql`SELECT w.id, w.source, w.labels, w.system_key AS "systemKey" FROM maintenance_windows w
     WHERE w.tenant_id = ${tenantParam(tenantId)} AND w.ends_at > ${at} AND w.starts_at <= ${at}
     ORDER BY w.starts_at, w.id`;
}

/** The active windows through any runner of SQL (a plain pg transaction, or Prisma's `$queryRaw` of one). */
export async function activeWindows(run: SqlRun, tenantId: string, at: Date): Promise<ActiveWindow[]> {
  const rows = await run<ActiveWindow & { labels: unknown }>(activeWindowsSql(tenantId, at));
  return rows.map((row) => ({
    id: row.id,
    source: row.source ?? null,
    labels: (typeof row.labels === 'string' ? JSON.parse(row.labels) : (row.labels ?? {})) as Record<string, string>,
    systemKey: row.systemKey ?? null,
  }));
}
