/* store_reports.c: reports, their versions and values; reply limits (see
 * store_reports.h). */
#include "store/store_reports.h"

#include <stdio.h>
#include <string.h>

#include "store/store.h"

#define REPORT_COLS "id, ref, version, coalesce(supersedes, 0), kind, phone, commune, village, project, " \
		    "day, received_at, coalesce(source_msg_id, 0), status, training, " \
		    "coalesce(changed_at, 0), coalesce(changed_by, '')"

/* Same alphabet as report_parse.h: no 0/O, 1/I/L, 5/S, 2/Z, 8/B. */
static const char ref_alphabet[] = "ACDEFGHJKMNPQRTUVWXY34679";

static void copy_col(sqlite3_stmt *st, int col, char *out, size_t outlen)
{
	const unsigned char *t = sqlite3_column_text(st, col);
	snprintf(out, outlen, "%s", t ? (const char *)t : "");
}

static int load_values(struct store *s, struct store_report *r)
{
	sqlite3_stmt *st = store_prepare(s,
		"SELECT indicator, value FROM report_values WHERE report_id = ?1 ORDER BY pos, indicator");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, r->id);
	r->nvalues = 0;
	int rc;
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		if (r->nvalues >= STORE_REPORT_VALUES_MAX)
			continue;
		struct store_report_value *v = &r->values[r->nvalues++];
		copy_col(st, 0, v->code, sizeof v->code);
		v->value = sqlite3_column_double(st, 1);
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

static void from_row(sqlite3_stmt *st, struct store_report *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	copy_col(st, 1, r->ref, sizeof r->ref);
	r->version = sqlite3_column_int(st, 2);
	r->supersedes = sqlite3_column_int64(st, 3);
	copy_col(st, 4, r->kind, sizeof r->kind);
	copy_col(st, 5, r->phone, sizeof r->phone);
	copy_col(st, 6, r->commune, sizeof r->commune);
	copy_col(st, 7, r->village, sizeof r->village);
	copy_col(st, 8, r->project, sizeof r->project);
	copy_col(st, 9, r->day, sizeof r->day);
	r->received_at = sqlite3_column_int64(st, 10);
	r->source_msg_id = sqlite3_column_int64(st, 11);
	copy_col(st, 12, r->status, sizeof r->status);
	r->training = sqlite3_column_int(st, 13) != 0;
	r->changed_at = sqlite3_column_int64(st, 14);
	copy_col(st, 15, r->changed_by, sizeof r->changed_by);
}

