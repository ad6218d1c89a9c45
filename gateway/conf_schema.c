/* conf_schema.c: the schema machinery behind conf.c and the owners'
 * sections: a table of struct conf_key describes a group; from it come
 * type checks, defaults, ranges, unknown-key errors with line numbers, the
 * canonical print and the freeing. Also the small value syntaxes
 * (durations, times of day, weekdays). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "sms/phone.h"

/* ---- errors ---- */

/* Errors are collected and handed out sorted by file and line, so that
 * they read top to bottom whatever order the sections are checked in. */
struct conf_error {
	char *file;
	int line;
	int seq;
	char *msg;
};
struct conf_errlist {
	struct conf_error *v;
	size_t n, cap;
};

static void conf_emit(const struct conf_ctx *ctx, const char *file, int line, const char *msg)
{
	if (ctx->fn)
		ctx->fn(ctx->arg, file, line, msg);
	else if (line)
		fprintf(stderr, "%s:%d: %s\n", file, line, msg);
	else
		fprintf(stderr, "%s: %s\n", file, msg);
}

void conf_err(struct conf_ctx *ctx, const config_setting_t *st, const char *fmt, ...)
{
	char msg[512], fbuf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	const char *file = st ? config_setting_source_file(st) : NULL;
	if (!file)
		file = ctx->file;
	/* libconfig names an @include'd file as written: make it findable. */
	if (file[0] != '/' && strcmp(file, ctx->file) != 0 && ctx->dir) {
		snprintf(fbuf, sizeof fbuf, "%s/%s", ctx->dir, file);
		file = fbuf;
	}
	int line = st ? (int)config_setting_source_line(st) : 0;
	ctx->nerr++;
	struct conf_errlist *l = ctx->errs;
	if (!l) {
		conf_emit(ctx, file, line, msg);
		return;
	}
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 16;
		struct conf_error *nv = realloc(l->v, ncap * sizeof *nv);
		if (!nv)
			abort();
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n] = (struct conf_error){ strdup(file), line, (int)l->n, strdup(msg) };
	if (!l->v[l->n].file || !l->v[l->n].msg)
		abort();
	l->n++;
}

struct conf_errlist *conf_errlist_new(void)
{
	struct conf_errlist *l = calloc(1, sizeof *l);
	if (!l)
		abort();
	return l;
}

