-- 005_ussd: USSD state (H2). The menu sessions of the operator's USSD
-- gateway (HTTP), the prepaid balance history of the gateway's own SIM, and
-- a log of every USSD exchange. Times are unix seconds (UTC).

-- One row per aggregator sessionId. The aggregator sends the whole input
-- history (`text`, inputs joined by '*') with every request, so the screen
-- is recomputed from it; the row adds what must survive a restart: when the
-- session was last seen (timeouts), the last answer (a retried request gets
-- the same answer) and, once confirmed, the inbound message the report was
-- committed as (never twice).
CREATE TABLE ussd_sessions (
	session_id   TEXT    PRIMARY KEY,
	phone        TEXT    NOT NULL,                 -- E.164
	service_code TEXT    NOT NULL DEFAULT '',
	started_at   INTEGER NOT NULL,
	updated_at   INTEGER NOT NULL,
	last_text    TEXT    NOT NULL DEFAULT '',      -- `text` of the last request
	screen       TEXT    NOT NULL DEFAULT '',      -- our answer to it, "CON ..." / "END ..."
	state        TEXT    NOT NULL DEFAULT 'open'
	             CHECK (state IN ('open', 'done', 'cancelled', 'timeout', 'refused')),
	report_text  TEXT,                             -- the report the menu produced
	message_id   INTEGER                           -- messages.id it was committed as
);
CREATE INDEX ussd_sessions_open ON ussd_sessions(updated_at) WHERE state = 'open';

-- Balance readings of the gateway's SIM (credit check). The raw reply is
-- kept whole because operators change their wording and the pattern may
-- need fixing afterwards. `armed` is the low-balance alarm state after this
-- reading, so that a restart neither repeats nor forgets an alert.
CREATE TABLE credit_readings (
	id         INTEGER PRIMARY KEY,
	at         INTEGER NOT NULL,
	code       TEXT    NOT NULL,                   -- "*101#"
	status     INTEGER NOT NULL,                   -- +CUSD <m>; -1 no reply / error
	raw        TEXT    NOT NULL DEFAULT '',        -- decoded reply, UTF-8
	balance    REAL,                               -- NULL when the pattern found none
	threshold  REAL    NOT NULL,
	armed      INTEGER NOT NULL DEFAULT 1,
	alerted    INTEGER NOT NULL DEFAULT 0          -- 1: this reading crossed below
);
CREATE INDEX credit_readings_at ON credit_readings(at);

-- Every USSD exchange: modem side (credit checks, staff USSD / top-up) and
-- menu side (HTTP requests). Top-up card numbers are masked before they get
-- here.
CREATE TABLE ussd_log (
	id       INTEGER PRIMARY KEY,
	at       INTEGER NOT NULL,
	kind     TEXT    NOT NULL CHECK (kind IN ('modem', 'http')),
	phone    TEXT    NOT NULL DEFAULT '',          -- who asked; '' for the scheduler
	request  TEXT    NOT NULL,
	response TEXT    NOT NULL DEFAULT '',
	status   TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX ussd_log_at ON ussd_log(at);

-- Staff USSD commands by SMS ("USSD *101#", "USSD 1", "NAP <card>"):
-- dispatch queues one row in the transaction that handles the SMS (so the
-- command runs once even if the SMS is dispatched again after a crash), the
-- core runs them one at a time through the modem and queues the answer as a
-- reply to the same inbound message. `logged` is the code with a top-up card
-- number masked; `code` (the real one) is cleared once the request is done.
CREATE TABLE ussd_requests (
	id            INTEGER PRIMARY KEY,
	origin_msg_id INTEGER NOT NULL UNIQUE,         -- messages.id of the staff SMS
	phone         TEXT    NOT NULL,
	kind          TEXT    NOT NULL CHECK (kind IN ('run', 'answer', 'cancel', 'topup')),
	code          TEXT    NOT NULL DEFAULT '',
	logged        TEXT    NOT NULL DEFAULT '',
	state         TEXT    NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'done')),
	created_at    INTEGER NOT NULL,
	done_at       INTEGER,
	result        TEXT    NOT NULL DEFAULT ''      -- ussd_result_name() of the outcome
);
CREATE INDEX ussd_requests_queued ON ussd_requests(id) WHERE state = 'queued';
