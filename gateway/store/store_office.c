/* store_office.c: aggregation over reports (see store_office.h). A period
 * is cut into whole months, read from office_month / office_month_reports
 * (kept by the triggers of 004_office.sql), and the partial months at its
 * ends, read from the reports. A village filter reads the reports for the
 * whole period (the monthly totals are per commune). */
#include "store/store_office.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "lang/period.h"
#include "store/store.h"

/* Project family match: "DA4" takes DA4 itself and DA4.x (the range
 * "DA4." < p < "DA4/" holds exactly the codes that start with "DA4."). */
#define PROJECT_MATCH(col)                                                                      \
	"(?3 IS NULL OR " col " = ?3 OR (" col " > ?3 || '.' AND " col " < ?3 || '/'))"

#define REVIEW_MATCH(col) "(?7 OR " col " <> 'RS')"

static const char raw_sums[] =
	"SELECT r.project, v.indicator, sum(v.value) FROM reports r "
	"JOIN report_values v ON v.report_id = r.id "
	"WHERE r.status = 'active' AND r.day BETWEEN ?1 AND ?2 AND " PROJECT_MATCH("r.project")
	" AND (?4 IS NULL OR r.commune = ?4) AND (?5 IS NULL OR r.village = ?5) "
	"AND (?6 IS NULL OR v.indicator = ?6) AND " REVIEW_MATCH("r.project")
	" GROUP BY r.project, v.indicator";

static const char raw_counts[] =
	"SELECT r.commune, count(*) FROM reports r "
	"WHERE r.status = 'active' AND r.day BETWEEN ?1 AND ?2 AND " PROJECT_MATCH("r.project")
	" AND (?4 IS NULL OR r.commune = ?4) AND (?5 IS NULL OR r.village = ?5) "
	"AND (?6 IS NULL OR ?6 = ?6) AND " REVIEW_MATCH("r.project") " GROUP BY r.commune";

static const char month_sums[] =
	"SELECT project, indicator, sum(value) FROM office_month "
	"WHERE month BETWEEN ?1 AND ?2 AND " PROJECT_MATCH("project")
	" AND (?4 IS NULL OR commune = ?4) AND (?5 IS NULL OR ?5 = ?5) "
	"AND (?6 IS NULL OR indicator = ?6) AND " REVIEW_MATCH("project")
	" GROUP BY project, indicator";

static const char month_counts[] =
	"SELECT commune, sum(n) FROM office_month_reports "
	"WHERE month BETWEEN ?1 AND ?2 AND " PROJECT_MATCH("project")
	" AND (?4 IS NULL OR commune = ?4) AND (?5 IS NULL OR ?5 = ?5) "
	"AND (?6 IS NULL OR ?6 = ?6) AND " REVIEW_MATCH("project")
	" GROUP BY commune HAVING sum(n) > 0";

static void bind_filter(sqlite3_stmt *q, const struct office_filter *f, const char *a,
			const char *b)
{
	sqlite3_bind_text(q, 1, a, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, b, -1, SQLITE_TRANSIENT);
	if (f->project && *f->project)
		sqlite3_bind_text(q, 3, f->project, -1, SQLITE_TRANSIENT);
	if (f->commune && *f->commune)
		sqlite3_bind_text(q, 4, f->commune, -1, SQLITE_TRANSIENT);
	if (f->village && *f->village)
		sqlite3_bind_text(q, 5, f->village, -1, SQLITE_TRANSIENT);
	if (f->indicator && *f->indicator)
		sqlite3_bind_text(q, 6, f->indicator, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 7, f->with_review ? 1 : 0);
}

