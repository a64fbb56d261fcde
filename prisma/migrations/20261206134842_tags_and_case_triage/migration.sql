-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "threat_case_event_type" ADD VALUE 'ASSIGNED';
ALTER TYPE "threat_case_event_type" ADD VALUE 'SEVERITY_CHANGED';
ALTER TYPE "threat_case_event_type" ADD VALUE 'TAGS_CHANGED';

-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "threat_cases" ADD COLUMN     "assignee" VARCHAR(200),
ADD COLUMN     "severity" "alert_severity" NOT NULL DEFAULT 'medium',
ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateIndex
CREATE INDEX "alerts_tags_idx" ON "alerts" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "threat_cases_tags_idx" ON "threat_cases" USING GIN ("tags");

-- CreateIndex
CREATE INDEX "threat_cases_tenant_severity_idx" ON "threat_cases"("tenant_id", "severity", "id");

-- CreateIndex
CREATE INDEX "threat_cases_tenant_assignee_idx" ON "threat_cases"("tenant_id", "assignee");

-- Written by hand (data, not schema), appended by
-- `npm run db:migration -- tags_and_case_triage --append prisma/sql/threat_case_severity_backfill.sql`.
-- A case opened before cases had a severity takes the highest severity of its linked alerts, as a new
-- case does when its creator names none (the enum's declared order is its rank): a case without alerts
-- keeps the column's default, medium.
UPDATE "threat_cases" c
   SET "severity" = s.severity
  FROM (SELECT l.case_id, max(a.severity) AS severity
          FROM "threat_case_alerts" l JOIN "alerts" a ON a.id = l.alert_id
         GROUP BY l.case_id) s
 WHERE s.case_id = c.id;
