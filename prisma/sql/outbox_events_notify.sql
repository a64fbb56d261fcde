
-- Written by hand (Prisma cannot express triggers), appended by `npm run db:migration -- <name> --append prisma/sql/outbox_events_notify.sql`.
-- Every statement that writes outbox events notifies the relay. PostgreSQL delivers a NOTIFY only when
-- its transaction commits (and folds identical ones of a transaction into one), so the relay wakes after
-- the commit of a change and never for a change that rolled back, and its poll covers a lost notification.
-- The schema engine's driver-adapter path splits a script at every semicolon, inside quotes too, so the
-- function body's semicolons are written as the escape \x3B of an E'' string.
CREATE FUNCTION outbox_events_notify() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN PERFORM pg_notify(''alert_ledger_outbox'', '''')\x3B RETURN NULL\x3B END';

CREATE TRIGGER outbox_events_notify
  AFTER INSERT ON "outbox_events"
  FOR EACH STATEMENT EXECUTE FUNCTION outbox_events_notify();
