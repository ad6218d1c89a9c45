/* cli_households.c: `tinbao households import|list|coverage|show|status|reach`:
 * the household register at the desk. Import validates every line against
 * the catalog before touching the database and imports all or nothing;
 * list and show print names (the admin's shell is staff-level); the
 * daemon's logs never see them. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli/cli.h"
#include "cli/cli_common.h"
#include "lang/period.h"
#include "office/coverage.h"
#include "office/desk.h"
#include "office/households.h"
#include "store/store.h"
#include "store/store_households.h"

#define WHO "tinbao households"

static int hh_usage(void)
{
	fprintf(stderr,
		"usage: tinbao households import FILE.csv [--dry-run]\n"
		"       tinbao households list [--commune C] [--village V] [--from D] [--to D] [--json]\n"
		"       tinbao households coverage [--commune C] [--village V] [--from D] [--to D] [--json]\n"
		"       tinbao households show CODE [--json]\n"
		"       tinbao households status CODE ngheo|can_ngheo|thoat_ngheo|khong [--since D]\n"
		"       tinbao households reach CODE PROJECT [--day D]\n");
	return 2;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 1 << 16, n = 0;
	char *b = malloc(cap);
	while (b) {
		size_t r = fread(b + n, 1, cap - n, f);
		n += r;
		if (n < cap)
			break;
		char *nb = realloc(b, cap * 2);
		if (!nb) {
			free(b);
			b = NULL;
			break;
		}
		b = nb;
		cap *= 2;
	}
	fclose(f);
	*len = n;
	return b;
}

static int hh_import(struct cli_env *e, int argc, char **argv)
{
	const char *file = NULL;
	int dry = 0;
	for (int i = 2; i < argc; i++) {
		if (!strcmp(argv[i], "--dry-run"))
			dry = 1;
		else if (argv[i][0] == '-')
			return hh_usage();
		else
			file = argv[i];
	}
	if (!file)
		return hh_usage();
	size_t len;
	char *buf = slurp(file, &len);
	if (!buf) {
		fprintf(stderr, WHO ": cannot read %s\n", file);
		return 1;
	}
	int64_t now = desk_now();
	int tz = desk_tz(&e->conf, now);
	struct hh_import *im = hh_import_new();
	struct catalog *cat = NULL;
	int rc = 1;
	if (!im || desk_catalog(&e->conf, &cat, WHO) < 0)
		goto out;
	if (hh_csv_parse(buf, len, period_local_day(now, tz), im) < 0) {
		fprintf(stderr, WHO ": out of memory\n");
		goto out;
	}
	if (!im->nerrors)
		hh_resolve_places(cat, im);
	if (im->nerrors) {
		for (size_t i = 0; i < im->nerrors && i < HH_ERRORS_KEPT; i++)
			fprintf(stderr, "%s:%d: %s\n", file, im->errors[i].line, im->errors[i].msg);
		if (im->nerrors > HH_ERRORS_KEPT)
			fprintf(stderr, "%s: ... and %zu more errors\n", file, im->nerrors - HH_ERRORS_KEPT);
		fprintf(stderr, WHO ": %zu errors, nothing imported\n", im->nerrors);
		goto out;
	}
	if (dry) {
		printf("%zu households valid, nothing imported (--dry-run)\n", im->nrows);
		rc = 0;
		goto out;
	}
	const char *base = strrchr(file, '/');
	char source[128];
	snprintf(source, sizeof source, "import:%.100s", base ? base + 1 : file);
	struct hh_import_stats st;
	if (store_households_import(e->store, im, source, now, &st) < 0) {
		fprintf(stderr, WHO ": %s; nothing imported\n", store_errmsg(e->store));
		goto out;
	}
	printf("%zu households: %d added, %d updated, %d unchanged, %d status changes recorded\n",
	       im->nrows, st.added, st.updated, st.unchanged, st.status_changes);
	rc = 0;
out:
	catalog_free(cat);
	hh_import_free(im);
	free(buf);
	return rc;
}

struct filter_opts {
	const char *commune, *village, *from, *to;
	int json;
	int32_t day, first, last;
	const struct catalog_commune *cm;
	const struct catalog_village *vg;
};

/* Common options; returns 0, or an exit status. */
static int parse_filter(int argc, char **argv, int start, const struct catalog *cat,
			const struct tinbao_conf *conf, struct filter_opts *o, const char **code)
{
	memset(o, 0, sizeof *o);
	for (int i = start; i < argc; i++) {
		int r;
		if (!strcmp(argv[i], "--json")) {
			o->json = 1;
			continue;
		}
		if ((r = cli_opt(argc, argv, &i, "--commune", &o->commune)) ||
		    (r = cli_opt(argc, argv, &i, "--village", &o->village)) ||
		    (r = cli_opt(argc, argv, &i, "--from", &o->from)) ||
		    (r = cli_opt(argc, argv, &i, "--to", &o->to))) {
			if (r < 0)
				return 2;
			continue;
		}
		if (argv[i][0] != '-' && code && !*code) {
			*code = argv[i];
			continue;
		}
		return hh_usage();
	}
	int64_t now = desk_now();
	int32_t today = period_local_day(now, desk_tz(conf, now));
	int y, m, d;
	period_civil(today, &y, &m, &d);
	o->first = period_days(y, 1, 1);
	o->last = today;
	if (o->from && desk_day(o->from, &o->first, WHO) < 0)
		return 2;
	if (o->to && desk_day(o->to, &o->last, WHO) < 0)
		return 2;
	if (o->first > o->last) {
		fprintf(stderr, WHO ": --from is after --to\n");
		return 2;
	}
	/* Statuses and places are counted as of the period's end (today at
	 * most: a future day has no status yet). */
	o->day = o->last < today ? o->last : today;
	if (o->commune && !(o->cm = desk_commune(cat, o->commune, WHO)))
		return 2;
	if (o->village && !(o->vg = desk_village(cat, o->cm, o->village, WHO)))
		return 2;
	return 0;
}

