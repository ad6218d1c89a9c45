/* test_households_store.c: the 2,000-household register imported into a
 * real database with the shipped catalog, re-imported (nothing changes),
 * the 2026 review on top (history kept), support recorded from reports
 * (cancelled and training reports drop out), and coverage checked against
 * a count made here straight from the parsed rows. Fixed clock. */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "catalog.h"
#include "lang/period.h"
#include "office/coverage.h"
#include "office/households.h"
#include "store/store.h"
#include "store/store_households.h"

static struct catalog *cat;
static struct store *st;
static char dir[64];

static int32_t today(void)
{
	return period_days(2026, 11, 25);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	long n = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *b = malloc((size_t)n + 1);
	*len = fread(b, 1, (size_t)n, f);
	b[*len] = 0;
	fclose(f);
	return b;
}

static struct hh_import *load(const char *path)
{
	size_t len;
	char *buf = slurp(path, &len);
	CHECKF(buf != NULL, "cannot read %s", path);
	struct hh_import *im = hh_import_new();
	if (!buf)
		return im;
	hh_csv_parse(buf, len, today(), im);
	free(buf);
	if (!im->nerrors)
		hh_resolve_places(cat, im);
	for (size_t i = 0; i < im->nerrors && i < 5; i++)
		fprintf(stderr, "%s:%d: %s\n", path, im->errors[i].line, im->errors[i].msg);
	return im;
}

static void setup(void)
{
	char why[256];
	if (catalog_load(&cat, "config/catalog.conf", why, sizeof why) < 0) {
		fprintf(stderr, "catalog: %s\n", why);
		exit(1);
	}
	snprintf(dir, sizeof dir, "/tmp/tinbao-hh-XXXXXX");
	if (!mkdtemp(dir))
		exit(1);
	char path[128];
	snprintf(path, sizeof path, "%s/db", dir);
	if (store_open(&st, path, false, why, sizeof why) < 0) {
		fprintf(stderr, "store: %s\n", why);
		exit(1);
	}
}

static void teardown(void)
{
	store_close(st);
	catalog_free(cat);
	char cmd[160];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
}

static int count_status_rows(void)
{
	sqlite3_stmt *q = store_prepare(st, "SELECT count(*) FROM household_status");
	int n = sqlite3_step(q) == SQLITE_ROW ? sqlite3_column_int(q, 0) : -1;
	sqlite3_reset(q);
	return n;
}

TEST(import_and_reimport)
{
	struct hh_import *im = load("tests/fixtures/households/register_2025.csv");
	CHECK_INT(im->nerrors, 0);
	CHECK_INT(im->nrows, 2000);
	struct hh_import_stats s;
	CHECK_INT(store_households_import(st, im, "import:register_2025.csv", 1000, &s), 0);
	CHECK_INT(s.added, 2000);
	CHECK_INT(s.status_changes, 2000);
	CHECK_INT(store_households_import(st, im, "import:register_2025.csv", 2000, &s), 0);
	CHECK_INT(s.added, 0);
	CHECK_INT(s.updated, 0);
	CHECK_INT(s.unchanged, 2000);
	CHECK_INT(s.status_changes, 0);
	CHECK_INT(count_status_rows(), 2000);
	/* A village of the old Minh Hac commune (before the merge) resolves to
	 * its code of the time, and counts in the new commune afterwards. */
	int found = 0;
	for (size_t i = 0; i < im->nrows && !found; i++)
		if (!strncmp(im->rows[i].village, "minh-hac/", 9)) {
			struct hh_record h;
			CHECK_INT(store_household_get(st, im->rows[i].code, today(), today(), today(), &h), 1);
			char c[128], v[128];
			coverage_place(cat, &h, today(), c, sizeof c, v, sizeof v);
			CHECK_STR(c, "ha-hoa");
			CHECK(!strncmp(v, "ha-hoa/minh-hac-", 16));
			found = 1;
		}
	CHECK(found);
	hh_import_free(im);
}

struct status_count {
	int n[4];
};

static int count_cb(const struct hh_record *h, void *arg)
{
	((struct status_count *)arg)->n[h->status]++;
	return 0;
}

