-- 003_households: the household register (annual review list), each
-- household's status over time and the support that reached it.
--
-- Status is history, never overwritten: a household's status on a day is
-- its latest household_status row with since <= that day (ties: the latest
-- recorded); "newly escaped" ends by itself 36 months after `since`, which
-- the code computes (office/households.c), so no row has to change when it
-- expires. Names (head) leave the box only to staff; logs never carry them.
CREATE TABLE households (
	code       TEXT    PRIMARY KEY,             -- ma_ho
	head       TEXT    NOT NULL,                -- chu_ho (a person's name)
	commune    TEXT    NOT NULL,                -- catalog code valid on first_day
	village    TEXT    NOT NULL,                -- catalog village code ("xa/thon")
	flags      INTEGER NOT NULL DEFAULT 0,      -- hh_flag bits: dtts, merit, disabled, woman head
	children   INTEGER NOT NULL DEFAULT 0,      -- under 16
	source     TEXT    NOT NULL DEFAULT '',     -- file or command that last changed the row
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX households_place ON households(village);

CREATE TABLE household_status (
	id          INTEGER PRIMARY KEY,
	household   TEXT    NOT NULL REFERENCES households(code),
	status      TEXT    NOT NULL CHECK (status IN ('poor', 'near_poor', 'escaped', 'none')),
	since       TEXT    NOT NULL,               -- YYYY-MM-DD, the day recognised
	source      TEXT    NOT NULL DEFAULT '',    -- "import:FILE", "cli", "sms:REF"
	recorded_at INTEGER NOT NULL,
	UNIQUE (household, since, status)
);
CREATE INDEX household_status_at ON household_status(household, since, id);

-- One row per household named by a report (BC ... MAHO 0123 0456) or
-- recorded at the desk. A report's reach counts while the report's current
-- version is active: cancelled and training reports drop out by the join in
-- the coverage query; report_ref '' marks reach recorded without a report.
CREATE TABLE household_support (
	id          INTEGER PRIMARY KEY,
	household   TEXT    NOT NULL REFERENCES households(code),
	report_ref  TEXT    NOT NULL DEFAULT '',
	report_id   INTEGER,                        -- reports.id of the version that named it
	project     TEXT    NOT NULL,               -- catalog project code
	day         TEXT    NOT NULL,               -- YYYY-MM-DD of the activity
	recorded_at INTEGER NOT NULL,
	UNIQUE (household, report_ref, project, day)
);
CREATE INDEX household_support_day ON household_support(day, household);
CREATE INDEX household_support_hh ON household_support(household, day);
