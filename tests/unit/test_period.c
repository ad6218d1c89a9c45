/* test_period.c: the calendar arithmetic and the period language, with a
 * fixed "now" (Wednesday 25 November 2026, 10:00 in Vietnam, UTC+7). */
#include "check.h"

#include "lang/period.h"

#define VN 25200

static int64_t at(int y, int m, int d, int hh, int mm)
{
	return period_day_start(period_days(y, m, d), VN) + hh * 3600 + mm * 60;
}

static int64_t now(void)
{
	return at(2026, 11, 25, 10, 0);
}

TEST(calendar_round_trip)
{
	CHECK_INT(period_days(1970, 1, 1), 0);
	CHECK_INT(period_days(2000, 3, 1), 11017);
	for (int32_t d = -800000; d < 800000; d += 37) {
		int y, m, dd;
		period_civil(d, &y, &m, &dd);
		CHECKF(period_days(y, m, dd) == d, "day %d", d);
	}
	CHECK_INT(period_weekday(period_days(2026, 11, 25)), 3);	/* Wednesday */
	CHECK_INT(period_weekday(period_days(2024, 12, 30)), 1);
	CHECK(period_valid_date(2024, 2, 29));
	CHECK(!period_valid_date(2026, 2, 29));
	CHECK(!period_valid_date(2100, 2, 29));
	CHECK(period_valid_date(2000, 2, 29));
}

