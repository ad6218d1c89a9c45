/* store_outbox.c: the send queue, its retries and delivery reports (see
 * store_outbox.h for the life of a row). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"
#include "store/store_outbox.h"

static const char *const outbox_state_names[] = {
	[OUTBOX_QUEUED] = "queued",
	[OUTBOX_SENDING] = "sending",
	[OUTBOX_SENT] = "sent",
	[OUTBOX_FAILED] = "failed",
	[OUTBOX_DELIVERED] = "delivered",
};

const char *store_outbox_state_name(enum outbox_state st)
{
	if ((unsigned)st >= sizeof outbox_state_names / sizeof *outbox_state_names)
		return "?";
	return outbox_state_names[st];
}

static enum outbox_state outbox_state_parse(const unsigned char *s)
{
	for (int i = 0; i < 5; i++)
		if (s && !strcmp((const char *)s, outbox_state_names[i]))
			return (enum outbox_state)i;
	return OUTBOX_FAILED;
}

int64_t store_outbox_backoff(const struct outbox_policy *p, int attempts)
{
	int64_t d = p->backoff > 0 ? p->backoff : 1;
	int64_t cap = p->backoff_max > d ? p->backoff_max : d;
	for (int i = 1; i < attempts && d < cap; i++)
		d *= 2;
	return d < cap ? d : cap;
}

/* Only "+" and 3 to 15 digits: the last guard against answering a short
 * code or an alphanumeric sender, which costs money and loops. */
static bool outbox_recipient_ok(const char *p)
{
	if (!p || *p != '+')
		return false;
	size_t n = 0;
	for (p++; *p; p++, n++)
		if (*p < '0' || *p > '9')
			return false;
	return n >= 3 && n <= 15;
}

int64_t store_outbox_queue(struct store *s, const char *to, const char *text,
			   int64_t origin_msg_id, const char *slot, int64_t now)
{
	if (!s || !text || origin_msg_id < 0)
		return STORE_E_ARG;
	if (!outbox_recipient_ok(to))
		return STORE_E_RECIPIENT;
	if (!slot)
		slot = "";
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO outbox (recipient, text, origin_msg_id, slot, next_attempt_at,"
		" created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?5)"
		" ON CONFLICT (origin_msg_id, slot) DO NOTHING");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, to, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, origin_msg_id);
	sqlite3_bind_text(st, 4, slot, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, now);
	int rc = store_run(s, st);
	if (rc < 0)
		return rc;
	if (store_changes(s) == 1)
		return store_last_id(s);
	st = store_prepare(s, "SELECT id FROM outbox WHERE origin_msg_id = ?1 AND slot = ?2");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, origin_msg_id);
	sqlite3_bind_text(st, 2, slot, -1, SQLITE_STATIC);
	int64_t id = store_step(s, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : STORE_E_DB;
	sqlite3_reset(st);
	return id;
}

#define OUTBOX_COLS "id, recipient, text, origin_msg_id, slot, state, attempts, parts_total," \
	" parts_sent, next_attempt_at, created_at, sent_at, delivered_at, last_error"

static void outbox_text(char *dst, size_t len, sqlite3_stmt *st, int col, bool *trunc)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	size_t n = (size_t)sqlite3_column_bytes(st, col);
	if (!t)
		n = 0;
	if (trunc)
		*trunc = n >= len;
	if (n >= len) {
		n = len - 1;
		/* Do not cut a UTF-8 sequence in half. */
		while (n > 0 && (t[n] & 0xC0) == 0x80)
			n--;
	}
	if (n)
		memcpy(dst, t, n);
	dst[n] = 0;
}

static void outbox_from_row(sqlite3_stmt *st, struct outbox_row *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	outbox_text(r->recipient, sizeof r->recipient, st, 1, NULL);
	outbox_text(r->text, sizeof r->text, st, 2, &r->text_truncated);
	r->origin_msg_id = sqlite3_column_int64(st, 3);
	outbox_text(r->slot, sizeof r->slot, st, 4, NULL);
	r->state = outbox_state_parse(sqlite3_column_text(st, 5));
	r->attempts = sqlite3_column_int(st, 6);
	r->parts_total = sqlite3_column_int(st, 7);
	r->parts_sent = sqlite3_column_int(st, 8);
	r->next_attempt_at = sqlite3_column_int64(st, 9);
	r->created_at = sqlite3_column_int64(st, 10);
	r->sent_at = sqlite3_column_int64(st, 11);
	r->delivered_at = sqlite3_column_int64(st, 12);
	outbox_text(r->last_error, sizeof r->last_error, st, 13, NULL);
}

