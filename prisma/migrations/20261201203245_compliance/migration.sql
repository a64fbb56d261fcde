-- CreateEnum
CREATE TYPE "legal_hold_scope" AS ENUM ('tenant', 'threat_case');

-- AlterEnum
ALTER TYPE "export_format" ADD VALUE 'evidence_pack';

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "threat_case_event_type" ADD VALUE 'CLOSE_REQUESTED';
ALTER TYPE "threat_case_event_type" ADD VALUE 'CLOSE_APPROVED';
ALTER TYPE "threat_case_event_type" ADD VALUE 'CLOSE_REJECTED';
ALTER TYPE "threat_case_event_type" ADD VALUE 'CLOSE_WITHDRAWN';

-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "controls" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "threat_cases" ADD COLUMN     "close_request_note" TEXT,
ADD COLUMN     "close_requested_at" TIMESTAMPTZ(3),
ADD COLUMN     "close_requested_by" VARCHAR(200),
ADD COLUMN     "controls" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "compliance_settings" (
    "tenant_id" VARCHAR(40) NOT NULL,
    "retention_days" INTEGER NOT NULL DEFAULT 400,
    "note_required_from" "alert_severity" DEFAULT 'high',
    "four_eyes_close" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_by" VARCHAR(200) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "compliance_settings_pkey" PRIMARY KEY ("tenant_id")
);

-- CreateTable
CREATE TABLE "control_rules" (
    "id" VARCHAR(40) NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "description" TEXT,
    "controls" TEXT[],
    "match_types" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "match_source" VARCHAR(200),
    "match_labels" JSONB NOT NULL DEFAULT '{}',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" VARCHAR(200) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "control_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "legal_holds" (
    "id" VARCHAR(40) NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "scope" "legal_hold_scope" NOT NULL,
    "threat_case_id" VARCHAR(40),
    "reason" VARCHAR(2000) NOT NULL,
    "reference" VARCHAR(200),
    "placed_at" TIMESTAMPTZ(3) NOT NULL,
    "placed_by" VARCHAR(200) NOT NULL,
    "released_at" TIMESTAMPTZ(3),
    "released_by" VARCHAR(200),
    "release_note" TEXT,

    CONSTRAINT "legal_holds_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "control_rules_tenant_id_created_at_id_idx" ON "control_rules"("tenant_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "legal_holds_tenant_id_placed_at_id_idx" ON "legal_holds"("tenant_id", "placed_at", "id");

-- CreateIndex
CREATE INDEX "legal_holds_threat_case_id_released_at_idx" ON "legal_holds"("threat_case_id", "released_at");

-- CreateIndex
CREATE INDEX "alerts_controls_idx" ON "alerts" USING GIN ("controls");

-- CreateIndex
CREATE INDEX "threat_cases_controls_idx" ON "threat_cases" USING GIN ("controls");

-- AddForeignKey
ALTER TABLE "compliance_settings" ADD CONSTRAINT "compliance_settings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "control_rules" ADD CONSTRAINT "control_rules_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "legal_holds" ADD CONSTRAINT "legal_holds_threat_case_id_fkey" FOREIGN KEY ("threat_case_id") REFERENCES "threat_cases"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
