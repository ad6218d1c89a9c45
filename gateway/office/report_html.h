/* report_html.h: the monthly desk report as one self-contained HTML page:
 * inline CSS and SVG bar charts, no script, no external resource (it opens
 * from a USB stick on an offline PC), @page A4 so that it prints cleanly.
 * Sections: totals per project (with yearly targets), reports per commune
 * (chart), reporting compliance (villages that reported), household
 * coverage per commune (chart) and the households not yet reached, then
 * the list of reports. Pure: data in, bytes out (export_buf). */
#ifndef TINBAO_REPORT_HTML_H
#define TINBAO_REPORT_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "office/export.h"

struct report_project_row {
	char project[16];
	char project_name[160];
	char indicator[16];
	char indicator_name[96];
	char unit[24];
	double value;
	bool has_target;
	double target;		/* per year */
};

struct report_commune_row {
	char name[96];
	int reports;
	int villages_reported, villages_total;
	int poor, poor_reached, near_poor, near_poor_reached;
};

struct report_item {
	char ref[8];
	char day[16];
	char place[200];
	char project[16];
	char values[256];
};

struct report_unreached {
	char code[24];
	char place[200];
	char status[24];
	char head[128];		/* "" unless names were asked for */
};

struct report_html_data {
	char title[160];
	char period[64];	/* "T11/2026" */
	char generated[40];	/* "2026-11-25 10:00" */
	char coverage_period[64];
	const struct report_project_row *projects;
	size_t nprojects;
	const struct report_commune_row *communes;
	size_t ncommunes;
	const struct report_item *items;
	size_t nitems;
	const struct report_unreached *unreached;
	size_t nunreached;
	int reports_total;
};

/* Appends the page to out. Returns 0, or -1 when out ran out of memory. */
int report_html_build(const struct report_html_data *d, struct export_buf *out);

#endif