static int outbox_one(struct store *s, sqlite3_stmt *st, struct outbox_row *out)
{
	int rc = store_step(s, st);
	int ret = 0;
	if (rc == SQLITE_ROW) {
		outbox_from_row(st, out);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = STORE_E_DB;
	}
	sqlite3_reset(st);
	return ret;
}

int store_outbox_next_due(struct store *s, int64_t now, struct outbox_row *out)
{
	if (!s || !out)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT " OUTBOX_COLS " FROM outbox WHERE state = 'queued'"
		" AND next_attempt_at <= ?1 ORDER BY next_attempt_at, id LIMIT 1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, now);
	return outbox_one(s, st, out);
}

int store_outbox_next_time(struct store *s, int64_t *when)
{
	if (!s || !when)
		return STORE_E_ARG;
	return store_step_opt_int64(s, store_prepare(s,
		"SELECT min(next_attempt_at) FROM outbox WHERE state = 'queued'"), when);
}

int store_outbox_get(struct store *s, int64_t id, struct outbox_row *out)
{
	if (!s || !out)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s, "SELECT " OUTBOX_COLS " FROM outbox WHERE id = ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, id);
	return outbox_one(s, st, out);
}

int store_outbox_requeue_sending(struct store *s, int64_t now)
{
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE outbox SET state = 'queued', next_attempt_at = min(next_attempt_at, ?1)"
		" WHERE state = 'sending'");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, now);
	int rc = store_run(s, st);
	return rc < 0 ? rc : store_changes(s);
}

static int outbox_expect_one(struct store *s, int rc)
{
	if (rc < 0)
		return rc;
	return store_changes(s) == 1 ? 0 : STORE_E_NOTFOUND;
}

int store_outbox_begin_attempt(struct store *s, int64_t id, int parts_total, int64_t now)
{
	if (!s || parts_total < 1 || parts_total > 255)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE outbox SET state = 'sending', attempts = attempts + 1,"
		" parts_total = ?2, next_attempt_at = ?3"
		" WHERE id = ?1 AND state IN ('queued', 'sending')");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, parts_total);
	sqlite3_bind_int64(st, 3, now);
	return outbox_expect_one(s, store_run(s, st));
}

int store_outbox_part_sent(struct store *s, int64_t id, int seq, int mr, int64_t now)
{
	if (!s || seq < 1 || mr < 0 || mr > 255)
		return STORE_E_ARG;
	int rc = store_begin(s);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO outbox_parts (outbox_id, seq, mr, sent_at) VALUES (?1, ?2, ?3, ?4)"
		" ON CONFLICT (outbox_id, seq) DO UPDATE SET mr = excluded.mr,"
		" sent_at = excluded.sent_at, state = 'sent'");
	if (!st) {
		store_rollback(s);
		return STORE_E_DB;
	}
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, seq);
	sqlite3_bind_int(st, 3, mr);
	sqlite3_bind_int64(st, 4, now);
	rc = store_run(s, st);
	if (rc == 0) {
		st = store_prepare(s,
			"UPDATE outbox SET parts_sent = max(parts_sent, ?2),"
			" state = CASE WHEN state IN ('sending', 'queued')"
			"   AND max(parts_sent, ?2) >= parts_total THEN 'sent' ELSE state END,"
			" sent_at = CASE WHEN state IN ('sending', 'queued')"
			"   AND max(parts_sent, ?2) >= parts_total THEN ?3 ELSE sent_at END"
			" WHERE id = ?1 AND ?2 <= parts_total");
		if (!st)
			rc = STORE_E_DB;
		else {
			sqlite3_bind_int64(st, 1, id);
			sqlite3_bind_int(st, 2, seq);
			sqlite3_bind_int64(st, 3, now);
			rc = outbox_expect_one(s, store_run(s, st));
		}
	}
	if (rc < 0) {
		store_rollback(s);
		return rc;
	}
	return store_commit(s);
}

