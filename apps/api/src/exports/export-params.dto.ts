import { Matches } from 'class-validator';

export class ExportJobIdParams {
  /** The export job id (`exp_…`). @example "exp_01JSZ0Q3M8X4N2B7C5D6E7F8G9" */
  @Matches(/^exp_[0-9A-Z]{26}$/, { message: 'job_id must be an export job id (exp_ followed by 26 characters)' })
  job_id: string;
}
