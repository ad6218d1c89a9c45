/* store_office.c: aggregation over reports (see store_office.h). A period
 * is cut into whole months and the days at its ends, each read from the
 * cube of 006_office_cube.sql (office_sum, office_cnt) at the commune's or
 * the district's level; a village filter reads the reports themselves
 * through their (village, day) index. */
#include "store/store_office.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "lang/period.h"
#include "store/store.h"

/* Project family match: "DA4" takes DA4 itself and DA4.x (the range
 * "DA4." < p < "DA4/" holds exactly the codes that start with "DA4."). */
#define PROJECT_MATCH(col)                                                                      \
	"(?5 IS NULL OR " col " = ?5 OR (" col " > ?5 || '.' AND " col " < ?5 || '/'))"
/* Without a project filter the household review (RS) stays out. */
#define REVIEW_OUT(col) "(?5 IS NOT NULL OR " col " <> 'RS')"

/* ---- the cube (place '' = district) ---- */

static const char cube_sums[] =
	"SELECT project, indicator, sum(value) FROM office_sum "
	"WHERE place = ?1 AND gran = ?2 AND period BETWEEN ?3 AND ?4 AND " PROJECT_MATCH("project")
	" AND " REVIEW_OUT("project") " AND (?6 IS NULL OR indicator = ?6) GROUP BY project, indicator";

/* Reports: the '' project row holds every project but RS. */
static const char cube_count[] =
	"SELECT sum(n) FROM office_cnt WHERE place = ?1 AND gran = ?2 AND period BETWEEN ?3 AND ?4 "
	"AND ((?5 IS NULL AND project = '') OR (?5 IS NOT NULL AND (project = ?5 OR "
	"(project > ?5 || '.' AND project < ?5 || '/'))))";

/* Communes with a report of one exact project ('' = all), district-wide. */
static const char cube_communes[] =
	"SELECT DISTINCT place FROM office_cnt INDEXED BY office_cnt_period "
	"WHERE gran = ?1 AND project = ?2 AND period BETWEEN ?3 AND ?4 AND place <> '' AND n > 0";

/* ---- villages: the reports themselves ---- */

static const char village_sums[] =
	"SELECT r.project, v.indicator, sum(v.value) FROM reports r INDEXED BY reports_office_village "
	"JOIN report_values v ON v.report_id = r.id "
	"WHERE r.village = ?1 AND r.day BETWEEN ?3 AND ?4 AND r.status = 'active' AND ?2 = ?2 AND "
	PROJECT_MATCH("r.project") " AND " REVIEW_OUT("r.project")
	" AND (?6 IS NULL OR v.indicator = ?6) GROUP BY r.project, v.indicator";

static const char village_count[] =
	"SELECT count(*) FROM reports r INDEXED BY reports_office_village "
	"WHERE r.village = ?1 AND r.day BETWEEN ?3 AND ?4 AND r.status = 'active' AND ?2 = ?2 AND "
	PROJECT_MATCH("r.project") " AND " REVIEW_OUT("r.project") " AND (?6 IS NULL OR ?6 = ?6)";

