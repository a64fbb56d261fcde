-- DropIndex
DROP INDEX "alerts_tenant_fingerprint_starts_key";

-- DropIndex
DROP INDEX "audit_events_tenant_id_seq_key";

-- AlterTable
ALTER TABLE "alert_timeline" DROP CONSTRAINT "alert_timeline_pkey",
ADD CONSTRAINT "alert_timeline_pkey" PRIMARY KEY ("alert_id", "id");

-- AlterTable
ALTER TABLE "audit_events" DROP CONSTRAINT "audit_events_pkey",
ADD CONSTRAINT "audit_events_pkey" PRIMARY KEY ("id", "at");

-- CreateTable
CREATE TABLE "alert_identities" (
    "tenant_id" VARCHAR(40) NOT NULL,
    "fingerprint" VARCHAR(100) NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "alert_id" VARCHAR(40) NOT NULL,

    CONSTRAINT "alert_identities_pkey" PRIMARY KEY ("tenant_id","fingerprint","starts_at")
);

-- CreateIndex
CREATE INDEX "alert_identities_alert_idx" ON "alert_identities"("alert_id");

-- CreateIndex
CREATE INDEX "alerts_tenant_fingerprint_starts_idx" ON "alerts"("tenant_id", "fingerprint", "starts_at");

-- CreateIndex
CREATE INDEX "audit_events_tenant_seq_idx" ON "audit_events"("tenant_id", "seq");


-- Written by hand (Prisma cannot express partitioned tables), appended by `npm run db:migration -- <name> --append prisma/sql/partitions.sql`.
-- alerts, alert_timeline and audit_events become partitioned tables, one partition per UTC month, plus a
-- default partition for a row outside every month made.
-- - alerts by id: an `alr_` id is a ULID, whose first ten characters are the creation time (the trigger
--   alert_keys_insert below holds every writer to it), so the months are id ranges, the primary key (id)
--   stays a primary key, and the foreign keys that reference alerts stay as they are.
-- - alert_timeline by alert_id, so an alert and its timeline lie in the same month and leave together.
-- - audit_events by `at`: nothing references an event, so its primary key can take `at` in, and (tenant_id,
--   seq), which can no longer be a unique key, is kept unique by the writers' lock and audit_events_seq_taken.
-- The schema engine's driver-adapter path splits a script at every semicolon, inside quotes too, so the
-- functions' semicolons are written as the escape \x3B of an E'' string.

