/* cli_user.c: `tinbao user add|list|disable|enable`: the people who may use
 * the gateway. Phones are normalised with the configured country; commune
 * and village codes are checked against the catalog when it loads. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "cli/cli.h"
#include "cli/cli_common.h"
#include "sms/phone.h"
#include "store/store.h"
#include "store/store_users.h"

static int user_usage(void)
{
	fprintf(stderr,
		"usage: tinbao user add --phone P --role collaborator|staff|official|admin --name N\n"
		"                       [--commune CODE] [--village CODE] [--training]\n"
		"       tinbao user list [--json] [--role R] [--active]\n"
		"       tinbao user disable PHONE | tinbao user enable PHONE\n");
	return 2;
}

static bool user_phone(const struct cli_env *e, const char *in, char *out, size_t len)
{
	if (phone_normalize(in, e->conf.country, out, len) == PHONE_E164)
		return true;
	fprintf(stderr, "tinbao user: %s is not a subscriber phone number\n", in);
	return false;
}

/* Refuses codes the catalog does not know; a catalog that does not load
 * only earns a warning (the admin may be fixing it right now). */
static bool user_check_place(const struct cli_env *e, const struct user *u)
{
	if (!*u->commune && !*u->village)
		return true;
	struct catalog *c = NULL;
	char why[256];
	if (catalog_load(&c, e->conf.catalog, why, sizeof why) < 0) {
		fprintf(stderr, "tinbao user: warning: place codes not checked (%s)\n", why);
		return true;
	}
	bool ok = true;
	if (*u->commune && !catalog_commune_by_code(c, u->commune, CATALOG_DAY_NONE)) {
		fprintf(stderr, "tinbao user: unknown commune code '%s' (see: tinbao places)\n",
			u->commune);
		ok = false;
	}
	if (*u->village && !catalog_village_by_code(c, u->village, CATALOG_DAY_NONE)) {
		fprintf(stderr, "tinbao user: unknown village code '%s' (see: tinbao places)\n",
			u->village);
		ok = false;
	}
	catalog_free(c);
	return ok;
}

static bool user_copy(char *dst, size_t len, const char *src, const char *what)
{
	if (strlen(src) >= len) {
		fprintf(stderr, "tinbao user: %s longer than %zu bytes\n", what, len - 1);
		return false;
	}
	snprintf(dst, len, "%s", src);
	return true;
}

static int user_add(struct cli_env *e, int argc, char **argv)
{
	struct user u = { .active = true };
	const char *phone = NULL, *role = NULL, *name = NULL, *commune = "", *village = "";
	for (int i = 2; i < argc; i++) {
		int r = 0;
		if (!strcmp(argv[i], "--training")) {
			u.training = true;
			continue;
		}
		if ((r = cli_opt(argc, argv, &i, "--phone", &phone)) ||
		    (r = cli_opt(argc, argv, &i, "--role", &role)) ||
		    (r = cli_opt(argc, argv, &i, "--name", &name)) ||
		    (r = cli_opt(argc, argv, &i, "--commune", &commune)) ||
		    (r = cli_opt(argc, argv, &i, "--village", &village))) {
			if (r < 0)
				return 2;
			continue;
		}
		return user_usage();
	}
	if (!phone || !role || !name)
		return user_usage();
	if (!user_phone(e, phone, u.phone, sizeof u.phone))
		return 2;
	u.role = store_user_role_parse(role);
	if (u.role == ROLE_NONE) {
		fprintf(stderr, "tinbao user: role must be collaborator, staff, official or admin\n");
		return 2;
	}
	if (!user_copy(u.name, sizeof u.name, name, "name") ||
	    !user_copy(u.commune, sizeof u.commune, commune, "commune") ||
	    !user_copy(u.village, sizeof u.village, village, "village"))
		return 2;
	if (u.role == ROLE_COLLABORATOR && !*u.commune) {
		fprintf(stderr, "tinbao user: a collaborator needs --commune (and usually --village)\n");
		return 2;
	}
	size_t cl = strlen(u.commune);
	if (*u.village && (strncmp(u.village, u.commune, cl) != 0 || u.village[cl] != '/')) {
		fprintf(stderr, "tinbao user: village '%s' is not a village of commune '%s'"
			" (codes look like '%s/thon-3')\n", u.village, u.commune,
			*u.commune ? u.commune : "vo-tranh");
		return 2;
	}
	if (!user_check_place(e, &u))
		return 2;
	struct user old;
	int had = store_user_get(e->store, u.phone, &old);
	int64_t now = (int64_t)time(NULL);
	if (had < 0 || store_user_put(e->store, &u, now) < 0) {
		fprintf(stderr, "tinbao user: %s\n", store_errmsg(e->store));
		return 1;
	}
	store_event(e->store, now, "info", had ? "user.updated" : "user.added", u.phone);
	printf("%s %s (%s)\n", had ? "updated" : "added", u.phone, store_user_role_name(u.role));
	return 0;
}

