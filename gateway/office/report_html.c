/* report_html.c: the monthly HTML report (see report_html.h). Charts are
 * horizontal SVG bars drawn here with fixed geometry, so the page needs no
 * script and no font or image from anywhere. */
#include "office/report_html.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* Literal strings: their length from sizeof, never counted by hand. */
#define LIT(b, s) export_raw((b), (s), sizeof(s) - 1)

static const char css[] =
	"@page{size:A4;margin:14mm}"
	"body{font-family:'DejaVu Sans',Arial,sans-serif;font-size:10pt;color:#111;margin:0 auto;max-width:180mm}"
	"h1{font-size:15pt;margin:0 0 2mm}h2{font-size:12pt;margin:6mm 0 2mm;border-bottom:1px solid #999}"
	"table{border-collapse:collapse;width:100%;margin:2mm 0}"
	"th,td{border:1px solid #bbb;padding:1mm 1.5mm;text-align:left;vertical-align:top}"
	"th{background:#eee}td.n{text-align:right;white-space:nowrap}"
	"tr,svg,figure{page-break-inside:avoid;break-inside:avoid}"
	"figure{margin:2mm 0}figcaption{font-weight:bold;margin-bottom:1mm}"
	".meta{color:#555}.low{color:#a00}"
	"@media print{h2{page-break-after:avoid;break-after:avoid}}";

static void num(struct export_buf *b, double v)
{
	double r = round(v * 1000) / 1000;
	if (fabs(r - round(r)) < 1e-9)
		export_printf(b, "%.0f", r);
	else
		export_printf(b, "%.3g", r);
}

/* Horizontal bars; value labels at the bar's end. */
static void svg_bars(struct export_buf *b, const char *caption, const char *const *labels,
		     const double *values, size_t n, const char *suffix)
{
	const int label_w = 150, bar_w = 420, row_h = 18, top = 4;
	double max = 0;
	for (size_t i = 0; i < n; i++)
		if (values[i] > max)
			max = values[i];
	int height = top * 2 + (int)n * row_h;
	LIT(b, "<figure><figcaption>");
	export_html(b, caption);
	export_printf(b,
		      "</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"%d\" "
		      "viewBox=\"0 0 640 %d\" role=\"img\" font-family=\"DejaVu Sans,Arial,sans-serif\" "
		      "font-size=\"11\">",
		      height, height);
	for (size_t i = 0; i < n; i++) {
		int y = top + (int)i * row_h;
		int w = max > 0 ? (int)(values[i] / max * bar_w + 0.5) : 0;
		export_printf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", label_w - 6, y + 13);
		export_html(b, labels[i]);
		export_printf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"#3b6ea5\"/>",
			      label_w, y + 2, w, row_h - 5);
		export_printf(b, "<text x=\"%d\" y=\"%d\">", label_w + w + 4, y + 13);
		num(b, values[i]);
		export_html(b, suffix);
		LIT(b, "</text>");
	}
	LIT(b, "</svg></figure>\n");
}

static int pct(int a, int total)
{
	return total > 0 ? (int)((long long)a * 100 / total) : 0;
}

