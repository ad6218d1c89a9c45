/* concat.c: reassembly of concatenated SMS from inbox_parts into messages
 * (see concat.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/concat.h"
#include "store/store.h"

uint64_t concat_fnv1a(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

void concat_hash_hex(uint64_t h, char out[17])
{
	snprintf(out, 17, "%016llx", (unsigned long long)h);
}

/* The group a part belongs to. */
struct concat_group {
	char sender[64];
	int sender_kind;
	int ref, total;
};

/* Text grows as parts are appended. */
struct concat_buf {
	char *p;
	size_t len, cap;
};

static int concat_buf_add(struct concat_buf *b, const void *d, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t ncap = b->cap ? b->cap : 256;
		while (ncap < b->len + n + 1)
			ncap *= 2;
		char *np = realloc(b->p, ncap);
		if (!np)
			return -1;
		b->p = np;
		b->cap = ncap;
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
	b->p[b->len] = 0;
	return 0;
}

/* Makes the message from the group's open parts, one per seq (the earliest
 * received when a reused reference put two parts at one seq; the other
 * stays open and starts the next group). */
static int concat_assemble(struct store *s, const struct concat_group *g, bool incomplete,
			   int64_t now, struct concat_result *r)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT id, concat_seq, text, scts, scts_tz, received_at FROM inbox_parts"
		" WHERE message_id IS NULL AND sender = ?1 AND concat_ref = ?2"
		" AND concat_total = ?3 ORDER BY concat_seq, received_at, id");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, g->sender, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, g->ref);
	sqlite3_bind_int(st, 3, g->total);
	struct concat_buf text = { 0 };
	int64_t *ids = NULL;
	size_t nids = 0;
	int last_seq = 0, rc, ret = 0;
	int64_t sent_at = 0, received_at = 0;
	int sent_tz = 0;
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		int seq = sqlite3_column_int(st, 1);
		if (seq == last_seq)
			continue;
		last_seq = seq;
		int64_t *nid = realloc(ids, (nids + 1) * sizeof *ids);
		if (!nid) {
			ret = STORE_E_DB;
			break;
		}
		ids = nid;
		ids[nids] = sqlite3_column_int64(st, 0);
		if (nids == 0) {
			sent_at = sqlite3_column_int64(st, 3);
			sent_tz = sqlite3_column_int(st, 4);
			received_at = sqlite3_column_int64(st, 5);
		} else if (sqlite3_column_int64(st, 5) < received_at) {
			received_at = sqlite3_column_int64(st, 5);
		}
		nids++;
		const void *t = sqlite3_column_text(st, 2);
		if (t && concat_buf_add(&text, t, (size_t)sqlite3_column_bytes(st, 2)) < 0) {
			ret = STORE_E_DB;
			break;
		}
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(st);
	if (ret == 0 && nids == 0)
		ret = STORE_E_NOTFOUND;
	if (ret < 0)
		goto out;
	if (!text.p && concat_buf_add(&text, "", 0) < 0) {
		ret = STORE_E_DB;
		goto out;
	}
	char hash[17];
	concat_hash_hex(concat_fnv1a(CONCAT_FNV_INIT, text.p, text.len), hash);

	st = store_prepare(s,
		"INSERT INTO messages (sender, sender_kind, text, text_hash, sent_at, sent_tz,"
		" received_at, assembled_at, parts, parts_total, incomplete)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
		" ON CONFLICT (sender, sent_at, text_hash) DO NOTHING");
	if (!st) {
		ret = STORE_E_DB;
		goto out;
	}
	sqlite3_bind_text(st, 1, g->sender, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, g->sender_kind);
	sqlite3_bind_text(st, 3, text.p, (int)text.len, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, hash, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 5, sent_at);
	sqlite3_bind_int(st, 6, sent_tz);
	sqlite3_bind_int64(st, 7, received_at);
	sqlite3_bind_int64(st, 8, now);
	sqlite3_bind_int(st, 9, (int)nids);
	sqlite3_bind_int(st, 10, g->total);
	sqlite3_bind_int(st, 11, incomplete);
	if ((ret = store_run(s, st)) < 0)
		goto out;
	int64_t mid;
	if (store_changes(s) == 1) {
		mid = store_last_id(s);
		r->outcome = CONCAT_ASSEMBLED;
	} else {
		st = store_prepare(s,
			"SELECT id FROM messages WHERE sender = ?1 AND sent_at = ?2 AND text_hash = ?3");
		if (!st) {
			ret = STORE_E_DB;
			goto out;
		}
		sqlite3_bind_text(st, 1, g->sender, -1, SQLITE_TRANSIENT);
		sqlite3_bind_int64(st, 2, sent_at);
		sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
		mid = store_step(s, st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_reset(st);
		if (!mid) {
			ret = STORE_E_DB;
			goto out;
		}
		r->outcome = CONCAT_DUPLICATE_MESSAGE;
	}
	r->message_id = mid;
	for (size_t i = 0; i < nids && ret == 0; i++) {
		st = store_prepare(s, "UPDATE inbox_parts SET message_id = ?2 WHERE id = ?1");
		if (!st) {
			ret = STORE_E_DB;
			break;
		}
		sqlite3_bind_int64(st, 1, ids[i]);
		sqlite3_bind_int64(st, 2, mid);
		ret = store_run(s, st);
	}
out:
	free(ids);
	free(text.p);
	return ret;
}

