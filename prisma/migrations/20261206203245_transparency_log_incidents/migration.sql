-- CreateTable
CREATE TABLE "audit_log_incidents" (
    "tenant_id" VARCHAR(40) NOT NULL,
    "tree_size" BIGINT NOT NULL,
    "reason" VARCHAR(40) NOT NULL,
    "detected_at" TIMESTAMPTZ(3) NOT NULL,
    "alert_id" VARCHAR(40),

    CONSTRAINT "audit_log_incidents_pkey" PRIMARY KEY ("tenant_id","tree_size","reason")
);

-- AddForeignKey
ALTER TABLE "audit_log_incidents" ADD CONSTRAINT "audit_log_incidents_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
