/* test_summary.c: the weekly summary builder: contents, the comparison with
 * the previous week, the "late" note, and the three-segment bound however
 * long the lists are. Pure, with the shipped catalog. */
#include "check.h"

#include "catalog.h"
#include "lang/query.h"
#include "office/summary.h"

#define VN 25200

static struct catalog *cat;

static void total(struct office_totals *t, const char *p, const char *i, double v)
{
	snprintf(t->t[t->n].project, 16, "%s", p);
	snprintf(t->t[t->n].indicator, 16, "%s", i);
	t->t[t->n].value = v;
	t->n++;
}

static void base(struct summary_input *in, struct office_totals *cur, struct office_totals *prev)
{
	memset(in, 0, sizeof *in);
	memset(cur, 0, sizeof *cur);
	memset(prev, 0, sizeof *prev);
	period_week(2026, 47, &in->week);
	in->place = "toan huyen";
	in->tz_offset_s = VN;
	cur->reports = 35;
	prev->reports = 30;
	total(cur, "DA4.1", "LOP", 2);
	total(cur, "DA4.1", "HV", 75);
	total(prev, "DA4.1", "HV", 65);
	total(cur, "DA3.1", "HO", 12);
	total(prev, "DA3.1", "HO", 20);
	in->cur = cur;
	in->prev = prev;
	in->communes_reported = 15;
	in->communes_total = 22;
	in->villages_reported = 60;
	in->villages_total = 104;
	in->missing[0] = "Yen Ky";
	in->missing[1] = "Xuan Ang";
	in->nmissing = 2;
	in->review[HH_POOR] = 3;
	in->review[HH_ESCAPED] = 5;
	in->has_coverage = true;
	in->coverage.poor = 340;
	in->coverage.poor_reached = 120;
	in->coverage.near_poor = 200;
	in->coverage.near_poor_reached = 80;
	in->no_network_s = 2 * 3600;
	in->credit = 12500;
	in->failed = 1;
}

TEST(contents)
{
	struct summary_input in;
	struct office_totals cur, prev;
	base(&in, &cur, &prev);
	char out[SUMMARY_MAX];
	summary_build(&in, cat, out, sizeof out);
	CHECKF(strstr(out, "TUAN 47/2026 (16/11-22/11) toan huyen: 35 bao cao (tuan truoc 30), 15/22 xa, 60/104 thon."),
	       "%s", out);
	CHECKF(strstr(out, "DA4.1 LOP 2(+2) HV 75(+10)"), "%s", out);
	CHECKF(strstr(out, "DA3.1 HO 12(-8)"), "%s", out);
	CHECKF(strstr(out, "Ra soat: 3 ngheo, 0 can ngheo, 5 thoat ngheo."), "%s", out);
	CHECKF(strstr(out, "Ho ngheo tiep can 120/340, can ngheo 80/200"), "%s", out);
	CHECKF(strstr(out, "Xa chua BC: Yen Ky, Xuan Ang."), "%s", out);
	CHECKF(strstr(out, "May: mat song 2h, TK 12500d, loi gui 1."), "%s", out);
	CHECK(strstr(out, "TRE") == NULL);
	CHECK(query_septets(out) <= SUMMARY_SEPTETS);
}

TEST(review_reports_when_register_unchanged)
{
	struct summary_input in;
	struct office_totals cur, prev, rs;
	base(&in, &cur, &prev);
	memset(&rs, 0, sizeof rs);
	total(&rs, "RS", "CN", -1);
	total(&rs, "RS", "HN", 2);
	in.rs = &rs;
	char out[SUMMARY_MAX];
	summary_build(&in, cat, out, sizeof out);
	CHECKF(strstr(out, "Ra soat: 3 ngheo") && !strstr(out, "(RS)"), "%s", out);
	in.review[HH_POOR] = in.review[HH_ESCAPED] = 0;
	summary_build(&in, cat, out, sizeof out);
	CHECKF(strstr(out, " Ra soat (RS): CN -1, HN +2."), "%s", out);
}