static int conf_error_cmp(const void *a, const void *b)
{
	const struct conf_error *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	if (c)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void conf_errlist_flush(struct conf_ctx *ctx)
{
	struct conf_errlist *l = ctx->errs;
	if (!l)
		return;
	if (l->n > 1)
		qsort(l->v, l->n, sizeof *l->v, conf_error_cmp);
	for (size_t i = 0; i < l->n; i++) {
		conf_emit(ctx, l->v[i].file, l->v[i].line, l->v[i].msg);
		free(l->v[i].file);
		free(l->v[i].msg);
	}
	free(l->v);
	free(l);
	ctx->errs = NULL;
}

/* ---- value syntaxes ---- */

int conf_parse_duration(const char *s, int64_t *secs, char *why, size_t whylen)
{
	static const char expect[] = "a duration such as \"90s\", \"10m\", \"6h\", \"2d\" or \"1h30m\"";
	int64_t total = 0;
	const char *p = s;
	if (!s || !*s)
		goto bad;
	while (*p) {
		if (!isdigit((unsigned char)*p))
			goto bad;
		int64_t n = 0;
		while (isdigit((unsigned char)*p)) {
			n = n * 10 + (*p++ - '0');
			if (n > 100000000)
				goto bad;
		}
		int64_t unit;
		switch (*p++) {
		case 's': unit = 1; break;
		case 'm': unit = 60; break;
		case 'h': unit = 3600; break;
		case 'd': unit = 86400; break;
		default: goto bad;
		}
		total += n * unit;
		if (total > (int64_t)3650 * 86400)
			goto bad;
	}
	*secs = total;
	return 0;
bad:
	snprintf(why, whylen, "expected %s", expect);
	return -1;
}

void conf_format_duration(int64_t secs, char *buf, size_t len)
{
	if (secs > 0 && secs % 86400 == 0)
		snprintf(buf, len, "%lldd", (long long)(secs / 86400));
	else if (secs > 0 && secs % 3600 == 0)
		snprintf(buf, len, "%lldh", (long long)(secs / 3600));
	else if (secs > 0 && secs % 60 == 0)
		snprintf(buf, len, "%lldm", (long long)(secs / 60));
	else
		snprintf(buf, len, "%llds", (long long)secs);
}

int conf_parse_time(const char *s, int *minutes, char *why, size_t whylen)
{
	int h = 0, m = 0, n = 0;
	if (!s || !isdigit((unsigned char)s[0]))
		goto bad;
	if (sscanf(s, "%2d:%2d%n", &h, &m, &n) != 2 || s[n] || h > 23 || m > 59 || n < 4 ||
	    !isdigit((unsigned char)s[n - 1]) || !isdigit((unsigned char)s[n - 2]))
		goto bad;
	*minutes = h * 60 + m;
	return 0;
bad:
	snprintf(why, whylen, "expected a time of day \"HH:MM\" (00:00 to 23:59)");
	return -1;
}

static const char *const conf_weekdays[] = {
	"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
};
/* Vietnamese: thứ hai (Monday) .. thứ bảy, chủ nhật; written t2..t7, cn. */
static const char *const conf_weekdays_vi[] = { "cn", "t2", "t3", "t4", "t5", "t6", "t7" };

int conf_parse_weekday(const char *s, int *wday, char *why, size_t whylen)
{
	if (s) {
		size_t n = strlen(s);
		for (int i = 0; i < 7; i++)
			if ((n >= 3 && n <= strlen(conf_weekdays[i]) &&
			     !strncasecmp(s, conf_weekdays[i], n)) ||
			    !strcasecmp(s, conf_weekdays_vi[i])) {
				*wday = i;
				return 0;
			}
	}
	snprintf(why, whylen, "expected a weekday: monday .. sunday (or mon, t2 .. t7, cn)");
	return -1;
}

const char *conf_weekday_name(int wday)
{
	return wday >= 0 && wday < 7 ? conf_weekdays[wday] : "?";
}

void conf_print_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '"': fputs("\\\"", f); break;
		case '\\': fputs("\\\\", f); break;
		case '\n': fputs("\\n", f); break;
		case '\r': fputs("\\r", f); break;
		case '\t': fputs("\\t", f); break;
		case '\f': fputs("\\f", f); break;
		default:
			if (*p < 0x20)
				fprintf(f, "\\x%02x", *p);
			else
				fputc(*p, f);
		}
	}
	fputc('"', f);
}

/* ---- recipient lists ---- */

bool conf_check_recipients(const struct conf_strv *v, const char *const *roles, char *why,
			   size_t whylen)
{
	for (size_t i = 0; i < v->n; i++) {
		const char *r = v->v[i];
		if (!strncmp(r, "role:", 5)) {
			size_t k = 0;
			while (roles[k] && strcmp(r + 5, roles[k]))
				k++;
			if (roles[k])
				continue;
			/* "role:a, role:b or role:c", in the caller's order. */
			char list[256] = "";
			size_t len = 0;
			for (k = 0; roles[k] && len < sizeof list; k++) {
				const char *sep = !k ? "" : roles[k + 1] ? ", " : " or ";
				int w = snprintf(list + len, sizeof list - len, "%srole:%s", sep, roles[k]);
				if (w < 0)
					break;
				len += (size_t)w;
			}
			snprintf(why, whylen, "'%s': expected %s", r, list);
			return false;
		}
		/* The one hard-coded "+84" for recipient lists: conf_key checks
		 * get no conf_ctx, so not the configured country. It only tells a
		 * number from a mistake here (the country changes that only at
		 * the edges of E.164 length); conf_normalise_recipients() then
		 * writes the numbers with the configured country. */
		char out[32];
		if (phone_normalize(r, "+84", out, sizeof out) != PHONE_E164) {
			snprintf(why, whylen, "'%s': expected \"role:NAME\" or a phone number", r);
			return false;
		}
	}
	return true;
}

void conf_normalise_recipients(const struct conf_ctx *ctx, struct conf_strv *v)
{
	for (size_t i = 0; i < v->n; i++) {
		char out[32];
		const char *r = v->v[i];
		if (strncmp(r, "role:", 5) &&
		    phone_normalize(r, ctx->country ? ctx->country : "+84", out, sizeof out) == PHONE_E164) {
			char *dup = strdup(out);
			if (dup) {
				free(v->v[i]);
				v->v[i] = dup;
			}
		}
	}
}

