/* conf.c: loading, checking, printing and freeing tinbao.conf: the core
 * sections (modem, database, country, timezone, catalog, log, limits,
 * users) and the calls into the owners' sections (conf_sections.c). The
 * schema machinery is in conf_schema.c. */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"

/* conf_schema.c: error collection for conf_load(). */
struct conf_errlist *conf_errlist_new(void);
void conf_errlist_flush(struct conf_ctx *ctx);

/* ---- checks ---- */

static bool conf_check_device(const void *field, char *why, size_t whylen)
{
	const char *d = *(char *const *)field;
	if (d[0] == '/' && d[1])
		return true;
	if (!strncmp(d, "usb:", 4)) {
		unsigned v, p, i;
		int n = 0;
		const char *s = d + 4;
		bool hex = strlen(s) >= 9 && isxdigit((unsigned char)s[0]) &&
			   isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2]) &&
			   isxdigit((unsigned char)s[3]) && s[4] == ':' &&
			   isxdigit((unsigned char)s[5]) && isxdigit((unsigned char)s[6]) &&
			   isxdigit((unsigned char)s[7]) && isxdigit((unsigned char)s[8]);
		if (hex && ((sscanf(s, "%4x:%4x%n", &v, &p, &n) == 2 && !s[n]) ||
			    (sscanf(s, "%4x:%4x:%u%n", &v, &p, &i, &n) == 3 && !s[n] && i < 256)))
			return true;
	} else if (!strncmp(d, "tcp://", 6)) {
		const char *colon = strrchr(d + 6, ':');
		if (colon && colon > d + 6) {
			char *end;
			long port = strtol(colon + 1, &end, 10);
			if (colon[1] && !*end && port > 0 && port < 65536)
				return true;
		}
	}
	snprintf(why, whylen, "expected a device path (\"/dev/ttyUSB2\"), \"usb:VID:PID[:INTERFACE]\""
		 " (\"usb:2c7c:0125:2\") or \"tcp://HOST:PORT\", got \"%s\"", d);
	return false;
}

static bool conf_check_baud(const void *field, char *why, size_t whylen)
{
	static const int rates[] = { 1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200,
				     230400, 460800, 921600, 0 };
	int b = *(const int *)field;
	for (const int *r = rates; *r; r++)
		if (*r == b)
			return true;
	snprintf(why, whylen, "%d is not a standard rate, expected one of 1200, 2400, 4800, 9600,"
		 " 19200, 38400, 57600, 115200, 230400, 460800, 921600", b);
	return false;
}

static bool conf_check_pin(const void *field, char *why, size_t whylen)
{
	const char *p = *(char *const *)field;
	size_t n = strlen(p);
	bool digits = true;
	for (size_t i = 0; i < n; i++)
		digits &= isdigit((unsigned char)p[i]) != 0;
	if (n == 0 || (digits && n >= 4 && n <= 8))
		return true;
	/* Never echo the value: it is a PIN. */
	snprintf(why, whylen, "expected 4 to 8 digits, or \"\" when the SIM has no PIN");
	return false;
}

static bool conf_check_storage(const void *field, char *why, size_t whylen)
{
	const char *s = *(char *const *)field;
	if (!strcmp(s, "SM") || !strcmp(s, "ME") || !strcmp(s, "MT") || !strcmp(s, "SR"))
		return true;
	snprintf(why, whylen, "expected one of \"SM\", \"ME\", \"MT\", \"SR\", got \"%s\"", s);
	return false;
}

static bool conf_check_model(const void *field, char *why, size_t whylen)
{
	const char *s = *(char *const *)field;
	bool ok = *s != 0;
	for (; *s; s++)
		ok &= islower((unsigned char)*s) || isdigit((unsigned char)*s) || *s == '-';
	if (!ok)
		snprintf(why, whylen, "expected \"auto\" or a model name in lower case (\"ec25\")");
	return ok;
}

static bool conf_check_country(const void *field, char *why, size_t whylen)
{
	const char *s = *(char *const *)field;
	size_t n = strlen(s);
	bool ok = n >= 2 && n <= 4 && s[0] == '+' && s[1] >= '1' && s[1] <= '9';
	for (size_t i = 1; ok && i < n; i++)
		ok = isdigit((unsigned char)s[i]) != 0;
	if (!ok)
		snprintf(why, whylen, "expected a country calling code such as \"+84\", got \"%s\"", s);
	return ok;
}

