/* store_households.c: queries of the household register (see
 * store_households.h). Days are stored as ISO text (YYYY-MM-DD) like the
 * reports' days, so that SQL comparisons and joins with reports work. */
#include "store/store_households.h"

#include <stdio.h>
#include <string.h>

#include "lang/period.h"
#include "store/store.h"

static void iso(int32_t day, char buf[16])
{
	period_day_iso(day, buf, 16);
}

static int32_t day_of(const unsigned char *t)
{
	int32_t d = 0;
	if (!t || period_parse_date((const char *)t, &d))
		return 0;
	return d;
}

static void col_text(sqlite3_stmt *st, int i, char *dst, size_t len)
{
	const unsigned char *t = sqlite3_column_text(st, i);
	snprintf(dst, len, "%s", t ? (const char *)t : "");
}

/* The latest status row of a household on or before day: 1 found, 0 none. */
static int status_at(struct store *s, const char *code, const char *day, enum hh_status *st,
		     int32_t *since)
{
	static const char sql[] =
		"SELECT status, since FROM household_status WHERE household = ?1 AND since <= ?2 "
		"ORDER BY since DESC, id DESC LIMIT 1";
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, day, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	int found = 0;
	if (rc == SQLITE_ROW) {
		found = 1;
		if (hh_status_from_code((const char *)sqlite3_column_text(q, 0), st))
			*st = HH_NONE;
		*since = day_of(sqlite3_column_text(q, 1));
	} else if (rc != SQLITE_DONE) {
		found = STORE_E_DB;
	}
	sqlite3_reset(q);
	return found;
}

static int insert_status(struct store *s, const char *code, enum hh_status st, const char *since,
			 const char *source, int64_t now)
{
	static const char sql[] =
		"INSERT OR IGNORE INTO household_status (household, status, since, source, recorded_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5)";
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, hh_status_code(st), -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, since, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, source ? source : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 5, now);
	int rc = store_run(s, q);
	return rc < 0 ? rc : store_changes(s);
}

/* Inserts or updates one household's own fields: 1 added, 2 updated,
 * 0 unchanged. */
