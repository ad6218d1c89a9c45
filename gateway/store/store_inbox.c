/* store_inbox.c: inbound parts committed exactly once, assembled messages
 * and their dispatch mark (see store_inbox.h for the core's sequence). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/concat.h"
#include "store/store.h"
#include "store/store_inbox.h"

static const char *const inbox_outcome_names[] = {
	[INBOX_WAITING] = "waiting",
	[INBOX_ASSEMBLED] = "assembled",
	[INBOX_DUPLICATE] = "duplicate",
	[INBOX_DUPLICATE_MESSAGE] = "duplicate-message",
	[INBOX_LATE] = "late",
};

const char *store_inbox_outcome_name(enum inbox_outcome o)
{
	if ((unsigned)o >= sizeof inbox_outcome_names / sizeof *inbox_outcome_names)
		return "?";
	return inbox_outcome_names[o];
}

void store_inbox_part_from_pdu(struct inbox_part *p, const struct pdu_msg *m, const char *hex,
			       int tpdu_len, const char *sender, enum phone_kind kind,
			       int64_t now)
{
	memset(p, 0, sizeof *p);
	p->pdu = hex;
	p->tpdu_len = tpdu_len;
	p->sender = sender;
	p->sender_kind = kind;
	p->scts = (int64_t)pdu_time_epoch(&m->scts);
	p->scts_tz = m->scts.tz_quarters;
	if (m->concat.present && m->concat.total > 1) {
		p->concat_ref = m->concat.ref;
		p->concat_total = m->concat.total;
		p->concat_seq = m->concat.seq;
	} else {
		p->concat_ref = -1;
		p->concat_total = 1;
		p->concat_seq = 1;
	}
	p->dcs = m->dcs;
	p->text = m->text;
	p->data = m->data;
	p->data_len = m->enc == SMS_ENC_8BIT ? m->data_len : 0;
	p->received_at = now;
}

/* The content half of the exactly-once key. The SMSC address, the PDU
 * bytes and the TP-MTI flags are left out on purpose: a network duplicate
 * may come through another service centre with other flags. */
static void inbox_content_hash(const struct inbox_part *p, char out[17])
{
	uint64_t h = CONCAT_FNV_INIT;
	unsigned char dcs = (unsigned char)p->dcs;
	h = concat_fnv1a(h, &dcs, 1);
	h = concat_fnv1a(h, p->text, strlen(p->text));
	h = concat_fnv1a(h, "", 1);
	if (p->data_len)
		h = concat_fnv1a(h, p->data, p->data_len);
	concat_hash_hex(h, out);
}

static bool inbox_part_valid(const struct inbox_part *p)
{
	/* An empty sender is allowed: a number the normaliser refused still
	 * has to leave the SIM (the raw PDU keeps what it said). */
	if (!p || !p->pdu || !p->sender || !p->text)
		return false;
	if (p->data_len && !p->data)
		return false;
	if (p->concat_ref == -1)
		return p->concat_total == 1 && p->concat_seq == 1;
	return p->concat_ref >= 0 && p->concat_ref <= 0xffff && p->concat_total >= 1 &&
	       p->concat_total <= 255 && p->concat_seq >= 1 && p->concat_seq <= p->concat_total;
}