bool conf_check_timezone(const void *field, char *why, size_t whylen)
{
	const char *z = *(char *const *)field;
	bool ok = *z && z[0] != '/' && !strstr(z, "..");
	for (const char *p = z; ok && *p; p++)
		ok = isalnum((unsigned char)*p) || strchr("_+-/", *p);
	if (ok) {
		/* Where tzdata is installed, the zone must exist in it. */
		const char *dir = getenv("TZDIR") ? getenv("TZDIR") : "/usr/share/zoneinfo";
		char path[PATH_MAX];
		struct stat st;
		snprintf(path, sizeof path, "%s/%s", dir, z);
		if (stat(dir, &st) == 0 && (stat(path, &st) < 0 || !S_ISREG(st.st_mode)))
			ok = false;
	}
	if (!ok)
		snprintf(why, whylen, "expected a time zone name such as \"Asia/Ho_Chi_Minh\", got \"%s\"",
			 z);
	return ok;
}

/* ---- key tables ---- */

#define KM(f) offsetof(struct conf_modem, f)
static const struct conf_key conf_modem_keys[] = {
	{ .name = "device", .type = CONF_STRING, .offset = KM(device), .required = true,
	  .check = conf_check_device },
	{ .name = "baud", .type = CONF_INT, .offset = KM(baud), .def = "115200",
	  .check = conf_check_baud },
	{ .name = "pin", .type = CONF_STRING, .offset = KM(pin), .def = "", .secret = true,
	  .check = conf_check_pin },
	{ .name = "storage", .type = CONF_STRING, .offset = KM(storage), .def = "SM",
	  .check = conf_check_storage },
	{ .name = "model", .type = CONF_STRING, .offset = KM(model), .def = "auto",
	  .check = conf_check_model },
	{ .name = "sweep_every", .type = CONF_DURATION, .offset = KM(sweep_every), .def = "5m",
	  .min = 10, .max = 86400 },
	{ .name = "health_every", .type = CONF_DURATION, .offset = KM(health_every), .def = "1m",
	  .min = 10, .max = 86400 },
	{ .name = "command_timeout", .type = CONF_DURATION, .offset = KM(command_timeout),
	  .def = "10s", .min = 1, .max = 300 },
	{ .name = "reset_min_interval", .type = CONF_DURATION, .offset = KM(reset_min_interval),
	  .def = "30m", .min = 60, .max = 86400 },
	{ .name = "status_reports", .type = CONF_BOOL, .offset = KM(status_reports), .def = "true" },
	{ .name = "direct_delivery", .type = CONF_BOOL, .offset = KM(direct_delivery),
	  .def = "false" },
};

#define KL(f) offsetof(struct conf_limits, f)
static const struct conf_key conf_limits_keys[] = {
	{ .name = "replies_per_hour_per_number", .type = CONF_INT,
	  .offset = KL(replies_per_hour_per_number), .def = "10", .min = 1, .max = 1000 },
	{ .name = "unregistered_reply_every", .type = CONF_DURATION,
	  .offset = KL(unregistered_reply_every), .def = "24h", .min = 60, .max = 30 * 86400 },
	{ .name = "incomplete_wait", .type = CONF_DURATION, .offset = KL(incomplete_wait),
	  .def = "10m", .min = 10, .max = 7 * 86400 },
	{ .name = "send_attempts", .type = CONF_INT, .offset = KL(send_attempts), .def = "5",
	  .min = 1, .max = 100 },
	{ .name = "send_backoff", .type = CONF_DURATION, .offset = KL(send_backoff), .def = "30s",
	  .min = 1, .max = 86400 },
	{ .name = "send_backoff_max", .type = CONF_DURATION, .offset = KL(send_backoff_max),
	  .def = "30m", .min = 1, .max = 7 * 86400 },
	{ .name = "outbox_check_every", .type = CONF_DURATION, .offset = KL(outbox_check_every),
	  .def = "1m", .min = 1, .max = 3600 },
};

