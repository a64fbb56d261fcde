-- CreateTable
CREATE TABLE "alert_hourly_counts" (
    "tenant_id" VARCHAR(40) NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "severity" "alert_severity" NOT NULL,
    "status" "alert_status" NOT NULL,
    "source" VARCHAR(200) NOT NULL,
    "type" VARCHAR(100) NOT NULL,
    "suppressed" BOOLEAN NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "alert_hourly_counts_pkey" PRIMARY KEY ("tenant_id","hour","severity","status","source","type","suppressed")
);

-- CreateTable
CREATE TABLE "alert_hourly_count_deltas" (
    "id" BIGSERIAL NOT NULL,
    "tenant_id" VARCHAR(40) NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "severity" "alert_severity" NOT NULL,
    "status" "alert_status" NOT NULL,
    "source" VARCHAR(200) NOT NULL,
    "type" VARCHAR(100) NOT NULL,
    "suppressed" BOOLEAN NOT NULL,
    "count" INTEGER NOT NULL,

    CONSTRAINT "alert_hourly_count_deltas_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "alert_hourly_count_deltas_tenant_hour_idx" ON "alert_hourly_count_deltas"("tenant_id", "hour");


-- Written by hand (Prisma cannot express triggers), appended by `npm run db:migration -- <name> --append prisma/sql/alert_hourly_counts.sql`.
-- alert_hourly_counts follows alerts: a statement trigger for each of INSERT (COPY included), UPDATE and
-- DELETE appends what the statement changed, per (tenant, UTC hour of created_at, severity, status,
-- source, type, suppressed), to alert_hourly_count_deltas, in the statement's transaction. Appending takes
-- no lock on a shared row, so writers of alerts never wait on one another (nor deadlock) over a count: the
-- worker folds the deltas into the counts (fold_alert_hourly_count_deltas). The hour is truncated in UTC
-- whatever the session's time zone. TRUNCATE empties both tables. The schema engine's driver-adapter path
-- splits a script at every semicolon, inside quotes too, so the functions' semicolons are written as the
-- escape \x3B of an E'' string.
CREATE FUNCTION alert_hourly_counts_follow() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN
    IF TG_OP = ''INSERT'' THEN
      INSERT INTO alert_hourly_count_deltas (tenant_id, hour, severity, status, source, type, suppressed, count)
      SELECT tenant_id, date_trunc(''hour'', created_at, ''UTC''), severity, status, source, type, maintenance_window_id IS NOT NULL, count(*)::int
        FROM added GROUP BY 1, 2, 3, 4, 5, 6, 7\x3B
    ELSIF TG_OP = ''DELETE'' THEN
      INSERT INTO alert_hourly_count_deltas (tenant_id, hour, severity, status, source, type, suppressed, count)
      SELECT tenant_id, date_trunc(''hour'', created_at, ''UTC''), severity, status, source, type, maintenance_window_id IS NOT NULL, -count(*)::int
        FROM removed GROUP BY 1, 2, 3, 4, 5, 6, 7\x3B
    ELSIF TG_OP = ''UPDATE'' THEN
      INSERT INTO alert_hourly_count_deltas (tenant_id, hour, severity, status, source, type, suppressed, count)
      SELECT tenant_id, hour, severity, status, source, type, suppressed, sum(n)::int
        FROM (SELECT tenant_id, date_trunc(''hour'', created_at, ''UTC'') AS hour, severity, status, source, type,
                     maintenance_window_id IS NOT NULL AS suppressed, 1 AS n FROM added
              UNION ALL
              SELECT tenant_id, date_trunc(''hour'', created_at, ''UTC''), severity, status, source, type,
                     maintenance_window_id IS NOT NULL, -1 FROM removed) changed
       GROUP BY 1, 2, 3, 4, 5, 6, 7 HAVING sum(n) <> 0\x3B
    ELSE
      DELETE FROM alert_hourly_count_deltas\x3B
      DELETE FROM alert_hourly_counts\x3B
    END IF\x3B
    RETURN NULL\x3B
  END';

-- Moves the deltas appended so far into the counts, in one statement: a reader sees them on one side or the
-- other, never both. Two folds at once take disjoint deltas (each row is deleted once), and each upserts its
-- counts in key order. Answers the number of deltas folded.
CREATE FUNCTION fold_alert_hourly_count_deltas() RETURNS bigint LANGUAGE sql AS
  E'WITH moved AS (DELETE FROM alert_hourly_count_deltas RETURNING tenant_id, hour, severity, status, source, type, suppressed, count),
        folded AS (
          INSERT INTO alert_hourly_counts AS c (tenant_id, hour, severity, status, source, type, suppressed, count)
          SELECT tenant_id, hour, severity, status, source, type, suppressed, sum(count)::int FROM moved
           GROUP BY 1, 2, 3, 4, 5, 6, 7 ORDER BY 1, 2, 3, 4, 5, 6, 7
          ON CONFLICT (tenant_id, hour, severity, status, source, type, suppressed) DO UPDATE SET count = c.count + EXCLUDED.count
          RETURNING 1)
   SELECT count(*) FROM moved';

-- One statement, so one transaction whatever connection the migrator runs it on: writes of alerts wait
-- (reads go on) from the triggers' creation to the end of the count of the alerts already stored, so that
-- no alert is counted twice or missed: a migration that waits a minute for that lock fails instead of
-- holding every writer behind it.
DO E'BEGIN
  SET LOCAL lock_timeout = ''60s''\x3B
  LOCK TABLE alerts IN SHARE ROW EXCLUSIVE MODE\x3B
  CREATE TRIGGER alert_hourly_counts_insert AFTER INSERT ON alerts REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION alert_hourly_counts_follow()\x3B
  CREATE TRIGGER alert_hourly_counts_update AFTER UPDATE ON alerts REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION alert_hourly_counts_follow()\x3B
  CREATE TRIGGER alert_hourly_counts_delete AFTER DELETE ON alerts REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION alert_hourly_counts_follow()\x3B
  CREATE TRIGGER alert_hourly_counts_truncate AFTER TRUNCATE ON alerts
    FOR EACH STATEMENT EXECUTE FUNCTION alert_hourly_counts_follow()\x3B
  INSERT INTO alert_hourly_counts (tenant_id, hour, severity, status, source, type, suppressed, count)
  SELECT tenant_id, date_trunc(''hour'', created_at, ''UTC''), severity, status, source, type, maintenance_window_id IS NOT NULL, count(*)::int
    FROM alerts GROUP BY 1, 2, 3, 4, 5, 6, 7\x3B
END';