static int inbox_find_part(struct store *s, const struct inbox_part *p, const char *hash,
			   struct inbox_result *res)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT id, coalesce(message_id, 0) FROM inbox_parts WHERE sender = ?1"
		" AND scts = ?2 AND concat_ref = ?3 AND concat_total = ?4 AND concat_seq = ?5"
		" AND content_hash = ?6");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, p->sender, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, p->scts);
	sqlite3_bind_int(st, 3, p->concat_ref);
	sqlite3_bind_int(st, 4, p->concat_total);
	sqlite3_bind_int(st, 5, p->concat_seq);
	sqlite3_bind_text(st, 6, hash, -1, SQLITE_STATIC);
	int rc = store_step(s, st);
	if (rc == SQLITE_ROW) {
		res->part_id = sqlite3_column_int64(st, 0);
		res->message_id = sqlite3_column_int64(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

static int inbox_insert(struct store *s, const struct inbox_part *p, const char *hash,
			struct inbox_result *res)
{
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO inbox_parts (pdu, tpdu_len, sender, sender_kind, scts, scts_tz,"
		" concat_ref, concat_total, concat_seq, text, content_hash, received_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
		" ON CONFLICT DO NOTHING");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, p->pdu, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, p->tpdu_len);
	sqlite3_bind_text(st, 3, p->sender, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, (int)p->sender_kind);
	sqlite3_bind_int64(st, 5, p->scts);
	sqlite3_bind_int(st, 6, p->scts_tz);
	sqlite3_bind_int(st, 7, p->concat_ref);
	sqlite3_bind_int(st, 8, p->concat_total);
	sqlite3_bind_int(st, 9, p->concat_seq);
	sqlite3_bind_text(st, 10, p->text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 11, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 12, p->received_at);
	int rc = store_run(s, st);
	if (rc < 0)
		return rc;
	if (store_changes(s) != 1)
		return 0;
	res->part_id = store_last_id(s);
	return 1;
}

int store_inbox_commit_part(struct store *s, const struct inbox_part *p,
			    struct inbox_result *res)
{
	if (!s || !res || !inbox_part_valid(p))
		return STORE_E_ARG;
	memset(res, 0, sizeof *res);
	char hash[17];
	inbox_content_hash(p, hash);
	int rc = store_begin(s);
	if (rc < 0)
		return rc;
	rc = inbox_insert(s, p, hash, res);
	if (rc == 0) {
		/* Seen before: report the existing row and change nothing. */
		rc = inbox_find_part(s, p, hash, res);
		if (rc == 1)
			res->outcome = INBOX_DUPLICATE;
		else if (rc == 0)
			rc = STORE_E_DB;
	} else if (rc == 1) {
		struct concat_result cr;
		rc = concat_after_insert(s, res->part_id, p->received_at, &cr);
		if (rc == 0) {
			res->message_id = cr.message_id;
			switch (cr.outcome) {
			case CONCAT_WAITING: res->outcome = INBOX_WAITING; break;
			case CONCAT_ASSEMBLED: res->outcome = INBOX_ASSEMBLED; break;
			case CONCAT_DUPLICATE_MESSAGE: res->outcome = INBOX_DUPLICATE_MESSAGE; break;
			case CONCAT_LATE: res->outcome = INBOX_LATE; break;
			}
		}
	}
	if (rc < 0) {
		store_rollback(s);
		memset(res, 0, sizeof *res);
		return rc;
	}
	rc = store_commit(s);
	if (rc < 0)
		memset(res, 0, sizeof *res);
	return rc;
}

int store_inbox_reject(struct store *s, const char *hex, int tpdu_len, const char *why,
		       int64_t now)
{
	if (!s || !hex)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO inbox_rejects (pdu, tpdu_len, why, received_at)"
		" VALUES (?1, ?2, ?3, ?4) ON CONFLICT (pdu) DO NOTHING");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, hex, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, tpdu_len);
	sqlite3_bind_text(st, 3, why ? why : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, now);
	return store_run(s, st);
}

#define MSG_COLS "id, sender, sender_kind, text, sent_at, sent_tz, received_at, assembled_at," \
	" parts, parts_total, incomplete, coalesce(handled_at, 0)"