static const char *const conf_level_names[] = { "error", "warn", "info", "debug", NULL };

struct conf_log_raw {
	int level;
	bool syslog;
};
static const struct conf_key conf_log_keys[] = {
	{ .name = "level", .type = CONF_ENUM, .offset = offsetof(struct conf_log_raw, level),
	  .def = "info", .names = conf_level_names },
	{ .name = "syslog", .type = CONF_BOOL, .offset = offsetof(struct conf_log_raw, syslog),
	  .def = "false" },
};

struct conf_database_raw {
	char *path;
};
static const struct conf_key conf_database_keys[] = {
	{ .name = "path", .type = CONF_PATH, .offset = offsetof(struct conf_database_raw, path),
	  .required = true },
};

/* The scalar keys of the top level. */
#define KT(f) offsetof(struct tinbao_conf, f)
static const struct conf_key conf_top_keys[] = {
	{ .name = "country", .type = CONF_STRING, .offset = KT(country), .def = "+84",
	  .check = conf_check_country },
	{ .name = "timezone", .type = CONF_STRING, .offset = KT(timezone),
	  .def = "Asia/Ho_Chi_Minh", .check = conf_check_timezone },
	{ .name = "catalog", .type = CONF_PATH, .offset = KT(catalog), .def = "catalog.conf" },
};

/* One user of the seed list, before it becomes a struct user. */
struct conf_user_raw {
	char *phone, *name, *commune, *village;
	int role;
	bool active, training;
};
static const char *const conf_role_names[] = { "collaborator", "staff", "official", "admin",
					       NULL };
#define KU(f) offsetof(struct conf_user_raw, f)
static const struct conf_key conf_user_keys[] = {
	{ .name = "phone", .type = CONF_PHONE, .offset = KU(phone), .required = true },
	{ .name = "name", .type = CONF_STRING, .offset = KU(name), .def = "" },
	{ .name = "role", .type = CONF_ENUM, .offset = KU(role), .required = true,
	  .names = conf_role_names },
	{ .name = "commune", .type = CONF_STRING, .offset = KU(commune), .def = "" },
	{ .name = "village", .type = CONF_STRING, .offset = KU(village), .def = "" },
	{ .name = "active", .type = CONF_BOOL, .offset = KU(active), .def = "true" },
	{ .name = "training", .type = CONF_BOOL, .offset = KU(training), .def = "false" },
};

#define NKEYS(a) (sizeof(a) / sizeof *(a))

static const char *const conf_core_names[] = {
	"catalog", "country", "database", "limits", "log", "modem", "timezone", "users", NULL,
};

/* ---- users ---- */

static bool conf_fits(struct conf_ctx *ctx, const config_setting_t *e, const char *where,
		      const char *key, const char *v, size_t cap)
{
	if (v && strlen(v) >= cap) {
		conf_err(ctx, config_setting_get_member(e, key), "%s.%s: longer than %zu bytes",
			 where, key, cap - 1);
		return false;
	}
	return true;
}