TEST(review_2026_keeps_history)
{
	struct hh_import *im = load("tests/fixtures/households/register_2026.csv");
	CHECK_INT(im->nerrors, 0);
	CHECK_INT(im->nrows, 350);
	struct hh_import_stats s;
	CHECK_INT(store_households_import(st, im, "import:register_2026.csv", 3000, &s), 0);
	CHECK_INT(s.added, 50);
	CHECK_INT(s.status_changes, 350);
	CHECK_INT(count_status_rows(), 2350);
	/* Nothing half-imported: a file with one bad line changes nothing. */
	struct hh_import_stats s2;
	CHECK_INT(store_households_import(st, im, "again", 4000, &s2), 0);
	CHECK_INT(s2.status_changes, 0);
	/* The first changed household has two status rows, the old one kept. */
	const char *code = im->rows[0].code;
	struct hh_record h;
	CHECK_INT(store_household_get(st, code, period_days(2025, 12, 31), 0, 0, &h), 1);
	enum hh_status before = h.recorded;
	CHECK_INT(store_household_get(st, code, today(), 0, 0, &h), 1);
	CHECK_INT(h.recorded, im->rows[0].status);
	CHECK(before != h.recorded);
	hh_import_free(im);
}

/* Status on a day computed independently: straight from the two files'
 * rows (latest row on or before the day wins, same status keeps the first
 * day), then the 36-month rule by hand. */
struct indep {
	char code[HH_CODE_MAX];
	int n;
	enum hh_status st[4];
	int32_t since[4];
};

static void indep_add(struct indep *x, size_t *nx, const struct hh_row *r)
{
	size_t i;
	for (i = 0; i < *nx; i++)
		if (!strcmp(x[i].code, r->code))
			break;
	if (i == *nx) {
		memset(&x[i], 0, sizeof x[i]);
		snprintf(x[i].code, sizeof x[i].code, "%s", r->code);
		(*nx)++;
	}
	if (x[i].n && x[i].st[x[i].n - 1] == r->status)
		return;
	x[i].st[x[i].n] = r->status;
	x[i].since[x[i].n] = r->day;
	x[i].n++;
}

static enum hh_status indep_on(const struct indep *x, int32_t day)
{
	enum hh_status s = HH_NONE;
	int32_t since = 0;
	for (int k = 0; k < x->n; k++)
		if (x->since[k] <= day) {
			s = x->st[k];
			since = x->since[k];
		}
	if (s == HH_ESCAPED) {
		int y, m, d;
		period_civil(since, &y, &m, &d);
		y += 3;
		if (m == 2 && d == 29)
			d = 28;
		if (day >= period_days(y, m, d))
			s = HH_NONE;
	}
	return s;
}

TEST(status_counts_match_independent_count)
{
	struct hh_import *a = load("tests/fixtures/households/register_2025.csv");
	struct hh_import *b = load("tests/fixtures/households/register_2026.csv");
	struct indep *x = calloc(a->nrows + b->nrows, sizeof *x);
	size_t nx = 0;
	for (size_t i = 0; i < a->nrows; i++)
		indep_add(x, &nx, &a->rows[i]);
	for (size_t i = 0; i < b->nrows; i++)
		indep_add(x, &nx, &b->rows[i]);
	int32_t days[] = { period_days(2024, 12, 31), period_days(2025, 12, 20), today(),
			   period_days(2027, 6, 30) };
	for (size_t d = 0; d < sizeof days / sizeof days[0]; d++) {
		struct status_count want = { { 0, 0, 0, 0 } }, got = { { 0, 0, 0, 0 } };
		for (size_t i = 0; i < nx; i++)
			want.n[indep_on(&x[i], days[d])]++;
		CHECK_INT(store_households_each(st, days[d], days[d], days[d], count_cb, &got), 0);
		for (int k = 0; k < 4; k++)
			CHECKF(want.n[k] == got.n[k], "day %zu status %d: want %d got %d", d, k, want.n[k],
			       got.n[k]);
	}
	/* The expiry has bitten by 2027 for some escaped households. */
	free(x);
	hh_import_free(a);
	hh_import_free(b);
}