/* ---- one value ---- */

/* What a setting (or a default written as text) holds, before checks. */
struct conf_val {
	enum { V_STR, V_INT, V_BOOL, V_FLOAT, V_LIST, V_OTHER } kind;
	const char *s;
	long long i;
	bool b;
	double d;
	const config_setting_t *st;	/* V_LIST: the array / list */
};

static const char *conf_type_expect(const struct conf_key *k, char *buf, size_t len)
{
	switch (k->type) {
	case CONF_STRING: return "a string";
	case CONF_PATH: return "a file path (a string)";
	case CONF_INT: return "an integer";
	case CONF_BOOL: return "true or false";
	case CONF_DOUBLE: return "a number";
	case CONF_DURATION: return "a duration such as \"90s\", \"10m\", \"6h\" or \"2d\"";
	case CONF_TIME: return "a time of day \"HH:MM\"";
	case CONF_WEEKDAY: return "a weekday (monday .. sunday)";
	case CONF_STRINGS: return "a list of strings [ \"a\", \"b\" ]";
	case CONF_PHONE: return "a phone number (a string)";
	case CONF_ENUM: {
		size_t o = (size_t)snprintf(buf, len, "one of");
		for (size_t i = 0; k->names && k->names[i] && o < len; i++)
			o += (size_t)snprintf(buf + o, len - o, "%s \"%s\"", i ? "," : "",
					      k->names[i]);
		return buf;
	}
	}
	return "?";
}

static const char *conf_setting_type_name(const config_setting_t *st)
{
	switch (config_setting_type(st)) {
	case CONFIG_TYPE_GROUP: return "a group";
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64: return "an integer";
	case CONFIG_TYPE_FLOAT: return "a floating-point number";
	case CONFIG_TYPE_STRING: return "a string";
	case CONFIG_TYPE_BOOL: return "a boolean";
	case CONFIG_TYPE_ARRAY: return "an array";
	case CONFIG_TYPE_LIST: return "a list";
	default: return "nothing";
	}
}

static struct conf_val conf_val_of(const config_setting_t *st)
{
	struct conf_val v = { .kind = V_OTHER, .st = st };
	switch (config_setting_type(st)) {
	case CONFIG_TYPE_STRING:
		v.kind = V_STR;
		v.s = config_setting_get_string(st);
		break;
	case CONFIG_TYPE_INT:
	case CONFIG_TYPE_INT64:
		v.kind = V_INT;
		v.i = config_setting_get_int64(st);
		break;
	case CONFIG_TYPE_BOOL:
		v.kind = V_BOOL;
		v.b = config_setting_get_bool(st) != 0;
		break;
	case CONFIG_TYPE_FLOAT:
		v.kind = V_FLOAT;
		v.d = config_setting_get_float(st);
		break;
	case CONFIG_TYPE_ARRAY:
	case CONFIG_TYPE_LIST:
		v.kind = V_LIST;
		break;
	default:
		break;
	}
	return v;
}

/* A default, spelled as in the file, as the setting kind it stands for. */
static struct conf_val conf_val_of_default(const struct conf_key *k, char *q, size_t qlen)
{
	struct conf_val v = { .kind = V_STR, .s = k->def };
	/* A string default may be written with its quotes, as in the file. */
	size_t n = strlen(k->def);
	if (n >= 2 && k->def[0] == '"' && k->def[n - 1] == '"') {
		snprintf(q, qlen, "%.*s", (int)(n - 2), k->def + 1);
		v.s = q;
	}
	switch (k->type) {
	case CONF_INT:
		v.kind = V_INT;
		v.i = strtoll(k->def, NULL, 10);
		break;
	case CONF_BOOL:
		v.kind = V_BOOL;
		v.b = !strcmp(k->def, "true");
		break;
	case CONF_DOUBLE:
		v.kind = V_FLOAT;
		v.d = strtod(k->def, NULL);
		break;
	case CONF_STRINGS:
		v.kind = V_LIST;	/* defaults of lists are empty */
		break;
	case CONF_STRING:
	case CONF_PATH:
	case CONF_DURATION:
	case CONF_TIME:
	case CONF_WEEKDAY:
	case CONF_ENUM:
	case CONF_PHONE:
		break;
	}
	return v;
}

