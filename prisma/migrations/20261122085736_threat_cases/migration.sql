-- CreateEnum
CREATE TYPE "threat_case_status" AS ENUM ('INITIATED', 'REQUESTED', 'FOLLOW_ON', 'ESCALATED', 'PSAP_CONTACTED', 'VERIFIED', 'DISMISSED', 'CANCELLED', 'UNVERIFIABLE', 'TIMEOUT', 'ERROR', 'CLOSED');

-- CreateEnum
CREATE TYPE "threat_case_event_type" AS ENUM ('CREATED', 'STATUS_CHANGED', 'NOTE', 'VERIFICATION', 'ALERT', 'ALERT_UNLINKED', 'DELETED');

-- CreateTable
CREATE TABLE "threat_cases" (
    "id" VARCHAR(40) NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "status" "threat_case_status" NOT NULL DEFAULT 'INITIATED',
    "title" VARCHAR(500),
    "prompt_theme" VARCHAR(50) NOT NULL DEFAULT 'THREAT',
    "device_id" VARCHAR(200),
    "associated_device_ids" VARCHAR(200)[] DEFAULT ARRAY[]::VARCHAR(200)[],
    "location_id" VARCHAR(200),
    "location_name" VARCHAR(200),
    "sub_locations_hierarchy_key" VARCHAR(1000),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "created_by" VARCHAR(200) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "submitted_at" TIMESTAMPTZ(3),
    "version" INTEGER NOT NULL DEFAULT 1,
    "deleted" BOOLEAN NOT NULL DEFAULT false,
    "deleted_at" TIMESTAMPTZ(3),
    "deleted_by" VARCHAR(200),

    CONSTRAINT "threat_cases_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "threat_case_alerts" (
    "case_id" VARCHAR(40) NOT NULL,
    "alert_id" VARCHAR(40) NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "linked_at" TIMESTAMPTZ(3) NOT NULL,
    "linked_by" VARCHAR(200) NOT NULL,

    CONSTRAINT "threat_case_alerts_pkey" PRIMARY KEY ("case_id","alert_id")
);

-- CreateTable
CREATE TABLE "threat_case_events" (
    "id" VARCHAR(40) NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "case_id" VARCHAR(40) NOT NULL,
    "type" "threat_case_event_type" NOT NULL,
    "message" TEXT,
    "alert_id" VARCHAR(40),
    "user_id" VARCHAR(200) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "from_status" "threat_case_status",
    "to_status" "threat_case_status",

    CONSTRAINT "threat_case_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "threat_case_verifications" (
    "id" VARCHAR(40) NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "case_id" VARCHAR(40) NOT NULL,
    "alert_id" VARCHAR(40),
    "clip_verification_id" VARCHAR(200),
    "stream_verification_id" VARCHAR(200),
    "initiated_as_clip" BOOLEAN NOT NULL DEFAULT false,
    "sent_as_clip" BOOLEAN NOT NULL DEFAULT false,
    "sent_as_clip_at" TIMESTAMPTZ(3),
    "failed_as_clip" BOOLEAN NOT NULL DEFAULT false,
    "sent_as_windowed_stream" BOOLEAN NOT NULL DEFAULT false,
    "sent_as_windowed_stream_at" TIMESTAMPTZ(3),
    "failed_as_stream" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" VARCHAR(200) NOT NULL,

    CONSTRAINT "threat_case_verifications_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "threat_case_siren_settings" (
    "case_id" VARCHAR(40) NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "clip_id" VARCHAR(200),
    "duration_seconds" INTEGER,
    "play_count" INTEGER,

    CONSTRAINT "threat_case_siren_settings_pkey" PRIMARY KEY ("case_id")
);

-- CreateIndex
CREATE INDEX "threat_cases_tenant_created_idx" ON "threat_cases"("tenant_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "threat_cases_tenant_updated_idx" ON "threat_cases"("tenant_id", "updated_at", "id");

-- CreateIndex
CREATE INDEX "threat_cases_tenant_status_idx" ON "threat_cases"("tenant_id", "status", "created_at");

-- CreateIndex
CREATE INDEX "threat_cases_tenant_device_idx" ON "threat_cases"("tenant_id", "device_id", "created_at");

-- CreateIndex
CREATE INDEX "threat_cases_tenant_location_idx" ON "threat_cases"("tenant_id", "location_id", "created_at");

-- CreateIndex
CREATE INDEX "threat_case_alerts_alert_id_idx" ON "threat_case_alerts"("alert_id");

-- CreateIndex
CREATE INDEX "threat_case_events_case_id_at_id_idx" ON "threat_case_events"("case_id", "at", "id");

-- CreateIndex
CREATE INDEX "threat_case_verifications_case_id_created_at_id_idx" ON "threat_case_verifications"("case_id", "created_at", "id");

-- AddForeignKey
ALTER TABLE "threat_cases" ADD CONSTRAINT "threat_cases_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_alerts" ADD CONSTRAINT "threat_case_alerts_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "threat_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_alerts" ADD CONSTRAINT "threat_case_alerts_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_alerts" ADD CONSTRAINT "threat_case_alerts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_events" ADD CONSTRAINT "threat_case_events_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_events" ADD CONSTRAINT "threat_case_events_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "threat_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_verifications" ADD CONSTRAINT "threat_case_verifications_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_verifications" ADD CONSTRAINT "threat_case_verifications_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "threat_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_siren_settings" ADD CONSTRAINT "threat_case_siren_settings_case_id_fkey" FOREIGN KEY ("case_id") REFERENCES "threat_cases"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "threat_case_siren_settings" ADD CONSTRAINT "threat_case_siren_settings_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
