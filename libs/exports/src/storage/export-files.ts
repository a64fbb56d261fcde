import type { ExportJob } from '@app/database';

import { FILE_TYPES } from '../dto/export-enums';

/** The storage key of a job's file: tenant folder, job id and format. */
export function storageKey(job: Pick<ExportJob, 'tenantId' | 'id' | 'format'>): string {
  return `${job.tenantId}/${job.id}.${FILE_TYPES[job.format].extension}`;
}

/** `alerts-20250430-exp_01….csv`: ASCII only, so every browser and shell takes it as it is. */
export function fileName(job: Pick<ExportJob, 'resource' | 'createdAt' | 'id' | 'format'>): string {
  return `${job.resource.replace(/_/g, '-')}-${job.createdAt.toISOString().slice(0, 10).replace(/-/g, '')}-${job.id}.${FILE_TYPES[job.format].extension}`;
}
