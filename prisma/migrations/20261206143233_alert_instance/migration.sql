-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "instance" VARCHAR(200) NOT NULL DEFAULT '';

-- CreateIndex
CREATE INDEX "alerts_tenant_instance_idx" ON "alerts"("tenant_id", "instance", "id");