static int upsert_household(struct store *s, const struct hh_row *r, const char *source,
			    int64_t now)
{
	static const char get[] =
		"SELECT head, commune, village, flags, children FROM households WHERE code = ?1";
	sqlite3_stmt *q = store_prepare(s, get);
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_text(q, 1, r->code, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	int exists = 0, same = 0;
	if (rc == SQLITE_ROW) {
		exists = 1;
		same = !strcmp((const char *)sqlite3_column_text(q, 0), r->head) &&
		       !strcmp((const char *)sqlite3_column_text(q, 1), r->commune) &&
		       !strcmp((const char *)sqlite3_column_text(q, 2), r->village) &&
		       (unsigned)sqlite3_column_int(q, 3) == r->flags &&
		       sqlite3_column_int(q, 4) == r->children;
	} else if (rc != SQLITE_DONE) {
		sqlite3_reset(q);
		return STORE_E_DB;
	}
	sqlite3_reset(q);
	if (exists && same)
		return 0;
	static const char put[] =
		"INSERT INTO households (code, head, commune, village, flags, children, source, "
		"created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8) "
		"ON CONFLICT (code) DO UPDATE SET head = excluded.head, commune = excluded.commune, "
		"village = excluded.village, flags = excluded.flags, children = excluded.children, "
		"source = excluded.source, updated_at = excluded.updated_at";
	q = store_prepare(s, put);
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_text(q, 1, r->code, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, r->head, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 3, r->commune, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, r->village, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 5, (int)r->flags);
	sqlite3_bind_int(q, 6, r->children);
	sqlite3_bind_text(q, 7, source ? source : "", -1, SQLITE_STATIC);
	sqlite3_bind_int64(q, 8, now);
	rc = store_run(s, q);
	if (rc < 0)
		return rc;
	return exists ? 2 : 1;
}

static int import_rows(struct store *s, const struct hh_import *im, const char *source,
		       int64_t now, struct hh_import_stats *st)
{
	for (size_t i = 0; i < im->nrows; i++) {
		const struct hh_row *r = &im->rows[i];
		int rc = upsert_household(s, r, source, now);
		if (rc < 0)
			return rc;
		if (rc == 1)
			st->added++;
		else if (rc == 2)
			st->updated++;
		else
			st->unchanged++;
		char day[16];
		iso(r->day, day);
		enum hh_status cur = HH_NONE;
		int32_t since = 0;
		rc = status_at(s, r->code, day, &cur, &since);
		if (rc < 0)
			return rc;
		/* Same status as on that day already: the list confirms it and
		 * the original recognition day (which starts the 36 months of a
		 * newly escaped household) stays. */
		if (rc == 1 && cur == r->status)
			continue;
		rc = insert_status(s, r->code, r->status, day, source, now);
		if (rc < 0)
			return rc;
		st->status_changes += rc;
	}
	return 0;
}

int store_households_import(struct store *s, const struct hh_import *im, const char *source,
			    int64_t now, struct hh_import_stats *stats)
{
	struct hh_import_stats st = { 0, 0, 0, 0 };
	if (!s || !im || im->nerrors)
		return STORE_E_ARG;
	int rc = store_begin(s);
	if (rc < 0)
		return rc;
	rc = import_rows(s, im, source, now, &st);
	if (rc < 0) {
		store_rollback(s);
		return rc;
	}
	rc = store_commit(s);
	if (rc < 0)
		return rc;
	if (stats)
		*stats = st;
	return 0;
}

/* The reach of a support row counts while its report's current version is
 * active: amended versions hand over to their successor (same ref), and
 * cancelled or training reports have no active row. */
#define SUPPORT_COUNTED \
	"(p.report_ref = '' OR EXISTS (SELECT 1 FROM reports r WHERE r.ref = p.report_ref " \
	"AND r.status = 'active'))"

static const char households_sql[] =
	"SELECT h.code, h.head, h.commune, h.village, h.flags, h.children, "
	" (SELECT st.status || ' ' || st.since FROM household_status st WHERE st.household = h.code "
	"  AND st.since <= ?1 ORDER BY st.since DESC, st.id DESC LIMIT 1), "
	" (SELECT group_concat(DISTINCT p.project) FROM household_support p "
	"  WHERE p.household = h.code AND p.day BETWEEN ?2 AND ?3 AND " SUPPORT_COUNTED ") "
	"FROM households h WHERE (?4 IS NULL OR h.code = ?4) ORDER BY h.village, h.code";

static void fill_record(sqlite3_stmt *q, int32_t day, struct hh_record *h)
{
	memset(h, 0, sizeof *h);
	col_text(q, 0, h->code, sizeof h->code);
	col_text(q, 1, h->head, sizeof h->head);
	col_text(q, 2, h->commune, sizeof h->commune);
	col_text(q, 3, h->village, sizeof h->village);
	h->flags = (unsigned)sqlite3_column_int(q, 4);
	h->children = sqlite3_column_int(q, 5);
	const char *st = (const char *)sqlite3_column_text(q, 6);
	h->recorded = HH_NONE;
	if (st) {
		char code[16];
		const char *sp = strchr(st, ' ');
		if (sp && (size_t)(sp - st) < sizeof code) {
			memcpy(code, st, (size_t)(sp - st));
			code[sp - st] = 0;
			if (hh_status_from_code(code, &h->recorded))
				h->recorded = HH_NONE;
			h->since = day_of((const unsigned char *)sp + 1);
		}
	}
	h->status = h->recorded == HH_NONE ? HH_NONE : hh_status_on(h->recorded, h->since, day);
	const char *pr = (const char *)sqlite3_column_text(q, 7);
	while (pr && *pr && h->nprojects < HH_MAX_PROJECTS) {
		const char *comma = strchr(pr, ',');
		size_t n = comma ? (size_t)(comma - pr) : strlen(pr);
		if (n < HH_PROJECT_MAX) {
			memcpy(h->projects[h->nprojects], pr, n);
			h->projects[h->nprojects][n] = 0;
			h->nprojects++;
		}
		pr = comma ? comma + 1 : NULL;
	}
}

static int each(struct store *s, const char *code, int32_t day, int32_t from, int32_t to,
		int (*fn)(const struct hh_record *h, void *arg), void *arg)
{
	sqlite3_stmt *q = store_prepare(s, households_sql);
	if (!q)
		return STORE_E_DB;
	char d[16], f[16], t[16];
	iso(day, d);
	iso(from, f);
	iso(to, t);
	sqlite3_bind_text(q, 1, d, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, f, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, t, -1, SQLITE_TRANSIENT);
	if (code)
		sqlite3_bind_text(q, 4, code, -1, SQLITE_TRANSIENT);
	int rc, ret = 0;
	struct hh_record h;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		fill_record(q, day, &h);
		if ((ret = fn(&h, arg)) != 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(q);
	return ret;
}

int store_households_each(struct store *s, int32_t day, int32_t from, int32_t to,
			  int (*fn)(const struct hh_record *h, void *arg), void *arg)
{
	return each(s, NULL, day, from, to, fn, arg);
}

static int copy_one(const struct hh_record *h, void *arg)
{
	*(struct hh_record *)arg = *h;
	return 1;
}

int store_household_get(struct store *s, const char *code, int32_t day, int32_t from, int32_t to,
			struct hh_record *out)
{
	if (!code || !*code)
		return 0;
	int rc = each(s, code, day, from, to, copy_one, out);
	return rc < 0 ? rc : rc == 1;
}

static int household_exists(struct store *s, const char *code)
{
	sqlite3_stmt *q = store_prepare(s, "SELECT 1 FROM households WHERE code = ?1");
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
	int rc = sqlite3_step(q);
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

int store_households_set_status(struct store *s, const char *code, enum hh_status st,
				int32_t since, const char *source, int64_t now)
{
	int rc = household_exists(s, code);
	if (rc <= 0)
		return rc < 0 ? rc : STORE_E_NOTFOUND;
	char day[16];
	iso(since, day);
	enum hh_status cur = HH_NONE;
	int32_t cur_since = 0;
	rc = status_at(s, code, day, &cur, &cur_since);
	if (rc < 0)
		return rc;
	if (rc == 1 && cur == st)
		return 0;
	return insert_status(s, code, st, day, source, now);
}

int store_households_record_support(struct store *s, const char *code, const char *report_ref,
				    int64_t report_id, const char *project, int32_t day,
				    int64_t now)
{
	int rc = household_exists(s, code);
	if (rc <= 0)
		return rc < 0 ? rc : STORE_E_NOTFOUND;
	static const char sql[] =
		"INSERT OR IGNORE INTO household_support (household, report_ref, report_id, project, "
		"day, recorded_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	char d[16];
	iso(day, d);
	sqlite3_bind_text(q, 1, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 2, report_ref ? report_ref : "", -1, SQLITE_STATIC);
	if (report_id > 0)
		sqlite3_bind_int64(q, 3, report_id);
	sqlite3_bind_text(q, 4, project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, d, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(q, 6, now);
	rc = store_run(s, q);
	return rc < 0 ? rc : store_changes(s);
}

int store_households_forget_report(struct store *s, const char *report_ref)
{
	if (!report_ref || !*report_ref)
		return STORE_E_ARG;
	sqlite3_stmt *q = store_prepare(s, "DELETE FROM household_support WHERE report_ref = ?1");
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_text(q, 1, report_ref, -1, SQLITE_STATIC);
	int rc = store_run(s, q);
	return rc < 0 ? rc : store_changes(s);
}

int store_households_redate_report(struct store *s, const char *report_ref, int64_t report_id,
				   int32_t day)
{
	if (!report_ref || !*report_ref)
		return STORE_E_ARG;
	/* OR REPLACE: a row already at the new day (same household, report
	 * and project) is the same reach; keep one. */
	static const char sql[] = "UPDATE OR REPLACE household_support SET report_id = ?2, day = ?3 "
				  "WHERE report_ref = ?1";
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	char d[16];
	iso(day, d);
	sqlite3_bind_text(q, 1, report_ref, -1, SQLITE_STATIC);
	if (report_id > 0)
		sqlite3_bind_int64(q, 2, report_id);
	else
		sqlite3_bind_null(q, 2);
	sqlite3_bind_text(q, 3, d, -1, SQLITE_TRANSIENT);
	int rc = store_run(s, q);
	return rc < 0 ? rc : store_changes(s);
}

int store_households_of_report(struct store *s, const char *report_ref, char codes[][24], int max)
{
	static const char sql[] = "SELECT DISTINCT household FROM household_support WHERE report_ref = ?1 "
				  "ORDER BY household";
	if (!report_ref || !*report_ref)
		return 0;
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_text(q, 1, report_ref, -1, SQLITE_TRANSIENT);
	int rc, n = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (n < max)
			col_text(q, 0, codes[n], 24);
		n++;
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? n : STORE_E_DB;
}

int store_households_codes_each(struct store *s, const char *village,
				int (*fn)(const char *code, void *arg), void *arg)
{
	static const char sql[] = "SELECT code FROM households WHERE ?1 IS NULL OR village = ?1 ORDER BY code";
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	if (village)
		sqlite3_bind_text(q, 1, village, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(q, 1);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((ret = fn((const char *)sqlite3_column_text(q, 0), arg)) != 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(q);
	return ret;
}

int store_households_support_each(struct store *s, const char *code, int limit,
				  int (*fn)(const struct hh_support *h, void *arg), void *arg)
{
	static const char sql[] =
		"SELECT p.report_ref, p.project, p.day, " SUPPORT_COUNTED " FROM household_support p "
		"WHERE p.household = ?1 ORDER BY p.day DESC, p.id DESC LIMIT ?2";
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_text(q, 1, code, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 2, limit > 0 ? limit : -1);
	int rc, ret = 0;
	struct hh_support h;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		memset(&h, 0, sizeof h);
		col_text(q, 0, h.report_ref, sizeof h.report_ref);
		col_text(q, 1, h.project, sizeof h.project);
		h.day = day_of(sqlite3_column_text(q, 2));
		h.counted = sqlite3_column_int(q, 3) != 0;
		if ((ret = fn(&h, arg)) != 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(q);
	return ret;
}

int store_households_history_each(struct store *s, const char *code,
				  int (*fn)(const struct hh_status_row *r, void *arg), void *arg)
{
	static const char sql[] = "SELECT status, since, source, recorded_at FROM household_status "
				  "WHERE household = ?1 ORDER BY since, id";
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_text(q, 1, code, -1, SQLITE_TRANSIENT);
	int rc, ret = 0;
	struct hh_status_row r;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		if (hh_status_from_code((const char *)sqlite3_column_text(q, 0), &r.status))
			r.status = HH_NONE;
		r.since = day_of(sqlite3_column_text(q, 1));
		col_text(q, 2, r.source, sizeof r.source);
		r.recorded_at = sqlite3_column_int64(q, 3);
		if ((ret = fn(&r, arg)) != 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(q);
	return ret;
}

int store_households_changes(struct store *s, int32_t from, int32_t to, int counts[4])
{
	static const char sql[] = "SELECT status, count(*) FROM household_status "
				  "WHERE since BETWEEN ?1 AND ?2 GROUP BY status";
	for (int i = 0; i < 4; i++)
		counts[i] = 0;
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	char f[16], t[16];
	iso(from, f);
	iso(to, t);
	sqlite3_bind_text(q, 1, f, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, t, -1, SQLITE_TRANSIENT);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		enum hh_status st;
		if (!hh_status_from_code((const char *)sqlite3_column_text(q, 0), &st))
			counts[st] += sqlite3_column_int(q, 1);
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

int store_household_code(struct store *s, const char *typed, char *out, size_t len)
{
	static const char sql[] = "SELECT code FROM households WHERE code = ?1 COLLATE NOCASE "
				  "ORDER BY code = ?1 DESC LIMIT 1";
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_text(q, 1, typed, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	int found = 0;
	if (rc == SQLITE_ROW) {
		col_text(q, 0, out, len);
		found = 1;
	} else if (rc != SQLITE_DONE) {
		found = STORE_E_DB;
	}
	sqlite3_reset(q);
	return found;
}
