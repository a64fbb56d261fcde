/** TheHive's task statuses (Waiting, InProgress, Completed, Cancel) in our snake_case. */
export const TASK_STATUSES = ['waiting', 'in_progress', 'completed', 'cancelled'] as const;
export type TaskStatusName = (typeof TASK_STATUSES)[number];

export const OBSERVABLE_TYPES = ['ip', 'domain', 'hash', 'url', 'user', 'email', 'filename', 'other'] as const;
export type ObservableTypeName = (typeof OBSERVABLE_TYPES)[number];

/** Most tasks one case holds (409 threat-case-task-limit beyond). */
export const MAX_CASE_TASKS = 1_000;
/** Most observables one case holds (409 threat-case-observable-limit beyond). */
export const MAX_CASE_OBSERVABLES = 1_000;
/** Most alerts one observable is linked to (409 threat-case-observable-alert-limit beyond); also the most one request names. */
export const MAX_OBSERVABLE_ALERTS = 100;
/** Most tags of one observable, and their longest. */
export const MAX_OBSERVABLE_TAGS = 20;
export const OBSERVABLE_TAG_MAX_LENGTH = 100;
export const OBSERVABLE_VALUE_MAX_LENGTH = 2_048;
export const TASK_TITLE_MAX_LENGTH = 500;
export const CASE_WORK_DESCRIPTION_MAX_LENGTH = 10_000;

export const TASK_ID = /^tct_[0-9A-Z]{26}$/;
export const OBSERVABLE_ID = /^tco_[0-9A-Z]{26}$/;

export const CASE_WORK_SORT_FIELDS = ['created_at', 'updated_at'] as const;
export type CaseWorkSortField = (typeof CASE_WORK_SORT_FIELDS)[number];
