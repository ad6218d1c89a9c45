/* summary.c: the weekly summary text (see summary.h). Sections are built
 * separately and assembled in reading order; when the whole is too long,
 * the lists that can shrink (communes that did not report, project lines)
 * give way first, each ending with "+N" / "..." so that the reader knows
 * something was left out. */
#include "office/summary.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "lang/query.h"

struct buf {
	char *p;
	size_t len, cap;
};

static void put(struct buf *b, const char *s)
{
	size_t n = strlen(s);
	if (b->len + n + 1 > b->cap)
		n = b->cap > b->len + 1 ? b->cap - b->len - 1 : 0;
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

static void fmt_value(double v, char *buf, size_t len)
{
	double r = round(v * 10) / 10;
	if (fabs(r - round(r)) < 1e-9)
		snprintf(buf, len, "%.0f", r);
	else
		snprintf(buf, len, "%.1f", r);
}

static void header(const struct summary_input *in, char *out, size_t len)
{
	char per[48];
	period_format(&in->week, per, sizeof per);
	char late[64] = "";
	if (in->late) {
		int32_t d = period_local_day(in->due_at, in->tz_offset_s);
		int y, m, dd;
		period_civil(d, &y, &m, &dd);
		int64_t mins = ((in->due_at + in->tz_offset_s) % 86400 + 86400) % 86400 / 60;
		snprintf(late, sizeof late, " (GUI TRE, hen %02d:%02d %d/%d)", (int)(mins / 60),
			 (int)(mins % 60), dd, m);
	}
	int prev = in->prev ? in->prev->reports : -1;
	char cmp[32] = "";
	if (prev >= 0)
		snprintf(cmp, sizeof cmp, " (tuan truoc %d)", prev);
	if (in->commune_version)
		snprintf(out, len, "TINBAO %s %s%s: %d bao cao%s, %d/%d thon.", per, in->place, late,
			 in->cur ? in->cur->reports : 0, cmp, in->villages_reported, in->villages_total);
	else
		snprintf(out, len, "TINBAO %s %s%s: %d bao cao%s, %d/%d xa, %d/%d thon.", per, in->place,
			 late, in->cur ? in->cur->reports : 0, cmp, in->communes_reported,
			 in->communes_total, in->villages_reported, in->villages_total);
}

/* The register's status changes of the week, or else the review reports'
 * signed counts (RS HN+2 CN-1 ...) when the register was not updated. */
static void review_line(const struct summary_input *in, char *out, size_t len)
{
	out[0] = 0;
	if (in->review[HH_POOR] || in->review[HH_NEAR_POOR] || in->review[HH_ESCAPED] ||
	    in->review[HH_NONE]) {
		snprintf(out, len, " Ra soat: %d ngheo, %d can ngheo, %d thoat ngheo.", in->review[HH_POOR],
			 in->review[HH_NEAR_POOR], in->review[HH_ESCAPED]);
		return;
	}
	if (!in->rs || !in->rs->n)
		return;
	size_t n = (size_t)snprintf(out, len, " Ra soat (RS):");
	for (int i = 0; i < in->rs->n && n + 24 < len; i++) {
		char v[24];
		fmt_value(fabs(in->rs->t[i].value), v, sizeof v);
		n += (size_t)snprintf(out + n, len - n, "%s %.12s %c%s", i ? "," : "", in->rs->t[i].indicator,
				      in->rs->t[i].value < 0 ? '-' : '+', v);
	}
	if (n + 1 < len)
		strcat(out, ".");
}

static void coverage_line(const struct summary_input *in, char *out, size_t len)
{
	out[0] = 0;
	if (!in->has_coverage)
		return;
	char c[96];
	coverage_format_line(&in->coverage, c, sizeof c);
	snprintf(out, len, " %s.", c);
}

static void health_line(const struct summary_input *in, char *out, size_t len)
{
	char a[40] = "", b[40] = "", c[40] = "";
	if (in->no_network_s >= 0)
		snprintf(a, sizeof a, " mat song %lldh", (long long)((in->no_network_s + 1800) / 3600));
	if (in->credit >= 0)
		snprintf(b, sizeof b, ", TK %ldd", in->credit);
	if (in->failed >= 0)
		snprintf(c, sizeof c, ", loi gui %d", in->failed);
	snprintf(out, len, " May:%.39s%.39s%.39s.", a[0] ? a : " ?", b, c);
}

/* Project lines: "DA4.1 HV 75(+10) LOP 3" with the first two indicators
 * of the project (catalog order) that have a value this week or last. */
static int project_items(const struct summary_input *in, const struct catalog *cat,
			 char items[][96], int max)
{
	int n = 0;
	for (size_t i = 0; i < catalog_project_count(cat) && n < max; i++) {
		const struct catalog_project *p = catalog_project_at(cat, i);
		if (p->review)
			continue;
		char item[96];
		int shown = 0;
		snprintf(item, sizeof item, "%s", p->code);
		for (int k = 0; k < p->nindicators && shown < 2; k++) {
			const char *ind = p->indicators[k]->code;
			double cur = in->cur ? office_totals_get(in->cur, p->code, ind) : 0;
			double prev = in->prev ? office_totals_get(in->prev, p->code, ind) : 0;
			if (cur == 0 && prev == 0)
				continue;
			char v[24], d[32] = "", piece[80];
			fmt_value(cur, v, sizeof v);
			if (in->prev && fabs(cur - prev) > 1e-9) {
				char dv[24];
				fmt_value(fabs(cur - prev), dv, sizeof dv);
				snprintf(d, sizeof d, "(%c%s)", cur > prev ? '+' : '-', dv);
			}
			snprintf(piece, sizeof piece, " %.15s %.23s%.31s", ind, v, d);
			if (strlen(item) + strlen(piece) < sizeof item)
				strcat(item, piece);
			shown++;
		}
		if (shown)
			snprintf(items[n++], 96, "%s", item);
	}
	return n;
}

/* Assembles with the lists limited to the given counts. */
static void assemble(const char *head, char items[][96], int nitems, int show_items,
		     const struct summary_input *in, int show_missing, const char *review,
		     const char *cov, const char *health, struct buf *b)
{
	b->len = 0;
	b->p[0] = 0;
	put(b, head);
	if (nitems) {
		put(b, " ");
		for (int i = 0; i < show_items; i++) {
			put(b, items[i]);
			put(b, i + 1 < show_items ? "; " : "");
		}
		if (show_items < nitems)
			put(b, show_items ? "; ..." : "...");
		put(b, ".");
	} else {
		put(b, " Khong co so lieu du an.");
	}
	put(b, review);
	put(b, cov);
	if (in->nmissing) {
		put(b, in->commune_version ? " Chua BC: " : " Xa chua BC: ");
		for (int i = 0; i < show_missing; i++) {
			put(b, in->missing[i]);
			put(b, i + 1 < show_missing ? ", " : "");
		}
		if (show_missing < in->nmissing) {
			char more[24];
			snprintf(more, sizeof more, "%s+%d", show_missing ? " " : "",
				 in->nmissing - show_missing);
			put(b, more);
		}
		put(b, ".");
	}
	put(b, health);
}

size_t summary_build(const struct summary_input *in, const struct catalog *cat, char *out,
		     size_t outlen)
{
	char head[256], review[96], cov[128], health[160];
	char items[32][96];
	header(in, head, sizeof head);
	review_line(in, review, sizeof review);
	coverage_line(in, cov, sizeof cov);
	health_line(in, health, sizeof health);
	int nitems = project_items(in, cat, items, 32);
	char tmp[SUMMARY_MAX * 2];
	struct buf b = { tmp, 0, sizeof tmp };
	int show_items = nitems, show_missing = in->nmissing;
	/* Shrink: the missing list down to 3 names, then the project lines down
	 * to 2, then the rest of both. */
	for (;;) {
		assemble(head, items, nitems, show_items, in, show_missing, review, cov, health, &b);
		size_t s = query_septets(tmp);
		if (s != (size_t)-1 && s <= SUMMARY_SEPTETS && b.len < outlen)
			break;
		if (show_missing > 3)
			show_missing--;
		else if (show_items > 2)
			show_items--;
		else if (show_missing > 0)
			show_missing--;
		else if (show_items > 0)
			show_items--;
		else if (cov[0])
			cov[0] = 0;
		else if (review[0])
			review[0] = 0;
		else {
			/* Only the header and health are left: cut hard (never
			 * happens with sane names; keeps the bound absolute). */
			size_t cut = outlen ? outlen - 1 : 0;
			if (cut > 400)
				cut = 400;
			tmp[cut < b.len ? cut : b.len] = 0;
			b.len = strlen(tmp);
			break;
		}
	}
	snprintf(out, outlen, "%s", tmp);
	return strlen(out);
}