/* Runs a one-row SELECT of REPORT_COLS already bound; loads values. */
static int fetch_one(struct store *s, sqlite3_stmt *st, struct store_report *out)
{
	int rc = store_step(s, st);
	if (rc == SQLITE_ROW) {
		from_row(st, out);
		sqlite3_reset(st);
		return load_values(s, out) < 0 ? STORE_E_DB : 1;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

static int ref_exists(struct store *s, const char *ref)
{
	sqlite3_stmt *st = store_prepare(s, "SELECT 1 FROM reports WHERE ref = ?1 LIMIT 1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	int rc = store_step(s, st);
	sqlite3_reset(st);
	if (rc == SQLITE_ROW)
		return 1;
	return rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

/* 25^4 = 390,625 references; a district files a few thousand reports a
 * year, so a random pick almost never collides and a retry settles it. */
static int new_ref(struct store *s, uint64_t seed, char *ref)
{
	uint64_t x = seed ^ 0x746962616f726566ull;
	for (int attempt = 0; attempt < 200; attempt++) {
		uint64_t v = splitmix64(&x);
		for (int i = 0; i < 4; i++) {
			ref[i] = ref_alphabet[v % (sizeof ref_alphabet - 1)];
			v /= sizeof ref_alphabet - 1;
		}
		ref[4] = 0;
		int e = ref_exists(s, ref);
		if (e < 0)
			return e;
		if (!e)
			return 0;
	}
	return STORE_E_DB;
}

static int insert_values(struct store *s, const struct store_report *r)
{
	for (int i = 0; i < r->nvalues; i++) {
		sqlite3_stmt *st = store_prepare(s,
			"INSERT INTO report_values (report_id, indicator, value, pos) VALUES (?1, ?2, ?3, ?4)");
		if (!st)
			return STORE_E_DB;
		sqlite3_bind_int64(st, 1, r->id);
		sqlite3_bind_text(st, 2, r->values[i].code, -1, SQLITE_STATIC);
		sqlite3_bind_double(st, 3, r->values[i].value);
		sqlite3_bind_int(st, 4, i);
		int rc = store_run(s, st);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int store_report_insert(struct store *s, struct store_report *r, const char *text_key, uint64_t seed)
{
	if (!s || !r || !r->phone[0] || !r->commune[0] || !r->project[0] || !r->day[0])
		return STORE_E_ARG;
	if (!r->ref[0]) {
		int rc = new_ref(s, seed, r->ref);
		if (rc < 0)
			return rc;
	}
	if (r->version < 1)
		r->version = 1;
	if (!r->kind[0])
		snprintf(r->kind, sizeof r->kind, "activity");
	if (!r->status[0])
		snprintf(r->status, sizeof r->status, "%s", r->training ? "training" : "active");
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO reports (ref, version, supersedes, kind, phone, commune, village, project, day,"
		" received_at, source_msg_id, text_key, status, training)"
		" VALUES (?1, ?2, nullif(?3, 0), ?4, ?5, ?6, ?7, ?8, ?9, ?10, nullif(?11, 0), ?12, ?13, ?14)");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, r->ref, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, r->version);
	sqlite3_bind_int64(st, 3, r->supersedes);
	sqlite3_bind_text(st, 4, r->kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, r->phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, r->commune, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, r->village, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, r->project, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, r->day, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, r->received_at);
	sqlite3_bind_int64(st, 11, r->source_msg_id);
	sqlite3_bind_text(st, 12, text_key ? text_key : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 13, r->status, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 14, r->training);
	int rc = store_run(s, st);
	if (rc < 0)
		return rc;
	r->id = store_last_id(s);
	return insert_values(s, r);
}

int store_report_get(struct store *s, const char *ref, struct store_report *out)
{
	if (!s || !ref || !out)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT " REPORT_COLS " FROM reports WHERE ref = ?1 ORDER BY version DESC LIMIT 1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
	return fetch_one(s, st, out);
}

int store_report_by_source(struct store *s, int64_t msg_id, struct store_report *out)
{
	if (!s || !out || msg_id <= 0)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT " REPORT_COLS " FROM reports WHERE source_msg_id = ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, msg_id);
	return fetch_one(s, st, out);
}

int store_report_find_resend(struct store *s, const char *phone, const char *text_key, int64_t since,
			     struct store_report *out)
{
	if (!s || !phone || !text_key || !out)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT " REPORT_COLS " FROM reports WHERE phone = ?1 AND text_key = ?2 AND received_at >= ?3"
		" AND status IN ('active', 'training') ORDER BY received_at DESC, id DESC LIMIT 1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, text_key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, since);
	return fetch_one(s, st, out);
}

static int set_status(struct store *s, int64_t id, const char *status, const char *by, int64_t now)
{
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE reports SET status = ?2, changed_at = ?3, changed_by = ?4 WHERE id = ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_text(st, 2, status, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_text(st, 4, by ? by : "", -1, SQLITE_STATIC);
	int rc = store_run(s, st);
	if (rc < 0)
		return rc;
	return store_changes(s) ? 0 : STORE_E_NOTFOUND;
}

int store_report_amend(struct store *s, const struct store_report *old, struct store_report *next,
		       const char *by, int64_t now)
{
	if (!s || !old || !next)
		return STORE_E_ARG;
	int rc = set_status(s, old->id, "amended", by, now);
	if (rc < 0)
		return rc;
	memcpy(next->ref, old->ref, sizeof next->ref);
	next->version = old->version + 1;
	next->supersedes = old->id;
	next->training = old->training;
	snprintf(next->status, sizeof next->status, "%s", old->training ? "training" : "active");
	return store_report_insert(s, next, "", 0);
}

int store_report_cancel(struct store *s, int64_t id, const char *by, int64_t now)
{
	if (!s)
		return STORE_E_ARG;
	return set_status(s, id, "cancelled", by, now);
}

int store_report_each(struct store *s, const struct store_report_filter *f,
		      int (*fn)(const struct store_report *r, void *arg), void *arg)
{
	if (!s || !fn)
		return STORE_E_ARG;
	static const struct store_report_filter none = { 0 };
	if (!f)
		f = &none;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT " REPORT_COLS " FROM reports"
		" WHERE (?1 IS NULL OR day >= ?1) AND (?2 IS NULL OR day <= ?2)"
		" AND (?3 IS NULL OR commune = ?3) AND (?4 IS NULL OR project = ?4)"
		" AND (?5 IS NULL OR phone = ?5) AND (?6 = 0 OR status <> 'amended')"
		" ORDER BY received_at, id");
	if (!st)
		return STORE_E_DB;
	if (f->since_day)
		sqlite3_bind_text(st, 1, f->since_day, -1, SQLITE_STATIC);
	if (f->until_day)
		sqlite3_bind_text(st, 2, f->until_day, -1, SQLITE_STATIC);
	if (f->commune)
		sqlite3_bind_text(st, 3, f->commune, -1, SQLITE_STATIC);
	if (f->project)
		sqlite3_bind_text(st, 4, f->project, -1, SQLITE_STATIC);
	if (f->phone)
		sqlite3_bind_text(st, 5, f->phone, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, f->current_only);
	int rc, ret = 0;
	struct store_report r;
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		from_row(st, &r);
		if (load_values(s, &r) < 0) {
			ret = STORE_E_DB;
			break;
		}
		ret = fn(&r, arg);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE && rc != SQLITE_ROW)
		ret = STORE_E_DB;
	sqlite3_reset(st);
	return ret;
}

int store_reply_limit(struct store *s, const char *phone, const char *kind, int64_t now, int64_t every)
{
	if (!s || !phone || !kind)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s, "SELECT last_at FROM reply_limits WHERE phone = ?1 AND kind = ?2");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	int rc = store_step(s, st);
	int64_t last = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : INT64_MIN;
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return STORE_E_DB;
	if (last != INT64_MIN && now - last < every)
		return 0;
	st = store_prepare(s,
		"INSERT INTO reply_limits (phone, kind, last_at) VALUES (?1, ?2, ?3)"
		" ON CONFLICT (phone, kind) DO UPDATE SET last_at = excluded.last_at");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	rc = store_run(s, st);
	return rc < 0 ? rc : 1;
}
