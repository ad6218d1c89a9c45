/* test_query.c: the TK query language (parse, role checks, reply length)
 * and the aggregation under it: amended, cancelled and training reports
 * excluded, a village that moved to another commune, whole months from the
 * trigger-kept totals equal to the raw sums, project families. Fixed clock
 * (25 November 2026, 10:00 in Vietnam) and the shipped catalog. */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "catalog.h"
#include "lang/period.h"
#include "lang/query.h"
#include "store/store.h"
#include "store/store_office.h"
#include "store/store_users.h"

#define VN 25200

static struct catalog *cat;
static struct store *st;
static char dir[64];

static int64_t now(void)
{
	return period_day_start(period_days(2026, 11, 25), VN) + 10 * 3600;
}

static int parse(const char *text, struct query *q)
{
	return query_parse(text, strlen(text), cat, now(), VN, q);
}

TEST(parse_examples)
{
	struct query q;
	CHECK_INT(parse("TK DA4 T11", &q), 0);
	CHECK_STR(q.project, "DA4");
	CHECK(q.project_exact == NULL);
	CHECK_INT(q.period.kind, PERIOD_MONTH);
	CHECK_INT(q.period.num, 11);
	CHECK(q.commune == NULL);

	CHECK_INT(parse("tk Vo Tranh 2026", &q), 0);
	CHECK(q.commune && !strcmp(q.commune->code, "vo-tranh"));
	CHECK_INT(q.period.kind, PERIOD_YEAR);
	CHECK_STR(q.project, "");

	CHECK_INT(parse("TK HN Q4", &q), 0);
	CHECK(q.indicator && !strcmp(q.indicator->code, "HN"));
	CHECK_INT(q.period.kind, PERIOD_QUARTER);

	CHECK_INT(parse("Thống kê DA4.1 Võ Tranh thôn 3 TUẦN 47", &q), 0);
	CHECK(q.project_exact && !strcmp(q.project_exact->code, "DA4.1"));
	CHECK(q.village && !strcmp(q.village->code, "vo-tranh/thon-3"));
	CHECK_INT(q.period.kind, PERIOD_WEEK);
	CHECK_INT(q.period.num, 47);

	CHECK_INT(parse("TK", &q), 0);	/* default: this month, district */
	CHECK_INT(q.period.kind, PERIOD_MONTH);
	CHECK_INT(q.period.first, period_days(2026, 11, 1));

	CHECK_INT(parse("TK 1/11-20/11 DA3.1", &q), 0);
	CHECK_INT(q.period.first, period_days(2026, 11, 1));
	CHECK_INT(q.period.last, period_days(2026, 11, 20));
	CHECK_STR(q.project, "DA3.1");

	CHECK_INT(parse("TK hoc vien T10", &q), 0);
	CHECK(q.indicator && !strcmp(q.indicator->code, "HV"));
}

TEST(parse_errors)
{
	struct query q;
	CHECK_INT(parse("TK DA4 T13", &q), -1);
	CHECK_INT(q.status, QUERY_E_BAD_PERIOD);
	CHECK_INT(parse("TK T11 Q4", &q), -1);
	CHECK_INT(q.status, QUERY_E_TWICE);
	CHECK_INT(parse("TK xyzzy", &q), -1);
	CHECK_INT(q.status, QUERY_E_UNKNOWN_WORD);
	CHECK_STR(q.word, "xyzzy");
	CHECK_INT(parse("TK DA44 T11", &q), -1);
	CHECK_INT(q.status, QUERY_E_UNKNOWN_WORD);
	CHECK(q.hint[0] != 0);
	CHECK_INT(parse("BC DA4", &q), -1);
	CHECK_INT(q.status, QUERY_E_EMPTY_KEYWORD);
	char out[QUERY_REPLY_MAX];
	parse("TK xyzzy", &q);
	query_format_error(&q, out, sizeof out);
	CHECK(strstr(out, "xyzzy") != NULL);
	CHECK(query_septets(out) <= 160);
	CHECK(query_is_query("tk da4", 6));
	CHECK(!query_is_query("bc da4", 6));
}

/* TK TIEP CAN: household coverage. Not TK HO, which sums the catalog's
 * HO indicator ("ho", households taking part). */
