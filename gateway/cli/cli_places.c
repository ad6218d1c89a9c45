/* cli_places.c: `tinbao places [--json] [--on D]`: the catalog's communes
 * and villages with their codes and dates, so that names can be checked
 * before a household import or a user registration. Needs no database. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "cli/cli.h"
#include "cli/cli_common.h"
#include "conf.h"
#include "lang/period.h"
#include "office/desk.h"

#define WHO "tinbao places"

static json_t *day_json(catalog_day d)
{
	if (d == CATALOG_DAY_NONE)
		return json_null();
	char b[16];
	period_day_iso(d, b, sizeof b);
	return json_string(b);
}

static void day_text(catalog_day d, char *b, size_t len)
{
	if (d == CATALOG_DAY_NONE)
		snprintf(b, len, "-");
	else
		period_day_iso(d, b, len);
}

/* s left-aligned in width characters and a space: printf's %-24s counts
 * bytes, and a Vietnamese name takes two or three bytes for some letters,
 * which shifted the date column by name. */
static void print_cell(const char *s, int width)
{
	int chars = 0;
	for (const char *p = s; *p; p++)
		chars += ((unsigned char)*p & 0xC0) != 0x80;
	printf("%s%*s ", s, width > chars ? width - chars : 0, "");
}

int cli_places(int argc, char **argv)
{
	const char *conf_path = NULL, *on_s = NULL;
	argc = cli_take_conf(argc, argv, &conf_path);
	if (argc < 0)
		return 2;
	int json = 0;
	for (int i = 1; i < argc; i++) {
		int r;
		if (!strcmp(argv[i], "--json")) {
			json = 1;
			continue;
		}
		if ((r = cli_opt(argc, argv, &i, "--on", &on_s)) != 0) {
			if (r < 0)
				return 2;
			continue;
		}
		fprintf(stderr, "usage: tinbao places [--json] [--on DATE]\n");
		return 2;
	}
	int32_t on = CATALOG_DAY_NONE;
	if (on_s && desk_day(on_s, &on, WHO) < 0)
		return 2;
	struct tinbao_conf conf;
	memset(&conf, 0, sizeof conf);
	if (conf_load(conf_default_path(conf_path), &conf, NULL, NULL) != 0)
		return 1;
	struct catalog *cat = NULL;
	if (desk_catalog(&conf, &cat, WHO) < 0) {
		conf_free(&conf);
		return 1;
	}
	for (size_t i = 0; i < catalog_commune_count(cat); i++) {
		const struct catalog_commune *c = catalog_commune_at(cat, i);
		if (!catalog_valid_on(c->from, c->until, on))
			continue;
		if (json) {
			json_t *o = json_object();
			json_object_set_new(o, "type", json_string("commune"));
			json_object_set_new(o, "code", json_string(c->code));
			json_object_set_new(o, "name", json_string(c->name));
			json_object_set_new(o, "kind", json_string(c->kind));
			json_object_set_new(o, "from", day_json(c->from));
			json_object_set_new(o, "until", day_json(c->until));
			json_object_set_new(o, "merged_into", c->merged_into[0] ? json_string(c->merged_into) : json_null());
			cli_json_line(o);
		} else {
			char f[16], u[16];
			day_text(c->from, f, sizeof f);
			day_text(c->until, u, sizeof u);
			printf("%-28s ", c->code);
			print_cell(c->name, 24);
			printf("%s..%s%s%s\n", f, u, c->merged_into[0] ? " -> " : "", c->merged_into);
		}
		for (size_t k = 0; k < catalog_village_count(cat); k++) {
			const struct catalog_village *v = catalog_village_at(cat, k);
			if (v->commune != c || !catalog_valid_on(v->from, v->until, on))
				continue;
			if (json) {
				json_t *o = json_object();
				json_object_set_new(o, "type", json_string("village"));
				json_object_set_new(o, "code", json_string(v->code));
				json_object_set_new(o, "name", json_string(v->name));
				json_object_set_new(o, "commune", json_string(c->code));
				json_object_set_new(o, "from", day_json(v->from));
				json_object_set_new(o, "until", day_json(v->until));
				json_object_set_new(o, "moved_to", v->moved_to[0] ? json_string(v->moved_to) : json_null());
				cli_json_line(o);
			} else {
				char f[16], u[16];
				day_text(v->from, f, sizeof f);
				day_text(v->until, u, sizeof u);
				printf("  %-26s ", v->code);
				print_cell(v->name, 24);
				printf("%s..%s%s%s\n", f, u, v->moved_to[0] ? " -> " : "", v->moved_to);
			}
		}
	}
	catalog_free(cat);
	conf_free(&conf);
	return 0;
}
