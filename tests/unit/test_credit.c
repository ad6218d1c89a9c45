/* test_credit.c: balance extraction from operator replies, number reading,
 * and the one-alert-per-crossing alarm. */
#include "check.h"

#include "modem/credit.h"

static const struct {
	const char *s;
	bool ok;
	double v;
} amount_cases[] = {
	{ "12500", true, 12500 }, { "12.500", true, 12500 }, { "12,500", true, 12500 },
	{ "1.234.567", true, 1234567 }, { "1,234,567", true, 1234567 },
	{ "12,5", true, 12.5 }, { "12.50", true, 12.5 }, { "0.5", true, 0.5 },
	{ "1,234.56", true, 1234.56 }, { "1.234,56", true, 1234.56 },
	{ "-500", true, -500 }, { "+7", true, 7 }, { " 42 ", true, 42 }, { "0", true, 0 },
	{ "12.5000", true, 12.5 }, { "1.23.456", false, 0 }, { "1.234,5,6", false, 0 },
	{ "12..5", false, 0 }, { ".5", false, 0 }, { "5.", false, 0 }, { "", false, 0 },
	{ "-", false, 0 }, { "12a", false, 0 }, { "1.2345.678", false, 0 },
	{ "1,234.567.890", false, 0 }, { "12 500", false, 0 },
	{ "99999999999999999999999999999999999999999", false, 0 },
};

TEST(test_amounts)
{
	for (size_t i = 0; i < sizeof amount_cases / sizeof amount_cases[0]; i++) {
		double v = -1;
		bool ok = credit_parse_amount(amount_cases[i].s, strlen(amount_cases[i].s), &v);
		CHECKF(ok == amount_cases[i].ok, "'%s': ok %d", amount_cases[i].s, ok);
		if (ok && amount_cases[i].ok)
			CHECKF(v > amount_cases[i].v - 1e-9 && v < amount_cases[i].v + 1e-9,
			       "'%s': %f want %f", amount_cases[i].s, v, amount_cases[i].v);
	}
}

static const struct {
	const char *pattern;	/* NULL: the default */
	const char *reply;
	int found;
	double v;
	const char *figure;
} extract_cases[] = {
	{ NULL, "TKC 12500d, han 01/12/2026", 1, 12500, "12500" },
	{ NULL, "TK chinh: 12.500d. KM: 0d", 1, 12500, "12.500" },
	{ NULL, "So du 12,500 VND", 1, 12500, "12,500" },
	{ NULL, "Tai khoan goc 3.200 đ, HSD 20/12", 1, 3200, "3.200" },
	{ NULL, "Quy khach con 150000 dong", 1, 150000, "150000" },
	{ NULL, "Ngay 01/12 ban con 7.000D", 1, 7000, "7.000" },
	{ NULL, "Goi cuoc: 2 ngay, con 5000d", 1, 5000, "5000" },
	{ NULL, "Dich vu tam gian doan", 0, 0, NULL },
	{ NULL, "", 0, 0, NULL },
	{ NULL, "30 days left", 0, 0, NULL },
	{ "TKC ([0-9.,]+)", "TKC 12500d, han 01/12/2026", 1, 12500, "12500" },
	{ "TKC ([0-9.,]+)", "TKC 12.500d", 1, 12500, "12.500" },
	{ "TKC ([0-9.,]+)", "KM 9000d TKC 1.5", 1, 1.5, "1.5" },
	{ "TKC ([0-9.,]+)", "TK 9000d", 0, 0, NULL },
	/* The first match does not read as a number: the next one is taken. */
	{ "([0-9.,]+) ?d", "ma 1..2d, con 800d", 1, 800, "800" },
	{ "Balance: \\$?([0-9.,]+)", "Balance: $3.75", 1, 3.75, "3.75" },
};