TEST(iso_weeks)
{
	struct { int y, m, d, iy, w; } rows[] = {
		{ 2026, 11, 25, 2026, 48 }, { 2026, 11, 16, 2026, 47 }, { 2024, 12, 30, 2025, 1 },
		{ 2021, 1, 3, 2020, 53 },   { 2027, 1, 1, 2026, 53 },   { 2026, 1, 1, 2026, 1 },
		{ 2023, 1, 1, 2022, 52 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		int iy, w;
		period_iso_week(period_days(rows[i].y, rows[i].m, rows[i].d), &iy, &w);
		CHECKF(iy == rows[i].iy && w == rows[i].w, "row %zu: %d-W%d", i, iy, w);
	}
	CHECK_INT(period_iso_weeks(2020), 53);
	CHECK_INT(period_iso_weeks(2026), 53);
	CHECK_INT(period_iso_weeks(2025), 52);
	CHECK_INT(period_iso_week_monday(2026, 47), period_days(2026, 11, 16));
	char id[16];
	period_week_id(period_days(2026, 11, 22), id, sizeof id);
	CHECK_STR(id, "2026-W47");
	period_week_id(period_days(2027, 1, 1), id, sizeof id);
	CHECK_STR(id, "2026-W53");
}

TEST(local_day_and_tz)
{
	/* 23:30 UTC on the 24th is already the 25th in Vietnam. */
	int64_t t = period_day_start(period_days(2026, 11, 25), 0) - 1800;
	CHECK_INT(period_local_day(t, VN), period_days(2026, 11, 25));
	CHECK_INT(period_local_day(t, 0), period_days(2026, 11, 24));
	CHECK_INT(period_local_day(-1, 0), -1);
	CHECK_INT(period_day_start(period_days(2026, 11, 25), VN) + VN,
		  (int64_t)period_days(2026, 11, 25) * 86400);
}

TEST(add_months)
{
	CHECK_INT(period_add_months(period_days(2023, 5, 10), 36), period_days(2026, 5, 10));
	CHECK_INT(period_add_months(period_days(2024, 2, 29), 36), period_days(2027, 2, 28));
	CHECK_INT(period_add_months(period_days(2024, 1, 31), 1), period_days(2024, 2, 29));
	CHECK_INT(period_add_months(period_days(2026, 12, 15), -12), period_days(2025, 12, 15));
}

struct row {
	const char *text;
	enum period_kind kind;
	int y1, m1, d1, y2, m2, d2;
	const char *label;
};

TEST(language_table)
{
	const struct row rows[] = {
		{ "T11", PERIOD_MONTH, 2026, 11, 1, 2026, 11, 30, "T11/2026" },
		{ "t11", PERIOD_MONTH, 2026, 11, 1, 2026, 11, 30, "T11/2026" },
		{ "THANG 2", PERIOD_MONTH, 2026, 2, 1, 2026, 2, 28, "T2/2026" },
		{ "T12", PERIOD_MONTH, 2025, 12, 1, 2025, 12, 31, "T12/2025" },
		{ "T12/2024", PERIOD_MONTH, 2024, 12, 1, 2024, 12, 31, "T12/2024" },
		{ "t2-2024", PERIOD_MONTH, 2024, 2, 1, 2024, 2, 29, "T2/2024" },
		{ "2026-11", PERIOD_MONTH, 2026, 11, 1, 2026, 11, 30, "T11/2026" },
		{ "Q4", PERIOD_QUARTER, 2026, 10, 1, 2026, 12, 31, "Q4/2026" },
		{ "quy 1", PERIOD_QUARTER, 2026, 1, 1, 2026, 3, 31, "Q1/2026" },
		{ "Q2/2025", PERIOD_QUARTER, 2025, 4, 1, 2025, 6, 30, "Q2/2025" },
		{ "2026", PERIOD_YEAR, 2026, 1, 1, 2026, 12, 31, "2026" },
		{ "nam 2025", PERIOD_YEAR, 2025, 1, 1, 2025, 12, 31, "2025" },
		{ "TUAN 47", PERIOD_WEEK, 2026, 11, 16, 2026, 11, 22, "TUAN 47/2026 (16/11-22/11)" },
		{ "tuan47", PERIOD_WEEK, 2026, 11, 16, 2026, 11, 22, "TUAN 47/2026 (16/11-22/11)" },
		{ "W47", PERIOD_WEEK, 2026, 11, 16, 2026, 11, 22, "TUAN 47/2026 (16/11-22/11)" },
		{ "2026-W47", PERIOD_WEEK, 2026, 11, 16, 2026, 11, 22, "TUAN 47/2026 (16/11-22/11)" },
		{ "TUAN 50", PERIOD_WEEK, 2025, 12, 8, 2025, 12, 14, "TUAN 50/2025 (8/12-14/12)" },
		{ "tuan nay", PERIOD_WEEK, 2026, 11, 23, 2026, 11, 29, NULL },
		{ "this week", PERIOD_WEEK, 2026, 11, 23, 2026, 11, 29, NULL },
		{ "tuan truoc", PERIOD_WEEK, 2026, 11, 16, 2026, 11, 22, NULL },
		{ "thang nay", PERIOD_MONTH, 2026, 11, 1, 2026, 11, 30, NULL },
		{ "thang truoc", PERIOD_MONTH, 2026, 10, 1, 2026, 10, 31, NULL },
		{ "quy truoc", PERIOD_QUARTER, 2026, 7, 1, 2026, 9, 30, NULL },
		{ "nam nay", PERIOD_YEAR, 2026, 1, 1, 2026, 12, 31, NULL },
		{ "hom nay", PERIOD_DAY, 2026, 11, 25, 2026, 11, 25, "25/11/2026" },
		{ "hom qua", PERIOD_DAY, 2026, 11, 24, 2026, 11, 24, "24/11/2026" },
		{ "1/11-20/11", PERIOD_RANGE, 2026, 11, 1, 2026, 11, 20, "1/11-20/11/2026" },
		{ "1/11 - 20/11", PERIOD_RANGE, 2026, 11, 1, 2026, 11, 20, "1/11-20/11/2026" },
		{ "01/11/2026-20/11/2026", PERIOD_RANGE, 2026, 11, 1, 2026, 11, 20, NULL },
		{ "15/12-10/1", PERIOD_RANGE, 2025, 12, 15, 2026, 1, 10, "15/12/2025-10/1/2026" },
		{ "1/11 den 5/11", PERIOD_RANGE, 2026, 11, 1, 2026, 11, 5, NULL },
		{ "5/11", PERIOD_DAY, 2026, 11, 5, 2026, 11, 5, "5/11/2026" },
		{ "2026-11-05", PERIOD_DAY, 2026, 11, 5, 2026, 11, 5, "5/11/2026" },
		{ "29/2/2024", PERIOD_DAY, 2024, 2, 29, 2024, 2, 29, NULL },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		struct period p;
		int r = period_parse(rows[i].text, now(), VN, &p);
		CHECKF(r == 0, "'%s' not parsed", rows[i].text);
		if (r)
			continue;
		CHECKF(p.kind == rows[i].kind, "'%s' kind %d", rows[i].text, (int)p.kind);
		CHECKF(p.first == period_days(rows[i].y1, rows[i].m1, rows[i].d1), "'%s' first",
		       rows[i].text);
		CHECKF(p.last == period_days(rows[i].y2, rows[i].m2, rows[i].d2), "'%s' last",
		       rows[i].text);
		if (rows[i].label) {
			char buf[64];
			period_format(&p, buf, sizeof buf);
			CHECKF(!strcmp(buf, rows[i].label), "'%s' label '%s'", rows[i].text, buf);
		}
	}
}

TEST(default_is_this_month)
{
	struct period p;
	CHECK_INT(period_parse("", now(), VN, &p), 0);
	CHECK_INT(p.kind, PERIOD_MONTH);
	CHECK_INT(p.num, 11);
	CHECK_INT(period_parse("   ", now(), VN, &p), 0);
	CHECK_INT(p.first, period_days(2026, 11, 1));
	/* At 00:30 local on 1 December the default is December, although UTC
	 * still says 30 November. */
	CHECK_INT(period_parse(NULL, at(2026, 12, 1, 0, 30), VN, &p), 0);
	CHECK_INT(p.num, 12);
}

TEST(invalid_and_non_periods)
{
	const char *bad[] = { "T13", "Q5", "TUAN 54", "31/2/2026", "30/2", "T0", "1/11-32/11",
			      "20/11/2026-1/11/2026", "W0" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct period p;
		CHECKF(period_match(bad[i], strlen(bad[i]), now(), VN, &p) == -1, "'%s' not -1",
		       bad[i]);
		CHECKF(period_parse(bad[i], now(), VN, &p) == -1, "'%s' parsed", bad[i]);
	}
	const char *no[] = { "DA4", "Vo Tranh", "T11A", "tuan", "12345", "hom", "x", "/", "2026x" };
	for (size_t i = 0; i < sizeof no / sizeof no[0]; i++) {
		struct period p;
		CHECKF(period_match(no[i], strlen(no[i]), now(), VN, &p) == 0, "'%s' matched", no[i]);
	}
	struct period p;
	CHECK_INT(period_parse("T11 extra", now(), VN, &p), -1);
}

TEST(match_consumes_prefix)
{
	struct period p;
	const char *t = "T11 vo tranh";
	CHECK_INT(period_match(t, strlen(t), now(), VN, &p), 3);
	t = "  tuan 47, da4";
	CHECK_INT(period_match(t, strlen(t), now(), VN, &p), 9);
	CHECK_INT(p.num, 47);
	t = "1/11 - 20/11 hn";
	CHECK_INT(period_match(t, strlen(t), now(), VN, &p), 12);
	/* Not NUL-terminated input: the length is respected. */
	char buf[3] = { 'T', '1', '1' };
	CHECK_INT(period_match(buf, 2, now(), VN, &p), 2);
	CHECK_INT(p.num, 1);
}

TEST(previous)
{
	struct period p, q;
	period_parse("TUAN 1/2026", now(), VN, &p);
	period_previous(&p, &q);
	CHECK_INT(q.kind, PERIOD_WEEK);
	CHECK_INT(q.year, 2025);
	CHECK_INT(q.num, 52);
	period_parse("T1/2026", now(), VN, &p);
	period_previous(&p, &q);
	CHECK_INT(q.num, 12);
	CHECK_INT(q.year, 2025);
	period_parse("1/11-10/11", now(), VN, &p);
	period_previous(&p, &q);
	CHECK_INT(q.first, period_days(2026, 10, 22));
	CHECK_INT(q.last, period_days(2026, 10, 31));
}

TEST(parse_date)
{
	int32_t d;
	CHECK_INT(period_parse_date("2026-11-05", &d), 0);
	CHECK_INT(d, period_days(2026, 11, 5));
	CHECK_INT(period_parse_date("5/11/2026", &d), 0);
	CHECK_INT(d, period_days(2026, 11, 5));
	CHECK_INT(period_parse_date("5/11", &d), -1);
	CHECK_INT(period_parse_date("2026-02-30", &d), -1);
	CHECK_INT(period_parse_date("", &d), -1);
}

int main(void)
{
	RUN(calendar_round_trip);
	RUN(iso_weeks);
	RUN(local_day_and_tz);
	RUN(add_months);
	RUN(language_table);
	RUN(default_is_this_month);
	RUN(invalid_and_non_periods);
	RUN(match_consumes_prefix);
	RUN(previous);
	RUN(parse_date);
	return check_done();
}
