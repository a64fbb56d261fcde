-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "duplicate_count" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "last_received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
ADD COLUMN     "shelved_by" VARCHAR(200),
ADD COLUMN     "shelved_until" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "alerts_tenant_duplicates_idx" ON "alerts"("tenant_id", "duplicate_count", "id");

-- CreateIndex
CREATE INDEX "alerts_tenant_last_received_idx" ON "alerts"("tenant_id", "last_received_at", "id");

-- CreateIndex
CREATE INDEX "alerts_shelved_until_idx" ON "alerts"("shelved_until");

-- Written by hand (data, not schema), appended by
-- `npm run db:migration -- alert_duplicates_shelve --append prisma/sql/alert_last_received_backfill.sql`.
-- An alert stored before repeats were counted was last received when it was created (the column's
-- default, now(), is only right for the alerts written from now on).
UPDATE "alerts" SET "last_received_at" = "created_at";
