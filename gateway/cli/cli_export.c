/* cli_export.c: `tinbao export --from D --to D [--by commune|village|project|household]
 * [--format csv] [--sep ,|;] [--names]`: totals as CSV for Excel and
 * LibreOffice (office/export.h). One row per place (or project) and
 * indicator; the values of every row of an indicator add up to the
 * district total. --by household lists the target households with the
 * projects that reached them (names only with --names). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli/cli.h"
#include "cli/cli_common.h"
#include "lang/period.h"
#include "office/coverage.h"
#include "office/desk.h"
#include "office/export.h"
#include "store/store.h"
#include "store/store_households.h"
#include "store/store_office.h"

#define WHO "tinbao export"

static const struct catalog_indicator *ind_of(const struct catalog *cat, const char *code)
{
	return catalog_indicator_by_code(cat, code);
}

static void value_cells(struct export_buf *b, const struct catalog *cat, const struct office_total *t)
{
	const struct catalog_indicator *ind = ind_of(cat, t->indicator);
	export_text(b, t->project);
	export_text(b, t->indicator);
	export_text(b, ind ? ind->name : "");
	export_text(b, ind ? ind->unit : "");
	export_number(b, t->value);
}

static int by_place(struct store *s, const struct catalog *cat, struct export_buf *b,
		    int32_t from, int32_t to, const char *project, bool village)
{
	static struct office_totals t;
	if (village) {
		export_text(b, "ma_thon");
		export_text(b, "thon");
	}
	export_text(b, "ma_xa");
	export_text(b, "xa");
	export_text(b, "du_an");
	export_text(b, "chi_so");
	export_text(b, "ten_chi_so");
	export_text(b, "don_vi");
	export_text(b, "gia_tri");
	export_text(b, "so_bao_cao");
	export_end_row(b);
	/* Every place that existed at some time in the period. */
	size_t n = village ? catalog_village_count(cat) : catalog_commune_count(cat);
	for (size_t i = 0; i < n; i++) {
		const struct catalog_village *v = village ? catalog_village_at(cat, i) : NULL;
		const struct catalog_commune *c = village ? v->commune : catalog_commune_at(cat, i);
		catalog_day f = village ? v->from : c->from, u = village ? v->until : c->until;
		if ((f != CATALOG_DAY_NONE && f > to) || (u != CATALOG_DAY_NONE && u < from))
			continue;
		struct office_filter fl = { from, to, project, c->code, v ? v->code : NULL, NULL };
		if (store_office_totals(s, &fl, &t) < 0)
			return -1;
		for (int k = 0; k < t.n; k++) {
			if (village) {
				export_text(b, v->code);
				export_text(b, v->name);
			}
			export_text(b, c->code);
			export_text(b, c->name);
			value_cells(b, cat, &t.t[k]);
			export_int(b, t.reports);
			export_end_row(b);
		}
	}
	return 0;
}

static int by_project(struct store *s, const struct catalog *cat, struct export_buf *b,
		      int32_t from, int32_t to, const char *project)
{
	static struct office_totals t;
	struct office_filter fl = { from, to, project, NULL, NULL, NULL };
	if (store_office_totals(s, &fl, &t) < 0)
		return -1;
	export_text(b, "du_an");
	export_text(b, "ten_du_an");
	export_text(b, "chi_so");
	export_text(b, "ten_chi_so");
	export_text(b, "don_vi");
	export_text(b, "gia_tri");
	export_text(b, "ke_hoach_nam");
	export_end_row(b);
	for (int k = 0; k < t.n; k++) {
		const struct catalog_project *p = catalog_project_find(cat, t.t[k].project);
		const struct catalog_indicator *ind = ind_of(cat, t.t[k].indicator);
		export_text(b, t.t[k].project);
		export_text(b, p ? p->name : "");
		export_text(b, t.t[k].indicator);
		export_text(b, ind ? ind->name : "");
		export_text(b, ind ? ind->unit : "");
		export_number(b, t.t[k].value);
		bool has = false;
		double target = 0;
		for (int j = 0; p && j < p->ntargets; j++)
			if (p->targets[j].indicator && !strcmp(p->targets[j].indicator->code, t.t[k].indicator)) {
				has = true;
				target = p->targets[j].per_year;
			}
		if (has)
			export_number(b, target);
		else
			export_text(b, "");
		export_end_row(b);
	}
	return 0;
}

struct hh_ctx {
	const struct catalog *cat;
	struct export_buf *b;
	int32_t day;
	bool names;
};