TEST(parse_coverage)
{
	struct query q;
	CHECK_INT(parse("TK TIEP CAN", &q), 0);
	CHECK(q.coverage);
	CHECK_INT(q.period.kind, PERIOD_YEAR);	/* default: this year */
	CHECK_INT(q.period.first, period_days(2026, 1, 1));
	CHECK_INT(q.period.last, period_days(2026, 12, 31));
	CHECK_INT(parse("Thống kê tiếp cận Võ Tranh thôn 3 T11", &q), 0);
	CHECK(q.coverage && q.village && !strcmp(q.village->code, "vo-tranh/thon-3"));
	CHECK_INT(q.period.kind, PERIOD_MONTH);
	CHECK_INT(parse("tk baophu Q4", &q), 0);
	CHECK(q.coverage);
	CHECK_INT(parse("TK bao phu Phuong Vien", &q), 0);
	CHECK(q.coverage && q.commune && !strcmp(q.commune->code, "phuong-vien"));
	CHECK_INT(parse("TK Phuong Vien", &q), 0);	/* a place, not coverage */
	CHECK(!q.coverage && q.commune);
	CHECK_INT(parse("TK HO Q4", &q), 0);
	CHECK(!q.coverage && q.indicator && !strcmp(q.indicator->code, "HO"));
	CHECK_INT(parse("TK tiep can DA3.1", &q), -1);
	CHECK_INT(q.status, QUERY_E_COVERAGE_FILTER);
	CHECK_INT(parse("TK HN tiep can", &q), -1);
	CHECK_INT(q.status, QUERY_E_COVERAGE_FILTER);
	char out[QUERY_REPLY_MAX];
	query_format_error(&q, out, sizeof out);
	CHECK_STR(out, "TK TIEP CAN chi theo xa, thon va ky (khong theo HN). Vd: TK TIEP CAN Vo Tranh 2026");
	CHECK_INT(parse("TK tiep can tiepcan", &q), -1);
	CHECK_INT(q.status, QUERY_E_TWICE);
}

static struct user mk(enum user_role role, const char *commune, const char *village)
{
	struct user u;
	memset(&u, 0, sizeof u);
	snprintf(u.phone, sizeof u.phone, "+84900000009");
	u.role = role;
	u.active = true;
	snprintf(u.commune, sizeof u.commune, "%s", commune);
	snprintf(u.village, sizeof u.village, "%s", village);
	return u;
}

TEST(roles)
{
	struct query q;
	char why[128];
	struct user staff = mk(ROLE_STAFF, "", "");
	struct user off = mk(ROLE_OFFICIAL, "", "");
	struct user col = mk(ROLE_COLLABORATOR, "vo-tranh", "vo-tranh/thon-3");
	struct user none = mk(ROLE_NONE, "", "");
	parse("TK Lenh Khanh T11", &q);
	CHECK_INT(query_authorize(&q, &staff, cat, why, sizeof why), 0);
	CHECK_INT(query_authorize(&q, &off, cat, why, sizeof why), 0);
	CHECK_INT(query_authorize(&q, &col, cat, why, sizeof why), -1);
	CHECK(strstr(why, "Vo Tranh") != NULL);
	CHECK_INT(query_authorize(&q, &none, cat, why, sizeof why), -1);
	CHECK_INT(query_authorize(&q, NULL, cat, why, sizeof why), -1);
	parse("TK Vo Tranh T11", &q);
	CHECK_INT(query_authorize(&q, &col, cat, why, sizeof why), 0);
	parse("TK DA4 T11", &q);
	CHECK_INT(query_authorize(&q, &col, cat, why, sizeof why), 0);
	CHECK(q.commune && !strcmp(q.commune->code, "vo-tranh"));	/* narrowed */
	struct user off_inactive = staff;
	off_inactive.active = false;
	parse("TK DA4 T11", &q);
	CHECK_INT(query_authorize(&q, &off_inactive, cat, why, sizeof why), -1);
}

/* ---- aggregation ---- */