static void conf_parse_users(struct conf_ctx *ctx, const config_setting_t *st,
			     struct tinbao_conf *c)
{
	if (!st)
		return;
	if (!config_setting_is_list(st) && !config_setting_is_array(st)) {
		conf_err(ctx, st, "users: expected a list ( { phone = ...; role = ...; }, ... ), got %s",
			 config_setting_is_group(st) ? "a group" : "a value");
		return;
	}
	int n = config_setting_length(st);
	if (n == 0)
		return;
	c->users = calloc((size_t)n, sizeof *c->users);
	if (!c->users)
		abort();
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
		char where[32];
		snprintf(where, sizeof where, "users[%d]", i + 1);
		struct conf_user_raw r = { 0 };
		int errs = conf_parse_group(ctx, e, where, conf_user_keys, NKEYS(conf_user_keys), &r);
		if (errs == 0) {
			/* Each check reports its own error: run them all. */
			bool ok = conf_fits(ctx, e, where, "name", r.name, sizeof c->users->name);
			if (!conf_fits(ctx, e, where, "commune", r.commune, sizeof c->users->commune))
				ok = false;
			if (!conf_fits(ctx, e, where, "village", r.village, sizeof c->users->village))
				ok = false;
			size_t cl = strlen(r.commune);
			if (ok && r.role == 0 && !cl) {
				conf_err(ctx, e, "%s: a collaborator needs a commune (catalog code)", where);
				ok = false;
			}
			if (ok && *r.village &&
			    (!cl || strncmp(r.village, r.commune, cl) != 0 || r.village[cl] != '/')) {
				conf_err(ctx, config_setting_get_member(e, "village"),
					 "%s.village: expected a village code of commune \"%s\" "
					 "(\"%s/...\"), got \"%s\"", where, r.commune, r.commune,
					 r.village);
				ok = false;
			}
			for (size_t j = 0; ok && j < c->nusers; j++)
				if (!strcmp(c->users[j].phone, r.phone)) {
					conf_err(ctx, config_setting_get_member(e, "phone"),
						 "%s.phone: %s is listed twice", where, r.phone);
					ok = false;
				}
			if (ok) {
				struct user *u = &c->users[c->nusers++];
				snprintf(u->phone, sizeof u->phone, "%s", r.phone);
				snprintf(u->name, sizeof u->name, "%s", r.name);
				snprintf(u->commune, sizeof u->commune, "%s", r.commune);
				snprintf(u->village, sizeof u->village, "%s", r.village);
				u->role = (enum user_role)(ROLE_COLLABORATOR + r.role);
				u->active = r.active;
				u->training = r.training;
			}
		}
		conf_free_group(conf_user_keys, NKEYS(conf_user_keys), &r);
	}
}

static int conf_user_cmp(const void *a, const void *b)
{
	return strcmp(((const struct user *)a)->phone, ((const struct user *)b)->phone);
}

/* ---- load ---- */

static void conf_dirname(const char *path, char *out, size_t len)
{
	snprintf(out, len, "%s", path);
	char *slash = strrchr(out, '/');
	if (slash == out)
		out[1] = 0;
	else if (slash)
		*slash = 0;
	else
		snprintf(out, len, ".");
}

const char *conf_default_path(const char *explicit_path)
{
	if (explicit_path && *explicit_path)
		return explicit_path;
	const char *e = getenv("TINBAO_CONF");
	return e && *e ? e : CONF_DEFAULT_PATH;
}

static bool conf_is_known_top(const char *name)
{
	for (const char *const *n = conf_core_names; *n; n++)
		if (!strcmp(*n, name))
			return true;
	for (const struct conf_section *s = conf_sections; s->name; s++)
		if (!strcmp(s->name, name))
			return true;
	return false;
}

static void conf_check_top_names(struct conf_ctx *ctx, const config_setting_t *root)
{
	int n = config_setting_length(root);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(root, (unsigned)i);
		const char *name = config_setting_name(e);
		if (name && conf_is_known_top(name))
			continue;
		char list[512];
		size_t o = 0;
		list[0] = 0;
		for (const char *const *k = conf_core_names; *k && o < sizeof list; k++)
			o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", o ? ", " : "", *k);
		for (const struct conf_section *s = conf_sections; s->name && o < sizeof list; s++)
			o += (size_t)snprintf(list + o, sizeof list - o, ", %s", s->name);
		conf_err(ctx, e, "unknown key '%s' (expected one of: %s)", name ? name : "?", list);
	}
}

static int conf_check_all(config_t *cfgp, struct conf_ctx *ctxp, struct tinbao_conf *out);

/* The checks proper, on a file libconfig has read (or failed to). */
static int conf_load_cfg(config_t *cfg, bool read_ok, const char *name, struct conf_ctx *ctx,
			 struct tinbao_conf *out)
{
	if (!read_ok) {
		/* libconfig stops at the first syntax error. */
		const char *f = config_error_file(cfg);
		int line = config_error_line(cfg);
		char msg[300];
		if (config_error_type(cfg) == CONFIG_ERR_FILE_IO)
			snprintf(msg, sizeof msg, "cannot read: %s", config_error_text(cfg));
		else
			snprintf(msg, sizeof msg, "%s", config_error_text(cfg));
		ctx->nerr++;
		if (ctx->fn)
			ctx->fn(ctx->arg, f ? f : name, line, msg);
		else if (line)
			fprintf(stderr, "%s:%d: %s\n", f ? f : name, line, msg);
		else
			fprintf(stderr, "%s: %s\n", f ? f : name, msg);
		config_destroy(cfg);
		conf_free(out);
		return ctx->nerr;
	}
	return conf_check_all(cfg, ctx, out);
}

