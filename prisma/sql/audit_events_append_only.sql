
-- Written by hand (Prisma cannot express triggers), appended by `npm run db:migration -- <name> --append prisma/sql/audit_events_append_only.sql`.
-- The audit trail is append-only: the database itself refuses to change or remove an event.
-- The schema engine's driver-adapter path splits a script at every semicolon, inside quotes too, so
-- the one semicolon the function body needs is written as the escape \x3B of an E'' string.
CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN RAISE EXCEPTION ''audit_events is append-only: % refused'', TG_OP USING ERRCODE = ''insufficient_privilege''\x3B END';

CREATE TRIGGER audit_events_append_only
  BEFORE UPDATE OR DELETE ON "audit_events"
  FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();

CREATE TRIGGER audit_events_no_truncate
  BEFORE TRUNCATE ON "audit_events"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();