static int64_t add_report(const char *ref, int version, const char *commune, const char *village,
			  const char *project, const char *day, const char *status,
			  const char *ind1, double v1, const char *ind2, double v2)
{
	static int msg = 1000;
	sqlite3_stmt *q = store_prepare(
		st, "INSERT INTO reports (ref, version, kind, phone, commune, village, project, day, "
		    "received_at, status, source_msg_id, training) VALUES (?1, ?2, 'activity', "
		    "'+84900000001', ?3, ?4, ?5, ?6, 1, ?7, ?8, ?9)");
	sqlite3_bind_text(q, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, version);
	sqlite3_bind_text(q, 3, commune, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 4, village, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 5, project, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 6, day, -1, SQLITE_STATIC);
	sqlite3_bind_text(q, 7, status, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 8, msg++);
	sqlite3_bind_int(q, 9, !strcmp(status, "training"));
	CHECK_INT(store_run(st, q), 0);
	int64_t id = store_last_id(st);
	const char *inds[2] = { ind1, ind2 };
	double vals[2] = { v1, v2 };
	for (int i = 0; i < 2; i++) {
		if (!inds[i])
			continue;
		q = store_prepare(st, "INSERT INTO report_values (report_id, indicator, value) VALUES (?1, ?2, ?3)");
		sqlite3_bind_int64(q, 1, id);
		sqlite3_bind_text(q, 2, inds[i], -1, SQLITE_STATIC);
		sqlite3_bind_double(q, 3, vals[i]);
		CHECK_INT(store_run(st, q), 0);
	}
	return id;
}

static void set_status(int64_t id, const char *status)
{
	sqlite3_stmt *q = store_prepare(st, "UPDATE reports SET status = ?2 WHERE id = ?1");
	sqlite3_bind_int64(q, 1, id);
	sqlite3_bind_text(q, 2, status, -1, SQLITE_STATIC);
	CHECK_INT(store_run(st, q), 0);
}

static struct office_totals tot;

static void totals(int32_t from, int32_t to, const char *project, const char *commune,
		   const char *village)
{
	struct office_filter f = { from, to, project, commune, village, NULL };
	CHECK_INT(store_office_totals(st, &f, &tot), 0);
}

TEST(aggregation_versions)
{
	/* November 2026 in Vo Tranh and Lenh Khanh. */
	add_report("AAAA", 1, "vo-tranh", "vo-tranh/thon-1", "DA4.1", "2026-11-03", "active", "LOP", 1, "HV", 25);
	int64_t b1 = add_report("BBBB", 1, "vo-tranh", "vo-tranh/thon-2", "DA4.1", "2026-11-05", "active", "LOP", 1, "HV", 30);
	/* SUA BBBB HV 20: a new version, the old one amended. */
	add_report("BBBB", 2, "vo-tranh", "vo-tranh/thon-2", "DA4.1", "2026-11-05", "active", "LOP", 1, "HV", 20);
	set_status(b1, "amended");
	int64_t c1 = add_report("CCCC", 1, "lenh-khanh", "lenh-khanh/thon-1", "DA4.3", "2026-11-20", "active", "VL", 7, NULL, 0);
	set_status(c1, "cancelled");
	add_report("DDDD", 1, "lenh-khanh", "lenh-khanh/thon-1", "DA4.3", "2026-11-21", "training", "VL", 99, NULL, 0);
	add_report("EEEE", 1, "lenh-khanh", "lenh-khanh/thon-2", "DA4.3", "2026-11-22", "active", "VL", 3, "TV", 10.5);
	add_report("FFFF", 1, "vo-tranh", "vo-tranh/thon-1", "DA3.1", "2026-10-31", "active", "BO", 5, NULL, 0);

	int32_t nov1 = period_days(2026, 11, 1), nov30 = period_days(2026, 11, 30);
	totals(nov1, nov30, NULL, NULL, NULL);
	CHECK_INT(tot.reports, 3);	/* AAAA, BBBB v2, EEEE */
	CHECK_INT(tot.ncommunes, 2);
	CHECK(office_totals_get(&tot, "DA4.1", "HV") == 45);
	CHECK(office_totals_get(&tot, "DA4.1", "LOP") == 2);
	CHECK(office_totals_get(&tot, "DA4.3", "VL") == 3);
	CHECK(office_totals_get(&tot, "DA4", "VL") == 3);
	CHECK(office_totals_get(&tot, "DA4.3", "TV") == 10.5);
	CHECK(office_totals_get(&tot, "DA3.1", "BO") == 0);

	/* The same figures from the raw reports (a range that is not a whole
	 * month reads them): equal. */
	totals(nov1, nov30 - 1, NULL, NULL, NULL);
	CHECK_INT(tot.reports, 3);
	CHECK(office_totals_get(&tot, "DA4.1", "HV") == 45);

	/* Project family, commune, village. */
	totals(nov1, nov30, "DA4", NULL, NULL);
	CHECK_INT(tot.reports, 3);
	totals(nov1, nov30, "DA4.1", NULL, NULL);
	CHECK_INT(tot.reports, 2);
	CHECK(office_totals_get(&tot, "DA4.3", "VL") == 0);
	totals(nov1, nov30, NULL, "lenh-khanh", NULL);
	CHECK_INT(tot.reports, 1);
	CHECK(office_totals_get(&tot, "DA4.1", "HV") == 0);
	totals(nov1, nov30, NULL, "vo-tranh", "vo-tranh/thon-2");
	CHECK_INT(tot.reports, 1);
	CHECK(office_totals_get(&tot, "DA4.1", "HV") == 20);
	/* A range across a month boundary: partial Oct + Nov. */
	totals(period_days(2026, 10, 15), nov30, NULL, NULL, NULL);
	CHECK_INT(tot.reports, 4);
	CHECK(office_totals_get(&tot, "DA3.1", "BO") == 5);

	/* Cancelling the amended report takes its values out of both paths. */
	sqlite3_stmt *q = store_prepare(st, "SELECT id FROM reports WHERE ref = 'BBBB' AND version = 2");
	CHECK(sqlite3_step(q) == SQLITE_ROW);
	int64_t b2 = sqlite3_column_int64(q, 0);
	sqlite3_reset(q);
	set_status(b2, "cancelled");
	totals(nov1, nov30, NULL, NULL, NULL);
	CHECK_INT(tot.reports, 2);
	CHECK(office_totals_get(&tot, "DA4.1", "HV") == 25);
	totals(nov1 + 1, nov30, NULL, NULL, NULL);
	CHECK(office_totals_get(&tot, "DA4.1", "HV") == 25);
}

