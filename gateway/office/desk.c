/* desk.c: shared helpers of the office's subcommands (see desk.h). */
#include "office/desk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "conf.h"

int64_t desk_now(void)
{
	const char *e = getenv("TINBAO_NOW");
	if (e && *e) {
		char *end;
		long long v = strtoll(e, &end, 10);
		if (!*end)
			return v;
	}
	return (int64_t)time(NULL);
}

int desk_tz(const struct tinbao_conf *conf, int64_t now)
{
	int tz = 7 * 3600;
	if (conf && conf->timezone)
		catalog_tz_offset(conf->timezone, now, &tz);
	return tz;
}

int desk_catalog(const struct tinbao_conf *conf, struct catalog **out, const char *who)
{
	char why[512];
	if (!conf->catalog || catalog_load(out, conf->catalog, why, sizeof why) < 0) {
		fprintf(stderr, "%s: catalog: %s\n", who, conf->catalog ? why : "not configured");
		return -1;
	}
	return 0;
}

const struct catalog_commune *desk_commune(const struct catalog *cat, const char *text,
					   const char *who)
{
	const struct catalog_commune *c = catalog_commune_by_code(cat, text, CATALOG_DAY_NONE);
	if (c)
		return c;
	char key[128];
	catalog_fold_key(text, key, sizeof key);
	/* Names repeat across time ("Hạ Hòa" the town until 2025, the commune
	 * after): today's unit first, then any. */
	int64_t now = desk_now();
	catalog_day today = catalog_day_of(now, 7 * 3600);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < catalog_commune_count(cat); i++) {
			c = catalog_commune_at(cat, i);
			if (!strcmp(c->key, key) && (pass || catalog_valid_on(c->from, c->until, today)))
				return c;
		}
	struct catalog_place_match m;
	memset(&m, 0, sizeof m);
	if (catalog_find_place(cat, text, CATALOG_DAY_NONE, &m) == 1 && m.commune && !m.ambiguous)
		return m.commune;
	fprintf(stderr, "%s: unknown commune '%s'%s%s (see: tinbao places)\n", who, text,
		m.suggestion[0] ? "; did you mean " : "", m.suggestion);
	return NULL;
}

const struct catalog_village *desk_village(const struct catalog *cat,
					   const struct catalog_commune *cm, const char *text,
					   const char *who)
{
	const struct catalog_village *v = catalog_village_by_code(cat, text, CATALOG_DAY_NONE);
	if (v)
		return v;
	if (cm) {
		char full[256], key[128];
		snprintf(full, sizeof full, "%s/%s", cm->code, text);
		if ((v = catalog_village_by_code(cat, full, CATALOG_DAY_NONE)))
			return v;
		catalog_fold_key(text, key, sizeof key);
		for (size_t i = 0; i < catalog_village_count(cat); i++) {
			v = catalog_village_at(cat, i);
			if (v->commune == cm && !strcmp(v->key, key))
				return v;
		}
	}
	fprintf(stderr, "%s: unknown village '%s' (give --commune, or the code; see: tinbao places)\n",
		who, text);
	return NULL;
}

int desk_day(const char *text, int32_t *day, const char *who)
{
	if (period_parse_date(text, day) == 0)
		return 0;
	fprintf(stderr, "%s: '%s' is not a date (expected 2026-11-05 or 5/11/2026)\n", who, text);
	return -1;
}