static void inbox_msg_from_row(sqlite3_stmt *st, struct inbox_message *m)
{
	memset(m, 0, sizeof *m);
	m->id = sqlite3_column_int64(st, 0);
	snprintf(m->sender, sizeof m->sender, "%s", (const char *)sqlite3_column_text(st, 1));
	m->sender_kind = (enum phone_kind)sqlite3_column_int(st, 2);
	const unsigned char *t = sqlite3_column_text(st, 3);
	size_t n = t ? (size_t)sqlite3_column_bytes(st, 3) : 0;
	if (n >= sizeof m->text) {
		m->text_truncated = true;
		n = sizeof m->text - 1;
		while (n > 0 && (t[n] & 0xC0) == 0x80)
			n--;
	}
	if (n)
		memcpy(m->text, t, n);
	m->text[n] = 0;
	m->sent_at = sqlite3_column_int64(st, 4);
	m->sent_tz = sqlite3_column_int(st, 5);
	m->received_at = sqlite3_column_int64(st, 6);
	m->assembled_at = sqlite3_column_int64(st, 7);
	m->parts = sqlite3_column_int(st, 8);
	m->parts_total = sqlite3_column_int(st, 9);
	m->incomplete = sqlite3_column_int(st, 10) != 0;
	m->handled_at = sqlite3_column_int64(st, 11);
}

static int inbox_msg_one(struct store *s, sqlite3_stmt *st, struct inbox_message *out)
{
	int rc = store_step(s, st), ret = 0;
	if (rc == SQLITE_ROW) {
		inbox_msg_from_row(st, out);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = STORE_E_DB;
	}
	sqlite3_reset(st);
	return ret;
}

int store_inbox_next_unhandled(struct store *s, struct inbox_message *out)
{
	if (!s || !out)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT " MSG_COLS " FROM messages WHERE handled_at IS NULL ORDER BY id LIMIT 1");
	return st ? inbox_msg_one(s, st, out) : STORE_E_DB;
}

int store_inbox_get(struct store *s, int64_t id, struct inbox_message *out)
{
	if (!s || !out)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s, "SELECT " MSG_COLS " FROM messages WHERE id = ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, id);
	return inbox_msg_one(s, st, out);
}

int store_inbox_mark_handled(struct store *s, int64_t id, int64_t now)
{
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE messages SET handled_at = ?2 WHERE id = ?1 AND handled_at IS NULL");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	int rc = store_run(s, st);
	if (rc < 0)
		return rc;
	return store_changes(s) == 1 ? 0 : STORE_E_NOTFOUND;
}

int store_inbox_each(struct store *s, int limit,
		     int (*fn)(const struct inbox_message *m, void *arg), void *arg)
{
	if (!s || !fn)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT " MSG_COLS " FROM messages ORDER BY id DESC LIMIT ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
	struct inbox_message *m = malloc(sizeof *m);	/* 8 KB: off the stack */
	if (!m)
		return STORE_E_DB;
	int rc, ret = 0;
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		inbox_msg_from_row(st, m);
		if ((ret = fn(m, arg)) != 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(st);
	free(m);
	return ret;
}

static int64_t inbox_scalar(struct store *s, sqlite3_stmt *st)
{
	if (!st)
		return STORE_E_DB;
	int64_t v = store_step(s, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : STORE_E_DB;
	sqlite3_reset(st);
	return v;
}

int store_inbox_counts(struct store *s, struct inbox_counts *c)
{
	if (!s || !c)
		return STORE_E_ARG;
	memset(c, 0, sizeof *c);
	c->messages = inbox_scalar(s, store_prepare(s, "SELECT count(*) FROM messages"));
	c->unhandled = inbox_scalar(s, store_prepare(s,
		"SELECT count(*) FROM messages WHERE handled_at IS NULL"));
	c->incomplete = inbox_scalar(s, store_prepare(s,
		"SELECT count(*) FROM messages WHERE incomplete = 1"));
	c->open_parts = inbox_scalar(s, store_prepare(s,
		"SELECT count(*) FROM inbox_parts WHERE message_id IS NULL"));
	c->rejects = inbox_scalar(s, store_prepare(s, "SELECT count(*) FROM inbox_rejects"));
	c->last_received_at = inbox_scalar(s, store_prepare(s,
		"SELECT coalesce(max(received_at), 0) FROM messages"));
	if (c->messages < 0 || c->unhandled < 0 || c->incomplete < 0 || c->open_parts < 0 ||
	    c->rejects < 0 || c->last_received_at < 0)
		return STORE_E_DB;
	return 0;
}