int store_outbox_attempt_failed(struct store *s, int64_t id, const char *error,
				const struct outbox_policy *p, int64_t now)
{
	if (!s || !p)
		return STORE_E_ARG;
	struct outbox_row r;
	int rc = store_outbox_get(s, id, &r);
	if (rc <= 0)
		return rc < 0 ? rc : STORE_E_NOTFOUND;
	if (r.state != OUTBOX_SENDING && r.state != OUTBOX_QUEUED)
		return r.state;
	bool give_up = r.attempts >= p->max_attempts;
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE outbox SET state = ?2, next_attempt_at = ?3, last_error = ?4"
		" WHERE id = ?1");
	if (!st)
		return STORE_E_DB;
	enum outbox_state ns = give_up ? OUTBOX_FAILED : OUTBOX_QUEUED;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, store_outbox_state_name(ns), -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, give_up ? now : now + store_outbox_backoff(p, r.attempts));
	sqlite3_bind_text(st, 4, error ? error : "unknown error", -1, SQLITE_STATIC);
	rc = store_run(s, st);
	return rc < 0 ? rc : (int)ns;
}

int store_outbox_fail(struct store *s, int64_t id, const char *reason, int64_t now)
{
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE outbox SET state = 'failed', last_error = ?2, next_attempt_at = ?3"
		" WHERE id = ?1 AND state IN ('queued', 'sending')");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, reason ? reason : "failed", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	return outbox_expect_one(s, store_run(s, st));
}

int store_outbox_sent_since(struct store *s, const char *recipient, int64_t since)
{
	if (!s || !recipient)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT count(*) FROM outbox WHERE recipient = ?1 AND"
		" ((state IN ('sent', 'delivered') AND sent_at >= ?2) OR state = 'sending')");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, recipient, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	int n = store_step(s, st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : STORE_E_DB;
	sqlite3_reset(st);
	return n;
}

/* Finds the part and updates it and its row; 0 when nothing matched. */
static int64_t outbox_apply_report(struct store *s, const struct status_report_in *r,
				   int64_t now)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT p.outbox_id, p.seq FROM outbox_parts p JOIN outbox o ON o.id = p.outbox_id"
		" WHERE p.mr = ?1 AND o.recipient = ?2 AND p.sent_at >= ?3"
		" ORDER BY p.sent_at DESC, p.outbox_id DESC LIMIT 1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int(st, 1, r->mr);
	sqlite3_bind_text(st, 2, r->recipient, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now - 7 * 86400);
	int rc = store_step(s, st);
	int64_t id = 0;
	int seq = 0;
	if (rc == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		seq = sqlite3_column_int(st, 1);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : STORE_E_DB;
	if (r->status >= 0x20 && r->status < 0x40)
		return id;	/* the SMSC is still trying: nothing changes yet */
	bool ok = r->status < 0x20;
	st = store_prepare(s,
		"UPDATE outbox_parts SET state = ?3, delivered_at = ?4, status = ?5"
		" WHERE outbox_id = ?1 AND seq = ?2");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, seq);
	sqlite3_bind_text(st, 3, ok ? "delivered" : "failed", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, r->discharge_at ? r->discharge_at : now);
	sqlite3_bind_int(st, 5, r->status);
	if ((rc = store_run(s, st)) < 0)
		return rc;
	if (ok) {
		st = store_prepare(s,
			"UPDATE outbox SET state = 'delivered', delivered_at = ?2 WHERE id = ?1"
			" AND state = 'sent' AND NOT EXISTS (SELECT 1 FROM outbox_parts"
			"  WHERE outbox_id = ?1 AND state <> 'delivered')"
			" AND (SELECT count(*) FROM outbox_parts WHERE outbox_id = ?1) >= parts_total");
		if (!st)
			return STORE_E_DB;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_int64(st, 2, r->discharge_at ? r->discharge_at : now);
	} else {
		char why[OUTBOX_ERROR_MAX];
		snprintf(why, sizeof why, "not delivered (status 0x%02X, part %d)", r->status, seq);
		st = store_prepare(s,
			"UPDATE outbox SET state = 'failed', last_error = ?2 WHERE id = ?1"
			" AND state IN ('sent', 'delivered')");
		if (!st)
			return STORE_E_DB;
		sqlite3_bind_int64(st, 1, id);
		sqlite3_bind_text(st, 2, why, -1, SQLITE_TRANSIENT);
	}
	if ((rc = store_run(s, st)) < 0)
		return rc;
	return id;
}