struct user_list_opts {
	bool json;
};

static int user_print(const struct user *u, void *arg)
{
	const struct user_list_opts *o = arg;
	if (o->json) {
		json_t *j = json_object();
		json_object_set_new(j, "phone", json_string(u->phone));
		json_object_set_new(j, "name", json_string(u->name));
		json_object_set_new(j, "role", json_string(store_user_role_name(u->role)));
		json_object_set_new(j, "commune", json_string(u->commune));
		json_object_set_new(j, "village", json_string(u->village));
		json_object_set_new(j, "active", json_boolean(u->active));
		json_object_set_new(j, "training", json_boolean(u->training));
		cli_json_line(j);
		return 0;
	}
	printf("%-14s %-12s %-20s %-28s %s%s%s\n", u->phone, store_user_role_name(u->role),
	       *u->commune ? u->commune : "-", *u->village ? u->village : "-", u->name,
	       u->active ? "" : " [disabled]", u->training ? " [training]" : "");
	return 0;
}

static int user_list(struct cli_env *e, int argc, char **argv)
{
	struct user_list_opts o = { 0 };
	enum user_role role = ROLE_NONE;
	bool active_only = false;
	for (int i = 2; i < argc; i++) {
		const char *v;
		int r;
		if (!strcmp(argv[i], "--json")) {
			o.json = true;
		} else if (!strcmp(argv[i], "--active")) {
			active_only = true;
		} else if ((r = cli_opt(argc, argv, &i, "--role", &v)) != 0) {
			if (r < 0 || (role = store_user_role_parse(v)) == ROLE_NONE)
				return user_usage();
		} else {
			return user_usage();
		}
	}
	if (store_user_each(e->store, role, active_only, user_print, &o) < 0) {
		fprintf(stderr, "tinbao user: %s\n", store_errmsg(e->store));
		return 1;
	}
	return 0;
}

static int user_set_active(struct cli_env *e, int argc, char **argv, bool active)
{
	if (argc != 3)
		return user_usage();
	char phone[64];
	if (!user_phone(e, argv[2], phone, sizeof phone))
		return 2;
	int64_t now = (int64_t)time(NULL);
	int rc = store_user_set_active(e->store, phone, active, now);
	if (rc == STORE_E_NOTFOUND) {
		fprintf(stderr, "tinbao user: no user %s\n", phone);
		return 1;
	}
	if (rc < 0) {
		fprintf(stderr, "tinbao user: %s\n", store_errmsg(e->store));
		return 1;
	}
	store_event(e->store, now, "info", active ? "user.enabled" : "user.disabled", phone);
	printf("%s %s\n", active ? "enabled" : "disabled", phone);
	return 0;
}

int cli_user(int argc, char **argv)
{
	const char *conf_path = NULL;
	argc = cli_take_conf(argc, argv, &conf_path);
	if (argc < 2)
		return user_usage();
	const char *verb = argv[1];
	bool writes = strcmp(verb, "list") != 0;
	if (strcmp(verb, "add") && strcmp(verb, "list") && strcmp(verb, "disable") &&
	    strcmp(verb, "enable"))
		return user_usage();
	struct cli_env e;
	if (cli_open(&e, conf_path, writes))
		return 1;
	int rc;
	if (!strcmp(verb, "add"))
		rc = user_add(&e, argc, argv);
	else if (!strcmp(verb, "list"))
		rc = user_list(&e, argc, argv);
	else
		rc = user_set_active(&e, argc, argv, !strcmp(verb, "enable"));
	cli_close(&e);
	return rc;
}
