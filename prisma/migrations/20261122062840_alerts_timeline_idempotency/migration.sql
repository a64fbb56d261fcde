-- DropIndex
DROP INDEX "alerts_source_trgm_idx";

-- DropIndex
DROP INDEX "alerts_text_trgm_idx";

-- AlterTable
ALTER TABLE "alerts" ALTER COLUMN "starts_at" SET NOT NULL,
ALTER COLUMN "starts_at" SET DEFAULT CURRENT_TIMESTAMP;

-- CreateTable
CREATE TABLE "alert_timeline" (
    "id" VARCHAR(40) NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "alert_id" VARCHAR(40) NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "actor" VARCHAR(200) NOT NULL,
    "action" VARCHAR(50) NOT NULL,
    "from_status" VARCHAR(20),
    "to_status" VARCHAR(20),
    "note" TEXT,
    "details" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "alert_timeline_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "idempotency_keys" (
    "tenant_id" VARCHAR(40) NOT NULL,
    "key" VARCHAR(200) NOT NULL,
    "request_hash" CHAR(64) NOT NULL,
    "resource_id" VARCHAR(40) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("tenant_id","key")
);

-- CreateIndex
CREATE INDEX "alert_timeline_alert_id_at_id_idx" ON "alert_timeline"("alert_id", "at", "id");

-- CreateIndex
CREATE INDEX "alert_timeline_tenant_id_at_idx" ON "alert_timeline"("tenant_id", "at");

-- CreateIndex
CREATE INDEX "alerts_text_trgm_idx" ON "alerts" USING GIN ("title" gin_trgm_ops, "message" gin_trgm_ops, "source" gin_trgm_ops, "alertable_id" gin_trgm_ops, "alert_rule_name" gin_trgm_ops);

-- AddForeignKey
ALTER TABLE "alert_timeline" ADD CONSTRAINT "alert_timeline_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "alert_timeline" ADD CONSTRAINT "alert_timeline_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
