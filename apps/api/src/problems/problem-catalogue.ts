import { AlertProblems } from '@app/alerts';
import { AuditTrailProblems } from '@app/audit-trail';
import { AuthProblems } from '@app/auth';
import { ProblemType, ProblemTypes } from '@app/common';
import { ComplianceProblems } from '@app/compliance';
import { ExportProblems } from '@app/exports';
import { MaintenanceProblems } from '@app/maintenance';
import { CaseWorkProblems, ThreatCaseProblems } from '@app/threat-cases';
import { WebhookProblems } from '@app/webhooks';

/**
 * Every problem type the api can answer, assembled from the libraries that raise them: what /problems
 * serves and docs/ERRORS.md lists (`npm run docs:errors`), in code order.
 */
export const PROBLEM_CATALOGUE: readonly ProblemType[] = [
  ProblemTypes,
  AuthProblems,
  AlertProblems,
  ThreatCaseProblems,
  CaseWorkProblems,
  ExportProblems,
  AuditTrailProblems,
  ComplianceProblems,
  WebhookProblems,
  MaintenanceProblems,
]
  .flatMap((types) => Object.values(types) as ProblemType[])
  .sort((a, b) => a.code - b.code);

/** The slugs of the catalogue, for the /problems/{slug} parameter. */
export const PROBLEM_SLUGS = PROBLEM_CATALOGUE.map((type) => type.slug);

export function problemTypeBySlug(slug: string): ProblemType | undefined {
  return PROBLEM_CATALOGUE.find((type) => type.slug === slug);
}