static void bind_common(sqlite3_stmt *q, const char *place, int gran, const char *a,
			const char *b, const struct office_filter *f)
{
	sqlite3_bind_text(q, 1, place, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int(q, 2, gran);
	sqlite3_bind_text(q, 3, a, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, b, -1, SQLITE_TRANSIENT);
	if (f->project && *f->project)
		sqlite3_bind_text(q, 5, f->project, -1, SQLITE_TRANSIENT);
	if (f->indicator && *f->indicator)
		sqlite3_bind_text(q, 6, f->indicator, -1, SQLITE_TRANSIENT);
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

/* One segment of time at one grain: sums and the report count. */
static int segment(struct store *s, const struct office_filter *f, const char *place, bool village,
		   int gran, const char *a, const char *b, struct office_totals *out)
{
	sqlite3_stmt *q = store_prepare(s, village ? village_sums : cube_sums);
	if (!q)
		return STORE_E_DB;
	bind_common(q, place, gran, a, b, f);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		double v = sqlite3_column_double(q, 2);
		/* Sums kept by adding and subtracting can leave dust. */
		if (v > -1e-9 && v < 1e-9)
			continue;
		add_sum(out, (const char *)sqlite3_column_text(q, 0),
			(const char *)sqlite3_column_text(q, 1), v);
	}
	sqlite3_reset(q);
	if (rc != SQLITE_DONE)
		return STORE_E_DB;
	q = store_prepare(s, village ? village_count : cube_count);
	if (!q)
		return STORE_E_DB;
	bind_common(q, place, gran, a, b, f);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		out->reports += sqlite3_column_int(q, 0);
	sqlite3_reset(q);
	return rc == SQLITE_ROW ? 0 : STORE_E_DB;
}

static int communes_of(struct store *s, const char *project, int gran, const char *a, const char *b,
		       struct office_totals *out)
{
	sqlite3_stmt *q = store_prepare(s, cube_communes);
	if (!q)
		return STORE_E_DB;
	sqlite3_bind_int(q, 1, gran);
	sqlite3_bind_text(q, 2, project, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 3, a, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(q, 4, b, -1, SQLITE_TRANSIENT);
	int rc;
	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		add_commune(out, (const char *)sqlite3_column_text(q, 0));
	sqlite3_reset(q);
	return rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

struct seg {
	int gran;
	char a[16], b[16];
};

/* A period as whole months (gran 0) and the days at its ends (gran 1). */
static int cut(int32_t from, int32_t to, struct seg segs[3])
{
	int y, m, d, n = 0;
	period_civil(from, &y, &m, &d);
	int32_t first_whole = d == 1 ? from : period_add_months(from - d + 1, 1);
	period_civil(to + 1, &y, &m, &d);
	int32_t end_whole = to + 1 - (d - 1);	/* first day of to+1's month */
	if (first_whole >= end_whole) {
		segs[0].gran = 1;
		period_day_iso(from, segs[0].a, sizeof segs[0].a);
		period_day_iso(to, segs[0].b, sizeof segs[0].b);
		return 1;
	}
	if (from < first_whole) {
		segs[n].gran = 1;
		period_day_iso(from, segs[n].a, sizeof segs[n].a);
		period_day_iso(first_whole - 1, segs[n].b, sizeof segs[n].b);
		n++;
	}
	segs[n].gran = 0;
	period_civil(first_whole, &y, &m, &d);
	snprintf(segs[n].a, sizeof segs[n].a, "%04d-%02d", y, m);
	period_civil(end_whole - 1, &y, &m, &d);
	snprintf(segs[n].b, sizeof segs[n].b, "%04d-%02d", y, m);
	n++;
	if (end_whole <= to) {
		segs[n].gran = 1;
		period_day_iso(end_whole, segs[n].a, sizeof segs[n].a);
		period_day_iso(to, segs[n].b, sizeof segs[n].b);
		n++;
	}
	return n;
}

int store_office_totals(struct store *s, const struct office_filter *f, struct office_totals *out)
{
	memset(out, 0, sizeof *out);
	if (!s || !f || f->from > f->to)
		return STORE_E_ARG;
	bool village = f->village && *f->village;
	bool commune = f->commune && *f->commune;
	if (village) {
		char a[16], b[16];
		period_day_iso(f->from, a, sizeof a);
		period_day_iso(f->to, b, sizeof b);
		int rc = segment(s, f, f->village, true, 1, a, b, out);
		if (rc == 0 && out->reports > 0)
			add_commune(out, commune ? f->commune : "");
		return rc;
	}
	struct seg segs[3];
	int n = cut(f->from, f->to, segs);
	for (int i = 0; i < n; i++) {
		int rc = segment(s, f, commune ? f->commune : "", false, segs[i].gran, segs[i].a, segs[i].b, out);
		if (rc < 0)
			return rc;
	}
	if (commune) {
		if (out->reports > 0)
			add_commune(out, f->commune);
		return 0;
	}
	/* Communes that reported: one exact project at a time (a family's
	 * members are the projects the sums found), or all ('' row). */
	bool family = f->project && *f->project;
	char projects[OFFICE_TOTALS_MAX][16];
	int np = 0;
	if (!family) {
		snprintf(projects[np++], sizeof projects[0], "%s", "");
	} else {
		for (int i = 0; i < out->n; i++)
			if (np == 0 || strcmp(projects[np - 1], out->t[i].project) != 0)
				snprintf(projects[np++], sizeof projects[0], "%s", out->t[i].project);
	}
	for (int p = 0; p < np; p++)
		for (int i = 0; i < n; i++) {
			int rc = communes_of(s, projects[p], segs[i].gran, segs[i].a, segs[i].b, out);
			if (rc < 0)
				return rc;
		}
	return 0;
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
		"FROM reports r WHERE r.status = 'active' AND r.day BETWEEN ?3 AND ?4 AND "
		PROJECT_MATCH("r.project") " AND " REVIEW_OUT("r.project") " AND (?1 = '' OR r.commune = ?1) "
		"AND (?7 IS NULL OR r.village = ?7) AND (?6 IS NULL OR EXISTS (SELECT 1 FROM "
		"report_values w WHERE w.report_id = r.id AND w.indicator = ?6)) AND ?2 = ?2 "
		"ORDER BY r.day, r.id";
	sqlite3_stmt *q = store_prepare(s, sql);
	if (!q)
		return STORE_E_DB;
	char a[16], b[16];
	period_day_iso(f->from, a, sizeof a);
	period_day_iso(f->to, b, sizeof b);
	bind_common(q, f->commune ? f->commune : "", 1, a, b, f);
	if (f->village && *f->village)
		sqlite3_bind_text(q, 7, f->village, -1, SQLITE_TRANSIENT);
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
