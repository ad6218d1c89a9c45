-- 001_core: what the transport needs to never lose or repeat a message.
-- All times are unix seconds (UTC) from the gateway clock unless named
-- otherwise; phone numbers are E.164 ("+8491...") when sender_kind is 0
-- (PHONE_E164), else as received (short codes, alphanumeric senders).

-- Assembled inbound messages: one row per SMS a person sent, whatever the
-- number of parts. handled_at stays NULL until dispatch ran, in the same
-- transaction that queued the replies, so a crash between the two replays
-- dispatch and never answers twice (the outbox key is (message id, slot)).
-- The unique key recognises a whole message delivered twice under different
-- concatenation references (the parts differ, the message does not).
CREATE TABLE messages (
	id           INTEGER PRIMARY KEY,
	sender       TEXT    NOT NULL,
	sender_kind  INTEGER NOT NULL,                 -- enum phone_kind
	text         TEXT    NOT NULL,                 -- UTF-8, parts in seq order
	text_hash    TEXT    NOT NULL,                 -- FNV-1a 64 of text, hex
	sent_at      INTEGER NOT NULL,                 -- service-centre time of the first part
	sent_tz      INTEGER NOT NULL DEFAULT 0,       -- its zone, quarter hours
	received_at  INTEGER NOT NULL,                 -- first part received by the gateway
	assembled_at INTEGER NOT NULL,
	parts        INTEGER NOT NULL DEFAULT 1,       -- parts present
	parts_total  INTEGER NOT NULL DEFAULT 1,       -- parts announced
	incomplete   INTEGER NOT NULL DEFAULT 0,       -- 1: assembled after the wait, parts missing
	handled_at   INTEGER,
	UNIQUE (sender, sent_at, text_hash)
);
CREATE INDEX messages_unhandled ON messages(id) WHERE handled_at IS NULL;
CREATE INDEX messages_received ON messages(received_at);

-- One row per PDU read from the modem, committed before the SIM slot is
-- deleted. dedup is the exactly-once key: the same PDU read again after a
-- crash, or the same part delivered twice by the network (even through
-- another SMSC), has the same sender, service-centre time, concatenation
-- reference / total / seq and content, and is not stored twice.
CREATE TABLE inbox_parts (
	id           INTEGER PRIMARY KEY,
	pdu          TEXT    NOT NULL,                 -- hex as the modem printed it
	tpdu_len     INTEGER NOT NULL,
	sender       TEXT    NOT NULL,
	sender_kind  INTEGER NOT NULL,
	scts         INTEGER NOT NULL,                 -- service-centre time stamp
	scts_tz      INTEGER NOT NULL DEFAULT 0,       -- quarter hours east of UTC
	concat_ref   INTEGER NOT NULL DEFAULT -1,      -- -1: not concatenated
	concat_total INTEGER NOT NULL DEFAULT 1,
	concat_seq   INTEGER NOT NULL DEFAULT 1,       -- 1-based
	text         TEXT    NOT NULL,                 -- this part's text, UTF-8
	content_hash TEXT    NOT NULL,                 -- FNV-1a 64 of dcs, text and data, hex
	received_at  INTEGER NOT NULL,
	message_id   INTEGER REFERENCES messages(id),   -- NULL until assembled
	UNIQUE (sender, scts, concat_ref, concat_total, concat_seq, content_hash)
);
-- Open groups, for assembly and for the overdue sweep.
CREATE INDEX inbox_parts_open ON inbox_parts(sender, concat_ref, concat_total, concat_seq)
	WHERE message_id IS NULL;
CREATE INDEX inbox_parts_open_age ON inbox_parts(received_at) WHERE message_id IS NULL;
CREATE INDEX inbox_parts_message ON inbox_parts(message_id);

-- PDUs the decoder refused: kept (once) so that nothing read from the SIM is
-- lost even when it cannot be understood; the SIM slot is then deleted.
CREATE TABLE inbox_rejects (
	id          INTEGER PRIMARY KEY,
	pdu         TEXT    NOT NULL UNIQUE,
	tpdu_len    INTEGER NOT NULL,
	why         TEXT    NOT NULL,
	received_at INTEGER NOT NULL
);

