-- 004_office: what the district office's queries read fast. Monthly totals
-- per project, commune and indicator, and monthly report counts, kept by
-- triggers on H6's reports tables so that a year's query over five years
-- of a province reads a few thousand rows instead of a million. Only rows
-- whose status is 'active' count: amending a report moves its values from
-- the old version to the new one, cancelling takes them out, and training
-- reports never enter. The reports keep the commune valid on their activity
-- day, so a village that moved counts where it was at the time.
CREATE TABLE office_month (
	month     TEXT NOT NULL,          -- YYYY-MM of reports.day
	project   TEXT NOT NULL,
	commune   TEXT NOT NULL,
	indicator TEXT NOT NULL,
	value     REAL NOT NULL,
	PRIMARY KEY (month, project, commune, indicator)
) WITHOUT ROWID;
CREATE INDEX office_month_commune ON office_month(commune, month);

CREATE TABLE office_month_reports (
	month   TEXT    NOT NULL,
	project TEXT    NOT NULL,
	commune TEXT    NOT NULL,
	n       INTEGER NOT NULL,
	PRIMARY KEY (month, project, commune)
) WITHOUT ROWID;

-- Raw reads for partial months (a week, a range) and villages.
CREATE INDEX reports_office_day ON reports(status, day);
-- Last report of each village (reminders).
CREATE INDEX reports_office_village ON reports(village, day);

-- ---- values of an active report ----
CREATE TRIGGER office_values_insert AFTER INSERT ON report_values
WHEN (SELECT status FROM reports WHERE id = NEW.report_id) = 'active'
BEGIN
	INSERT INTO office_month (month, project, commune, indicator, value)
	SELECT substr(r.day, 1, 7), r.project, r.commune, NEW.indicator, NEW.value
	FROM reports r WHERE r.id = NEW.report_id
	ON CONFLICT (month, project, commune, indicator) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER office_values_delete AFTER DELETE ON report_values
WHEN (SELECT status FROM reports WHERE id = OLD.report_id) = 'active'
BEGIN
	UPDATE office_month SET value = value - OLD.value
	WHERE (month, project, commune, indicator) =
	      (SELECT substr(r.day, 1, 7), r.project, r.commune, OLD.indicator
	       FROM reports r WHERE r.id = OLD.report_id);
END;

CREATE TRIGGER office_values_update AFTER UPDATE OF value, indicator ON report_values
WHEN (SELECT status FROM reports WHERE id = NEW.report_id) = 'active'
BEGIN
	UPDATE office_month SET value = value - OLD.value
	WHERE (month, project, commune, indicator) =
	      (SELECT substr(r.day, 1, 7), r.project, r.commune, OLD.indicator
	       FROM reports r WHERE r.id = OLD.report_id);
	INSERT INTO office_month (month, project, commune, indicator, value)
	SELECT substr(r.day, 1, 7), r.project, r.commune, NEW.indicator, NEW.value
	FROM reports r WHERE r.id = NEW.report_id
	ON CONFLICT (month, project, commune, indicator) DO UPDATE SET value = value + excluded.value;
END;

-- ---- a report entering or leaving the active set ----
CREATE TRIGGER office_report_insert AFTER INSERT ON reports
WHEN NEW.status = 'active'
BEGIN
	INSERT INTO office_month_reports (month, project, commune, n)
	VALUES (substr(NEW.day, 1, 7), NEW.project, NEW.commune, 1)
	ON CONFLICT (month, project, commune) DO UPDATE SET n = n + 1;
	-- Values inserted with the report come through office_values_insert.
END;

CREATE TRIGGER office_report_leave AFTER UPDATE ON reports
WHEN OLD.status = 'active' AND (NEW.status <> 'active' OR NEW.day <> OLD.day
	OR NEW.project <> OLD.project OR NEW.commune <> OLD.commune)
BEGIN
	UPDATE office_month_reports SET n = n - 1
	WHERE month = substr(OLD.day, 1, 7) AND project = OLD.project AND commune = OLD.commune;
	UPDATE office_month SET value = value -
		(SELECT v.value FROM report_values v WHERE v.report_id = OLD.id AND v.indicator = office_month.indicator)
	WHERE month = substr(OLD.day, 1, 7) AND project = OLD.project AND commune = OLD.commune
	  AND indicator IN (SELECT indicator FROM report_values WHERE report_id = OLD.id);
END;

CREATE TRIGGER office_report_enter AFTER UPDATE ON reports
WHEN NEW.status = 'active' AND (OLD.status <> 'active' OR NEW.day <> OLD.day
	OR NEW.project <> OLD.project OR NEW.commune <> OLD.commune)
BEGIN
	INSERT INTO office_month_reports (month, project, commune, n)
	VALUES (substr(NEW.day, 1, 7), NEW.project, NEW.commune, 1)
	ON CONFLICT (month, project, commune) DO UPDATE SET n = n + 1;
	INSERT INTO office_month (month, project, commune, indicator, value)
	SELECT substr(NEW.day, 1, 7), NEW.project, NEW.commune, v.indicator, v.value
	FROM report_values v WHERE v.report_id = NEW.id
	ON CONFLICT (month, project, commune, indicator) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER office_report_delete AFTER DELETE ON reports
WHEN OLD.status = 'active'
BEGIN
	UPDATE office_month_reports SET n = n - 1
	WHERE month = substr(OLD.day, 1, 7) AND project = OLD.project AND commune = OLD.commune;
END;

-- Reports that existed before this migration.
INSERT INTO office_month_reports (month, project, commune, n)
SELECT substr(day, 1, 7), project, commune, count(*) FROM reports WHERE status = 'active'
GROUP BY 1, 2, 3;
INSERT INTO office_month (month, project, commune, indicator, value)
SELECT substr(r.day, 1, 7), r.project, r.commune, v.indicator, sum(v.value)
FROM reports r JOIN report_values v ON v.report_id = r.id WHERE r.status = 'active'
GROUP BY 1, 2, 3, 4;

-- Summaries and reminders already queued, by slot (the outbox keeps the
-- exactly-once key; this table keeps what the scheduler decided and when,
-- so that a late catch-up says so and `tinbao summary` can show it).
CREATE TABLE office_runs (
	slot       TEXT    PRIMARY KEY,   -- "summary:2026-W47:+8491...", "remind:..."
	kind       TEXT    NOT NULL,      -- 'summary', 'reminder', 'staff_alert'
	due_at     INTEGER NOT NULL,      -- when it was scheduled
	queued_at  INTEGER NOT NULL,      -- when it was queued
	outbox_id  INTEGER,
	late       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