static void add_report(const char *ref, int version, const char *status)
{
	sqlite3_stmt *q = store_prepare(
		st, "INSERT INTO reports (ref, version, kind, phone, commune, village, project, day, "
		    "received_at, status) VALUES (?1, ?2, 'activity', '+84900000001', 'vo-tranh', "
		    "'vo-tranh/thon-1', 'DA3.1', '2026-11-10', 1, ?3)");
	sqlite3_bind_text(q, 1, ref, -1, SQLITE_STATIC);
	sqlite3_bind_int(q, 2, version);
	sqlite3_bind_text(q, 3, status, -1, SQLITE_STATIC);
	CHECK_INT(store_run(st, q), 0);
}

struct cov_ctx {
	struct coverage c;
	struct cov_filter f;
	int unreached;
};

static int cov_cb(const struct hh_record *h, void *arg)
{
	struct cov_ctx *x = arg;
	if (coverage_add(&x->c, cat, &x->f, h) && coverage_unreached(h))
		x->unreached++;
	return 0;
}

TEST(support_and_coverage)
{
	int32_t d = period_days(2026, 11, 10);
	add_report("AB12", 1, "active");
	add_report("CD34", 1, "amended");
	add_report("CD34", 2, "active");
	add_report("EF56", 1, "cancelled");
	add_report("GH78", 1, "training");
	/* Pick target households on `today`. */
	struct status_count none = { { 0, 0, 0, 0 } };
	(void)none;
	const char *codes[] = { "HH00002", "HH00003", "HH00004", "HH00005", "HH00006" };
	CHECK_INT(store_households_record_support(st, codes[0], "AB12", 1, "DA3.1", d, 10), 1);
	CHECK_INT(store_households_record_support(st, codes[0], "AB12", 1, "DA3.1", d, 11), 0);
	CHECK_INT(store_households_record_support(st, codes[1], "CD34", 2, "DA2", d, 10), 1);
	CHECK_INT(store_households_record_support(st, codes[2], "EF56", 3, "DA2", d, 10), 1);
	CHECK_INT(store_households_record_support(st, codes[3], "GH78", 4, "DA2", d, 10), 1);
	CHECK_INT(store_households_record_support(st, codes[4], "", 0, "DA4.1", d, 10), 1);
	CHECK_INT(store_households_record_support(st, "NOPE", "AB12", 1, "DA2", d, 10),
		  STORE_E_NOTFOUND);
	struct hh_record h;
	struct period p;
	period_month(2026, 11, &p);
	CHECK_INT(store_household_get(st, codes[0], today(), p.first, p.last, &h), 1);
	CHECK_INT(h.nprojects, 1);
	CHECK_STR(h.projects[0], "DA3.1");
	CHECK_INT(store_household_get(st, codes[2], today(), p.first, p.last, &h), 1);
	CHECK_INT(h.nprojects, 0);	/* cancelled report */
	CHECK_INT(store_household_get(st, codes[3], today(), p.first, p.last, &h), 1);
	CHECK_INT(h.nprojects, 0);	/* training report */
	CHECK_INT(store_household_get(st, codes[1], today(), p.first, p.last, &h), 1);
	CHECK_INT(h.nprojects, 1);	/* amended: the active version counts */
	/* Outside the period: no reach. */
	CHECK_INT(store_household_get(st, codes[0], today(), p.first - 60, p.first - 1, &h), 1);
	CHECK_INT(h.nprojects, 0);

	/* District coverage against an independent count of targets. */
	struct cov_ctx x;
	memset(&x, 0, sizeof x);
	coverage_init(&x.c);
	x.f.day = today();
	CHECK_INT(store_households_each(st, today(), p.first, p.last, cov_cb, &x), 0);
	struct status_count sc = { { 0, 0, 0, 0 } };
	store_households_each(st, today(), p.first, p.last, count_cb, &sc);
	CHECK_INT(x.c.poor, sc.n[HH_POOR]);
	CHECK_INT(x.c.near_poor, sc.n[HH_NEAR_POOR]);
	CHECK_INT(x.c.escaped, sc.n[HH_ESCAPED]);
	int reached = 0;
	for (size_t i = 0; i < 5; i++) {
		if (i == 2 || i == 3)
			continue;
		CHECK_INT(store_household_get(st, codes[i], today(), p.first, p.last, &h), 1);
		reached += h.status != HH_NONE;
	}
	CHECK_INT(x.c.poor_reached + x.c.near_poor_reached + x.c.escaped_reached, reached);
	CHECK_INT(x.unreached, x.c.poor + x.c.near_poor + x.c.escaped - reached);

	/* A commune filter counts only its households. */
	struct cov_ctx y;
	memset(&y, 0, sizeof y);
	y.f.day = today();
	y.f.commune = "ha-hoa";
	store_households_each(st, today(), p.first, p.last, cov_cb, &y);
	CHECK(y.c.poor + y.c.near_poor > 0);
	CHECK(y.c.poor < x.c.poor);

	/* Forgetting a report's reach (an amended version names others). */
	CHECK_INT(store_households_forget_report(st, "AB12"), 1);
	CHECK_INT(store_household_get(st, codes[0], today(), p.first, p.last, &h), 1);
	CHECK_INT(h.nprojects, 0);
}

