/* cli_report.c: `tinbao report --month 2026-11 [--names] > report.html`: the
 * month's desk report as one self-contained HTML page (office/report_html.h).
 * Household coverage is counted from 1 January to the month's end, with
 * statuses and places as of the month's end (today at most). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "cli/cli.h"
#include "cli/cli_common.h"
#include "lang/period.h"
#include "office/coverage.h"
#include "office/desk.h"
#include "office/report_html.h"
#include "store/store.h"
#include "store/store_households.h"
#include "store/store_office.h"

#define WHO "tinbao report"

struct grow {
	void *v;
	size_t n, cap, size;
};

static void *grow_push(struct grow *g)
{
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 64;
		void *v = realloc(g->v, cap * g->size);
		if (!v)
			return NULL;
		g->v = v;
		g->cap = cap;
	}
	void *p = (char *)g->v + g->n * g->size;
	memset(p, 0, g->size);
	g->n++;
	return p;
}

struct ctx {
	const struct catalog *cat;
	int32_t day;
	bool names;
	struct grow communes;	/* struct report_commune_row, parallel to codes */
	char (*codes)[64];
	struct grow items, unreached;
	struct grow seen;	/* char[128] villages that reported */
};

static int commune_index(struct ctx *x, const char *code)
{
	for (size_t i = 0; i < x->communes.n; i++)
		if (!strcmp(x->codes[i], code))
			return (int)i;
	return -1;
}

static int hh_cb(const struct hh_record *h, void *arg)
{
	struct ctx *x = arg;
	if (h->status == HH_NONE)
		return 0;
	char commune[HH_PLACE_MAX], village[HH_PLACE_MAX];
	coverage_place(x->cat, h, x->day, commune, sizeof commune, village, sizeof village);
	int ci = commune_index(x, commune);
	if (ci >= 0) {
		struct report_commune_row *c = (struct report_commune_row *)x->communes.v + ci;
		bool r = h->nprojects > 0;
		if (h->status == HH_POOR) {
			c->poor++;
			c->poor_reached += r;
		} else if (h->status == HH_NEAR_POOR) {
			c->near_poor++;
			c->near_poor_reached += r;
		}
	}
	if (h->nprojects)
		return 0;
	struct report_unreached *u = grow_push(&x->unreached);
	if (!u)
		return -1;
	const struct catalog_village *v = catalog_village_by_code(x->cat, village, CATALOG_DAY_NONE);
	snprintf(u->code, sizeof u->code, "%s", h->code);
	snprintf(u->place, sizeof u->place, "%.90s, %.90s", v ? v->name : village,
		 v && v->commune ? v->commune->name : commune);
	snprintf(u->status, sizeof u->status, "%s", hh_status_vi(h->status));
	if (x->names)
		snprintf(u->head, sizeof u->head, "%s", h->head);
	return 0;
}

static int item_cb(const struct office_report_row *r, void *arg)
{
	struct ctx *x = arg;
	struct report_item *it = grow_push(&x->items);
	if (!it)
		return -1;
	snprintf(it->ref, sizeof it->ref, "%s", r->ref);
	period_day_iso(r->day, it->day, sizeof it->day);
	const struct catalog_village *v = catalog_village_by_code(x->cat, r->village, CATALOG_DAY_NONE);
	const struct catalog_commune *c = catalog_commune_by_code(x->cat, r->commune, CATALOG_DAY_NONE);
	if (v)
		snprintf(it->place, sizeof it->place, "%.90s, %.90s", v->name, c ? c->name : r->commune);
	else
		snprintf(it->place, sizeof it->place, "%.180s", c ? c->name : r->commune);
	snprintf(it->project, sizeof it->project, "%s", r->project);
	snprintf(it->values, sizeof it->values, "%s", r->values);
	return 0;
}

static int seen_cb(const char *commune, const char *village, void *arg)
{
	(void)commune;
	struct ctx *x = arg;
	char *p = grow_push(&x->seen);
	if (!p)
		return -1;
	snprintf(p, 128, "%s", village);
	return 0;
}

