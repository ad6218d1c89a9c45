-- 002_reports: collaborators' reports (activity reports "BC" and household
-- review changes "RS"), one row per version, and their values.
--
-- A report keeps its 4-character ref across corrections: SUA inserts a new
-- row (version + 1, supersedes = the old row's id) and marks the old one
-- 'amended'; HUY marks the current row 'cancelled'. Totals count only rows
-- with status 'active' (training reports have status 'training' and stay
-- outside totals forever). The place is stored as the catalog codes valid on
-- the activity date, so later merges never rewrite history.
CREATE TABLE reports (
	id            INTEGER PRIMARY KEY,
	ref           TEXT    NOT NULL,
	version       INTEGER NOT NULL DEFAULT 1,
	supersedes    INTEGER REFERENCES reports(id),
	kind          TEXT    NOT NULL CHECK (kind IN ('activity', 'review')),
	phone         TEXT    NOT NULL,
	commune       TEXT    NOT NULL,
	village       TEXT    NOT NULL DEFAULT '',
	project       TEXT    NOT NULL,
	day           TEXT    NOT NULL,                 -- activity date, YYYY-MM-DD (local)
	received_at   INTEGER NOT NULL,                 -- unix seconds, gateway clock
	source_msg_id INTEGER,                          -- the inbound message that made this row
	text_key      TEXT    NOT NULL DEFAULT '',      -- folded text, to recognise resends
	status        TEXT    NOT NULL DEFAULT 'active'
	              CHECK (status IN ('active', 'amended', 'cancelled', 'training')),
	training      INTEGER NOT NULL DEFAULT 0,
	changed_at    INTEGER,                          -- when amended or cancelled
	changed_by    TEXT,                             -- phone that amended or cancelled
	UNIQUE (source_msg_id),
	UNIQUE (ref, version)
);
CREATE INDEX reports_ref ON reports(ref);
CREATE INDEX reports_day ON reports(day, project);
CREATE INDEX reports_place ON reports(commune, village, day);
CREATE INDEX reports_resend ON reports(phone, text_key, received_at);

CREATE TABLE report_values (
	report_id INTEGER NOT NULL REFERENCES reports(id),
	indicator TEXT    NOT NULL,                     -- catalog code, "HV"
	value     REAL    NOT NULL,                     -- count, or million VND; signed for reviews
	pos       INTEGER NOT NULL DEFAULT 0,           -- order as typed, for read-backs
	PRIMARY KEY (report_id, indicator)
) WITHOUT ROWID;
CREATE INDEX report_values_indicator ON report_values(indicator);

-- At most one polite reply per period to a number that is not registered
-- (or other rate-limited notices): the last time one was queued.
CREATE TABLE reply_limits (
	phone   TEXT    NOT NULL,
	kind    TEXT    NOT NULL,
	last_at INTEGER NOT NULL,
	PRIMARY KEY (phone, kind)
) WITHOUT ROWID;