static int hh_row(const struct hh_record *h, void *arg)
{
	struct hh_ctx *x = arg;
	if (h->status == HH_NONE)
		return 0;
	char commune[HH_PLACE_MAX], village[HH_PLACE_MAX];
	coverage_place(x->cat, h, x->day, commune, sizeof commune, village, sizeof village);
	const struct catalog_village *v = catalog_village_by_code(x->cat, village, CATALOG_DAY_NONE);
	char reached[HH_MAX_PROJECTS * HH_PROJECT_MAX + 4] = "";
	for (int i = 0; i < h->nprojects; i++) {
		strcat(reached, i ? " " : "");
		strcat(reached, h->projects[i]);
	}
	export_text(x->b, h->code);
	if (x->names)
		export_text(x->b, h->head);
	export_text(x->b, village);
	export_text(x->b, v ? v->name : "");
	export_text(x->b, v && v->commune ? v->commune->name : commune);
	export_text(x->b, hh_status_code(h->status));
	export_text(x->b, reached);
	export_int(x->b, h->nprojects > 0);
	export_end_row(x->b);
	return 0;
}

static int by_household(struct store *s, const struct catalog *cat, struct export_buf *b,
			int32_t from, int32_t to, int32_t day, bool names)
{
	export_text(b, "ma_ho");
	if (names)
		export_text(b, "chu_ho");
	export_text(b, "ma_thon");
	export_text(b, "thon");
	export_text(b, "xa");
	export_text(b, "tinh_trang");
	export_text(b, "du_an_ho_tro");
	export_text(b, "da_tiep_can");
	export_end_row(b);
	struct hh_ctx x = { cat, b, day, names };
	return store_households_each(s, day, from, to, hh_row, &x) < 0 ? -1 : 0;
}

int cli_export(int argc, char **argv)
{
	const char *conf_path = NULL, *from_s = NULL, *to_s = NULL, *by = "commune", *format = "csv",
		   *sep = ",", *project = NULL;
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
		if ((r = cli_opt(argc, argv, &i, "--from", &from_s)) ||
		    (r = cli_opt(argc, argv, &i, "--to", &to_s)) || (r = cli_opt(argc, argv, &i, "--by", &by)) ||
		    (r = cli_opt(argc, argv, &i, "--format", &format)) ||
		    (r = cli_opt(argc, argv, &i, "--sep", &sep)) ||
		    (r = cli_opt(argc, argv, &i, "--project", &project))) {
			if (r < 0)
				return 2;
			continue;
		}
		goto usage;
	}
	if (strcmp(format, "csv") || (strcmp(sep, ",") && strcmp(sep, ";")) ||
	    (strcmp(by, "commune") && strcmp(by, "village") && strcmp(by, "project") &&
	     strcmp(by, "household")))
		goto usage;
	struct cli_env e;
	memset(&e, 0, sizeof e);
	int rc = cli_open(&e, conf_path, false);
	if (rc)
		return rc;
	struct catalog *cat = NULL;
	struct export_buf b;
	export_init(&b, sep[0]);
	rc = 1;
	if (desk_catalog(&e.conf, &cat, WHO) < 0)
		goto out;
	int64_t now = desk_now();
	int32_t today = period_local_day(now, desk_tz(&e.conf, now));
	struct period month;
	period_this_month(today, &month);
	int32_t from = month.first, to = month.last;
	if ((from_s && desk_day(from_s, &from, WHO) < 0) || (to_s && desk_day(to_s, &to, WHO) < 0)) {
		rc = 2;
		goto out;
	}
	if (from > to) {
		fprintf(stderr, WHO ": --from is after --to\n");
		rc = 2;
		goto out;
	}
	export_bom(&b);
	int r;
	if (!strcmp(by, "project"))
		r = by_project(e.store, cat, &b, from, to, project);
	else if (!strcmp(by, "household"))
		r = by_household(e.store, cat, &b, from, to, to < today ? to : today, names);
	else
		r = by_place(e.store, cat, &b, from, to, project, !strcmp(by, "village"));
	if (r < 0 || b.oom) {
		fprintf(stderr, WHO ": %s\n", b.oom ? "out of memory" : store_errmsg(e.store));
		goto out;
	}
	if (fwrite(b.p, 1, b.len, stdout) != b.len || fflush(stdout) != 0) {
		fprintf(stderr, WHO ": write error\n");
		goto out;
	}
	rc = 0;
out:
	export_free(&b);
	catalog_free(cat);
	cli_close(&e);
	return rc;
usage:
	fprintf(stderr, "usage: tinbao export [--from D] [--to D] [--by commune|village|project|household]\n"
			"                     [--project P] [--format csv] [--sep ,|;] [--names]\n");
	return 2;
}