static char *conf_strdup(const char *s)
{
	char *d = strdup(s ? s : "");
	if (!d)
		abort();	/* start-up only: no way to go on without memory */
	return d;
}

static char *conf_resolve(const char *dir, const char *p)
{
	if (p[0] == '/' || !dir)
		return conf_strdup(p);
	while (p[0] == '.' && p[1] == '/')
		p += 2;
	size_t n = strlen(dir) + strlen(p) + 2;
	char *r = malloc(n);
	if (!r)
		abort();
	snprintf(r, n, "%s/%s", dir, p);
	return r;
}

static bool conf_range_on(const struct conf_key *k)
{
	return k->min != 0 || k->max != 0;
}

/* Checks v against k and stores it in field. 0, or -1 with why set. */
static int conf_assign(struct conf_ctx *ctx, const struct conf_key *k, const struct conf_val *v,
		       void *field, char *why, size_t whylen)
{
	char buf[256], b1[24], b2[24], b3[24];
	bool type_ok;
	switch (k->type) {
	case CONF_INT: type_ok = v->kind == V_INT; break;
	case CONF_BOOL: type_ok = v->kind == V_BOOL; break;
	case CONF_DOUBLE: type_ok = v->kind == V_FLOAT || v->kind == V_INT; break;
	case CONF_DURATION: type_ok = v->kind == V_STR || v->kind == V_INT; break;
	case CONF_STRINGS: type_ok = v->kind == V_LIST; break;
	case CONF_STRING:
	case CONF_PATH:
	case CONF_TIME:
	case CONF_WEEKDAY:
	case CONF_ENUM:
	case CONF_PHONE:
	default: type_ok = v->kind == V_STR; break;
	}
	if (!type_ok) {
		snprintf(why, whylen, "expected %s, got %s", conf_type_expect(k, buf, sizeof buf),
			 v->st ? conf_setting_type_name(v->st) : "another type");
		return -1;
	}
	switch (k->type) {
	case CONF_STRING:
		*(char **)field = conf_strdup(v->s);
		break;
	case CONF_PATH:
		if (!*v->s) {
			snprintf(why, whylen, "expected a file path, got an empty string");
			return -1;
		}
		*(char **)field = conf_resolve(ctx->dir, v->s);
		break;
	case CONF_PHONE: {
		char out[64];
		if (phone_normalize(v->s, ctx->country ? ctx->country : "+84", out, sizeof out) !=
		    PHONE_E164) {
			snprintf(why, whylen, "expected a subscriber phone number, got \"%s\"", v->s);
			return -1;
		}
		*(char **)field = conf_strdup(out);
		break;
	}
	case CONF_INT:
		if (v->i < -2147483647LL || v->i > 2147483647LL ||
		    (conf_range_on(k) && (v->i < k->min || v->i > k->max))) {
			snprintf(why, whylen, "%lld is out of range, expected %lld to %lld", v->i,
				 k->min, k->max);
			return -1;
		}
		*(int *)field = (int)v->i;
		break;
	case CONF_BOOL:
		*(bool *)field = v->b;
		break;
	case CONF_DOUBLE: {
		double d = v->kind == V_INT ? (double)v->i : v->d;
		if (conf_range_on(k) && (d < (double)k->min || d > (double)k->max)) {
			snprintf(why, whylen, "%g is out of range, expected %lld to %lld", d, k->min,
				 k->max);
			return -1;
		}
		*(double *)field = d;
		break;
	}
	case CONF_DURATION: {
		int64_t secs;
		if (v->kind == V_INT) {
			if (v->i < 0) {
				snprintf(why, whylen, "expected a duration, got %lld", v->i);
				return -1;
			}
			secs = v->i;
		} else if (conf_parse_duration(v->s, &secs, why, whylen) < 0) {
			size_t l = strlen(why);
			snprintf(why + l, whylen - l, ", got \"%s\"", v->s);
			return -1;
		}
		if (conf_range_on(k) && (secs < k->min || secs > k->max)) {
			conf_format_duration(k->min, b1, sizeof b1);
			conf_format_duration(k->max, b2, sizeof b2);
			conf_format_duration(secs, b3, sizeof b3);
			snprintf(why, whylen, "%s is out of range, expected %s to %s", b3, b1, b2);
			return -1;
		}
		*(int64_t *)field = secs;
		break;
	}
	case CONF_TIME:
		if (conf_parse_time(v->s, (int *)field, why, whylen) < 0)
			return -1;
		break;
	case CONF_WEEKDAY:
		if (conf_parse_weekday(v->s, (int *)field, why, whylen) < 0)
			return -1;
		break;
	case CONF_ENUM:
		for (int i = 0; k->names && k->names[i]; i++)
			if (!strcmp(v->s, k->names[i])) {
				*(int *)field = i;
				goto checked;
			}
		snprintf(why, whylen, "expected %s, got \"%s\"", conf_type_expect(k, buf, sizeof buf),
			 v->s);
		return -1;
	case CONF_STRINGS: {
		struct conf_strv *sv = field;
		int n = v->st ? config_setting_length(v->st) : 0;
		for (int i = 0; i < n; i++) {
			const config_setting_t *e = config_setting_get_elem(v->st, (unsigned)i);
			if (config_setting_type(e) != CONFIG_TYPE_STRING) {
				snprintf(why, whylen, "element %d: expected a string, got %s", i + 1,
					 conf_setting_type_name(e));
				return -1;
			}
		}
		sv->v = n ? calloc((size_t)n, sizeof *sv->v) : NULL;
		if (n && !sv->v)
			abort();
		for (int i = 0; i < n; i++)
			sv->v[i] = conf_strdup(config_setting_get_string(
				config_setting_get_elem(v->st, (unsigned)i)));
		sv->n = (size_t)n;
		break;
	}
	}
checked:
	if (k->check && !k->check(field, why, whylen))
		return -1;
	return 0;
}

