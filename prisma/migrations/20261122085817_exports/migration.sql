-- CreateEnum
CREATE TYPE "export_resource" AS ENUM ('alerts', 'threat_cases', 'audit_trail');

-- CreateEnum
CREATE TYPE "export_format" AS ENUM ('pdf', 'xlsx', 'csv', 'ndjson');

-- CreateEnum
CREATE TYPE "export_scope" AS ENUM ('all', 'filtered', 'selected');

-- CreateEnum
CREATE TYPE "export_status" AS ENUM ('pending', 'processing', 'completed', 'failed', 'cancelled', 'expired');

-- CreateTable
CREATE TABLE "export_jobs" (
    "id" VARCHAR(40) NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "resource" "export_resource" NOT NULL,
    "format" "export_format" NOT NULL,
    "scope" "export_scope" NOT NULL,
    "ids" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "filters" JSONB NOT NULL DEFAULT '{}',
    "timezone" VARCHAR(64) NOT NULL,
    "locale" VARCHAR(8) NOT NULL,
    "title" VARCHAR(200),
    "include_images" BOOLEAN NOT NULL DEFAULT false,
    "status" "export_status" NOT NULL DEFAULT 'pending',
    "total_records" INTEGER NOT NULL,
    "processed" INTEGER NOT NULL DEFAULT 0,
    "error_message" TEXT,
    "requested_by" VARCHAR(200) NOT NULL,
    "requested_by_type" VARCHAR(20) NOT NULL,
    "request_id" VARCHAR(128),
    "as_of" TIMESTAMPTZ(3) NOT NULL,
    "file_name" VARCHAR(255),
    "storage_key" VARCHAR(500),
    "size_bytes" BIGINT,
    "sha256" CHAR(64),
    "manifest" JSONB,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),

    CONSTRAINT "export_jobs_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "export_jobs_tenant_id_requested_by_created_at_id_idx" ON "export_jobs"("tenant_id", "requested_by", "created_at", "id");

-- CreateIndex
CREATE INDEX "export_jobs_tenant_id_created_at_id_idx" ON "export_jobs"("tenant_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "export_jobs_status_expires_at_idx" ON "export_jobs"("status", "expires_at");

-- AddForeignKey
ALTER TABLE "export_jobs" ADD CONSTRAINT "export_jobs_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
