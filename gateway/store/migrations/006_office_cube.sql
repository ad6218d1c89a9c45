-- 006_office_cube: replaces 004's monthly totals with a small cube that
-- answers any TK query over a million reports in a few thousand rows.
--
-- office_sum holds value sums and office_cnt report counts, each at two
-- levels of place (place = the commune's code, or '' for the district) and
-- two grains of time (gran 0: period 'YYYY-MM'; gran 1: period
-- 'YYYY-MM-DD'), so that a period is read as whole months plus the days at
-- its ends. office_cnt also keeps project '' = every project but RS (the
-- household review), and is indexed by period so that "communes that
-- reported" reads one row per commune and period.
--
-- Triggers on H6's reports tables keep the cube: only rows with status
-- 'active' count. A report leaving the active set (amended, cancelled) or
-- entering it adds its values and count with the sign -1 or +1; training
-- reports never enter. Places are the codes stored with each report (valid
-- on its activity day).
DROP TRIGGER office_values_insert;
DROP TRIGGER office_values_delete;
DROP TRIGGER office_values_update;
DROP TRIGGER office_report_insert;
DROP TRIGGER office_report_leave;
DROP TRIGGER office_report_enter;
DROP TRIGGER office_report_delete;
DROP TABLE office_month;
DROP TABLE office_month_reports;
DROP INDEX reports_office_day;

CREATE TABLE office_sum (
	place     TEXT    NOT NULL,       -- commune code, '' = district
	gran      INTEGER NOT NULL,       -- 0 month, 1 day
	period    TEXT    NOT NULL,       -- 'YYYY-MM' or 'YYYY-MM-DD'
	project   TEXT    NOT NULL,
	indicator TEXT    NOT NULL,
	value     REAL    NOT NULL,
	PRIMARY KEY (place, gran, period, project, indicator)
) WITHOUT ROWID;

CREATE TABLE office_cnt (
	place   TEXT    NOT NULL,
	gran    INTEGER NOT NULL,
	period  TEXT    NOT NULL,
	project TEXT    NOT NULL,         -- '' = all projects but RS
	n       INTEGER NOT NULL,
	PRIMARY KEY (place, gran, period, project)
) WITHOUT ROWID;
CREATE INDEX office_cnt_period ON office_cnt(gran, period, project, place, n);

-- Village queries and the partial reads of the desk read reports directly.
CREATE INDEX reports_office_commune ON reports(commune, day);

CREATE TABLE office_levels (x INTEGER PRIMARY KEY);
INSERT INTO office_levels VALUES (0), (1);

-- ---- values ----
CREATE TRIGGER office_values_insert AFTER INSERT ON report_values
WHEN (SELECT status FROM reports WHERE id = NEW.report_id) = 'active'
BEGIN
	INSERT INTO office_sum (place, gran, period, project, indicator, value)
	SELECT CASE l.x WHEN 0 THEN r.commune ELSE '' END, g.x,
	       CASE g.x WHEN 0 THEN substr(r.day, 1, 7) ELSE r.day END, r.project, NEW.indicator, NEW.value
	FROM reports r, office_levels l, office_levels g WHERE r.id = NEW.report_id
	ON CONFLICT (place, gran, period, project, indicator) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER office_values_delete AFTER DELETE ON report_values
WHEN (SELECT status FROM reports WHERE id = OLD.report_id) = 'active'
BEGIN
	INSERT INTO office_sum (place, gran, period, project, indicator, value)
	SELECT CASE l.x WHEN 0 THEN r.commune ELSE '' END, g.x,
	       CASE g.x WHEN 0 THEN substr(r.day, 1, 7) ELSE r.day END, r.project, OLD.indicator, -OLD.value
	FROM reports r, office_levels l, office_levels g WHERE r.id = OLD.report_id
	ON CONFLICT (place, gran, period, project, indicator) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER office_values_update AFTER UPDATE OF value, indicator ON report_values
WHEN (SELECT status FROM reports WHERE id = NEW.report_id) = 'active'
BEGIN
	INSERT INTO office_sum (place, gran, period, project, indicator, value)
	SELECT CASE l.x WHEN 0 THEN r.commune ELSE '' END, g.x,
	       CASE g.x WHEN 0 THEN substr(r.day, 1, 7) ELSE r.day END, r.project, OLD.indicator, -OLD.value
	FROM reports r, office_levels l, office_levels g WHERE r.id = OLD.report_id
	ON CONFLICT (place, gran, period, project, indicator) DO UPDATE SET value = value + excluded.value;
	INSERT INTO office_sum (place, gran, period, project, indicator, value)
	SELECT CASE l.x WHEN 0 THEN r.commune ELSE '' END, g.x,
	       CASE g.x WHEN 0 THEN substr(r.day, 1, 7) ELSE r.day END, r.project, NEW.indicator, NEW.value
	FROM reports r, office_levels l, office_levels g WHERE r.id = NEW.report_id
	ON CONFLICT (place, gran, period, project, indicator) DO UPDATE SET value = value + excluded.value;
END;

-- ---- reports entering and leaving the active set ----
CREATE TRIGGER office_report_insert AFTER INSERT ON reports
WHEN NEW.status = 'active'
BEGIN
	INSERT INTO office_cnt (place, gran, period, project, n)
	SELECT CASE l.x WHEN 0 THEN NEW.commune ELSE '' END, g.x,
	       CASE g.x WHEN 0 THEN substr(NEW.day, 1, 7) ELSE NEW.day END,
	       CASE p.x WHEN 0 THEN NEW.project ELSE '' END, 1
	FROM office_levels l, office_levels g, office_levels p WHERE p.x = 0 OR NEW.project <> 'RS'
	ON CONFLICT (place, gran, period, project) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER office_report_leave AFTER UPDATE ON reports
WHEN OLD.status = 'active' AND (NEW.status <> 'active' OR NEW.day <> OLD.day
	OR NEW.project <> OLD.project OR NEW.commune <> OLD.commune)
BEGIN
	INSERT INTO office_cnt (place, gran, period, project, n)
	SELECT CASE l.x WHEN 0 THEN OLD.commune ELSE '' END, g.x,
	       CASE g.x WHEN 0 THEN substr(OLD.day, 1, 7) ELSE OLD.day END,
	       CASE p.x WHEN 0 THEN OLD.project ELSE '' END, -1
	FROM office_levels l, office_levels g, office_levels p WHERE p.x = 0 OR OLD.project <> 'RS'
	ON CONFLICT (place, gran, period, project) DO UPDATE SET n = n + excluded.n;
	INSERT INTO office_sum (place, gran, period, project, indicator, value)
	SELECT CASE l.x WHEN 0 THEN OLD.commune ELSE '' END, g.x,
	       CASE g.x WHEN 0 THEN substr(OLD.day, 1, 7) ELSE OLD.day END, OLD.project, v.indicator, -v.value
	FROM report_values v, office_levels l, office_levels g WHERE v.report_id = OLD.id
	ON CONFLICT (place, gran, period, project, indicator) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER office_report_enter AFTER UPDATE ON reports
WHEN NEW.status = 'active' AND (OLD.status <> 'active' OR NEW.day <> OLD.day
	OR NEW.project <> OLD.project OR NEW.commune <> OLD.commune)
BEGIN
	INSERT INTO office_cnt (place, gran, period, project, n)
	SELECT CASE l.x WHEN 0 THEN NEW.commune ELSE '' END, g.x,
	       CASE g.x WHEN 0 THEN substr(NEW.day, 1, 7) ELSE NEW.day END,
	       CASE p.x WHEN 0 THEN NEW.project ELSE '' END, 1
	FROM office_levels l, office_levels g, office_levels p WHERE p.x = 0 OR NEW.project <> 'RS'
	ON CONFLICT (place, gran, period, project) DO UPDATE SET n = n + excluded.n;
	INSERT INTO office_sum (place, gran, period, project, indicator, value)
	SELECT CASE l.x WHEN 0 THEN NEW.commune ELSE '' END, g.x,
	       CASE g.x WHEN 0 THEN substr(NEW.day, 1, 7) ELSE NEW.day END, NEW.project, v.indicator, v.value
	FROM report_values v, office_levels l, office_levels g WHERE v.report_id = NEW.id
	ON CONFLICT (place, gran, period, project, indicator) DO UPDATE SET value = value + excluded.value;
END;

CREATE TRIGGER office_report_delete AFTER DELETE ON reports
WHEN OLD.status = 'active'
BEGIN
	INSERT INTO office_cnt (place, gran, period, project, n)
	SELECT CASE l.x WHEN 0 THEN OLD.commune ELSE '' END, g.x,
	       CASE g.x WHEN 0 THEN substr(OLD.day, 1, 7) ELSE OLD.day END,
	       CASE p.x WHEN 0 THEN OLD.project ELSE '' END, -1
	FROM office_levels l, office_levels g, office_levels p WHERE p.x = 0 OR OLD.project <> 'RS'
	ON CONFLICT (place, gran, period, project) DO UPDATE SET n = n + excluded.n;
	INSERT INTO office_sum (place, gran, period, project, indicator, value)
	SELECT CASE l.x WHEN 0 THEN OLD.commune ELSE '' END, g.x,
	       CASE g.x WHEN 0 THEN substr(OLD.day, 1, 7) ELSE OLD.day END, OLD.project, v.indicator, -v.value
	FROM report_values v, office_levels l, office_levels g WHERE v.report_id = OLD.id
	ON CONFLICT (place, gran, period, project, indicator) DO UPDATE SET value = value + excluded.value;
END;

-- Reports stored before this migration.
INSERT INTO office_cnt (place, gran, period, project, n)
SELECT CASE l.x WHEN 0 THEN r.commune ELSE '' END, g.x,
       CASE g.x WHEN 0 THEN substr(r.day, 1, 7) ELSE r.day END,
       CASE p.x WHEN 0 THEN r.project ELSE '' END, count(*)
FROM reports r, office_levels l, office_levels g, office_levels p
WHERE r.status = 'active' AND (p.x = 0 OR r.project <> 'RS')
GROUP BY 1, 2, 3, 4;
INSERT INTO office_sum (place, gran, period, project, indicator, value)
SELECT CASE l.x WHEN 0 THEN r.commune ELSE '' END, g.x,
       CASE g.x WHEN 0 THEN substr(r.day, 1, 7) ELSE r.day END, r.project, v.indicator, sum(v.value)
FROM reports r JOIN report_values v ON v.report_id = r.id, office_levels l, office_levels g
WHERE r.status = 'active'
GROUP BY 1, 2, 3, 4, 5;