TEST(aggregation_moved_village)
{
	/* Vo Tranh Thon 5 became Lenh Khanh Thon 6 on 1 July 2025: reports
	 * before count in Vo Tranh, after in Lenh Khanh, as stored. */
	add_report("GGGG", 1, "vo-tranh", "vo-tranh/thon-5", "DA2", "2025-06-20", "active", "HO", 4, NULL, 0);
	add_report("HHHH", 1, "lenh-khanh", "lenh-khanh/thon-6", "DA2", "2025-07-10", "active", "HO", 6, NULL, 0);
	int32_t a = period_days(2025, 1, 1), b = period_days(2025, 12, 31);
	totals(a, b, "DA2", "vo-tranh", NULL);
	CHECK(office_totals_get(&tot, "DA2", "HO") == 4);
	totals(a, b, "DA2", "lenh-khanh", NULL);
	CHECK(office_totals_get(&tot, "DA2", "HO") == 6);
	totals(a, b, "DA2", NULL, NULL);
	CHECK(office_totals_get(&tot, "DA2", "HO") == 10);
	CHECK_INT(tot.ncommunes, 2);
	int32_t last;
	CHECK_INT(store_office_last_report(st, "lenh-khanh/thon-6", &last), 0);
	CHECK_INT(last, period_days(2025, 7, 10));
	CHECK_INT(store_office_last_report(st, "yen-ky/khu-1", &last), 0);
	CHECK(last == INT32_MIN);
}