/* A part that arrives after its message was assembled incomplete joins that
 * message (for the record) instead of opening a group that would later
 * surface as a second, one-part message. */
static int concat_attach_late(struct store *s, int64_t part_id, const struct concat_group *g,
			      int seq, int64_t scts, struct concat_result *r)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT m.id FROM messages m JOIN inbox_parts p ON p.message_id = m.id"
		" WHERE m.incomplete = 1 AND p.sender = ?1 AND p.concat_ref = ?2"
		" AND p.concat_total = ?3 AND abs(p.scts - ?4) <= ?5"
		" AND NOT EXISTS (SELECT 1 FROM inbox_parts q WHERE q.message_id = m.id"
		"                 AND q.concat_seq = ?6)"
		" ORDER BY m.id DESC LIMIT 1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, g->sender, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, g->ref);
	sqlite3_bind_int(st, 3, g->total);
	sqlite3_bind_int64(st, 4, scts);
	sqlite3_bind_int(st, 5, CONCAT_LATE_SCTS_WINDOW);
	sqlite3_bind_int(st, 6, seq);
	int rc = store_step(s, st);
	int64_t mid = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? 0 : STORE_E_DB;
	st = store_prepare(s, "UPDATE inbox_parts SET message_id = ?2 WHERE id = ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, part_id);
	sqlite3_bind_int64(st, 2, mid);
	if ((rc = store_run(s, st)) < 0)
		return rc;
	r->outcome = CONCAT_LATE;
	r->message_id = mid;
	return 1;
}

int concat_after_insert(struct store *s, int64_t part_id, int64_t now,
			struct concat_result *r)
{
	if (!s || !r)
		return STORE_E_ARG;
	r->outcome = CONCAT_WAITING;
	r->message_id = 0;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT sender, sender_kind, concat_ref, concat_total, concat_seq, scts"
		" FROM inbox_parts WHERE id = ?1 AND message_id IS NULL");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, part_id);
	int rc = store_step(s, st);
	struct concat_group g = { 0 };
	int seq = 0;
	int64_t scts = 0;
	if (rc == SQLITE_ROW) {
		snprintf(g.sender, sizeof g.sender, "%s", (const char *)sqlite3_column_text(st, 0));
		g.sender_kind = sqlite3_column_int(st, 1);
		g.ref = sqlite3_column_int(st, 2);
		g.total = sqlite3_column_int(st, 3);
		seq = sqlite3_column_int(st, 4);
		scts = sqlite3_column_int64(st, 5);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE ? STORE_E_NOTFOUND : STORE_E_DB;
	if (g.total <= 1)
		return concat_assemble(s, &g, false, now, r);

	rc = concat_attach_late(s, part_id, &g, seq, scts, r);
	if (rc != 0)
		return rc < 0 ? rc : 0;

	st = store_prepare(s,
		"SELECT count(DISTINCT concat_seq) FROM inbox_parts WHERE message_id IS NULL"
		" AND sender = ?1 AND concat_ref = ?2 AND concat_total = ?3");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, g.sender, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, g.ref);
	sqlite3_bind_int(st, 3, g.total);
	rc = store_step(s, st);
	int have = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	sqlite3_reset(st);
	if (have < 0)
		return STORE_E_DB;
	if (have < g.total)
		return 0;
	return concat_assemble(s, &g, false, now, r);
}

