
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