TEST(reply_fits_two_segments)
{
	struct query q;
	parse("TK 2026", &q);
	/* Many projects and indicators: the reply is cut, never over. */
	struct office_totals t;
	memset(&t, 0, sizeof t);
	t.reports = 12345;
	t.ncommunes = 20;
	const char *pr[] = { "DA2", "DA3.1", "DA3.2", "DA4.1", "DA4.3", "DA6.1", "DA6.2", "DA7.1" };
	const char *in[] = { "HV", "HN", "CN", "TN", "KP", "LOP" };
	for (size_t i = 0; i < 8; i++)
		for (size_t k = 0; k < 6; k++) {
			snprintf(t.t[t.n].project, 16, "%s", pr[i]);
			snprintf(t.t[t.n].indicator, 16, "%s", in[k]);
			t.t[t.n].value = 1234.5 + (double)k;
			t.n++;
		}
	char out[QUERY_REPLY_MAX];
	size_t n = query_format(&q, &t, cat, 22, out, sizeof out);
	CHECK(n > 100);
	CHECKF(query_septets(out) <= QUERY_REPLY_SEPTETS, "%zu septets: %s", query_septets(out), out);
	CHECK(strstr(out, "2026") != NULL);
	CHECK(strstr(out, "toan huyen") != NULL);
	CHECK(strstr(out, "12345 bao cao") != NULL);
	CHECK(strstr(out, "20/22 xa") != NULL);
	CHECK(strstr(out, " ...") != NULL);

	/* A real one with a target (DA4.1 HV: 370 a year). */
	parse("TK DA4.1 2026", &q);
	struct office_filter f = { q.period.first, q.period.last, q.project, NULL, NULL, NULL };
	CHECK_INT(store_office_totals(st, &f, &t), 0);
	query_format(&q, &t, cat, 22, out, sizeof out);
	CHECKF(strstr(out, "HV 25 (6% KH nam 370)") != NULL, "%s", out);
	parse("TK DA4.1 Vo Tranh T11", &q);
	struct office_filter g = { q.period.first, q.period.last, q.project, "vo-tranh", NULL, NULL };
	store_office_totals(st, &g, &t);
	query_format(&q, &t, cat, 22, out, sizeof out);
	CHECKF(!strcmp(out, "TK DA4.1 T11/2026 Vo Tranh: 1 bao cao. DA4.1: LOP 1 (KH nam 10), HV 25 (KH nam 370)"),
	       "%s", out);
	/* Sums read in catalog order (projects, then each project's indicators,
	 * the form's order), whatever order the store gave them in. */
	parse("TK T11", &q);
	struct office_totals u = { .reports = 2, .ncommunes = 1 };
	static const char *const sums[][2] = { { "DA4.1", "HV" }, { "DA4.1", "LOP" }, { "DA3.1", "BO" },
					       { "DA3.1", "HO" }, { "XX9", "ZZ" } };
	for (size_t i = 0; i < sizeof sums / sizeof sums[0]; i++) {
		snprintf(u.t[u.n].project, 16, "%s", sums[i][0]);
		snprintf(u.t[u.n].indicator, 16, "%s", sums[i][1]);
		u.t[u.n++].value = (double)(i + 1);
	}
	query_format(&q, &u, cat, 22, out, sizeof out);
	CHECKF(!strcmp(out, "TK T11/2026 toan huyen: 2 bao cao, 1/22 xa bao cao. DA3.1: HO 4, BO 3; "
			    "DA4.1: LOP 2 (KH nam 10), HV 1 (KH nam 370); XX9: ZZ 5"), "%s", out);
	parse("TK Yen Ky T11", &q);
	struct office_filter h = { q.period.first, q.period.last, NULL, "yen-ky", NULL, NULL };
	store_office_totals(st, &h, &t);
	query_format(&q, &t, cat, 22, out, sizeof out);
	CHECKF(strstr(out, "0 bao cao") && strstr(out, "Chua co so lieu"), "%s", out);
}

int main(void)
{
	char why[256];
	if (catalog_load(&cat, "config/catalog.conf", why, sizeof why) < 0) {
		fprintf(stderr, "catalog: %s\n", why);
		return 1;
	}
	snprintf(dir, sizeof dir, "/tmp/tinbao-q-XXXXXX");
	if (!mkdtemp(dir))
		return 1;
	char path[128];
	snprintf(path, sizeof path, "%s/db", dir);
	if (store_open(&st, path, false, why, sizeof why) < 0) {
		fprintf(stderr, "store: %s\n", why);
		return 1;
	}
	RUN(parse_examples);
	RUN(parse_errors);
	RUN(parse_coverage);
	RUN(roles);
	RUN(aggregation_versions);
	RUN(aggregation_moved_village);
	RUN(reply_fits_two_segments);
	store_close(st);
	catalog_free(cat);
	snprintf(path, sizeof path, "rm -rf %s", dir);
	if (system(path) != 0)
		fprintf(stderr, "cleanup failed\n");
	return check_done();
}