static void conf_free_field(const struct conf_key *k, void *field)
{
	switch (k->type) {
	case CONF_STRING:
	case CONF_PATH:
	case CONF_PHONE:
		free(*(char **)field);
		*(char **)field = NULL;
		break;
	case CONF_STRINGS: {
		struct conf_strv *sv = field;
		for (size_t i = 0; i < sv->n; i++)
			free(sv->v[i]);
		free(sv->v);
		sv->v = NULL;
		sv->n = 0;
		break;
	}
	case CONF_INT:
	case CONF_BOOL:
	case CONF_DOUBLE:
	case CONF_DURATION:
	case CONF_TIME:
	case CONF_WEEKDAY:
	case CONF_ENUM:
		break;
	}
}

void conf_free_group(const struct conf_key *keys, size_t nkeys, void *base)
{
	for (size_t i = 0; i < nkeys; i++)
		conf_free_field(&keys[i], (char *)base + keys[i].offset);
}

static void conf_keypath(char *buf, size_t len, const char *where, const char *name)
{
	if (where && *where)
		snprintf(buf, len, "%s.%s", where, name);
	else
		snprintf(buf, len, "%s", name);
}

/* Parses keys of group st into base; with reject_unknown, any other
 * setting is an error (the root passes false and checks names itself). */
