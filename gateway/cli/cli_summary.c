/* cli_summary.c: `tinbao summary [--week 2026-W47] [--commune C] [--send]`:
 * prints the weekly summary the scheduler would send (default: the last
 * whole week), or queues it now to the configured recipients under the
 * scheduler's own slot keys, so that nobody gets a week twice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "cli/cli.h"
#include "cli/cli_common.h"
#include "lang/query.h"
#include "office/desk.h"
#include "office/gather.h"
#include "office/schedule.h"
#include "store/store.h"

#define WHO "tinbao summary"

int cli_summary(int argc, char **argv)
{
	const char *conf_path = NULL, *week_s = NULL, *commune_s = NULL;
	argc = cli_take_conf(argc, argv, &conf_path);
	if (argc < 0)
		return 2;
	int send = 0;
	for (int i = 1; i < argc; i++) {
		int r;
		if (!strcmp(argv[i], "--send")) {
			send = 1;
			continue;
		}
		if ((r = cli_opt(argc, argv, &i, "--week", &week_s)) ||
		    (r = cli_opt(argc, argv, &i, "--commune", &commune_s))) {
			if (r < 0)
				return 2;
			continue;
		}
		fprintf(stderr, "usage: tinbao summary [--week 2026-W47] [--commune C] [--send]\n");
		return 2;
	}
	if (send && commune_s) {
		fprintf(stderr, WHO ": --send goes to the configured recipients; drop --commune\n");
		return 2;
	}
	struct cli_env e;
	memset(&e, 0, sizeof e);
	int rc = cli_open(&e, conf_path, send);
	if (rc)
		return rc;
	struct catalog *cat = NULL;
	struct office_summary_data *d = NULL;
	rc = 1;
	if (desk_catalog(&e.conf, &cat, WHO) < 0)
		goto out;
	int64_t now = desk_now();
	int tz = desk_tz(&e.conf, now);
	struct period week;
	if (week_s) {
		if (period_parse(week_s, now, tz, &week) < 0 || week.kind != PERIOD_WEEK) {
			fprintf(stderr, WHO ": '%s' is not a week (expected 2026-W47 or TUAN 47)\n", week_s);
			rc = 2;
			goto out;
		}
	} else {
		period_this_week(period_local_day(now, tz) - 7, &week);
	}
	if (send) {
		int n = office_summary_send(e.store, cat, &e.conf, &week, now);
		if (n < 0) {
			fprintf(stderr, WHO ": %s\n", store_errmsg(e.store));
			goto out;
		}
		printf("%d %s queued (recipients who already had this week are skipped)\n", n,
		       n == 1 ? "summary" : "summaries");
		if (n > 0)
			cli_poke_daemon(e.store, e.conf.database);
		rc = 0;
		goto out;
	}
	const char *commune = NULL;
	if (commune_s) {
		const struct catalog_commune *c = desk_commune(cat, commune_s, WHO);
		if (!c) {
			rc = 2;
			goto out;
		}
		commune = c->code;
	}
	d = malloc(sizeof *d);
	if (!d || office_summary_gather(e.store, cat, &week, commune, tz, d) < 0) {
		fprintf(stderr, WHO ": %s\n", d ? store_errmsg(e.store) : "out of memory");
		goto out;
	}
	char text[SUMMARY_MAX];
	summary_build(&d->in, cat, text, sizeof text);
	size_t sep = query_septets(text);
	printf("%s\n", text);
	fprintf(stderr, "(%zu characters, %d SMS)\n", sep, sep <= 160 ? 1 : (int)((sep + 152) / 153));
	rc = 0;
out:
	free(d);
	catalog_free(cat);
	cli_close(&e);
	return rc;
}
