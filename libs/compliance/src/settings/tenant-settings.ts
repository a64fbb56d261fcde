import type { AlertSeverity, ComplianceSettings } from '@app/database';

/** A tenant's compliance settings as the code reads them. */
export interface TenantSettings {
  retentionDays: number;
  /** Resolving or dismissing at or above this severity needs a note; null: never. */
  noteRequiredFrom: AlertSeverity | null;
  fourEyesClose: boolean;
}

/** A tenant without a settings row has these (docs/API-DECISIONS.md): 400 days is above PCI DSS 10.5.1's twelve months. */
export const DEFAULT_SETTINGS: Readonly<TenantSettings> = { retentionDays: 400, noteRequiredFrom: 'high', fourEyesClose: false };

/** The shortest retention a tenant may set: PCI DSS v4.0 10.5.1 keeps audit log history for at least 12 months. */
export const MIN_RETENTION_DAYS = 365;
export const MAX_RETENTION_DAYS = 3_650;

export function settingsOf(row: ComplianceSettings | null): TenantSettings {
  return row ? { retentionDays: row.retentionDays, noteRequiredFrom: row.noteRequiredFrom, fourEyesClose: row.fourEyesClose } : { ...DEFAULT_SETTINGS };
}

const RANK: Record<AlertSeverity, number> = { info: 0, low: 1, medium: 2, high: 3, critical: 4 };

/** Whether resolving or dismissing an alert of `severity` needs a note under these settings. */
export function noteRequired(settings: TenantSettings, severity: AlertSeverity): boolean {
  return settings.noteRequiredFrom !== null && RANK[severity] >= RANK[settings.noteRequiredFrom];
}