static json_t *record_json(const struct hh_record *h, const char *commune, const char *village)
{
	json_t *o = json_object();
	json_object_set_new(o, "code", json_string(h->code));
	json_object_set_new(o, "head", json_string(h->head));
	json_object_set_new(o, "commune", json_string(commune));
	json_object_set_new(o, "village", json_string(village));
	json_object_set_new(o, "status", json_string(hh_status_code(h->status)));
	if (h->recorded != HH_NONE) {
		char d[16];
		period_day_iso(h->since, d, sizeof d);
		json_object_set_new(o, "since", json_string(d));
		json_object_set_new(o, "recorded_status", json_string(hh_status_code(h->recorded)));
	}
	json_t *r = json_array();
	for (int i = 0; i < h->nprojects; i++)
		json_array_append_new(r, json_string(h->projects[i]));
	json_object_set_new(o, "reached", r);
	json_object_set_new(o, "ethnic_minority", json_boolean(h->flags & HH_ETHNIC));
	json_object_set_new(o, "merit", json_boolean(h->flags & HH_MERIT));
	json_object_set_new(o, "disability", json_boolean(h->flags & HH_DISABLED));
	json_object_set_new(o, "woman_head", json_boolean(h->flags & HH_FEMALE_HEAD));
	json_object_set_new(o, "children", json_integer(h->children));
	return o;
}

struct list_ctx {
	const struct catalog *cat;
	struct filter_opts *o;
	struct coverage cov;
	int n;
	int unreached_only;
};

static int list_cb(const struct hh_record *h, void *arg)
{
	struct list_ctx *x = arg;
	struct cov_filter f = { x->o->cm ? x->o->cm->code : NULL, x->o->vg ? x->o->vg->code : NULL,
				x->o->day };
	if (!coverage_matches(x->cat, &f, h))
		return 0;
	char commune[HH_PLACE_MAX], village[HH_PLACE_MAX];
	coverage_place(x->cat, h, x->o->day, commune, sizeof commune, village, sizeof village);
	x->n++;
	if (x->o->json) {
		cli_json_line(record_json(h, commune, village));
		return 0;
	}
	char reached[HH_MAX_PROJECTS * HH_PROJECT_MAX + 4] = "";
	for (int i = 0; i < h->nprojects; i++) {
		strcat(reached, i ? "," : "");
		strcat(reached, h->projects[i]);
	}
	printf("%-10s %-10s %-28s %-24s %s\n", h->code, hh_status_code(h->status), village,
	       reached[0] ? reached : "-", h->head);
	return 0;
}

static int hh_list(struct cli_env *e, const struct catalog *cat, int argc, char **argv)
{
	struct filter_opts o;
	int rc = parse_filter(argc, argv, 2, cat, &e->conf, &o, NULL);
	if (rc)
		return rc;
	struct list_ctx x = { cat, &o, { 0 }, 0, 0 };
	if (store_households_each(e->store, o.day, o.first, o.last, list_cb, &x) < 0) {
		fprintf(stderr, WHO ": %s\n", store_errmsg(e->store));
		return 1;
	}
	return 0;
}

static int cov_cb(const struct hh_record *h, void *arg)
{
	struct list_ctx *x = arg;
	struct cov_filter f = { x->o->cm ? x->o->cm->code : NULL, x->o->vg ? x->o->vg->code : NULL,
				x->o->day };
	if (coverage_add(&x->cov, x->cat, &f, h) && coverage_unreached(h))
		x->n++;
	return 0;
}

