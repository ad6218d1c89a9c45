/* test_review_sms.c: the household form of the review message
 * ("RS MAHO 0123 CN ...") parsed by review_sms_parse(), table-driven, and
 * its reply texts kept to one unaccented SMS. Today is 25/11/2026. */
#include "check.h"

#include <stdio.h>
#include <string.h>

#include "lang/period.h"
#include "office/review_sms.h"

static const char *short_status(enum hh_status s)
{
	switch (s) {
	case HH_POOR:
		return "HN";
	case HH_NEAR_POOR:
		return "CN";
	case HH_ESCAPED:
		return "TN";
	case HH_NONE:
		return "KN";
	}
	return "?";
}

/* "0123:CN 0456:HN" */
static void changes_of(const struct review_sms *r, char *buf, size_t len)
{
	buf[0] = 0;
	for (int i = 0; i < r->n; i++) {
		size_t l = strlen(buf);
		snprintf(buf + l, len - l, "%s%s:%s", i ? " " : "", r->changes[i].code,
			 short_status(r->changes[i].status));
	}
}

static const struct {
	const char *text;
	const char *changes;	/* expected when no problem */
	const char *problem;	/* NULL: none; else a substring of the first problem */
	int day_d, day_m;	/* 0: today */
} cases[] = {
	{ "RS MAHO 0123 CN", "0123:CN", NULL, 0, 0 },
	{ "rs maho 0123 cn", "0123:CN", NULL, 0, 0 },
	{ "RS MAHO 0123 THOATNGHEO MAHO 0456 HN", "0123:TN 0456:HN", NULL, 0, 0 },
	{ "RS MAHO 0123 thoat ngheo", "0123:TN", NULL, 0, 0 },
	{ "RS MAHO 0123 thoát nghèo", "0123:TN", NULL, 0, 0 },
	{ "Rà soát mã hộ 0123 cận nghèo", "0123:CN", NULL, 0, 0 },
	{ "RS MA HO 0123 hộ nghèo", "0123:HN", NULL, 0, 0 },
	{ "RS MAHO 0123 Ngheo", "0123:HN", NULL, 0, 0 },
	{ "RS MAHO 0123 can_ngheo", "0123:CN", NULL, 0, 0 },
	{ "RS MAHO 0123 moi thoat ngheo", "0123:TN", NULL, 0, 0 },
	{ "RS MAHO 0123 khong", "0123:KN", NULL, 0, 0 },
	{ "RS MAHO 0123 KN", "0123:KN", NULL, 0, 0 },
	{ "RS MAHO 0123 không", "0123:KN", NULL, 0, 0 },
	{ "RS MAHO VT-001 0456 CN", "VT-001:CN 0456:CN", NULL, 0, 0 },
	{ "RS MAHO 0123 CN ngay 20/11", "0123:CN", NULL, 20, 11 },
	{ "RS ngày 3/11/2026 MAHO 0123 TN", "0123:TN", NULL, 3, 11 },
	{ "RS MAHO 0123 CN ngay 2026-11-01", "0123:CN", NULL, 1, 11 },
	{ "RS MAHO0123 HN", "0123:HN", NULL, 0, 0 },
	{ "TEST RS MAHO 0123, CN; MAHO 0456 HN", "0123:CN 0456:HN", NULL, 0, 0 },
	/* typos: one letter in a long word */
	{ "RS MAHO 0123 thoat ngeo", "0123:TN", NULL, 0, 0 },
	{ "RS MAHO 0123 can nghoe", NULL, "khong ro", 0, 0 },	/* two edits */
	{ "RS MAHO 0123 ngheof", "0123:HN", NULL, 0, 0 },
	{ "RS MAHO 0123 khomg", "0123:KN", NULL, 0, 0 },
	/* problems */
	{ "RS MAHO 0123 XN", NULL, "'XN' khong ro (HN/CN/TN/KN?)", 0, 0 },
	{ "RS MAHO 0123 giau", NULL, "'giau' khong ro", 0, 0 },
	{ "RS MAHO 0123", NULL, "MAHO 0123 thieu tinh trang", 0, 0 },
	{ "RS MAHO CN", NULL, "MAHO thieu ma ho", 0, 0 },
	{ "RS MAHO can ngheo", NULL, "MAHO thieu ma ho", 0, 0 },
	{ "RS MAHO", NULL, "MAHO thieu ma ho", 0, 0 },
	{ "RS MAHO 0123 CN MAHO 0123 HN", NULL, "MAHO 0123 ghi hai lan", 0, 0 },
	{ "RS MAHO 0123 CN ngay 30/12", NULL, "ngay 30/12/2026 chua toi", 0, 0 },
	{ "RS MAHO 0123 CN ngay 31/2", NULL, "ngay '31/2' sai", 0, 0 },
	{ "RS MAHO 0123 CN ngay", NULL, "ngay thieu", 0, 0 },
	{ "RS HN+2 MAHO 0123 CN", NULL, "'HN+2' khong ro", 0, 0 },
	{ "RS MAHO 01#23 CN", NULL, "ma ho '01#23' sai", 0, 0 },
	{ "RS MAHO 1 HN MAHO 2 HN MAHO 3 HN MAHO 4 HN MAHO 5 HN MAHO 6 HN MAHO 7 HN MAHO 8 HN MAHO 9 HN",
	  NULL, "toi da 8 ho", 0, 0 },
	{ "RS", NULL, "thieu MAHO", 0, 0 },
	{ "", NULL, "thieu MAHO", 0, 0 },
};