TEST(test_extract)
{
	for (size_t i = 0; i < sizeof extract_cases / sizeof extract_cases[0]; i++) {
		struct credit_pattern *p;
		char why[128];
		const char *pat = extract_cases[i].pattern ? extract_cases[i].pattern : CREDIT_PATTERN_DEFAULT;
		CHECKF(credit_pattern_new(&p, pat, why, sizeof why) == 0, "pattern '%s': %s", pat, why);
		if (!p)
			continue;
		double v = -1;
		char fig[32] = "";
		int r = credit_extract(p, extract_cases[i].reply, &v, fig, sizeof fig);
		CHECKF(r == extract_cases[i].found, "row %zu '%s': found %d", i, extract_cases[i].reply, r);
		if (r == 1 && extract_cases[i].found == 1) {
			CHECKF(v > extract_cases[i].v - 1e-9 && v < extract_cases[i].v + 1e-9,
			       "row %zu: %f want %f", i, v, extract_cases[i].v);
			CHECKF(strcmp(fig, extract_cases[i].figure) == 0, "row %zu: figure '%s'", i, fig);
		}
		credit_pattern_free(p);
	}
}

TEST(test_bad_patterns)
{
	struct credit_pattern *p = (struct credit_pattern *)1;
	char why[128] = "";
	CHECK(credit_pattern_new(&p, "TKC [0-9]+", why, sizeof why) < 0);
	CHECK(p == NULL);
	CHECK(strstr(why, "capture group") != NULL);
	CHECK(credit_pattern_new(&p, "TKC ([0-9]+", why, sizeof why) < 0);
	CHECK(strncmp(why, "bad credit pattern", 18) == 0);
	CHECK(credit_pattern_new(&p, "", why, sizeof why) < 0);
	CHECK(credit_pattern_new(&p, NULL, NULL, 0) < 0);
	credit_pattern_free(NULL);
	CHECK_INT(credit_extract(NULL, "TKC 5d", NULL, NULL, 0), 0);
}

TEST(test_alarm_one_alert_per_crossing)
{
	/* A balance dropping through the threshold, lingering, recovering
	 * after a top-up and dropping again: exactly two alerts. */
	static const double readings[] = { 50000, 20000, 10000, 9999, 8000, 500, 500, 9999.5,
					   10000, 60000, 12000, 9000, 8000 };
	static const enum credit_alarm_event want[] = {
		CREDIT_ALARM_NONE, CREDIT_ALARM_NONE, CREDIT_ALARM_NONE, CREDIT_ALARM_LOW,
		CREDIT_ALARM_NONE, CREDIT_ALARM_NONE, CREDIT_ALARM_NONE, CREDIT_ALARM_NONE,
		CREDIT_ALARM_REARMED, CREDIT_ALARM_NONE, CREDIT_ALARM_NONE, CREDIT_ALARM_LOW,
		CREDIT_ALARM_NONE,
	};
	struct credit_alarm a;
	credit_alarm_init(&a);
	int lows = 0;
	for (size_t i = 0; i < sizeof readings / sizeof readings[0]; i++) {
		enum credit_alarm_event e = credit_alarm_update(&a, 10000, readings[i]);
		CHECKF(e == want[i], "reading %zu (%.1f): %s want %s", i, readings[i],
		       credit_alarm_event_name(e), credit_alarm_event_name(want[i]));
		lows += e == CREDIT_ALARM_LOW;
	}
	CHECK_INT(lows, 2);
	/* First reading already low (a start with an empty SIM): one alert. */
	credit_alarm_init(&a);
	CHECK(credit_alarm_update(&a, 10000, 0) == CREDIT_ALARM_LOW);
	CHECK(credit_alarm_update(&a, 10000, 0) == CREDIT_ALARM_NONE);
	/* Restored disarmed state (after a restart): no repeat. */
	struct credit_alarm r = { false };
	CHECK(credit_alarm_update(&r, 10000, 100) == CREDIT_ALARM_NONE);
	CHECK_STR(credit_alarm_event_name(CREDIT_ALARM_REARMED), "rearmed");
}

int main(void)
{
	RUN(test_amounts);
	RUN(test_extract);
	RUN(test_bad_patterns);
	RUN(test_alarm_one_alert_per_crossing);
	return check_done();
}