int conf_load(const char *path, struct tinbao_conf *out, conf_error_fn err, void *arg)
{
	memset(out, 0, sizeof *out);
	struct conf_ctx ctx = { .file = path ? path : "(null)", .fn = err, .arg = arg };
	if (!path || !*path) {
		conf_err(&ctx, NULL, "no configuration file given");
		return ctx.nerr;
	}
	char abs[PATH_MAX], dir[PATH_MAX];
	if (!realpath(path, abs)) {
		conf_err(&ctx, NULL, "cannot read: %s", strerror(errno));
		return ctx.nerr;
	}
	conf_dirname(abs, dir, sizeof dir);
	out->path = strdup(abs);
	out->dir = strdup(dir);
	if (!out->path || !out->dir)
		abort();
	ctx.dir = out->dir;
	config_t cfg;
	config_init(&cfg);
	config_set_include_dir(&cfg, dir);
	bool ok = config_read_file(&cfg, path) == CONFIG_TRUE;
	return conf_load_cfg(&cfg, ok, path, &ctx, out);
}

int conf_load_string(const char *text, const char *name, struct tinbao_conf *out,
		     conf_error_fn err, void *arg)
{
	memset(out, 0, sizeof *out);
	struct conf_ctx ctx = { .file = name && *name ? name : "(string)", .fn = err, .arg = arg };
	char dir[PATH_MAX];
	conf_dirname(ctx.file, dir, sizeof dir);
	out->path = strdup(ctx.file);
	out->dir = strdup(dir);
	if (!out->path || !out->dir)
		abort();
	ctx.dir = out->dir;
	config_t cfg;
	config_init(&cfg);
	config_set_include_dir(&cfg, dir);
	bool ok = config_read_string(&cfg, text ? text : "") == CONFIG_TRUE;
	return conf_load_cfg(&cfg, ok, ctx.file, &ctx, out);
}

static int conf_check_all(config_t *cfgp, struct conf_ctx *ctxp, struct tinbao_conf *out)
{
	struct conf_ctx ctx = *ctxp;
	const config_setting_t *root = config_root_setting(cfgp);
	ctx.errs = conf_errlist_new();

	conf_check_top_names(&ctx, root);
	/* Scalars first: users need the country to normalise phones. */
	conf_parse_keys(&ctx, root, "", conf_top_keys, NKEYS(conf_top_keys), out, false);
	ctx.country = out->country;

	const config_setting_t *modem = config_setting_get_member(root, "modem");
	if (!modem)
		conf_err(&ctx, NULL, "missing required section 'modem' (modem = { device = \"...\"; };)");
	else
		conf_parse_group(&ctx, modem, "modem", conf_modem_keys, NKEYS(conf_modem_keys),
				 &out->modem);

	const config_setting_t *db = config_setting_get_member(root, "database");
	struct conf_database_raw dbr = { 0 };
	if (!db)
		conf_err(&ctx, NULL,
			 "missing required section 'database' (database = { path = \"...\"; };)");
	else
		conf_parse_group(&ctx, db, "database", conf_database_keys, NKEYS(conf_database_keys),
				 &dbr);
	out->database = dbr.path;

	struct conf_log_raw lr = { 0 };
	conf_parse_group(&ctx, config_setting_get_member(root, "log"), "log", conf_log_keys,
			 NKEYS(conf_log_keys), &lr);
	out->log.level = (enum log_level)lr.level;
	out->log.syslog = lr.syslog;

	const config_setting_t *lim = config_setting_get_member(root, "limits");
	conf_parse_group(&ctx, lim, "limits", conf_limits_keys, NKEYS(conf_limits_keys),
			 &out->limits);
	if (out->limits.send_backoff_max && out->limits.send_backoff_max < out->limits.send_backoff)
		conf_err(&ctx, lim ? config_setting_get_member(lim, "send_backoff_max") : NULL,
			 "limits.send_backoff_max: expected at least send_backoff");

	conf_parse_users(&ctx, config_setting_get_member(root, "users"), out);
	if (out->nusers > 1)
		qsort(out->users, out->nusers, sizeof *out->users, conf_user_cmp);

	for (const struct conf_section *s = conf_sections; s->name; s++)
		if (s->parse)
			s->parse(&ctx, config_setting_get_member(root, s->name), out);

	config_destroy(cfgp);
	conf_errlist_flush(&ctx);
	*ctxp = ctx;
	if (ctx.nerr) {
		conf_free(out);
		return ctx.nerr;
	}
	return 0;
}

