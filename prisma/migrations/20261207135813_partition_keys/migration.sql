-- DropForeignKey
ALTER TABLE "alert_timeline" DROP CONSTRAINT "alert_timeline_alert_id_fkey";

-- DropIndex
DROP INDEX "alerts_tenant_fingerprint_starts_idx";


-- Written by hand (Prisma cannot express it), appended by `npm run db:migration -- <name> --append prisma/sql/partition_keys.sql`.
-- What the monthly partitions (prisma/sql/partitions.sql) cost each new alert, made cheaper
-- (docs/BENCHMARKS.md, "Alertmanager ingestion"):
-- - alert_timeline's foreign key to alerts becomes one per month: each month's entries reference that month's
--   alerts. A check against the partitioned alerts is planned anew for every entry written, across every
--   month, and against one month's table it is one cached index probe.
-- - the alerts' own (tenant_id, fingerprint, starts_at) index is gone (the generated part above): it held
--   what alert_identities holds, and ingestion looks alerts up there.
-- - the insert trigger probes each new identity once, and checks the ids' time once per creation time.
-- The schema engine's driver-adapter path splits a script at every semicolon, inside quotes too, so the
-- functions' semicolons are written as the escape \x3B of an E'' string.

-- The partition of `tbl` (alerts, alert_timeline or audit_events) for the UTC month that holds `month`,
-- created when missing: alerts_2026_12 holds the ids from the month's first millisecond up to the next
-- month's, audit_events_2026_12 the events of that month. Answers its name. The months are reckoned in UTC
-- whatever the session's time zone. An alerts month and its timeline month are made together, the timeline's
-- entries referencing that month's alerts (ON DELETE CASCADE). Creating one scans the default partition for
-- rows that belong to it, which is empty when the worker creates months ahead (libs/alerts/src/partitions).
CREATE OR REPLACE FUNCTION partition_create(tbl text, month timestamptz) RETURNS text LANGUAGE plpgsql AS
  E'DECLARE
    starts timestamp := date_trunc(''month'', month AT TIME ZONE ''UTC'')\x3B
    ends timestamp := starts + interval ''1 month''\x3B
    suffix text := ''_'' || to_char(starts, ''YYYY_MM'')\x3B
  BEGIN
    IF tbl = ''audit_events'' THEN
      IF to_regclass(tbl || suffix) IS NULL THEN
        EXECUTE format(''CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)'', tbl || suffix, tbl, starts || ''+00'', ends || ''+00'')\x3B
        -- A statement trigger of the parent does not fire for a TRUNCATE of the partition itself.
        EXECUTE format(''CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change()'', tbl || suffix)\x3B
      END IF\x3B
      RETURN tbl || suffix\x3B
    END IF\x3B
    IF tbl NOT IN (''alerts'', ''alert_timeline'') THEN
      RAISE EXCEPTION ''partition_create: % is not partitioned by month'', tbl\x3B
    END IF\x3B
    IF to_regclass(''alerts'' || suffix) IS NULL THEN
      EXECUTE format(''CREATE TABLE %I PARTITION OF alerts FOR VALUES FROM (%L) TO (%L)'', ''alerts'' || suffix,
                     ''alr_'' || ulid_time(starts AT TIME ZONE ''UTC'') || repeat(''0'', 16), ''alr_'' || ulid_time(ends AT TIME ZONE ''UTC'') || repeat(''0'', 16))\x3B
    END IF\x3B
    IF to_regclass(''alert_timeline'' || suffix) IS NULL THEN
      EXECUTE format(''CREATE TABLE %I PARTITION OF alert_timeline FOR VALUES FROM (%L) TO (%L)'', ''alert_timeline'' || suffix,
                     ''alr_'' || ulid_time(starts AT TIME ZONE ''UTC'') || repeat(''0'', 16), ''alr_'' || ulid_time(ends AT TIME ZONE ''UTC'') || repeat(''0'', 16))\x3B
      PERFORM partition_timeline_key(suffix)\x3B
    END IF\x3B
    RETURN tbl || suffix\x3B
  END';

