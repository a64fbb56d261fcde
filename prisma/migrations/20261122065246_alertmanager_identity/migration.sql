-- DropIndex
DROP INDEX "alerts_tenant_fingerprint_idx";

-- CreateIndex
CREATE UNIQUE INDEX "alerts_tenant_fingerprint_starts_key" ON "alerts"("tenant_id", "fingerprint", "starts_at");