static void add_sum(struct office_totals *t, const char *project, const char *indicator,
		    double v)
{
	int lo = 0, hi = t->n;
	while (lo < hi) {	/* kept sorted: binary search for the slot */
		int mid = (lo + hi) / 2;
		int c = strcmp(t->t[mid].project, project);
		if (!c)
			c = strcmp(t->t[mid].indicator, indicator);
		if (!c) {
			t->t[mid].value += v;
			return;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (t->n == OFFICE_TOTALS_MAX) {
		t->overflow = true;
		return;
	}
	memmove(&t->t[lo + 1], &t->t[lo], (size_t)(t->n - lo) * sizeof t->t[0]);
	snprintf(t->t[lo].project, sizeof t->t[lo].project, "%s", project);
	snprintf(t->t[lo].indicator, sizeof t->t[lo].indicator, "%s", indicator);
	t->t[lo].value = v;
	t->n++;
}

static void add_commune(struct office_totals *t, const char *commune)
{
	for (int i = 0; i < t->ncommunes; i++)
		if (!strcmp(t->communes[i], commune))
			return;
	if (t->ncommunes < OFFICE_PLACES_MAX)
		snprintf(t->communes[t->ncommunes++], sizeof t->communes[0], "%s", commune);
}

static int run_sums(struct store *s, const char *sql, const struct office_filter *f,
		    const char *a, const char *b, struct office_totals *out)
{
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	bind_filter(q, f, a, b);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		add_sum(out, (const char *)sqlite3_column_text(q, 0),
			(const char *)sqlite3_column_text(q, 1), sqlite3_column_double(q, 2));
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

static int run_counts(struct store *s, const char *sql, const struct office_filter *f,
		      const char *a, const char *b, struct office_totals *out)
{
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	bind_filter(q, f, a, b);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		int n = sqlite3_column_int(q, 1);
		if (n <= 0)
			continue;
		out->reports += n;
		add_commune(out, (const char *)sqlite3_column_text(q, 0));
	}
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

static int raw_part(struct store *s, const struct office_filter *f, int32_t a, int32_t b,
		    struct office_totals *out)
{
	if (a > b)
		return 0;
	char da[16], db[16];
	period_day_iso(a, da, sizeof da);
	period_day_iso(b, db, sizeof db);
	int rc = run_sums(s, raw_sums, f, da, db, out);
	return rc < 0 ? rc : run_counts(s, raw_counts, f, da, db, out);
}

int store_office_totals(struct store *s, const struct office_filter *f, struct office_totals *out)
{
	memset(out, 0, sizeof *out);
	if (!s || !f || f->from > f->to)
		return STORE_E_ARG;
	if (f->village && *f->village)
		return raw_part(s, f, f->from, f->to, out);
	/* Whole months inside [from, to]. */
	int y, m, d;
	period_civil(f->from, &y, &m, &d);
	int32_t first_whole = d == 1 ? f->from : period_add_months(f->from - d + 1, 1);
	period_civil(f->to + 1, &y, &m, &d);
	int32_t end_whole = f->to + 1 - (d - 1);	/* first day of to+1's month */
	if (first_whole >= end_whole)
		return raw_part(s, f, f->from, f->to, out);
	int rc = raw_part(s, f, f->from, first_whole - 1, out);
	if (rc < 0)
		return rc;
	char ma[16], mb[16];
	period_civil(first_whole, &y, &m, &d);
	snprintf(ma, sizeof ma, "%04d-%02d", y, m);
	period_civil(end_whole - 1, &y, &m, &d);
	snprintf(mb, sizeof mb, "%04d-%02d", y, m);
	if ((rc = run_sums(s, month_sums, f, ma, mb, out)) < 0 ||
	    (rc = run_counts(s, month_counts, f, ma, mb, out)) < 0)
		return rc;
	return raw_part(s, f, end_whole, f->to, out);
}

double office_totals_get(const struct office_totals *t, const char *project, const char *indicator)
{
	double sum = 0;
	size_t pl = strlen(project);
	for (int i = 0; i < t->n; i++)
		if ((!strcmp(t->t[i].project, project) ||
		     (!strncmp(t->t[i].project, project, pl) && t->t[i].project[pl] == '.')) &&
		    !strcmp(t->t[i].indicator, indicator))
			sum += t->t[i].value;
	return sum;
}

int store_office_reporting_villages(struct store *s, int32_t from, int32_t to,
				    int (*fn)(const char *commune, const char *village, void *arg),
				    void *arg)
{
	static const char sql[] =
		"SELECT DISTINCT commune, village FROM reports WHERE status IN ('active', 'amended') "
		"AND day BETWEEN ?1 AND ?2 ORDER BY commune, village";
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	char a[16], b[16];
	period_day_iso(from, a, sizeof a);
	period_day_iso(to, b, sizeof b);
	sqlite3_bind_text(q, 1, a, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 2, b, -1, SQLITE_TRANSIENT);
	int rc, ret = 0;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if ((ret = fn((const char *)sqlite3_column_text(q, 0),
			      (const char *)sqlite3_column_text(q, 1), arg)) != 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(q);
	return ret;
}

int store_office_last_report(struct store *s, const char *village, int32_t *day)
{
	static const char sql[] = "SELECT max(day) FROM reports WHERE village = ?1 "
				  "AND status IN ('active', 'amended')";
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_text(q, 1, village, -1, SQLITE_TRANSIENT);
	int rc = sqlite3_step(q);
	*day = INT32_MIN;
	if (rc == SQLITE_ROW && sqlite3_column_type(q, 0) != SQLITE_NULL) {
		int32_t d;
		if (!period_parse_date((const char *)sqlite3_column_text(q, 0), &d))
			*day = d;
	}
	sqlite3_reset(q);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

int store_office_reports_each(struct store *s, const struct office_filter *f,
			      int (*fn)(const struct office_report_row *r, void *arg), void *arg)
{
	static const char sql[] =
		"SELECT r.ref, r.day, r.commune, r.village, r.project, r.phone, "
		" (SELECT group_concat(v.indicator || '=' || v.value, ' ') FROM report_values v "
		"  WHERE v.report_id = r.id) "
		"FROM reports r WHERE r.status = 'active' AND r.day BETWEEN ?1 AND ?2 AND "
		PROJECT_MATCH("r.project") " AND (?4 IS NULL OR r.commune = ?4) "
		"AND (?5 IS NULL OR r.village = ?5) AND (?6 IS NULL OR EXISTS (SELECT 1 FROM "
		"report_values w WHERE w.report_id = r.id AND w.indicator = ?6)) AND "
		REVIEW_MATCH("r.project") " ORDER BY r.day, r.id";
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	char a[16], b[16];
	period_day_iso(f->from, a, sizeof a);
	period_day_iso(f->to, b, sizeof b);
	bind_filter(q, f, a, b);
	int rc, ret = 0;
	struct office_report_row r;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		memset(&r, 0, sizeof r);
		const char *t;
		snprintf(r.ref, sizeof r.ref, "%s", (t = (const char *)sqlite3_column_text(q, 0)) ? t : "");
		if (period_parse_date((const char *)sqlite3_column_text(q, 1), &r.day))
			r.day = 0;
		snprintf(r.commune, sizeof r.commune, "%s", (t = (const char *)sqlite3_column_text(q, 2)) ? t : "");
		snprintf(r.village, sizeof r.village, "%s", (t = (const char *)sqlite3_column_text(q, 3)) ? t : "");
		snprintf(r.project, sizeof r.project, "%s", (t = (const char *)sqlite3_column_text(q, 4)) ? t : "");
		snprintf(r.phone, sizeof r.phone, "%s", (t = (const char *)sqlite3_column_text(q, 5)) ? t : "");
		snprintf(r.values, sizeof r.values, "%s", (t = (const char *)sqlite3_column_text(q, 6)) ? t : "");
		if ((ret = fn(&r, arg)) != 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(q);
	return ret;
}

int store_office_failed_between(struct store *s, int64_t from, int64_t to)
{
	static const char sql[] = "SELECT count(*) FROM outbox WHERE state = 'failed' "
				  "AND created_at >= ?1 AND created_at < ?2";
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_int64(q, 1, from);
	sqlite3_bind_int64(q, 2, to);
	int rc = sqlite3_step(q);
	int n = rc == SQLITE_ROW ? sqlite3_column_int(q, 0) : STORE_E_DB;
	sqlite3_reset(q);
	return n;
}