TEST(parse_table)
{
	int32_t today = period_days(2026, 11, 25);
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct review_sms r;
		int n = review_sms_parse(cases[i].text, strlen(cases[i].text), today, &r);
		char got[256];
		changes_of(&r, got, sizeof got);
		if (!cases[i].problem) {
			CHECKF(n == 0, "'%s': %d problems, first '%s'", cases[i].text, n, r.problems[0]);
			CHECKF(!strcmp(got, cases[i].changes), "'%s': got '%s' want '%s'", cases[i].text, got,
			       cases[i].changes);
			int32_t want = cases[i].day_d ? period_days(2026, cases[i].day_m, cases[i].day_d) : today;
			CHECKF(r.day == want, "'%s': day %d want %d", cases[i].text, (int)r.day, (int)want);
			CHECKF(r.day_given == (cases[i].day_d != 0), "'%s': day_given", cases[i].text);
		} else {
			CHECKF(n > 0 && strstr(r.problems[0], cases[i].problem), "'%s': %d problems, first '%s'",
			       cases[i].text, n, n ? r.problems[0] : "");
		}
	}
}

TEST(names_households)
{
	CHECK(review_sms_names_households("RS MAHO 0123 CN", 15));
	CHECK(review_sms_names_households("rà soát mã hộ 0123 CN", strlen("rà soát mã hộ 0123 CN")));
	CHECK(review_sms_names_households("RS maho0123 CN", 14));
	CHECK(!review_sms_names_households("RS HN+2 CN-1 TN+3 TAINGHEO 1", 28));
	CHECK(!review_sms_names_households("RS ma hoa 2", 11));
	CHECK(!review_sms_names_households(NULL, 0));
}

/* Every problem named, in one SMS; the sample when it fits. */
TEST(problem_reply)
{
	struct review_sms r;
	int32_t today = period_days(2026, 11, 25);
	const char *t = "RS MAHO 0123 XN MAHO CN ngay 31/2";
	review_sms_parse(t, strlen(t), today, &r);
	char buf[400];
	review_sms_format_problems(&r, buf, sizeof buf);
	CHECKF(!strncmp(buf, "Chua luu: 1) ", 13) && strstr(buf, "2) ") && strstr(buf, "3) "), "%s", buf);
	CHECK(strlen(buf) <= 160);
	review_sms_parse("RS MAHO 0123", strlen("RS MAHO 0123"), today, &r);
	review_sms_format_problems(&r, buf, sizeof buf);
	CHECK_STR(buf, "Chua luu: MAHO 0123 thieu tinh trang (HN/CN/TN/KN). Mau: RS MAHO 0123 CN");
	/* Six long problems and more: counted, never over 160. */
	t = "RS MAHO A-0000000000000001 X1x MAHO A-0000000000000002 X1x MAHO A-0000000000000003 "
	    "X1x MAHO A-0000000000000004 X1x MAHO A-0000000000000005 X1x MAHO 6 XX MAHO 7 XX";
	review_sms_parse(t, strlen(t), today, &r);
	review_sms_format_problems(&r, buf, sizeof buf);
	CHECKF(strlen(buf) <= 160 && strstr(buf, "loi)"), "%zu %s", strlen(buf), buf);
}

TEST(receipt_reply)
{
	struct review_sms r;
	int32_t today = period_days(2026, 11, 25);
	const char *t = "RS MAHO 0123 CN MAHO 0456 thoat ngheo ngay 20/11";
	review_sms_parse(t, strlen(t), today, &r);
	char buf[400];
	review_sms_format_receipt(&r, false, buf, sizeof buf);
	CHECK_STR(buf, "Da ghi ra soat 20/11/2026: 0123 can ngheo, 0456 thoat ngheo.");
	review_sms_format_receipt(&r, true, buf, sizeof buf);
	CHECK_STR(buf, "TEST (khong tinh): Da ghi ra soat 20/11/2026: 0123 can ngheo, 0456 thoat ngheo.");
	/* Eight long codes: short words, then a count, within 160. */
	const char *many = "RS MAHO HOUSEHOLD-000001 0000002-HOUSEHOLD HOUSEHOLD-000003 HOUSEHOLD-000004 "
			   "HOUSEHOLD-000005 HOUSEHOLD-000006 HOUSEHOLD-000007 HOUSEHOLD-000008 khong ngheo";
	CHECK_INT(review_sms_parse(many, strlen(many), today, &r), 0);
	CHECK_INT(r.n, 8);
	review_sms_format_receipt(&r, false, buf, sizeof buf);
	CHECKF(strlen(buf) <= 160 && strstr(buf, " KN") && strstr(buf, "ho)."), "%zu %s", strlen(buf), buf);
	/* A small caller buffer is respected. */
	char small[20];
	review_sms_format_receipt(&r, false, small, sizeof small);
	CHECK_INT(strlen(small), 19);
}

int main(void)
{
	RUN(parse_table);
	RUN(names_households);
	RUN(problem_reply);
	RUN(receipt_reply);
	return check_done();
}
