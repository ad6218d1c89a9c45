/* cli_reports.c: `tinbao reports [--since DATE] [--until DATE] [--commune C]
 * [--project P] [--all] [--json]`: collaborators' reports, oldest first;
 * the current version of each unless --all (then the amended ones too).
 * JSON: one object a line with ref, version, kind, phone, commune, village,
 * project, date, received_at, status, training and values (indicator code
 * to number). The commune may be a code or a name ("Vo Tranh"), the project
 * any spelling the SMS language takes ("da4.1"). Read-only. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "cli/cli.h"
#include "cli/cli_common.h"
#include "store/store.h"
#include "store/store_reports.h"

static json_t *number(double v)
{
	if (fabs(v - round(v)) < 1e-9 && fabs(v) < 9e15)
		return json_integer((json_int_t)llround(v));
	return json_real(v);
}

static int print_report(const struct store_report *r, void *arg)
{
	bool json = *(const bool *)arg;
	if (json) {
		json_t *j = json_object();
		json_object_set_new(j, "ref", json_string(r->ref));
		json_object_set_new(j, "version", json_integer(r->version));
		json_object_set_new(j, "kind", json_string(r->kind));
		json_object_set_new(j, "phone", json_string(r->phone));
		json_object_set_new(j, "commune", json_string(r->commune));
		json_object_set_new(j, "village", r->village[0] ? json_string(r->village) : json_null());
		json_object_set_new(j, "project", json_string(r->project));
		json_object_set_new(j, "date", json_string(r->day));
		json_object_set_new(j, "received_at", cli_json_time(r->received_at));
		json_object_set_new(j, "status", json_string(r->status));
		json_object_set_new(j, "training", json_boolean(r->training));
		json_t *v = json_object();
		for (int i = 0; i < r->nvalues; i++)
			json_object_set_new(v, r->values[i].code, number(r->values[i].value));
		json_object_set_new(j, "values", v);
		cli_json_line(j);
		return 0;
	}
	char t[40];
	cli_time(r->received_at, t, sizeof t);
	printf("%s v%d %-9s %s %-6s %-24s %s  (%s)\n      ", r->ref, r->version, r->status, r->day,
	       r->project, r->village[0] ? r->village : r->commune, r->phone, t);
	for (int i = 0; i < r->nvalues; i++) {
		double v = r->values[i].value;
		if (fabs(v - round(v)) < 1e-9)
			printf(" %s=%.0f", r->values[i].code, v);
		else
			printf(" %s=%g", r->values[i].code, v);
	}
	putchar('\n');
	return 0;
}

static int usage(void)
{
	fprintf(stderr, "usage: tinbao reports [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--commune C]"
			" [--project P] [--all] [--json] [-c FILE]\n");
	return 2;
}

int cli_reports(int argc, char **argv)
{
	const char *conf_path = NULL;
	argc = cli_take_conf(argc, argv, &conf_path);
	if (argc < 0)
		return 2;
	bool json = false, all = false;
	const char *since = NULL, *until = NULL, *commune = NULL, *project = NULL;
	for (int i = 1; i < argc; i++) {
		const char *v;
		int r;
		if (!strcmp(argv[i], "--json")) {
			json = true;
		} else if (!strcmp(argv[i], "--all")) {
			all = true;
		} else if ((r = cli_opt(argc, argv, &i, "--since", &v)) != 0) {
			if (r < 0 || catalog_day_parse(v) == CATALOG_DAY_NONE) {
				fprintf(stderr, "tinbao reports: --since takes a date YYYY-MM-DD\n");
				return 2;
			}
			since = v;
		} else if ((r = cli_opt(argc, argv, &i, "--until", &v)) != 0) {
			if (r < 0 || catalog_day_parse(v) == CATALOG_DAY_NONE) {
				fprintf(stderr, "tinbao reports: --until takes a date YYYY-MM-DD\n");
				return 2;
			}
			until = v;
		} else if ((r = cli_opt(argc, argv, &i, "--commune", &v)) != 0) {
			if (r < 0)
				return usage();
			commune = v;
		} else if ((r = cli_opt(argc, argv, &i, "--project", &v)) != 0) {
			if (r < 0)
				return usage();
			project = v;
		} else {
			return usage();
		}
	}
	struct cli_env e;
	if (cli_open(&e, conf_path, false))
		return 1;
	/* Names and spellings through the catalog, as the SMS language reads
	 * them; a code the catalog does not know is used as it is. */
	char commune_code[CATALOG_CODE_MAX] = "", project_code[16] = "";
	struct catalog *cat = NULL;
	char why[300];
	if (e.conf.catalog && (commune || project) && catalog_load(&cat, e.conf.catalog, why, sizeof why) < 0)
		fprintf(stderr, "tinbao reports: %s (filters used as typed)\n", why);
	if (commune) {
		struct catalog_place_match m;
		if (cat && !catalog_commune_by_code(cat, commune, CATALOG_DAY_NONE) &&
		    catalog_find_place(cat, commune, CATALOG_DAY_NONE, &m) && m.commune)
			snprintf(commune_code, sizeof commune_code, "%s", m.commune->code);
		else
			snprintf(commune_code, sizeof commune_code, "%s", commune);
	}
	if (project) {
		const struct catalog_project *p = cat ? catalog_project_find(cat, project) : NULL;
		snprintf(project_code, sizeof project_code, "%s", p ? p->code : project);
	}
	catalog_free(cat);
	struct store_report_filter f = {
		.since_day = since, .until_day = until,
		.commune = commune ? commune_code : NULL, .project = project ? project_code : NULL,
		.current_only = !all,
	};
	int rc = store_report_each(e.store, &f, print_report, &json);
	if (rc < 0)
		fprintf(stderr, "tinbao reports: %s\n", store_errmsg(e.store));
	cli_close(&e);
	return rc < 0 ? 1 : 0;
}