int report_html_build(const struct report_html_data *d, struct export_buf *b)
{
	LIT(b, "<!DOCTYPE html>\n<html lang=\"vi\"><head><meta charset=\"utf-8\">");
	LIT(b, "<title>");
	export_html(b, d->title);
	LIT(b, " ");
	export_html(b, d->period);
	export_printf(b, "</title><style>%s</style></head><body>\n<h1>", css);
	export_html(b, d->title);
	LIT(b, " &mdash; ");
	export_html(b, d->period);
	LIT(b, "</h1><p class=\"meta\">");
	export_printf(b, "%d b&aacute;o c&aacute;o. L&#7853;p l&uacute;c ", d->reports_total);
	export_html(b, d->generated);
	LIT(b, " (tinbao).</p>\n");

	/* Totals per project. */
	LIT(b, "<h2>T&#7893;ng h&#7907;p theo d&#7921; &aacute;n</h2>\n");
	if (!d->nprojects) {
		LIT(b, "<p>Ch&#432;a c&oacute; s&#7889; li&#7879;u.</p>\n");
	} else {
		LIT(b, "<table><tr><th>D&#7921; &aacute;n</th><th>Ch&#7881; s&#7889;</th>"
			      "<th>&#272;&#417;n v&#7883;</th><th>K&#7923; n&agrave;y</th>"
			      "<th>K&#7871; ho&#7841;ch n&#259;m</th></tr>\n");
		for (size_t i = 0; i < d->nprojects; i++) {
			const struct report_project_row *p = &d->projects[i];
			LIT(b, "<tr><td>");
			export_html(b, p->project);
			if (p->project_name[0]) {
				LIT(b, " ");
				export_html(b, p->project_name);
			}
			LIT(b, "</td><td>");
			export_html(b, p->indicator_name[0] ? p->indicator_name : p->indicator);
			LIT(b, "</td><td>");
			export_html(b, p->unit);
			LIT(b, "</td><td class=\"n\">");
			num(b, p->value);
			LIT(b, "</td><td class=\"n\">");
			if (p->has_target)
				num(b, p->target);
			LIT(b, "</td></tr>\n");
		}
		LIT(b, "</table>\n");
	}

	/* Reports per commune and compliance. */
	if (d->ncommunes) {
		const char *labels[256];
		double values[256];
		size_t n = d->ncommunes < 256 ? d->ncommunes : 256;
		for (size_t i = 0; i < n; i++) {
			labels[i] = d->communes[i].name;
			values[i] = d->communes[i].reports;
		}
		LIT(b, "<h2>B&aacute;o c&aacute;o theo x&atilde;</h2>\n");
		svg_bars(b, "Số báo cáo", labels, values, n, "");
		LIT(b, "<h2>Tu&acirc;n th&#7911; b&aacute;o c&aacute;o</h2>\n<table><tr><th>X&atilde;</th>"
		       "<th>Th&ocirc;n &#273;&atilde; b&aacute;o c&aacute;o</th><th>T&#7881; l&#7879;</th></tr>\n");
		for (size_t i = 0; i < n; i++) {
			const struct report_commune_row *c = &d->communes[i];
			int p = pct(c->villages_reported, c->villages_total);
			LIT(b, "<tr><td>");
			export_html(b, c->name);
			export_printf(b, "</td><td class=\"n\">%d/%d</td><td class=\"n%s\">%d%%</td></tr>\n",
				      c->villages_reported, c->villages_total, p < 50 ? " low" : "", p);
		}
		LIT(b, "</table>\n");
		for (size_t i = 0; i < n; i++) {
			int t = d->communes[i].poor + d->communes[i].near_poor;
			values[i] = pct(d->communes[i].poor_reached + d->communes[i].near_poor_reached, t);
		}
		LIT(b, "<h2>H&#7897; ngh&egrave;o, c&#7853;n ngh&egrave;o &#273;&#432;&#7907;c ti&#7871;p c&#7853;n</h2>\n");
		LIT(b, "<p class=\"meta\">");
		export_html(b, d->coverage_period);
		LIT(b, "</p>\n");
		svg_bars(b, "Tỷ lệ hộ nghèo và cận nghèo được ít nhất một dự án hỗ trợ", labels, values, n, "%");
		LIT(b, "<table><tr><th>X&atilde;</th><th>H&#7897; ngh&egrave;o</th><th>&#272;&atilde; ti&#7871;p c&#7853;n</th>"
			      "<th>C&#7853;n ngh&egrave;o</th><th>&#272;&atilde; ti&#7871;p c&#7853;n</th></tr>\n");
		for (size_t i = 0; i < n; i++) {
			const struct report_commune_row *c = &d->communes[i];
			LIT(b, "<tr><td>");
			export_html(b, c->name);
			export_printf(b, "</td><td class=\"n\">%d</td><td class=\"n\">%d</td><td class=\"n\">%d</td>"
					 "<td class=\"n\">%d</td></tr>\n",
				      c->poor, c->poor_reached, c->near_poor, c->near_poor_reached);
		}
		LIT(b, "</table>\n");
	}

	export_printf(b, "<h2>H&#7897; ch&#432;a &#273;&#432;&#7907;c h&#7895; tr&#7907; (%zu)</h2>\n",
		      d->nunreached);
	if (d->nunreached) {
		bool names = false;
		for (size_t i = 0; i < d->nunreached; i++)
			names |= d->unreached[i].head[0] != 0;
		LIT(b, "<table><tr><th>M&atilde; h&#7897;</th><th>Th&ocirc;n, x&atilde;</th><th>T&igrave;nh tr&#7841;ng</th>");
		if (names)
			LIT(b, "<th>Ch&#7911; h&#7897;</th>");
		LIT(b, "</tr>\n");
		for (size_t i = 0; i < d->nunreached; i++) {
			const struct report_unreached *u = &d->unreached[i];
			LIT(b, "<tr><td>");
			export_html(b, u->code);
			LIT(b, "</td><td>");
			export_html(b, u->place);
			LIT(b, "</td><td>");
			export_html(b, u->status);
			if (names) {
				LIT(b, "</td><td>");
				export_html(b, u->head);
			}
			LIT(b, "</td></tr>\n");
		}
		LIT(b, "</table>\n");
	}

	export_printf(b, "<h2>Danh s&aacute;ch b&aacute;o c&aacute;o (%zu)</h2>\n", d->nitems);
	if (d->nitems) {
		LIT(b, "<table><tr><th>M&atilde;</th><th>Ng&agrave;y</th><th>N&#417;i</th><th>D&#7921; &aacute;n</th>"
			      "<th>S&#7889; li&#7879;u</th></tr>\n");
		for (size_t i = 0; i < d->nitems; i++) {
			const struct report_item *r = &d->items[i];
			LIT(b, "<tr><td>");
			export_html(b, r->ref);
			LIT(b, "</td><td>");
			export_html(b, r->day);
			LIT(b, "</td><td>");
			export_html(b, r->place);
			LIT(b, "</td><td>");
			export_html(b, r->project);
			LIT(b, "</td><td>");
			export_html(b, r->values);
			LIT(b, "</td></tr>\n");
		}
		LIT(b, "</table>\n");
	}
	LIT(b, "</body></html>\n");
	return b->oom ? -1 : 0;
}
