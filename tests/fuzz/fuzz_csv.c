/* fuzz_csv.c: the household register reader. Properties: every kept row
 * has a valid code, a name, a known status and a line inside the file; the
 * rows written back with the CSV exporter read back to the same rows. */
#include <assert.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>

#include "lang/period.h"
#include "office/export.h"
#include "office/households.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const int32_t today = 20782;	/* 2026-11-25 */
	struct hh_import *im = hh_import_new();
	if (!im)
		return 0;
	int n = hh_csv_parse((const char *)data, size, today, im);
	assert(n == -1 || (size_t)n == im->nerrors);
	struct export_buf b;
	export_init(&b, ',');
	export_bom(&b);
	const char *hdr[] = { "ma_ho", "chu_ho", "xa", "thon", "tinh_trang", "ngay", "tre_em" };
	for (int i = 0; i < 7; i++)
		export_text(&b, hdr[i]);
	export_end_row(&b);
	size_t kept = 0;
	for (size_t i = 0; i < im->nrows; i++) {
		const struct hh_row *r = &im->rows[i];
		assert(hh_code_valid(r->code));
		assert(r->head[0] && r->commune[0] && r->village[0]);
		assert(r->status != HH_NONE && r->day <= today);
		assert(r->line >= 1);
		/* The exporter guards formulas with a quote: those names change. */
		if (strchr("=+-@", r->head[0]) || strchr("=+-@", r->commune[0]) || strchr("=+-@", r->village[0]))
			continue;
		char day[16], kids[16];
		period_day_iso(r->day, day, sizeof day);
		snprintf(kids, sizeof kids, "%d", r->children);
		export_text(&b, r->code);
		export_text(&b, r->head);
		export_text(&b, r->commune);
		export_text(&b, r->village);
		export_text(&b, hh_status_code(r->status));
		export_text(&b, day);
		export_text(&b, kids);
		export_end_row(&b);
		kept++;
	}
	if (!b.oom && n == 0) {
		struct hh_import *again = hh_import_new();
		if (again) {
			int m = hh_csv_parse(b.p, b.len, today, again);
			assert(m == 0 && again->nrows == kept);
			for (size_t i = 0, k = 0; i < im->nrows && k < again->nrows; i++) {
				const struct hh_row *r = &im->rows[i];
				if (strchr("=+-@", r->head[0]) || strchr("=+-@", r->commune[0]) ||
				    strchr("=+-@", r->village[0]))
					continue;
				const struct hh_row *s = &again->rows[k++];
				assert(!strcmp(r->code, s->code) && !strcmp(r->head, s->head));
				assert(!strcmp(r->commune, s->commune) && !strcmp(r->village, s->village));
				assert(r->status == s->status && r->day == s->day && r->children == s->children);
			}
			hh_import_free(again);
		}
	}
	export_free(&b);
	hh_import_free(im);
	return 0;
}
