// Loaded by part threads (runner/part-thread.ts): types only, nothing of Nest or Prisma.
import type { ExportColumn } from './record-source';

/** A threat case as the export reads it. */
export interface CaseRow {
  id: string;
  status: string;
  title: string | null;
  promptTheme: string;
  deviceId: string | null;
  associatedDeviceIds: string[];
  locationId: string | null;
  locationName: string | null;
  subLocationsHierarchyKey: string | null;
  alertIds: string[];
  /** Its tasks, those not completed or cancelled, and its observables. */
  taskCount: number;
  openTaskCount: number;
  observableCount: number;
  createdAt: Date;
  createdBy: string;
  updatedAt: Date;
  submittedAt: Date | null;
  version: number;
  controls: string[] | null;
  assignee: string | null;
  severity: string;
  tags: string[] | null;
}

/** The exported fields of a threat case, in file order. */
export const THREAT_CASE_EXPORT_COLUMNS: ExportColumn<CaseRow>[] = [
  { key: 'id', kind: 'id', width: 30, value: (c) => c.id },
  { key: 'created_at', kind: 'date', width: 20, value: (c) => c.createdAt },
  { key: 'status', kind: 'text', width: 16, value: (c) => c.status },
  { key: 'severity', kind: 'text', width: 13, value: (c) => c.severity },
  { key: 'assignee', kind: 'text', width: 16, value: (c) => c.assignee },
  { key: 'title', kind: 'text', width: 40, value: (c) => c.title },
  { key: 'prompt_theme', kind: 'text', width: 12, value: (c) => c.promptTheme },
  { key: 'device_id', kind: 'id', width: 24, value: (c) => c.deviceId },
  { key: 'associated_device_ids', kind: 'json', width: 30, value: (c) => c.associatedDeviceIds },
  { key: 'location_id', kind: 'id', width: 24, value: (c) => c.locationId },
  { key: 'location_name', kind: 'text', width: 24, value: (c) => c.locationName },
  { key: 'sub_locations_hierarchy_key', kind: 'id', width: 30, value: (c) => c.subLocationsHierarchyKey },
  { key: 'alert_ids', kind: 'json', width: 40, value: (c) => c.alertIds },
  { key: 'alert_count', kind: 'number', width: 8, value: (c) => c.alertIds.length },
  { key: 'task_count', kind: 'number', width: 8, value: (c) => c.taskCount },
  { key: 'open_task_count', kind: 'number', width: 8, value: (c) => c.openTaskCount },
  { key: 'observable_count', kind: 'number', width: 8, value: (c) => c.observableCount },
  { key: 'created_by', kind: 'text', width: 16, value: (c) => c.createdBy },
  { key: 'updated_at', kind: 'date', width: 20, value: (c) => c.updatedAt },
  { key: 'submitted_at', kind: 'date', width: 20, value: (c) => c.submittedAt },
  { key: 'version', kind: 'number', width: 8, value: (c) => c.version },
  { key: 'controls', kind: 'json', width: 30, value: (c) => c.controls ?? [] },
  { key: 'tags', kind: 'json', width: 30, value: (c) => c.tags ?? [] },
];