TEST(late_says_so)
{
	struct summary_input in;
	struct office_totals cur, prev;
	base(&in, &cur, &prev);
	in.late = true;
	in.due_at = period_day_start(period_days(2026, 11, 23), VN) + 7 * 3600 + 30 * 60;
	char out[SUMMARY_MAX];
	summary_build(&in, cat, out, sizeof out);
	CHECKF(strstr(out, "(GUI TRE, hen 07:30 23/11)"), "%s", out);
}

TEST(three_segments_at_most)
{
	struct summary_input in;
	struct office_totals cur, prev;
	base(&in, &cur, &prev);
	static const char *names[] = { "Am Ha", "Bang Gia", "Chinh Cong", "Dai Pham", "Dan Thuong",
				       "Gia Dien", "Ha Luong", "Hien Luong", "Huong Xa", "Lang Son",
				       "Lenh Khanh", "Minh Coi", "Phuong Vien", "Tu Hiep", "Van Lang",
				       "Vinh Chan", "Vo Tranh", "Xuan Ang", "Yen Ky", "Yen Luat" };
	for (int i = 0; i < 20; i++)
		in.missing[i] = names[i];
	in.nmissing = 20;
	const char *pr[] = { "DA1", "DA2", "DA3.1", "DA3.2", "DA4.1", "DA4.3", "DA5", "DA6.1", "DA6.2", "DA7.1", "DA7.2" };
	cur.n = prev.n = 0;
	for (size_t i = 0; i < 11; i++) {
		const struct catalog_project *p = catalog_project_find(cat, pr[i]);
		CHECKF(p != NULL, "%s", pr[i]);
		if (!p)
			continue;
		for (int k = 0; k < p->nindicators && cur.n < OFFICE_TOTALS_MAX - 1; k++) {
			total(&cur, p->code, p->indicators[k]->code, 12345.6 + k);
			total(&prev, p->code, p->indicators[k]->code, 1234.5);
		}
	}
	/* office_totals_get scans; order does not matter for the builder. */
	char out[SUMMARY_MAX];
	size_t n = summary_build(&in, cat, out, sizeof out);
	CHECK_INT(n, strlen(out));
	CHECKF(query_septets(out) <= SUMMARY_SEPTETS, "%zu: %s", query_septets(out), out);
	CHECKF(query_septets(out) > 300, "%zu: %s", query_septets(out), out);
	CHECK(strstr(out, "Xa chua BC:") != NULL);
	CHECK(strstr(out, " +") != NULL);	/* "+N" more communes */
	CHECK(strstr(out, "May:") != NULL);
	CHECK(strstr(out, "TUAN 47/2026") != NULL);
	/* A tiny buffer is never overrun. */
	char small[64];
	summary_build(&in, cat, small, sizeof small);
	CHECK(strlen(small) < sizeof small);
}

TEST(empty_week_and_unknown_health)
{
	struct summary_input in;
	struct office_totals cur, prev;
	base(&in, &cur, &prev);
	cur.n = 0;
	cur.reports = 0;
	prev.n = 0;
	in.nmissing = 0;
	in.has_coverage = false;
	in.review[HH_POOR] = in.review[HH_ESCAPED] = 0;
	in.no_network_s = -1;
	in.credit = -1;
	in.failed = 0;
	in.commune_version = true;
	in.place = "Vo Tranh";
	char out[SUMMARY_MAX];
	summary_build(&in, cat, out, sizeof out);
	CHECKF(!strcmp(out, "TINBAO TUAN 47/2026 (16/11-22/11) Vo Tranh: 0 bao cao (tuan truoc 30), 60/104 thon. "
			    "Khong co so lieu du an. May: ?, loi gui 0."),
	       "%s", out);
}

int main(void)
{
	char why[256];
	if (catalog_load(&cat, "config/catalog.conf", why, sizeof why) < 0) {
		fprintf(stderr, "catalog: %s\n", why);
		return 1;
	}
	RUN(contents);
	RUN(review_reports_when_register_unchanged);
	RUN(late_says_so);
	RUN(three_segments_at_most);
	RUN(empty_week_and_unknown_health);
	catalog_free(cat);
	return check_done();
}