int conf_parse_keys(struct conf_ctx *ctx, const config_setting_t *st, const char *where,
		    const struct conf_key *keys, size_t nkeys, void *base, bool reject_unknown)
{
	int before = ctx->nerr;
	char path[160], why[320];
	if (st && !config_setting_is_group(st)) {
		conf_err(ctx, st, "%s: expected a group { ... }, got %s", where,
			 conf_setting_type_name(st));
		return ctx->nerr - before;
	}
	if (st && reject_unknown) {
		int n = config_setting_length(st);
		for (int i = 0; i < n; i++) {
			const config_setting_t *e = config_setting_get_elem(st, (unsigned)i);
			const char *name = config_setting_name(e);
			size_t j;
			for (j = 0; j < nkeys; j++)
				if (name && !strcmp(name, keys[j].name))
					break;
			if (j < nkeys)
				continue;
			char list[400];
			size_t o = 0;
			list[0] = 0;
			for (j = 0; j < nkeys && o < sizeof list; j++)
				o += (size_t)snprintf(list + o, sizeof list - o, "%s%s", j ? ", " : "",
						      keys[j].name);
			conf_keypath(path, sizeof path, where, name ? name : "?");
			conf_err(ctx, e, "unknown key '%s' (expected one of: %s)", path, list);
		}
	}
	for (size_t j = 0; j < nkeys; j++) {
		const struct conf_key *k = &keys[j];
		void *field = (char *)base + k->offset;
		const config_setting_t *e = st ? config_setting_get_member(st, k->name) : NULL;
		conf_keypath(path, sizeof path, where, k->name);
		if (!e) {
			if (k->required) {
				conf_err(ctx, st, "%s: missing required key '%s'",
					 where && *where ? where : "top level", k->name);
				continue;
			}
			if (!k->def)
				continue;
			char q[256];
			struct conf_val dv = conf_val_of_default(k, q, sizeof q);
			if (conf_assign(ctx, k, &dv, field, why, sizeof why) < 0)
				conf_err(ctx, st, "%s: bad built-in default: %s", path, why);
			continue;
		}
		struct conf_val v = conf_val_of(e);
		if (conf_assign(ctx, k, &v, field, why, sizeof why) < 0)
			conf_err(ctx, e, "%s: %s", path, why);
	}
	return ctx->nerr - before;
}

int conf_parse_group(struct conf_ctx *ctx, const config_setting_t *st, const char *where,
		     const struct conf_key *keys, size_t nkeys, void *base)
{
	return conf_parse_keys(ctx, st, where, keys, nkeys, base, true);
}

/* ---- printing ---- */

static void conf_print_value(FILE *f, const struct conf_key *k, const void *field)
{
	char buf[64];
	switch (k->type) {
	case CONF_STRING:
	case CONF_PATH:
	case CONF_PHONE: {
		const char *s = *(char *const *)field;
		conf_print_string(f, k->secret && s && *s ? "********" : s);
		break;
	}
	case CONF_INT:
		fprintf(f, "%d", *(const int *)field);
		break;
	case CONF_BOOL:
		fputs(*(const bool *)field ? "true" : "false", f);
		break;
	case CONF_DOUBLE:
		snprintf(buf, sizeof buf, "%.15g", *(const double *)field);
		if (!strpbrk(buf, ".eEn"))
			strcat(buf, ".0");
		fputs(buf, f);
		break;
	case CONF_DURATION:
		conf_format_duration(*(const int64_t *)field, buf, sizeof buf);
		conf_print_string(f, buf);
		break;
	case CONF_TIME: {
		int m = *(const int *)field;
		snprintf(buf, sizeof buf, "%02d:%02d", m / 60, m % 60);
		conf_print_string(f, buf);
		break;
	}
	case CONF_WEEKDAY:
		conf_print_string(f, conf_weekday_name(*(const int *)field));
		break;
	case CONF_ENUM: {
		int i = *(const int *)field;
		conf_print_string(f, k->names && i >= 0 ? k->names[i] : "?");
		break;
	}
	case CONF_STRINGS: {
		const struct conf_strv *sv = field;
		fputs("[ ", f);
		for (size_t i = 0; i < sv->n; i++) {
			if (i)
				fputs(", ", f);
			conf_print_string(f, sv->v[i]);
		}
		fputs(sv->n ? " ]" : "]", f);
		break;
	}
	}
}

static int conf_key_cmp(const void *a, const void *b)
{
	const struct conf_key *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

void conf_print_group(FILE *f, int indent, const struct conf_key *keys, size_t nkeys,
		      const void *base)
{
	const struct conf_key *sorted[128];
	size_t n = nkeys < 128 ? nkeys : 128;
	for (size_t i = 0; i < n; i++)
		sorted[i] = &keys[i];
	qsort(sorted, n, sizeof *sorted, conf_key_cmp);
	for (size_t i = 0; i < n; i++) {
		for (int t = 0; t < indent; t++)
			fputc('\t', f);
		fprintf(f, "%s = ", sorted[i]->name);
		conf_print_value(f, sorted[i], (const char *)base + sorted[i]->offset);
		fputs(";\n", f);
	}
}

void conf_print_section(FILE *f, const char *name, const struct conf_key *keys, size_t nkeys,
			const void *base)
{
	fprintf(f, "%s = {\n", name);
	conf_print_group(f, 1, keys, nkeys, base);
	fputs("};\n", f);
}
