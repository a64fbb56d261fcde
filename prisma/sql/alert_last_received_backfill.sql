-- Written by hand (data, not schema), appended by
-- `npm run db:migration -- alert_duplicates_shelve --append prisma/sql/alert_last_received_backfill.sql`.
-- An alert stored before repeats were counted was last received when it was created (the column's
-- default, now(), is only right for the alerts written from now on).
UPDATE "alerts" SET "last_received_at" = "created_at";