/* Received time of the group's oldest open part: 1 and *oldest, 0 when
 * the group has no open part. */
static int concat_group_oldest(struct store *s, const struct concat_group *g, int64_t *oldest)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT min(received_at) FROM inbox_parts WHERE message_id IS NULL"
		" AND sender = ?1 AND concat_ref = ?2 AND concat_total = ?3");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, g->sender, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(st, 2, g->ref);
	sqlite3_bind_int(st, 3, g->total);
	return store_step_opt_int64(s, st, oldest);
}

int concat_assemble_overdue(struct store *s, int64_t now, int64_t wait)
{
	if (!s || wait < 0)
		return STORE_E_ARG;
	/* Collect first: the groups change under a running SELECT otherwise. */
	sqlite3_stmt *st = store_prepare(s,
		"SELECT sender, sender_kind, concat_ref, concat_total FROM inbox_parts"
		" WHERE message_id IS NULL GROUP BY sender, concat_ref, concat_total"
		" HAVING min(received_at) <= ?1 ORDER BY min(received_at)");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, now - wait);
	struct concat_group *gs = NULL;
	size_t n = 0;
	int rc, ret = 0;
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		struct concat_group *ng = realloc(gs, (n + 1) * sizeof *gs);
		if (!ng) {
			ret = STORE_E_DB;
			break;
		}
		gs = ng;
		memset(&gs[n], 0, sizeof gs[n]);
		snprintf(gs[n].sender, sizeof gs[n].sender, "%s",
			 (const char *)sqlite3_column_text(st, 0));
		gs[n].sender_kind = sqlite3_column_int(st, 1);
		gs[n].ref = sqlite3_column_int(st, 2);
		gs[n].total = sqlite3_column_int(st, 3);
		n++;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(st);
	if (ret < 0 || n == 0) {
		free(gs);
		return ret;
	}
	if ((ret = store_begin(s)) < 0) {
		free(gs);
		return ret;
	}
	int made = 0;
	for (size_t i = 0; i < n && ret >= 0; i++) {
		/* A reused reference can leave a second set of parts under the
		 * same key (two parts at one seq): keep going while the
		 * group's oldest open part is overdue. */
		int64_t oldest;
		while ((ret = concat_group_oldest(s, &gs[i], &oldest)) == 1 && oldest <= now - wait) {
			struct concat_result r;
			ret = concat_assemble(s, &gs[i], true, now, &r);
			if (ret < 0)
				break;
			if (r.outcome == CONCAT_ASSEMBLED)
				made++;
		}
	}
	free(gs);
	if (ret < 0) {
		store_rollback(s);
		return ret;
	}
	ret = store_commit(s);
	return ret < 0 ? ret : made;
}

int concat_next_due(struct store *s, int64_t wait, int64_t *when)
{
	if (!s || !when)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT min(received_at) FROM inbox_parts WHERE message_id IS NULL");
	int64_t oldest;
	int ret = store_step_opt_int64(s, st, &oldest);
	if (ret == 1)
		*when = oldest + wait;
	return ret;
}