static int hh_coverage(struct cli_env *e, const struct catalog *cat, int argc, char **argv)
{
	struct filter_opts o;
	int rc = parse_filter(argc, argv, 2, cat, &e->conf, &o, NULL);
	if (rc)
		return rc;
	struct list_ctx x = { cat, &o, { 0 }, 0, 0 };
	coverage_init(&x.cov);
	if (store_households_each(e->store, o.day, o.first, o.last, cov_cb, &x) < 0) {
		fprintf(stderr, WHO ": %s\n", store_errmsg(e->store));
		return 1;
	}
	char f[16], t[16], d[16];
	period_day_iso(o.first, f, sizeof f);
	period_day_iso(o.last, t, sizeof t);
	period_day_iso(o.day, d, sizeof d);
	const struct coverage *c = &x.cov;
	if (o.json) {
		json_t *j = json_object();
		json_object_set_new(j, "from", json_string(f));
		json_object_set_new(j, "to", json_string(t));
		json_object_set_new(j, "status_on", json_string(d));
		json_object_set_new(j, "commune", o.cm ? json_string(o.cm->code) : json_null());
		json_object_set_new(j, "village", o.vg ? json_string(o.vg->code) : json_null());
		json_object_set_new(j, "poor", json_integer(c->poor));
		json_object_set_new(j, "poor_reached", json_integer(c->poor_reached));
		json_object_set_new(j, "near_poor", json_integer(c->near_poor));
		json_object_set_new(j, "near_poor_reached", json_integer(c->near_poor_reached));
		json_object_set_new(j, "escaped", json_integer(c->escaped));
		json_object_set_new(j, "escaped_reached", json_integer(c->escaped_reached));
		json_object_set_new(j, "never_reached", json_integer(x.n));
		json_t *p = json_object();
		for (int i = 0; i < c->nprojects; i++)
			json_object_set_new(p, c->projects[i].code, json_integer(c->projects[i].households));
		json_object_set_new(j, "projects", p);
		cli_json_line(j);
		return 0;
	}
	printf("coverage %s..%s (status on %s) %s\n", f, t, d,
	       o.vg ? o.vg->code : o.cm ? o.cm->code : "district");
	printf("poor               %6d  reached %6d  (%d%%)\n", c->poor, c->poor_reached,
	       coverage_percent(c->poor_reached, c->poor));
	printf("near_poor          %6d  reached %6d  (%d%%)\n", c->near_poor, c->near_poor_reached,
	       coverage_percent(c->near_poor_reached, c->near_poor));
	printf("newly_escaped      %6d  reached %6d  (%d%%)\n", c->escaped, c->escaped_reached,
	       coverage_percent(c->escaped_reached, c->escaped));
	printf("never_reached      %6d\n", x.n);
	for (int i = 0; i < c->nprojects; i++)
		printf("  %-8s %6d households\n", c->projects[i].code, c->projects[i].households);
	return 0;
}

static int show_support(const struct hh_support *s, void *arg)
{
	json_t *a = arg;
	char d[16];
	period_day_iso(s->day, d, sizeof d);
	json_t *o = json_object();
	json_object_set_new(o, "report", json_string(s->report_ref));
	json_object_set_new(o, "project", json_string(s->project));
	json_object_set_new(o, "day", json_string(d));
	json_object_set_new(o, "counted", json_boolean(s->counted));
	json_array_append_new(a, o);
	return 0;
}

static int show_history(const struct hh_status_row *r, void *arg)
{
	json_t *a = arg;
	char d[16];
	period_day_iso(r->since, d, sizeof d);
	json_t *o = json_object();
	json_object_set_new(o, "status", json_string(hh_status_code(r->status)));
	json_object_set_new(o, "since", json_string(d));
	json_object_set_new(o, "source", json_string(r->source));
	json_array_append_new(a, o);
	return 0;
}

static int hh_show(struct cli_env *e, const struct catalog *cat, int argc, char **argv)
{
	struct filter_opts o;
	const char *code = NULL;
	int rc = parse_filter(argc, argv, 2, cat, &e->conf, &o, &code);
	if (rc)
		return rc;
	if (!code)
		return hh_usage();
	struct hh_record h;
	rc = store_household_get(e->store, code, o.day, o.first, o.last, &h);
	if (rc <= 0) {
		fprintf(stderr, WHO ": %s\n", rc < 0 ? store_errmsg(e->store) : "no such household");
		return 1;
	}
	char commune[HH_PLACE_MAX], village[HH_PLACE_MAX];
	coverage_place(cat, &h, o.day, commune, sizeof commune, village, sizeof village);
	json_t *j = record_json(&h, commune, village);
	json_t *hist = json_array(), *sup = json_array();
	store_households_history_each(e->store, code, show_history, hist);
	store_households_support_each(e->store, code, 0, show_support, sup);
	json_object_set_new(j, "history", hist);
	json_object_set_new(j, "support", sup);
	if (o.json) {
		cli_json_line(j);
		return 0;
	}
	char *s = json_dumps(j, JSON_INDENT(2));
	json_decref(j);
	if (s)
		puts(s);
	free(s);
	return 0;
}

