
-- Written by hand (Prisma cannot express triggers), appended by `npm run db:migration -- <name> --append prisma/sql/alert_daily_counts.sql`.
-- alert_daily_counts follows alert_hourly_counts: a statement trigger for each of INSERT, UPDATE and DELETE
-- of hourly counts adds what the statement changed, per (tenant, UTC day, severity, status, suppressed), to
-- the daily counts, in the statement's transaction, and TRUNCATE empties them. Whatever writes the hourly
-- counts (the fold, a rebuild) so keeps the daily ones, a fold already waiting when this migration commits
-- included. One statement of the fold fires two of these triggers (INSERT and UPDATE), so two writers
-- would not upsert daily rows in one key order: each trigger first takes the daily counts' write lock
-- (SHARE ROW EXCLUSIVE, which readers never wait for), and writers of them take turns. The schema engine's
-- driver-adapter path splits a script at every semicolon, inside quotes too, so the functions' semicolons
-- are written as the escape \x3B of an E'' string.
CREATE OR REPLACE FUNCTION alert_daily_counts_follow() RETURNS trigger LANGUAGE plpgsql AS
  E'BEGIN
    LOCK TABLE alert_daily_counts IN SHARE ROW EXCLUSIVE MODE\x3B
    IF TG_OP = ''INSERT'' THEN
      INSERT INTO alert_daily_counts AS c (tenant_id, day, severity, status, suppressed, count)
      SELECT tenant_id, date_trunc(''day'', hour, ''UTC''), severity, status, suppressed, sum(count)::int
        FROM added GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT (tenant_id, day, severity, status, suppressed) DO UPDATE SET count = c.count + EXCLUDED.count\x3B
    ELSIF TG_OP = ''UPDATE'' THEN
      INSERT INTO alert_daily_counts AS c (tenant_id, day, severity, status, suppressed, count)
      SELECT tenant_id, day, severity, status, suppressed, sum(n)::int
        FROM (SELECT tenant_id, date_trunc(''day'', hour, ''UTC'') AS day, severity, status, suppressed, count AS n FROM added
              UNION ALL
              SELECT tenant_id, date_trunc(''day'', hour, ''UTC''), severity, status, suppressed, -count FROM removed) changed
       GROUP BY 1, 2, 3, 4, 5 HAVING sum(n) <> 0 ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT (tenant_id, day, severity, status, suppressed) DO UPDATE SET count = c.count + EXCLUDED.count\x3B
    ELSE
      INSERT INTO alert_daily_counts AS c (tenant_id, day, severity, status, suppressed, count)
      SELECT tenant_id, date_trunc(''day'', hour, ''UTC''), severity, status, suppressed, -sum(count)::int
        FROM removed GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
      ON CONFLICT (tenant_id, day, severity, status, suppressed) DO UPDATE SET count = c.count + EXCLUDED.count\x3B
    END IF\x3B
    RETURN NULL\x3B
  END';

-- TRUNCATE of alerts empties the deltas and the hourly counts (alert_hourly_counts_truncate), which brings
-- every daily count to 0: the trigger on alerts below then removes those rows. PostgreSQL fires the triggers
-- of one event in the order of their names, and its name sorts after alert_hourly_counts_truncate.
CREATE OR REPLACE FUNCTION alert_daily_counts_empty() RETURNS trigger LANGUAGE plpgsql AS E'BEGIN DELETE FROM alert_daily_counts\x3B RETURN NULL\x3B END';

-- A trigger on alerts waits for the writers of alerts that are running, and new writers wait behind it: it
-- gives up after 10 s rather than hold them longer.
DO E'BEGIN
  SET LOCAL lock_timeout = ''10s''\x3B
  CREATE TRIGGER alert_hourly_counts_truncate_daily AFTER TRUNCATE ON alerts FOR EACH STATEMENT EXECUTE FUNCTION alert_daily_counts_empty()\x3B
END';

-- One statement, so one transaction: folds wait (reads go on) from the triggers' creation to the end of the
-- count of the hourly counts already stored, so that nothing is counted twice or missed. A migration that
-- waits a minute for that lock fails instead of holding the folds behind it. Writers of alerts do not wait:
-- they append to alert_hourly_count_deltas.
DO E'BEGIN
  SET LOCAL lock_timeout = ''60s''\x3B
  LOCK TABLE alert_hourly_counts IN EXCLUSIVE MODE\x3B
  CREATE TRIGGER alert_daily_counts_truncate AFTER TRUNCATE ON alert_hourly_counts
    FOR EACH STATEMENT EXECUTE FUNCTION alert_daily_counts_empty()\x3B
  CREATE TRIGGER alert_daily_counts_insert AFTER INSERT ON alert_hourly_counts REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION alert_daily_counts_follow()\x3B
  CREATE TRIGGER alert_daily_counts_update AFTER UPDATE ON alert_hourly_counts REFERENCING OLD TABLE AS removed NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION alert_daily_counts_follow()\x3B
  CREATE TRIGGER alert_daily_counts_delete AFTER DELETE ON alert_hourly_counts REFERENCING OLD TABLE AS removed
    FOR EACH STATEMENT EXECUTE FUNCTION alert_daily_counts_follow()\x3B
  INSERT INTO alert_daily_counts (tenant_id, day, severity, status, suppressed, count)
  SELECT tenant_id, date_trunc(''day'', hour, ''UTC''), severity, status, suppressed, sum(count)::int
    FROM alert_hourly_counts GROUP BY 1, 2, 3, 4, 5\x3B
END';
