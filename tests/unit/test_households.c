/* test_households.c: the register CSV reader and validator, and the status
 * rules (36-month expiry of "newly escaped" with a fixed clock). Pure. */
#include "check.h"

#include "lang/period.h"
#include "office/households.h"

static int32_t today(void)
{
	return period_days(2026, 11, 25);
}

static struct hh_import *parse(const char *csv)
{
	struct hh_import *im = hh_import_new();
	hh_csv_parse(csv, strlen(csv), today(), im);
	return im;
}

static int has_error(const struct hh_import *im, int line, const char *needle)
{
	for (size_t i = 0; i < im->nerrors && i < HH_ERRORS_KEPT; i++)
		if (im->errors[i].line == line && strstr(im->errors[i].msg, needle))
			return 1;
	return 0;
}

static void dump(const struct hh_import *im)
{
	for (size_t i = 0; i < im->nerrors && i < HH_ERRORS_KEPT; i++)
		fprintf(stderr, "  line %d: %s\n", im->errors[i].line, im->errors[i].msg);
}

TEST(excel_semicolon_bom_quotes)
{
	const char *csv = "\xEF\xBB\xBFSTT;M\xC3\xA3 h\xE1\xBB\x99;Ch\xE1\xBB\xA7 h\xE1\xBB\x99;X\xC3\xA3;"
			  "Th\xC3\xB4n;T\xC3\xACnh tr\xE1\xBA\xA1ng;Ng\xC3\xA0y;DTTS;Tr\xE1\xBA\xBB em\r\n"
			  "1;0123;\"Nguy\xE1\xBB\x85n V\xC4\x83n A; con\";V\xC3\xB4 Tranh;Th\xC3\xB4n 3;"
			  "Ngh\xC3\xA8o;5/11/2024;x;2\r\n"
			  "2;0456;\"L\xC3\xAA Th\xE1\xBB\x8B \"\"B\"\"\";V\xC3\xB4 Tranh;Th\xC3\xB4n 3;"
			  "C\xE1\xBA\xADn ngh\xC3\xA8o;2023-12-20;;0\r\n"
			  "\r\n;;;;;;;;\r\n";
	struct hh_import *im = parse(csv);
	dump(im);
	CHECK_INT(im->nerrors, 0);
	CHECK_INT(im->nrows, 2);
	if (im->nrows == 2) {
		CHECK_STR(im->rows[0].code, "0123");
		CHECK_STR(im->rows[0].head, "Nguy\xE1\xBB\x85n V\xC4\x83n A; con");
		CHECK_INT(im->rows[0].status, HH_POOR);
		CHECK_INT(im->rows[0].day, period_days(2024, 11, 5));
		CHECK_INT(im->rows[0].flags, HH_ETHNIC);
		CHECK_INT(im->rows[0].children, 2);
		CHECK_INT(im->rows[0].line, 2);
		CHECK_STR(im->rows[1].head, "L\xC3\xAA Th\xE1\xBB\x8B \"B\"");
		CHECK_INT(im->rows[1].status, HH_NEAR_POOR);
		CHECK_INT(im->rows[1].day, period_days(2023, 12, 20));
		CHECK_INT(im->rows[1].line, 3);
	}
	hh_import_free(im);
}

TEST(comma_lf_and_columns_in_any_order)
{
	const char *csv = "ngay,tinh_trang,thon,xa,chu_ho,ma_ho,nu_chu_ho,khuyet_tat,nguoi_co_cong\n"
			  "1/1/2025,thoat_ngheo,thon-1,am-ha,Tran Van C,A-1,1,X,0\n";
	struct hh_import *im = parse(csv);
	dump(im);
	CHECK_INT(im->nerrors, 0);
	CHECK_INT(im->nrows, 1);
	if (im->nrows == 1) {
		CHECK_STR(im->rows[0].code, "A-1");
		CHECK_STR(im->rows[0].commune, "am-ha");
		CHECK_INT(im->rows[0].status, HH_ESCAPED);
		CHECK_INT(im->rows[0].flags, HH_FEMALE_HEAD | HH_DISABLED);
	}
	hh_import_free(im);
}