/* `status` and `reach`: their one option, `opt` DAY, read from argv[4]
 * on; *day is today in the configured timezone when it is not given, *now
 * the time of the change. 0, or the exit code. */
static int hh_day_option(struct cli_env *e, int argc, char **argv, const char *opt, int32_t *day,
			 int64_t *now)
{
	const char *day_s = NULL;
	for (int i = 4; i < argc; i++) {
		int r = cli_opt(argc, argv, &i, opt, &day_s);
		if (r <= 0)
			return r < 0 ? 2 : hh_usage();
	}
	*now = desk_now();
	*day = period_local_day(*now, desk_tz(&e->conf, *now));
	if (day_s && desk_day(day_s, day, WHO) < 0)
		return 2;
	return 0;
}

/* The exit code for a failed store change of household `code` (1, after
 * saying why), or 0 when rc is not a failure. */
static int hh_store_failed(struct cli_env *e, int rc, const char *code)
{
	if (rc == STORE_E_NOTFOUND) {
		fprintf(stderr, WHO ": no household %s\n", code);
		return 1;
	}
	if (rc < 0) {
		fprintf(stderr, WHO ": %s\n", store_errmsg(e->store));
		return 1;
	}
	return 0;
}

static int hh_status(struct cli_env *e, int argc, char **argv)
{
	if (argc < 4)
		return hh_usage();
	const char *code = argv[2];
	enum hh_status st;
	if (hh_status_parse(argv[3], &st)) {
		fprintf(stderr, WHO ": '%s' is not a status (ngheo, can_ngheo, thoat_ngheo, khong)\n", argv[3]);
		return 2;
	}
	int32_t since;
	int64_t now;
	int ex = hh_day_option(e, argc, argv, "--since", &since, &now);
	if (ex)
		return ex;
	int rc = store_households_set_status(e->store, code, st, since, "cli", now);
	if ((ex = hh_store_failed(e, rc, code)))
		return ex;
	printf("%s: %s\n", code, rc ? "status recorded" : "already had that status then");
	return 0;
}

static int hh_reach(struct cli_env *e, const struct catalog *cat, int argc, char **argv)
{
	if (argc < 4)
		return hh_usage();
	const char *code = argv[2];
	const struct catalog_project *p = catalog_project_find(cat, argv[3]);
	if (!p) {
		fprintf(stderr, WHO ": unknown project '%s'\n", argv[3]);
		return 2;
	}
	int32_t day;
	int64_t now;
	int ex = hh_day_option(e, argc, argv, "--day", &day, &now);
	if (ex)
		return ex;
	int rc = store_households_record_support(e->store, code, "", 0, p->code, day, now);
	if ((ex = hh_store_failed(e, rc, code)))
		return ex;
	printf("%s: %s %s\n", code, p->code, rc ? "recorded" : "already recorded");
	return 0;
}

int cli_households(int argc, char **argv)
{
	const char *conf_path = NULL;
	argc = cli_take_conf(argc, argv, &conf_path);
	if (argc < 0)
		return 2;
	if (argc < 2)
		return hh_usage();
	const char *verb = argv[1];
	bool writes = !strcmp(verb, "import") || !strcmp(verb, "status") || !strcmp(verb, "reach");
	if (!writes && strcmp(verb, "list") && strcmp(verb, "coverage") && strcmp(verb, "show"))
		return hh_usage();
	struct cli_env e;
	memset(&e, 0, sizeof e);
	int rc = cli_open(&e, conf_path, writes);
	if (rc)
		return rc;
	if (!strcmp(verb, "import")) {
		rc = hh_import(&e, argc, argv);
	} else if (!strcmp(verb, "status")) {
		rc = hh_status(&e, argc, argv);
	} else {
		struct catalog *cat = NULL;
		if (desk_catalog(&e.conf, &cat, WHO) < 0) {
			cli_close(&e);
			return 1;
		}
		if (!strcmp(verb, "list"))
			rc = hh_list(&e, cat, argc, argv);
		else if (!strcmp(verb, "coverage"))
			rc = hh_coverage(&e, cat, argc, argv);
		else if (!strcmp(verb, "show"))
			rc = hh_show(&e, cat, argc, argv);
		else
			rc = hh_reach(&e, cat, argc, argv);
		catalog_free(cat);
	}
	cli_close(&e);
	return rc;
}
