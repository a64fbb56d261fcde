-- CreateTable
CREATE TABLE "audit_tree_nodes" (
    "tenant_id" VARCHAR(40) NOT NULL,
    "level" SMALLINT NOT NULL,
    "idx" BIGINT NOT NULL,
    "hash" BYTEA NOT NULL,

    CONSTRAINT "audit_tree_nodes_pkey" PRIMARY KEY ("tenant_id","level","idx")
);

-- CreateTable
CREATE TABLE "audit_checkpoints" (
    "tenant_id" VARCHAR(40) NOT NULL,
    "tree_size" BIGINT NOT NULL,
    "root_hash" BYTEA NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL,
    "key_name" VARCHAR(200) NOT NULL,
    "key_id" CHAR(8) NOT NULL,
    "note" TEXT NOT NULL,

    CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("tenant_id","tree_size")
);

-- CreateIndex
CREATE INDEX "audit_checkpoints_tenant_id_issued_at_idx" ON "audit_checkpoints"("tenant_id", "issued_at");

-- AddForeignKey
ALTER TABLE "audit_tree_nodes" ADD CONSTRAINT "audit_tree_nodes_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "audit_checkpoints" ADD CONSTRAINT "audit_checkpoints_tenant_id_fkey" FOREIGN KEY ("tenant_id") REFERENCES "tenants"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Written by hand (Prisma cannot express triggers), appended by `npm run db:migration -- transparency_log --append prisma/sql/transparency_log_append_only.sql`.
-- The Merkle tree nodes and the signed checkpoints are append-only, as the audit events are.
CREATE FUNCTION transparency_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''% is append-only: % refused'', TG_TABLE_NAME, TG_OP USING ERRCODE = ''insufficient_privilege''\x3B END';

CREATE TRIGGER audit_tree_nodes_append_only
  BEFORE UPDATE OR DELETE ON "audit_tree_nodes"
  FOR EACH ROW EXECUTE FUNCTION transparency_log_refuse_change();

CREATE TRIGGER audit_tree_nodes_no_truncate
  BEFORE TRUNCATE ON "audit_tree_nodes"
  FOR EACH STATEMENT EXECUTE FUNCTION transparency_log_refuse_change();

CREATE TRIGGER audit_checkpoints_append_only
  BEFORE UPDATE OR DELETE ON "audit_checkpoints"
  FOR EACH ROW EXECUTE FUNCTION transparency_log_refuse_change();

CREATE TRIGGER audit_checkpoints_no_truncate
  BEFORE TRUNCATE ON "audit_checkpoints"
  FOR EACH STATEMENT EXECUTE FUNCTION transparency_log_refuse_change();