/* ---- print ---- */

static void conf_print_scalar(FILE *f, const struct tinbao_conf *c, const char *name)
{
	for (size_t i = 0; i < NKEYS(conf_top_keys); i++)
		if (!strcmp(conf_top_keys[i].name, name))
			conf_print_group(f, 0, &conf_top_keys[i], 1, c);
}

static void conf_print_users(FILE *f, const struct tinbao_conf *c)
{
	if (!c->nusers) {
		fputs("users = ( );\n", f);
		return;
	}
	fputs("users = (\n", f);
	for (size_t i = 0; i < c->nusers; i++) {
		const struct user *u = &c->users[i];
		struct conf_user_raw r = {
			.phone = (char *)u->phone, .name = (char *)u->name,
			.commune = (char *)u->commune, .village = (char *)u->village,
			.role = (int)u->role - ROLE_COLLABORATOR, .active = u->active,
			.training = u->training,
		};
		fputs("\t{\n", f);
		conf_print_group(f, 2, conf_user_keys, NKEYS(conf_user_keys), &r);
		fputs(i + 1 < c->nusers ? "\t},\n" : "\t}\n", f);
	}
	fputs(");\n", f);
}

struct conf_printer {
	const char *name;
	const struct conf_section *section;	/* NULL: a core entry */
};

static int conf_printer_cmp(const void *a, const void *b)
{
	return strcmp(((const struct conf_printer *)a)->name, ((const struct conf_printer *)b)->name);
}

void conf_print(const struct tinbao_conf *c, FILE *f)
{
	struct conf_printer p[64];
	size_t n = 0;
	for (const char *const *k = conf_core_names; *k && n < 64; k++)
		p[n++] = (struct conf_printer){ *k, NULL };
	for (const struct conf_section *s = conf_sections; s->name && n < 64; s++)
		p[n++] = (struct conf_printer){ s->name, s };
	qsort(p, n, sizeof *p, conf_printer_cmp);
	for (size_t i = 0; i < n; i++) {
		const char *name = p[i].name;
		if (p[i].section) {
			if (p[i].section->print)
				p[i].section->print(c, f);
		} else if (!strcmp(name, "modem")) {
			conf_print_section(f, "modem", conf_modem_keys, NKEYS(conf_modem_keys),
					   &c->modem);
		} else if (!strcmp(name, "database")) {
			struct conf_database_raw r = { c->database };
			conf_print_section(f, "database", conf_database_keys,
					   NKEYS(conf_database_keys), &r);
		} else if (!strcmp(name, "log")) {
			struct conf_log_raw r = { (int)c->log.level, c->log.syslog };
			conf_print_section(f, "log", conf_log_keys, NKEYS(conf_log_keys), &r);
		} else if (!strcmp(name, "limits")) {
			conf_print_section(f, "limits", conf_limits_keys, NKEYS(conf_limits_keys),
					   &c->limits);
		} else if (!strcmp(name, "users")) {
			conf_print_users(f, c);
		} else {
			conf_print_scalar(f, c, name);
		}
	}
}

void conf_free(struct tinbao_conf *c)
{
	if (!c)
		return;
	for (const struct conf_section *s = conf_sections; s->name; s++)
		if (s->free)
			s->free(c);
	conf_free_group(conf_modem_keys, NKEYS(conf_modem_keys), &c->modem);
	conf_free_group(conf_limits_keys, NKEYS(conf_limits_keys), &c->limits);
	conf_free_group(conf_top_keys, NKEYS(conf_top_keys), c);
	free(c->database);
	free(c->users);
	free(c->path);
	free(c->dir);
	memset(c, 0, sizeof *c);
}