int cli_report(int argc, char **argv)
{
	const char *conf_path = NULL, *month_s = NULL;
	argc = cli_take_conf(argc, argv, &conf_path);
	if (argc < 0)
		return 2;
	bool names = false;
	for (int i = 1; i < argc; i++) {
		int r;
		if (!strcmp(argv[i], "--names")) {
			names = true;
			continue;
		}
		if ((r = cli_opt(argc, argv, &i, "--month", &month_s)) != 0) {
			if (r < 0)
				return 2;
			continue;
		}
		fprintf(stderr, "usage: tinbao report --month 2026-11 [--names] > report.html\n");
		return 2;
	}
	struct cli_env e;
	memset(&e, 0, sizeof e);
	int rc = cli_open(&e, conf_path, false);
	if (rc)
		return rc;
	struct catalog *cat = NULL;
	struct ctx x;
	memset(&x, 0, sizeof x);
	x.communes.size = sizeof(struct report_commune_row);
	x.items.size = sizeof(struct report_item);
	x.unreached.size = sizeof(struct report_unreached);
	x.seen.size = 128;
	struct export_buf b;
	export_init(&b, ',');
	struct report_project_row *rows = NULL;
	static struct office_totals t;
	rc = 1;
	if (desk_catalog(&e.conf, &cat, WHO) < 0)
		goto out;
	x.cat = cat;
	x.names = names;
	int64_t now = desk_now();
	int tz = desk_tz(&e.conf, now);
	int32_t today = period_local_day(now, tz);
	struct period m;
	if (month_s) {
		if (period_parse(month_s, now, tz, &m) < 0 || m.kind != PERIOD_MONTH) {
			fprintf(stderr, WHO ": '%s' is not a month (expected 2026-11 or T11/2026)\n", month_s);
			rc = 2;
			goto out;
		}
	} else {
		period_this_month(today, &m);
	}
	x.day = m.last < today ? m.last : today;
	struct report_html_data d;
	memset(&d, 0, sizeof d);
	snprintf(d.title, sizeof d.title, "Báo cáo giảm nghèo bền vững");
	period_format(&m, d.period, sizeof d.period);
	{
		time_t tt = (time_t)(now + tz);
		struct tm tm;
		gmtime_r(&tt, &tm);
		strftime(d.generated, sizeof d.generated, "%Y-%m-%d %H:%M", &tm);
	}
	int y, mo, dd;
	period_civil(m.last, &y, &mo, &dd);
	char a[16], z[16];
	period_day_iso(period_days(y, 1, 1), a, sizeof a);
	period_day_iso(x.day, z, sizeof z);
	snprintf(d.coverage_period, sizeof d.coverage_period, "Hỗ trợ từ %s đến %s", a, z);

	/* Totals per project. */
	struct office_filter f = { m.first, m.last, NULL, NULL, NULL, NULL };
	if (store_office_totals(e.store, &f, &t) < 0)
		goto dberr;
	d.reports_total = t.reports;
	rows = calloc((size_t)(t.n ? t.n : 1), sizeof *rows);
	if (!rows)
		goto out;
	for (int i = 0; i < t.n; i++) {
		struct report_project_row *r = &rows[i];
		const struct catalog_project *p = catalog_project_find(cat, t.t[i].project);
		const struct catalog_indicator *ind = catalog_indicator_by_code(cat, t.t[i].indicator);
		snprintf(r->project, sizeof r->project, "%s", t.t[i].project);
		if (p)
			snprintf(r->project_name, sizeof r->project_name, "%s", p->name);
		snprintf(r->indicator, sizeof r->indicator, "%s", t.t[i].indicator);
		if (ind) {
			snprintf(r->indicator_name, sizeof r->indicator_name, "%s", ind->name);
			snprintf(r->unit, sizeof r->unit, "%s", ind->unit);
		}
		r->value = t.t[i].value;
		for (int k = 0; p && k < p->ntargets; k++)
			if (p->targets[k].indicator && !strcmp(p->targets[k].indicator->code, r->indicator)) {
				r->has_target = true;
				r->target = p->targets[k].per_year;
			}
	}
	d.projects = rows;
	d.nprojects = (size_t)t.n;

	/* Communes of the month's end, their reports and villages. */
	if (store_office_reporting_villages(e.store, m.first, m.last, seen_cb, &x) < 0)
		goto dberr;
	for (size_t i = 0; i < catalog_commune_count(cat); i++) {
		const struct catalog_commune *c = catalog_commune_at(cat, i);
		if (!catalog_valid_on(c->from, c->until, x.day))
			continue;
		struct report_commune_row *row = grow_push(&x.communes);
		char (*codes)[64] = realloc(x.codes, x.communes.cap * sizeof *codes);
		if (!row || !codes)
			goto out;
		x.codes = codes;
		snprintf(x.codes[x.communes.n - 1], 64, "%s", c->code);
		snprintf(row->name, sizeof row->name, "%s", c->name);
		struct office_filter cf = { m.first, m.last, NULL, c->code, NULL, NULL };
		if (store_office_totals(e.store, &cf, &t) < 0)
			goto dberr;
		row->reports = t.reports;
		for (size_t k = 0; k < catalog_village_count(cat); k++) {
			const struct catalog_village *v = catalog_village_at(cat, k);
			if (v->commune != c || !catalog_valid_on(v->from, v->until, x.day))
				continue;
			row->villages_total++;
			for (size_t s = 0; s < x.seen.n; s++)
				if (!strcmp((char *)x.seen.v + s * 128, v->code)) {
					row->villages_reported++;
					break;
				}
		}
	}
	if (store_households_each(e.store, x.day, period_days(y, 1, 1), x.day, hh_cb, &x) < 0)
		goto dberr;
	if (store_office_reports_each(e.store, &f, item_cb, &x) < 0)
		goto dberr;
	d.communes = x.communes.v;
	d.ncommunes = x.communes.n;
	d.items = x.items.v;
	d.nitems = x.items.n;
	d.unreached = x.unreached.v;
	d.nunreached = x.unreached.n;
	if (report_html_build(&d, &b) < 0) {
		fprintf(stderr, WHO ": out of memory\n");
		goto out;
	}
	if (fwrite(b.p, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
		fprintf(stderr, WHO ": write error\n");
		goto out;
	}
	rc = 0;
	goto out;
dberr:
	fprintf(stderr, WHO ": %s\n", store_errmsg(e.store));
out:
	free(rows);
	free(x.communes.v);
	free(x.codes);
	free(x.items.v);
	free(x.unreached.v);
	free(x.seen.v);
	export_free(&b);
	catalog_free(cat);
	cli_close(&e);
	return rc;
}
