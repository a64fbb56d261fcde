-- CreateEnum
CREATE TYPE "threat_case_task_status" AS ENUM ('waiting', 'in_progress', 'completed', 'cancelled');

-- CreateEnum
CREATE TYPE "observable_type" AS ENUM ('ip', 'domain', 'hash', 'url', 'user', 'email', 'filename', 'other');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "threat_case_event_type" ADD VALUE 'TASK_CREATED';
ALTER TYPE "threat_case_event_type" ADD VALUE 'TASK_UPDATED';
ALTER TYPE "threat_case_event_type" ADD VALUE 'TASK_DELETED';
ALTER TYPE "threat_case_event_type" ADD VALUE 'OBSERVABLE_ADDED';
ALTER TYPE "threat_case_event_type" ADD VALUE 'OBSERVABLE_UPDATED';
ALTER TYPE "threat_case_event_type" ADD VALUE 'OBSERVABLE_DELETED';

-- CreateTable
CREATE TABLE "threat_case_tasks" (
    "id" VARCHAR(40) NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "case_id" VARCHAR(40) NOT NULL,
    "title" VARCHAR(500) NOT NULL,
    "description" TEXT,
    "status" "threat_case_task_status" NOT NULL DEFAULT 'waiting',
    "assignee" VARCHAR(200),
    "done_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" VARCHAR(200) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by" VARCHAR(200) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "threat_case_tasks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "threat_case_observables" (
    "id" VARCHAR(40) NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "case_id" VARCHAR(40) NOT NULL,
    "type" "observable_type" NOT NULL,
    "value" VARCHAR(2048) NOT NULL,
    "value_digest" CHAR(64) NOT NULL,
    "description" TEXT,
    "tags" VARCHAR(100)[] DEFAULT ARRAY[]::VARCHAR(100)[],
    "first_seen" TIMESTAMPTZ(3) NOT NULL,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" VARCHAR(200) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by" VARCHAR(200) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "threat_case_observables_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "threat_case_observable_alerts" (
    "observable_id" VARCHAR(40) NOT NULL,
    "alert_id" VARCHAR(40) NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "linked_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "threat_case_observable_alerts_pkey" PRIMARY KEY ("observable_id","alert_id")
);

-- CreateIndex
CREATE INDEX "threat_case_tasks_case_id_created_at_id_idx" ON "threat_case_tasks"("case_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "threat_case_observables_case_id_created_at_id_idx" ON "threat_case_observables"("case_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "threat_case_observables_tenant_value_idx" ON "threat_case_observables"("tenant_id", "value_digest", "type");

-- CreateIndex
CREATE UNIQUE INDEX "threat_case_observables_case_value_key" ON "threat_case_observables"("case_id", "type", "value_digest");

-- CreateIndex
CREATE INDEX "threat_case_observable_alerts_alert_id_idx" ON "threat_case_observable_alerts"("alert_id");

-- AddForeignKey
ALTER TABLE "threat_case_tasks" ADD CONSTRAINT "threat_case_tasks_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_tasks" ADD CONSTRAINT "threat_case_tasks_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "threat_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_observables" ADD CONSTRAINT "threat_case_observables_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_observables" ADD CONSTRAINT "threat_case_observables_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "threat_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_observable_alerts" ADD CONSTRAINT "threat_case_observable_alerts_observable_id_fkey" FOREIGN KEY ("observable_id") REFERENCES "threat_case_observables"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_observable_alerts" ADD CONSTRAINT "threat_case_observable_alerts_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_observable_alerts" ADD CONSTRAINT "threat_case_observable_alerts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
