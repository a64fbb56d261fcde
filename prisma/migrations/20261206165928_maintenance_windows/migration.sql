-- AlterTable
ALTER TABLE "alerts" ADD COLUMN     "maintenance_window_id" VARCHAR(40);

-- CreateTable
CREATE TABLE "maintenance_windows" (
    "id" VARCHAR(40) NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "name" VARCHAR(200) NOT NULL,
    "description" VARCHAR(2000),
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "source" VARCHAR(200),
    "labels" JSONB NOT NULL DEFAULT '{}',
    "system_key" VARCHAR(200),
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "created_by" VARCHAR(200) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    "version" INTEGER NOT NULL DEFAULT 1,

    CONSTRAINT "maintenance_windows_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "maintenance_windows_tenant_ends_idx" ON "maintenance_windows"("tenant_id", "ends_at", "starts_at");

-- CreateIndex
CREATE INDEX "maintenance_windows_tenant_created_idx" ON "maintenance_windows"("tenant_id", "created_at", "id");

-- CreateIndex
CREATE INDEX "alerts_tenant_maintenance_window_idx" ON "alerts"("tenant_id", "maintenance_window_id");

-- AddForeignKey
ALTER TABLE "maintenance_windows" ADD CONSTRAINT "maintenance_windows_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