-- The ten ULID characters of a time (milliseconds since 1970, Crockford's base 32), as publicId writes them.
CREATE FUNCTION ulid_time(at timestamptz) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
  E'SELECT string_agg(substr(''0123456789ABCDEFGHJKMNPQRSTVWXYZ'', ((floor(extract(epoch FROM at) * 1000)::bigint >> (5 * (9 - i))) & 31)::int + 1, 1), '''' ORDER BY i)
      FROM generate_series(0, 9) AS i';

-- The milliseconds since 1970 that ten ULID characters carry (the inverse of ulid_time).
CREATE FUNCTION ulid_ms(chars text) RETURNS bigint LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS
  E'SELECT sum((strpos(''0123456789ABCDEFGHJKMNPQRSTVWXYZ'', substr(chars, i, 1)) - 1)::bigint << (5 * (10 - i)))::bigint
      FROM generate_series(1, 10) AS i';

-- The partition of `tbl` (alerts, alert_timeline or audit_events) for the UTC month that holds `month`,
-- created when missing: alerts_2026_12 holds the ids from the month's first millisecond up to the next
-- month's, audit_events_2026_12 the events of that month. Answers its name. The months are reckoned in UTC
-- whatever the session's time zone. Creating one scans the default partition for rows that belong to it,
-- which is empty when the worker creates months ahead (libs/alerts/src/partitions).
CREATE FUNCTION partition_create(tbl text, month timestamptz) RETURNS text LANGUAGE plpgsql AS
  E'DECLARE
    starts timestamp := date_trunc(''month'', month AT TIME ZONE ''UTC'')\x3B
    ends timestamp := starts + interval ''1 month''\x3B
    part text := tbl || ''_'' || to_char(starts, ''YYYY_MM'')\x3B
  BEGIN
    IF to_regclass(part) IS NULL THEN
      IF tbl = ''audit_events'' THEN
        EXECUTE format(''CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)'', part, tbl, starts || ''+00'', ends || ''+00'')\x3B
        -- A statement trigger of the parent does not fire for a TRUNCATE of the partition itself.
        EXECUTE format(''CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()'', part)\x3B
      ELSE
        EXECUTE format(''CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)'', part, tbl,
                       ''alr_'' || ulid_time(starts AT TIME ZONE ''UTC'') || repeat(''0'', 16), ''alr_'' || ulid_time(ends AT TIME ZONE ''UTC'') || repeat(''0'', 16))\x3B
      END IF\x3B
    END IF\x3B
    RETURN part\x3B
  END';

-- Rebuilds `tbl` as a table partitioned by range of `key`, with the months of `months`, its rows, and
-- everything it had: indexes, constraints, triggers, and the foreign keys of other tables that reference
-- it, each read back from the catalogue so that none is forgotten. One statement, so all or nothing.
CREATE FUNCTION partition_table(tbl text, key text, months timestamptz[]) RETURNS void LANGUAGE plpgsql AS
  E'DECLARE
    ddl text[] := ARRAY[]::text[]\x3B
    r record\x3B
    month timestamptz\x3B
    statement text\x3B
  BEGIN
    FOR r IN SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
              WHERE i.indrelid = tbl::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) LOOP
      ddl := ddl || r.def\x3B
    END LOOP\x3B
    FOR r IN SELECT format(''ALTER TABLE %I ADD CONSTRAINT %I %s'', tbl, conname, pg_get_constraintdef(oid)) AS def FROM pg_constraint
              WHERE conrelid = tbl::regclass AND contype IN (''p'', ''u'', ''c'', ''f'') AND conparentid = 0 ORDER BY contype = ''f'', conname LOOP
      ddl := ddl || r.def\x3B
    END LOOP\x3B
    FOR r IN SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = tbl::regclass AND NOT tgisinternal ORDER BY tgname LOOP
      ddl := ddl || r.def\x3B
    END LOOP\x3B
    FOR r IN SELECT conrelid::regclass::text AS child, conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
              WHERE confrelid = tbl::regclass AND contype = ''f'' AND conrelid <> tbl::regclass AND conparentid = 0 ORDER BY conname LOOP
      ddl := ddl || format(''ALTER TABLE %s ADD CONSTRAINT %I %s'', r.child, r.conname, r.def)\x3B
      EXECUTE format(''ALTER TABLE %s DROP CONSTRAINT %I'', r.child, r.conname)\x3B
    END LOOP\x3B
    EXECUTE format(''ALTER TABLE %I RENAME TO %I'', tbl, tbl || ''_unpartitioned'')\x3B
    EXECUTE format(''CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE (%I)'', tbl, tbl || ''_unpartitioned'', key)\x3B
    EXECUTE format(''CREATE TABLE %I PARTITION OF %I DEFAULT'', tbl || ''_default'', tbl)\x3B
    FOREACH month IN ARRAY months LOOP
      PERFORM partition_create(tbl, month)\x3B
    END LOOP\x3B
    EXECUTE format(''INSERT INTO %I SELECT * FROM %I'', tbl, tbl || ''_unpartitioned'')\x3B
    EXECUTE format(''DROP TABLE %I'', tbl || ''_unpartitioned'')\x3B
    FOREACH statement IN ARRAY ddl LOOP
      EXECUTE statement\x3B
    END LOOP\x3B
  END';

-- The identities of the alerts stored so far (the unique key they had is gone, so they are unique already).
INSERT INTO alert_identities (tenant_id, fingerprint, starts_at, alert_id)
SELECT tenant_id, fingerprint, starts_at, id FROM alerts WHERE fingerprint IS NOT NULL;

-- The months: every month that holds an alert (or an event), and this one and the next three (the worker
-- keeps three ahead). They are read first: a table cannot be rebuilt by a statement that is still reading it.
DO E'DECLARE
  ahead timestamptz[]\x3B
  months timestamptz[]\x3B
BEGIN
  SELECT array_agg((date_trunc(''month'', now() AT TIME ZONE ''UTC'') + n * interval ''1 month'') AT TIME ZONE ''UTC'') INTO ahead FROM generate_series(0, 3) AS n\x3B
  SELECT ahead || array_agg(DISTINCT date_trunc(''month'', created_at, ''UTC'')) INTO months FROM alerts\x3B
  PERFORM partition_table(''alerts'', ''id'', months)\x3B
  PERFORM partition_table(''alert_timeline'', ''alert_id'', months)\x3B
  SELECT ahead || array_agg(DISTINCT date_trunc(''month'', at, ''UTC'')) INTO months FROM audit_events\x3B
  PERFORM partition_table(''audit_events'', ''at'', months)\x3B
  CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events_default FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()\x3B
END';

-- How much later than its created_at the time in a stored alert's id may be. Before this migration an id
-- made for a time earlier than the last id of the process carried that last time (a few milliseconds later
-- under load), from now on the trigger alert_keys_insert holds every new alert to 0. A filter up to a time
-- adds this to the id range it implies (createdBefore), so that no stored alert falls out of it. An
-- IMMUTABLE constant, so the planner folds it and still names the partitions to read.
DO E'DECLARE
  skew bigint\x3B
BEGIN
  SELECT COALESCE(max(ulid_ms(substr(id, 5, 10)) - floor(extract(epoch FROM created_at) * 1000)::bigint), 0) INTO skew FROM alerts\x3B
  EXECUTE format(''CREATE FUNCTION alert_id_skew() RETURNS interval LANGUAGE sql IMMUTABLE PARALLEL SAFE AS %L'',
                 format(''SELECT interval %L'', greatest(skew, 0) || '' milliseconds''))\x3B
END';

-- Fresh statistics of the new partitions (autovacuum analyses partitions, never a partitioned table).
ANALYZE alerts, alert_timeline, audit_events;

DROP FUNCTION partition_table(text, text, timestamptz[]);

-- Every writer of alerts makes the id from the creation time (publicId('alr', created_at)): the partitions
-- hold each month's alerts, and a filter on created_at can name the months it reads (an id range). A CHECK
-- constraint would say so, but the schema engine's describer cannot read one through the driver adapter,
-- so the triggers below check it (and a statement trigger checks a whole insert at once).
-- alert_identities follows alerts. An insert adds its identities, and fails as the unique key did when one
-- already names another alert (ingestion claims its identities first, so its alerts find their own), a
-- delete releases them, and TRUNCATE all of them. Neither an identity (the starts_at of an alert with a
-- fingerprint) nor an id and its time ever change: such an update is refused.
CREATE FUNCTION alert_keys_follow() RETURNS trigger LANGUAGE plpgsql AS
  E'DECLARE
    taken record\x3B
  BEGIN
    IF TG_OP = ''INSERT'' THEN
      SELECT id, created_at INTO taken FROM added WHERE substr(id, 5, 10) IS DISTINCT FROM ulid_time(created_at) LIMIT 1\x3B
      IF FOUND THEN
        RAISE check_violation USING CONSTRAINT = ''alerts_id_time_check'',
          MESSAGE = format(''alert id %s does not carry its creation time %s (publicId(''''alr'''', created_at) makes one that does)'', taken.id, taken.created_at)\x3B
      END IF\x3B
      INSERT INTO alert_identities (tenant_id, fingerprint, starts_at, alert_id)
      SELECT tenant_id, fingerprint, starts_at, id FROM added WHERE fingerprint IS NOT NULL ORDER BY 1, 2, 3
      ON CONFLICT DO NOTHING\x3B
      SELECT a.tenant_id, a.fingerprint, a.starts_at INTO taken FROM added a
        JOIN alert_identities i ON i.tenant_id = a.tenant_id AND i.fingerprint = a.fingerprint AND i.starts_at = a.starts_at
       WHERE i.alert_id <> a.id LIMIT 1\x3B
      IF FOUND THEN
        RAISE unique_violation USING CONSTRAINT = ''alerts_tenant_fingerprint_starts_key'',
          MESSAGE = ''duplicate key value violates unique constraint "alerts_tenant_fingerprint_starts_key"'',
          DETAIL = format(''Key (tenant_id, fingerprint, starts_at)=(%s, %s, %s) already exists.'', taken.tenant_id, taken.fingerprint, taken.starts_at)\x3B
      END IF\x3B
    ELSIF TG_OP = ''DELETE'' THEN
      DELETE FROM alert_identities i USING removed r
       WHERE i.tenant_id = r.tenant_id AND i.fingerprint = r.fingerprint AND i.starts_at = r.starts_at AND i.alert_id = r.id\x3B
    ELSIF TG_OP = ''UPDATE'' THEN
      RAISE EXCEPTION ''an alert''''s id, creation time, fingerprint and starts_at never change (alert %)'', OLD.id\x3B
    ELSE
      DELETE FROM alert_identities\x3B
    END IF\x3B
    RETURN NULL\x3B
  END';

CREATE TRIGGER alert_keys_insert AFTER INSERT ON alerts REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION alert_keys_follow();
CREATE TRIGGER alert_keys_delete AFTER DELETE ON alerts REFERENCING OLD TABLE AS removed
  FOR EACH STATEMENT EXECUTE FUNCTION alert_keys_follow();
CREATE TRIGGER alert_keys_truncate AFTER TRUNCATE ON alerts
  FOR EACH STATEMENT EXECUTE FUNCTION alert_keys_follow();
CREATE TRIGGER alert_keys_update BEFORE UPDATE OF id, tenant_id, created_at, fingerprint, starts_at ON alerts
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.tenant_id IS DISTINCT FROM NEW.tenant_id OR OLD.created_at IS DISTINCT FROM NEW.created_at
                     OR OLD.fingerprint IS DISTINCT FROM NEW.fingerprint
                     OR (OLD.fingerprint IS NOT NULL AND OLD.starts_at IS DISTINCT FROM NEW.starts_at))
  EXECUTE FUNCTION alert_keys_follow();

-- (tenant_id, seq) names one event. Every writer appends under its tenant's lock (audit-trail.writer.ts),
-- after the chain's last event: this refuses an insert whose seq is already taken, as the unique key did.
CREATE FUNCTION audit_events_seq_taken() RETURNS trigger LANGUAGE plpgsql AS
  E'DECLARE
    taken record\x3B
  BEGIN
    SELECT a.tenant_id, a.seq INTO taken FROM added a
      JOIN audit_events e ON e.tenant_id = a.tenant_id AND e.seq = a.seq AND e.id <> a.id LIMIT 1\x3B
    IF FOUND THEN
      RAISE unique_violation USING CONSTRAINT = ''audit_events_tenant_id_seq_key'',
        MESSAGE = ''duplicate key value violates unique constraint "audit_events_tenant_id_seq_key"'',
        DETAIL = format(''Key (tenant_id, seq)=(%s, %s) already exists.'', taken.tenant_id, taken.seq)\x3B
    END IF\x3B
    RETURN NULL\x3B
  END';

CREATE TRIGGER audit_events_seq_taken AFTER INSERT ON audit_events REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION audit_events_seq_taken();