int64_t store_outbox_status_report(struct store *s, const struct status_report_in *r,
				   int64_t now)
{
	if (!s || !r || !r->recipient || r->mr < 0 || r->mr > 255)
		return STORE_E_ARG;
	int rc = store_begin(s);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO status_reports (pdu, mr, recipient, status, scts, discharge_at,"
		" received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
		" ON CONFLICT DO NOTHING");
	if (!st) {
		store_rollback(s);
		return STORE_E_DB;
	}
	sqlite3_bind_text(st, 1, r->pdu ? r->pdu : "", -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, r->mr);
	sqlite3_bind_text(st, 3, r->recipient, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, r->status);
	sqlite3_bind_int64(st, 5, r->scts);
	sqlite3_bind_int64(st, 6, r->discharge_at);
	sqlite3_bind_int64(st, 7, now);
	if ((rc = store_run(s, st)) < 0) {
		store_rollback(s);
		return rc;
	}
	int64_t id = 0;
	if (store_changes(s) == 1) {	/* a repeated report changes nothing */
		int64_t report_id = store_last_id(s);
		id = outbox_apply_report(s, r, now);
		if (id > 0) {
			st = store_prepare(s, "UPDATE status_reports SET outbox_id = ?2 WHERE id = ?1");
			if (!st)
				id = STORE_E_DB;
			else {
				sqlite3_bind_int64(st, 1, report_id);
				sqlite3_bind_int64(st, 2, id);
				rc = store_run(s, st);
				if (rc < 0)
					id = rc;
			}
		}
	}
	if (id < 0) {
		store_rollback(s);
		return id;
	}
	rc = store_commit(s);
	return rc < 0 ? rc : id;
}

int64_t store_outbox_last_sent_at(struct store *s)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT coalesce(max(sent_at), 0) FROM outbox WHERE state IN ('sent', 'delivered')");
	if (!st)
		return STORE_E_DB;
	int64_t v = store_step(s, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : STORE_E_DB;
	sqlite3_reset(st);
	return v;
}

int store_outbox_counts(struct store *s, int counts[5])
{
	memset(counts, 0, 5 * sizeof *counts);
	sqlite3_stmt *st = store_prepare(s, "SELECT state, count(*) FROM outbox GROUP BY state");
	if (!st)
		return STORE_E_DB;
	int rc;
	while ((rc = store_step(s, st)) == SQLITE_ROW)
		counts[outbox_state_parse(sqlite3_column_text(st, 0))] += sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

int store_outbox_each(struct store *s, int limit,
		      int (*fn)(const struct outbox_row *r, void *arg), void *arg)
{
	if (!s || !fn)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT " OUTBOX_COLS " FROM outbox ORDER BY id DESC LIMIT ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
	int rc, ret = 0;
	struct outbox_row r;
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		outbox_from_row(st, &r);
		if ((ret = fn(&r, arg)) != 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(st);
	return ret;
}

int store_outbox_each_reply(struct store *s, int64_t msg_id,
			    int (*fn)(const struct outbox_row *r, void *arg), void *arg)
{
	if (!s || !fn || msg_id <= 0)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT " OUTBOX_COLS " FROM outbox WHERE origin_msg_id = ?1 ORDER BY id");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, msg_id);
	int rc, ret = 0;
	struct outbox_row *r = malloc(sizeof *r);
	if (!r) {
		sqlite3_reset(st);
		return STORE_E_DB;
	}
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		outbox_from_row(st, r);
		if ((ret = fn(r, arg)) != 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(st);
	free(r);
	return ret;
}
