/* test_export.c: the CSV writer (BOM, quoting as Excel and LibreOffice
 * read it, formula guard, numbers) read back by the register's own CSV
 * reader, and the HTML report builder (self-contained: no script, no
 * network; A4 page; escaped text; charts present). */
#include "check.h"

#include "lang/period.h"
#include "office/export.h"
#include "office/households.h"
#include "office/report_html.h"

TEST(csv_fields)
{
	struct export_buf b;
	export_init(&b, ',');
	export_bom(&b);
	export_text(&b, "Võ Tranh");
	export_text(&b, "a,b");
	export_text(&b, "say \"hi\"");
	export_text(&b, "two\nlines");
	export_text(&b, "=SUM(A1)");
	export_text(&b, " edge ");
	export_number(&b, 12.5);
	export_number(&b, 75);
	export_number(&b, 0.1 + 0.2);
	export_number(&b, -0.0001);
	export_int(&b, 42);
	export_end_row(&b);
	CHECK(!b.oom);
	CHECK_STR(b.p, "\xEF\xBB\xBFV\xC3\xB5 Tranh,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\"'=SUM(A1)\","
		       "\" edge \",12.5,75,0.3,0,42\r\n");
	export_free(&b);
	export_free(&b);	/* idempotent */
	export_free(NULL);
	export_init(&b, ';');
	export_text(&b, "a;b");
	export_text(&b, "1,5");
	export_end_row(&b);
	CHECK_STR(b.p, "\"a;b\";\"1,5\"\r\n");
	export_free(&b);
}

TEST(csv_reads_back)
{
	/* A register written by the exporter reads back with the importer:
	 * names with separators, quotes and diacritics intact. */
	const char *names[] = { "Nguy\xE1\xBB\x85n V\xC4\x83n A", "L\xC3\xAA \"B\", con", "Tr\xE1\xBA\xA7n; C",
				"=cmd", "  space" };
	struct export_buf b;
	export_init(&b, ';');
	export_bom(&b);
	const char *hdr[] = { "ma_ho", "chu_ho", "xa", "thon", "tinh_trang", "ngay" };
	for (int i = 0; i < 6; i++)
		export_text(&b, hdr[i]);
	export_end_row(&b);
	for (int i = 0; i < 5; i++) {
		char code[16];
		snprintf(code, sizeof code, "H%d", i);
		export_text(&b, code);
		export_text(&b, names[i]);
		export_text(&b, "am-ha");
		export_text(&b, "thon-1");
		export_text(&b, "ngheo");
		export_text(&b, "1/2/2025");
		export_end_row(&b);
	}
	struct hh_import *im = hh_import_new();
	CHECK_INT(hh_csv_parse(b.p, b.len, period_days(2026, 1, 1), im), 0);
	CHECK_INT(im->nrows, 5);
	for (size_t i = 0; i < im->nrows && i < 5; i++) {
		const char *want = names[i];
		char guarded[64];
		if (want[0] == '=') {
			snprintf(guarded, sizeof guarded, "'%s", want);
			want = guarded;
		}
		if (i == 4)
			want = "space";	/* the reader trims edge blanks */
		CHECKF(!strcmp(im->rows[i].head, want), "row %zu: '%s'", i, im->rows[i].head);
	}
	hh_import_free(im);
	export_free(&b);
}