TEST(quoted_newline_keeps_line_numbers)
{
	const char *csv = "ma_ho;chu_ho;xa;thon;tinh_trang;ngay\n"
			  "1;\"Nguyen\nVan A\";am-ha;thon-1;ngheo;1/1/2025\n"
			  "2;B;am-ha;thon-1;giau;1/1/2025\n";
	struct hh_import *im = parse(csv);
	CHECK_INT(im->nrows, 1);
	CHECK_INT(im->nerrors, 1);
	CHECK(has_error(im, 4, "tinh_trang"));
	hh_import_free(im);
}

TEST(every_line_validated)
{
	const char *csv = "ma_ho,chu_ho,xa,thon,tinh_trang,ngay,tre_em,dtts\n"
			  "H1,A,am-ha,thon-1,ngheo,31/2/2025,,\n"	/* 2: bad date */
			  "H2,,am-ha,thon-1,ngheo,1/2/2025,,\n"		/* 3: no name */
			  "H 3,C,am-ha,thon-1,ngheo,1/2/2025,,\n"	/* 4: bad code */
			  "H4,D,am-ha,thon-1,ngheo,1/2/2027,,\n"	/* 5: future */
			  "H5,E,am-ha,thon-1,ngheo,1/2/2025,-1,\n"	/* 6: children */
			  "H6,F,am-ha,thon-1,ngheo,1/2/2025,1,yes\n"	/* 7: flag */
			  "H7,G,,thon-1,khong,1/2/2025,,\n"		/* 8: xa and status */
			  "H8,H,am-ha,thon-1,ngheo,1/2/2025,,\n"	/* 9: good */
			  "H8,I,am-ha,thon-1,ngheo,1/2/2025,,\n"	/* 10: duplicate */
			  "H9,\"J,am-ha,thon-1,ngheo,1/2/2025,,\n";	/* 11: open quote */
	struct hh_import *im = parse(csv);
	CHECK(has_error(im, 2, "ngay"));
	CHECK(has_error(im, 3, "chu_ho"));
	CHECK(has_error(im, 4, "ma_ho"));
	CHECK(has_error(im, 5, "future"));
	CHECK(has_error(im, 6, "tre_em"));
	CHECK(has_error(im, 7, "dtts"));
	CHECK(has_error(im, 8, "xa"));
	CHECK(has_error(im, 8, "tinh_trang"));
	CHECK(has_error(im, 10, "already on line 9"));
	CHECK(has_error(im, 11, "quote"));
	CHECK_INT(im->nerrors, 10);
	hh_import_free(im);
}

TEST(header_problems)
{
	struct hh_import *im = parse("ma_ho,chu_ho,xa,thon,ngay\nH1,A,x,y,1/1/2025\n");
	CHECK(has_error(im, 1, "missing column tinh_trang"));
	CHECK_INT(im->nrows, 0);
	hh_import_free(im);
	im = parse("");
	CHECK(has_error(im, 1, "no header"));
	hh_import_free(im);
	im = parse("sep=;\nma_ho;chu_ho;xa;thon;tinh_trang;ngay;ma_ho\n");
	CHECK(has_error(im, 2, "appears twice"));
	hh_import_free(im);
	/* Latin-1 bytes (a sheet saved in the wrong encoding) are refused. */
	im = parse("ma_ho,chu_ho,xa,thon,tinh_trang,ngay\nH1,Nguy\xea" "n,a,b,ngheo,1/1/2025\n");
	CHECK(has_error(im, 2, "UTF-8"));
	hh_import_free(im);
}

