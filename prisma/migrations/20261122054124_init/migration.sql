-- CreateExtension
CREATE EXTENSION IF NOT EXISTS "pg_trgm";

-- CreateEnum
CREATE TYPE "alert_severity" AS ENUM ('info', 'low', 'medium', 'high', 'critical');

-- CreateEnum
CREATE TYPE "alert_status" AS ENUM ('open', 'acknowledged', 'escalated', 'resolved', 'dismissed');

-- CreateEnum
CREATE TYPE "alertable_type" AS ENUM ('event', 'manual', 'system', 'scheduled', 'external');

-- CreateEnum
CREATE TYPE "follow_up_status" AS ENUM ('not_followed_up', 'followed_up');

-- CreateTable
CREATE TABLE "tenants" (
    "id" VARCHAR(40) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "slug" VARCHAR(64) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "tenants_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" VARCHAR(40) NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "type" VARCHAR(100) NOT NULL,
    "source" VARCHAR(200) NOT NULL,
    "title" VARCHAR(500) NOT NULL,
    "message" TEXT,
    "severity" "alert_severity" NOT NULL,
    "status" "alert_status" NOT NULL DEFAULT 'open',
    "assignee" VARCHAR(200),
    "alertable_type" "alertable_type" NOT NULL,
    "alertable_id" VARCHAR(200),
    "alert_rule_id" VARCHAR(100),
    "alert_rule_name" VARCHAR(200),
    "system_key" VARCHAR(200),
    "alertname" VARCHAR(200),
    "fingerprint" VARCHAR(100),
    "stream_id" VARCHAR(200),
    "site_id" VARCHAR(200),
    "labels" JSONB NOT NULL DEFAULT '{}',
    "annotations" JSONB NOT NULL DEFAULT '{}',
    "receiver" VARCHAR(200),
    "follow_up_status" "follow_up_status" NOT NULL DEFAULT 'not_followed_up',
    "follow_up_notes" TEXT,
    "starts_at" TIMESTAMPTZ(3),
    "ends_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "acknowledged_at" TIMESTAMPTZ(3),
    "acknowledged_by" VARCHAR(200),
    "escalated_at" TIMESTAMPTZ(3),
    "escalated_by" VARCHAR(200),
    "resolved_at" TIMESTAMPTZ(3),
    "resolved_by" VARCHAR(200),
    "dismissed_at" TIMESTAMPTZ(3),
    "dismissed_by" VARCHAR(200),
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "tenants_slug_key" ON "tenants"("slug");

-- CreateIndex
CREATE INDEX "alerts_tenant_created_idx" ON "alerts"("tenant_id", "created_at" DESC, "id" DESC);

-- CreateIndex
CREATE INDEX "alerts_tenant_updated_idx" ON "alerts"("tenant_id", "updated_at", "id");

-- CreateIndex
CREATE INDEX "alerts_tenant_severity_created_idx" ON "alerts"("tenant_id", "severity", "created_at", "id");

-- CreateIndex
CREATE INDEX "alerts_tenant_status_created_idx" ON "alerts"("tenant_id", "status", "created_at", "id");

-- CreateIndex
CREATE INDEX "alerts_tenant_starts_idx" ON "alerts"("tenant_id", "starts_at", "id");

-- CreateIndex
CREATE INDEX "alerts_tenant_ends_idx" ON "alerts"("tenant_id", "ends_at", "id");

-- CreateIndex
CREATE INDEX "alerts_tenant_title_idx" ON "alerts"("tenant_id", "title", "id");

-- CreateIndex
CREATE INDEX "alerts_tenant_type_idx" ON "alerts"("tenant_id", "type", "created_at");

-- CreateIndex
CREATE INDEX "alerts_tenant_alertable_idx" ON "alerts"("tenant_id", "alertable_type", "alertable_id");

-- CreateIndex
CREATE INDEX "alerts_tenant_rule_idx" ON "alerts"("tenant_id", "alert_rule_id", "created_at");

-- CreateIndex
CREATE INDEX "alerts_tenant_system_idx" ON "alerts"("tenant_id", "system_key", "created_at");

-- CreateIndex
CREATE INDEX "alerts_tenant_fingerprint_idx" ON "alerts"("tenant_id", "fingerprint", "starts_at");

-- CreateIndex
CREATE INDEX "alerts_tenant_assignee_idx" ON "alerts"("tenant_id", "assignee");

-- CreateIndex
CREATE INDEX "alerts_tenant_stream_idx" ON "alerts"("tenant_id", "stream_id");

-- CreateIndex
CREATE INDEX "alerts_tenant_site_idx" ON "alerts"("tenant_id", "site_id");

-- CreateIndex
CREATE INDEX "alerts_labels_idx" ON "alerts" USING GIN ("labels" jsonb_path_ops);

-- CreateIndex
CREATE INDEX "alerts_text_trgm_idx" ON "alerts" USING GIN ("title" gin_trgm_ops, "message" gin_trgm_ops, "source" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "alerts_source_trgm_idx" ON "alerts" USING GIN ("source" gin_trgm_ops);

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