TEST(html_report)
{
	struct report_project_row p[2] = {
		{ "DA4.1", "Gi\xC3\xA1o d\xE1\xBB\xA5" "c ngh\xE1\xBB\x81", "HV", "h\xE1\xBB\x8D" "c vi\xC3\xAAn", "ng\xC6\xB0\xE1\xBB\x9Di", 75, true, 370 },
		{ "DA2", "Sinh k\xE1\xBA\xBF <b>", "HO", "h\xE1\xBB\x99", "h\xE1\xBB\x99", 12.5, false, 0 },
	};
	struct report_commune_row c[2] = {
		{ "V\xC3\xB5 Tranh", 12, 4, 5, 36, 10, 28, 7 },
		{ "Y\xC3\xAAn K\xE1\xBB\xB3", 0, 0, 4, 20, 0, 10, 0 },
	};
	struct report_item it[1] = { { "K7QD", "2026-11-03", "Th\xC3\xB4n 3, V\xC3\xB5 Tranh", "DA4.1", "LOP=1 HV=25" } };
	struct report_unreached un[1] = { { "HH00110", "Th\xC3\xB4n 1, \xE1\xBA\xA4m H\xE1\xBA\xA1", "ngheo", "" } };
	struct report_html_data d;
	memset(&d, 0, sizeof d);
	snprintf(d.title, sizeof d.title, "B\xC3\xA1o c\xC3\xA1o & t\xE1\xBB\x95ng h\xE1\xBB\xA3p");
	snprintf(d.period, sizeof d.period, "T11/2026");
	snprintf(d.generated, sizeof d.generated, "2026-11-25 10:00");
	d.projects = p;
	d.nprojects = 2;
	d.communes = c;
	d.ncommunes = 2;
	d.items = it;
	d.nitems = 1;
	d.unreached = un;
	d.nunreached = 1;
	d.reports_total = 12;
	struct export_buf b;
	export_init(&b, ',');
	CHECK_INT(report_html_build(&d, &b), 0);
	const char *h = b.p;
	CHECK(!strncmp(h, "<!DOCTYPE html>", 15));
	CHECK(strstr(h, "<meta charset=\"utf-8\">") != NULL);
	CHECK(strstr(h, "@page{size:A4") != NULL);
	CHECK(strcasestr(h, "<script") == NULL);
	CHECK(strstr(h, "src=") == NULL);
	CHECK(strstr(h, "href=") == NULL);
	CHECK(strstr(h, "@import") == NULL);
	CHECK(strstr(h, "url(") == NULL);
	/* The only URL is the SVG namespace, which is never fetched. */
	const char *u = h;
	int urls = 0;
	while ((u = strstr(u, "http")) != NULL) {
		CHECK(!strncmp(u, "http://www.w3.org/2000/svg", 26));
		urls++;
		u += 4;
	}
	CHECK_INT(urls, 2);	/* two charts */
	CHECK(strstr(h, "Sinh k\xE1\xBA\xBF &lt;b&gt;") != NULL);	/* escaped */
	CHECK(strstr(h, "B\xC3\xA1o c\xC3\xA1o &amp; t") != NULL);
	CHECK(strstr(h, "V\xC3\xB5 Tranh") != NULL);
	CHECK(strstr(h, ">75<") != NULL && strstr(h, ">370<") != NULL && strstr(h, ">12.5<") != NULL);
	CHECK(strstr(h, "HH00110") != NULL);
	CHECK(strstr(h, "K7QD") != NULL);
	CHECK(strstr(h, "80%") != NULL);	/* 4/5 villages */
	CHECK(strstr(h, "<svg") != NULL && strstr(h, "</svg>") != NULL);
	/* Tags balance for the ones the builder opens. */
	const char *tags[] = { "table", "tr", "td", "svg", "figure", "h2", "text" };
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
		char open[16], close[16];
		snprintf(open, sizeof open, "<%s", tags[i]);
		snprintf(close, sizeof close, "</%s>", tags[i]);
		int no = 0, nc = 0;
		for (const char *q = h; (q = strstr(q, open)); q++)
			if (q[strlen(open)] == '>' || q[strlen(open)] == ' ')
				no++;
		for (const char *q = h; (q = strstr(q, close)); q++)
			nc++;
		CHECKF(no == nc, "<%s>: %d open, %d closed", tags[i], no, nc);
	}
	CHECK(strstr(h, "</html>\n") != NULL);
	export_free(&b);
}

int main(void)
{
	RUN(csv_fields);
	RUN(csv_reads_back);
	RUN(html_report);
	return check_done();
}