TEST(status_words)
{
	struct {
		const char *t;
		int st;
	} rows[] = {
		{ "ngheo", HH_POOR },	       { "Ngh\xC3\xA8o", HH_POOR },
		{ "HO NGHEO", HH_POOR },       { "can_ngheo", HH_NEAR_POOR },
		{ "C\xE1\xBA\xAD" "n ngh\xC3\xA8o", HH_NEAR_POOR },
		{ "thoat ngheo", HH_ESCAPED }, { "M\xE1\xBB\x9Bi tho\xC3\xA1t ngh\xC3\xA8o", HH_ESCAPED },
		{ "giau", -1 },		       { "", -1 },
	};
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		enum hh_status st;
		int r = hh_status_parse(rows[i].t, &st);
		CHECKF(rows[i].st < 0 ? r == -1 : (r == 0 && (int)st == rows[i].st), "'%s'", rows[i].t);
	}
	enum hh_status st;
	CHECK_INT(hh_status_from_code("near_poor", &st), 0);
	CHECK_INT(st, HH_NEAR_POOR);
	CHECK_INT(hh_status_from_code("rich", &st), -1);
}

TEST(escaped_expires_after_36_months)
{
	int32_t since = period_days(2023, 12, 20);
	CHECK_INT(hh_escaped_until(since), period_days(2026, 12, 19));
	CHECK_INT(hh_status_on(HH_ESCAPED, since, period_days(2026, 11, 25)), HH_ESCAPED);
	CHECK_INT(hh_status_on(HH_ESCAPED, since, period_days(2026, 12, 19)), HH_ESCAPED);
	CHECK_INT(hh_status_on(HH_ESCAPED, since, period_days(2026, 12, 20)), HH_NONE);
	CHECK_INT(hh_status_on(HH_ESCAPED, since, period_days(2023, 12, 19)), HH_NONE);
	/* Leap day: 36 months after 29 Feb 2024 is 28 Feb 2027 (exclusive). */
	since = period_days(2024, 2, 29);
	CHECK_INT(hh_status_on(HH_ESCAPED, since, period_days(2027, 2, 27)), HH_ESCAPED);
	CHECK_INT(hh_status_on(HH_ESCAPED, since, period_days(2027, 2, 28)), HH_NONE);
	/* Poor and near-poor do not expire. */
	CHECK_INT(hh_status_on(HH_POOR, since, period_days(2035, 1, 1)), HH_POOR);
	CHECK_INT(hh_status_on(HH_NEAR_POOR, since, period_days(2035, 1, 1)), HH_NEAR_POOR);
}

TEST(codes)
{
	CHECK(hh_code_valid("0123"));
	CHECK(hh_code_valid("VT-03/12.a_b"));
	CHECK(!hh_code_valid(""));
	CHECK(!hh_code_valid("a b"));
	CHECK(!hh_code_valid("-12"));
	CHECK(!hh_code_valid("/x"));
	CHECK(!hh_code_valid("123456789012345678901234"));
	CHECK(!hh_code_valid("m\xC3\xA3"));
}

TEST(many_rows_and_errors_are_bounded)
{
	/* 3000 rows, every other one bad: all good rows kept, errors counted
	 * beyond what is kept. */
	size_t cap = 3000 * 64 + 100;
	char *buf = malloc(cap);
	size_t n = (size_t)snprintf(buf, cap, "ma_ho,chu_ho,xa,thon,tinh_trang,ngay\n");
	for (int i = 0; i < 3000; i++)
		n += (size_t)snprintf(buf + n, cap - n, "H%d,Ten %d,a,b,%s,1/1/2025\n", i, i,
				      i % 2 ? "x" : "ngheo");
	struct hh_import *im = hh_import_new();
	CHECK_INT(hh_csv_parse(buf, n, today(), im), 1500);
	CHECK_INT(im->nrows, 1500);
	CHECK_INT(im->nerrors, 1500);
	CHECK_INT(im->errors[HH_ERRORS_KEPT - 1].line, 2 + 2 * (HH_ERRORS_KEPT - 1) + 1);
	hh_import_free(im);
	free(buf);
	hh_import_free(NULL);
}

int main(void)
{
	RUN(excel_semicolon_bom_quotes);
	RUN(comma_lf_and_columns_in_any_order);
	RUN(quoted_newline_keeps_line_numbers);
	RUN(every_line_validated);
	RUN(header_problems);
	RUN(status_words);
	RUN(escaped_expires_after_36_months);
	RUN(codes);
	RUN(many_rows_and_errors_are_bounded);
	return check_done();
}