-- The send queue. (origin_msg_id, slot) makes queuing idempotent: a reply is
-- keyed to the inbound message that caused it; origin 0 for messages of the
-- gateway's own (summaries, alerts, the CLI), whose slot is their own key.
CREATE TABLE outbox (
	id              INTEGER PRIMARY KEY,
	recipient       TEXT    NOT NULL,              -- E.164 only
	text            TEXT    NOT NULL,
	origin_msg_id   INTEGER NOT NULL DEFAULT 0,
	slot            TEXT    NOT NULL DEFAULT '',
	state           TEXT    NOT NULL DEFAULT 'queued'
	                CHECK (state IN ('queued', 'sending', 'sent', 'failed', 'delivered')),
	attempts        INTEGER NOT NULL DEFAULT 0,
	next_attempt_at INTEGER NOT NULL,
	last_error      TEXT,
	parts_total     INTEGER NOT NULL DEFAULT 0,    -- 0 until the first attempt encodes it
	parts_sent      INTEGER NOT NULL DEFAULT 0,    -- parts 1..parts_sent accepted (+CMGS)
	created_at      INTEGER NOT NULL,
	sent_at         INTEGER,
	delivered_at    INTEGER,
	UNIQUE (origin_msg_id, slot)
);
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state IN ('queued', 'sending');
CREATE INDEX outbox_recipient ON outbox(recipient, created_at);

-- One row per part accepted by the network, with the message reference
-- the modem answered (+CMGS: <mr>), matched by status reports.
CREATE TABLE outbox_parts (
	outbox_id    INTEGER NOT NULL REFERENCES outbox(id) ON DELETE CASCADE,
	seq          INTEGER NOT NULL,                 -- 1-based
	mr           INTEGER NOT NULL,                 -- 0..255
	state        TEXT    NOT NULL DEFAULT 'sent'
	             CHECK (state IN ('sent', 'delivered', 'failed')),
	sent_at      INTEGER NOT NULL,
	delivered_at INTEGER,
	status       INTEGER,                          -- TP-ST of the report
	PRIMARY KEY (outbox_id, seq)
) WITHOUT ROWID;
CREATE INDEX outbox_parts_mr ON outbox_parts(mr, sent_at);

-- Delivery reports as received (+CDS or read from storage), matched or not.
CREATE TABLE status_reports (
	id           INTEGER PRIMARY KEY,
	pdu          TEXT    NOT NULL,
	mr           INTEGER NOT NULL,
	recipient    TEXT    NOT NULL,
	status       INTEGER NOT NULL,                 -- TP-ST
	scts         INTEGER NOT NULL DEFAULT 0,       -- when the SMSC took the message; 0 unknown
	discharge_at INTEGER NOT NULL DEFAULT 0,       -- when delivered / given up; 0 unknown
	received_at  INTEGER NOT NULL,
	outbox_id    INTEGER REFERENCES outbox(id) ON DELETE SET NULL,
	UNIQUE (mr, recipient, scts, discharge_at, status)
);

-- People who may use the gateway. commune / village hold catalog codes
-- ("vo-tranh", "vo-tranh/thon-3").
CREATE TABLE users (
	phone      TEXT    PRIMARY KEY,                -- E.164
	name       TEXT    NOT NULL DEFAULT '',
	role       TEXT    NOT NULL
	           CHECK (role IN ('collaborator', 'staff', 'official', 'admin')),
	commune    TEXT    NOT NULL DEFAULT '',
	village    TEXT    NOT NULL DEFAULT '',
	active     INTEGER NOT NULL DEFAULT 1,
	training   INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX users_place ON users(commune, village);

-- The modem's current state (registration, signal, operator, last times...)
-- and the history of its changes (hours without network in the summary).
CREATE TABLE modem_health (
	key        TEXT    PRIMARY KEY,
	value      TEXT    NOT NULL,
	updated_at INTEGER NOT NULL,
	changed_at INTEGER NOT NULL                    -- when value last changed
) WITHOUT ROWID;
CREATE TABLE modem_health_history (
	id    INTEGER PRIMARY KEY,
	at    INTEGER NOT NULL,
	key   TEXT    NOT NULL,
	value TEXT    NOT NULL
);
CREATE INDEX modem_health_history_key ON modem_health_history(key, at);

-- What happened, for people running the box. Never names of people or PINs.
CREATE TABLE events (
	id     INTEGER PRIMARY KEY,
	at     INTEGER NOT NULL,
	level  TEXT    NOT NULL,
	what   TEXT    NOT NULL,
	detail TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX events_at ON events(at);