TEST(status_changes_by_hand)
{
	int32_t d = period_days(2026, 10, 1);
	CHECK_INT(store_households_set_status(st, "HH00010", HH_ESCAPED, d, "cli", 5), 1);
	CHECK_INT(store_households_set_status(st, "HH00010", HH_ESCAPED, d + 5, "cli", 5), 0);
	CHECK_INT(store_households_set_status(st, "NOPE", HH_POOR, d, "cli", 5), STORE_E_NOTFOUND);
	struct hh_record h;
	CHECK_INT(store_household_get(st, "HH00010", today(), 0, 0, &h), 1);
	CHECK_INT(h.status, HH_ESCAPED);
	CHECK_INT(h.since, d);
	/* With a fixed clock 36 months on, the status has ended by itself. */
	CHECK_INT(store_household_get(st, "HH00010", period_add_months(d, 36), 0, 0, &h), 1);
	CHECK_INT(h.status, HH_NONE);
	CHECK_INT(h.recorded, HH_ESCAPED);
	int counts[4];
	CHECK_INT(store_households_changes(st, d, d, counts), 0);
	CHECK_INT(counts[HH_ESCAPED], 1);
}

TEST(nothing_half_imported_on_a_store_fault)
{
	/* 300 new households; the disk "fills up" on the 200th write: the
	 * import fails and none of them is there. */
	size_t cap = 300 * 80 + 64;
	char *csv = malloc(cap);
	size_t n = (size_t)snprintf(csv, cap, "ma_ho,chu_ho,xa,thon,tinh_trang,ngay\n");
	for (int i = 0; i < 300; i++)
		n += (size_t)snprintf(csv + n, cap - n, "FX%04d,Ten %d,am-ha,thon-1,ngheo,2025-03-01\n", i, i);
	struct hh_import *im = hh_import_new();
	CHECK_INT(hh_csv_parse(csv, n, today(), im), 0);
	CHECK_INT(hh_resolve_places(cat, im), 0);
	sqlite3_stmt *q = store_prepare(st, "SELECT count(*) FROM households");
	CHECK(sqlite3_step(q) == SQLITE_ROW);
	int before = sqlite3_column_int(q, 0);
	sqlite3_reset(q);
	store_fault_set(st, 200);
	struct hh_import_stats s;
	CHECK(store_households_import(st, im, "fault", 9, &s) < 0);
	store_fault_set(st, 0);
	q = store_prepare(st, "SELECT count(*) FROM households");
	CHECK(sqlite3_step(q) == SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(q, 0), before);
	sqlite3_reset(q);
	/* And then it goes through whole. */
	CHECK_INT(store_households_import(st, im, "retry", 10, &s), 0);
	CHECK_INT(s.added, 300);
	hh_import_free(im);
	free(csv);
}

int main(void)
{
	setup();
	RUN(import_and_reimport);
	RUN(review_2026_keeps_history);
	RUN(status_counts_match_independent_count);
	RUN(support_and_coverage);
	RUN(status_changes_by_hand);
	RUN(nothing_half_imported_on_a_store_fault);
	teardown();
	return check_done();
}