-- The foreign key of alert_timeline<suffix> to alerts<suffix> (suffix: _2026_12, or _default).
CREATE FUNCTION partition_timeline_key(suffix text) RETURNS void LANGUAGE plpgsql AS
  E'BEGIN
    EXECUTE format(''ALTER TABLE %I ADD CONSTRAINT %I FOREIGN KEY (alert_id) REFERENCES %I (id) ON UPDATE CASCADE ON DELETE CASCADE'',
                   ''alert_timeline'' || suffix, ''alert_timeline'' || suffix || ''_alert_id_fkey'', ''alerts'' || suffix)\x3B
  END';

-- The existing months, each timeline month with the alerts month of its name (partitions.sql made them in pairs).
DO E'DECLARE
  part record\x3B
BEGIN
  FOR part IN SELECT substr(inhrelid::regclass::text, length(''alert_timeline'') + 1) AS suffix FROM pg_inherits
               WHERE inhparent = ''alert_timeline''::regclass ORDER BY 1 LOOP
    IF to_regclass(''alerts'' || part.suffix) IS NULL THEN
      RAISE EXCEPTION ''alert_timeline% has no alerts%'', part.suffix, part.suffix\x3B
    END IF\x3B
    PERFORM partition_timeline_key(part.suffix)\x3B
  END LOOP\x3B
END';

-- alert_identities follows alerts. An insert adds the identities that do not name their alert yet
-- (ingestion claims them first, so for its alerts this is one probe each and no write), and fails as the
-- unique key did when one already names another alert. A delete releases them, and TRUNCATE all of them.
-- Neither an identity (the starts_at of an alert with a fingerprint) nor an id and its time ever change:
-- such an update is refused. The ids' time is checked once per creation time: an insert's alerts mostly
-- share one, and ten characters equal in the smallest and the largest id are equal in all.
CREATE OR REPLACE FUNCTION alert_keys_follow() RETURNS trigger LANGUAGE plpgsql AS
  E'DECLARE
    taken record\x3B
  BEGIN
    IF TG_OP = ''INSERT'' THEN
      SELECT t.created_at, t.low AS id INTO taken
        FROM (SELECT created_at, min(substr(id, 5, 10)) AS low, max(substr(id, 5, 10)) AS high FROM added GROUP BY created_at) t
       WHERE t.low IS DISTINCT FROM ulid_time(t.created_at) OR t.high IS DISTINCT FROM ulid_time(t.created_at) LIMIT 1\x3B
      IF FOUND THEN
        SELECT id, created_at INTO taken FROM added WHERE created_at IS NOT DISTINCT FROM taken.created_at
           AND substr(id, 5, 10) IS DISTINCT FROM ulid_time(created_at) LIMIT 1\x3B
        RAISE check_violation USING CONSTRAINT = ''alerts_id_time_check'',
          MESSAGE = format(''alert id %s does not carry its creation time %s (publicId(''''alr'''', created_at) makes one that does)'', taken.id, taken.created_at)\x3B
      END IF\x3B
      WITH unclaimed AS (
             SELECT a.tenant_id, a.fingerprint, a.starts_at, a.id, i.alert_id AS holder FROM added a
               LEFT JOIN alert_identities i ON i.tenant_id = a.tenant_id AND i.fingerprint = a.fingerprint AND i.starts_at = a.starts_at
              WHERE a.fingerprint IS NOT NULL AND i.alert_id IS DISTINCT FROM a.id),
           claimed AS (
             INSERT INTO alert_identities (tenant_id, fingerprint, starts_at, alert_id)
             SELECT tenant_id, fingerprint, starts_at, id FROM unclaimed WHERE holder IS NULL ORDER BY 1, 2, 3
             ON CONFLICT DO NOTHING RETURNING alert_id)
      SELECT u.tenant_id, u.fingerprint, u.starts_at INTO taken FROM unclaimed u WHERE u.id NOT IN (SELECT alert_id FROM claimed) LIMIT 1\x3B
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
