/* conf_office.c: parsing of the `summary` and `reminders` sections (see
 * conf_office.h), with conf.h's key tables for types, ranges, defaults and
 * unknown keys; the recipients list and the quiet window get their own
 * checks so that mistakes are reported with the file and line. */
#include "conf_office.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

static bool check_recipients(const void *field, char *why, size_t whylen)
{
	static const char *const roles[] = { "official", "staff", "admin", "collaborator", NULL };
	return conf_check_recipients(field, roles, why, whylen);
}

static bool check_quiet(const void *field, char *why, size_t whylen)
{
	const char *const *s = field;
	int a, b;
	return !*s || conf_office_parse_quiet(*s, &a, &b, why, whylen) == 0;
}

static const struct conf_key summary_keys[] = {
	{ "enabled", CONF_BOOL, offsetof(struct conf_summary, enabled), false, "true", 0, 0, NULL, false, NULL },
	{ "day", CONF_WEEKDAY, offsetof(struct conf_summary, day), false, "mon", 0, 0, NULL, false, NULL },
	{ "time", CONF_TIME, offsetof(struct conf_summary, time), false, "07:30", 0, 0, NULL, false, NULL },
	/* No built-in default: absent, it is the global timezone (parse). */
	{ "timezone", CONF_STRING, offsetof(struct conf_summary, timezone), false, NULL, 0, 0, NULL, false,
	  conf_check_timezone },
	{ "recipients", CONF_STRINGS, offsetof(struct conf_summary, recipients), false,
	  NULL, 0, 0, NULL, false, check_recipients },
	{ "per_commune_chairs", CONF_BOOL, offsetof(struct conf_summary, per_commune_chairs), false,
	  "false", 0, 0, NULL, false, NULL },
};
#define NSUMMARY (sizeof summary_keys / sizeof summary_keys[0])

static const struct conf_key reminder_keys[] = {
	{ "enabled", CONF_BOOL, offsetof(struct conf_reminders, enabled), false, "true", 0, 0, NULL, false, NULL },
	{ "after_days", CONF_INT, offsetof(struct conf_reminders, after_days), false, "7", 1, 365, NULL, false, NULL },
	{ "staff_after_days", CONF_INT, offsetof(struct conf_reminders, staff_after_days), false, "14", 1, 365,
	  NULL, false, NULL },
	{ "quiet", CONF_STRING, offsetof(struct conf_reminders, quiet), false, "\"21:00-07:00\"", 0, 0, NULL,
	  false, check_quiet },
};
#define NREMINDER (sizeof reminder_keys / sizeof reminder_keys[0])

int conf_office_parse_quiet(const char *s, int *from, int *to, char *why, size_t whylen)
{
	char a[8], b[8];
	const char *dash = s ? strchr(s, '-') : NULL;
	if (!dash || (size_t)(dash - s) >= sizeof a || strlen(dash + 1) >= sizeof b) {
		snprintf(why, whylen, "expected \"HH:MM-HH:MM\" (e.g. \"21:00-07:00\")");
		return -1;
	}
	memcpy(a, s, (size_t)(dash - s));
	a[dash - s] = 0;
	strcpy(b, dash + 1);
	if (conf_parse_time(a, from, why, whylen) || conf_parse_time(b, to, why, whylen)) {
		snprintf(why, whylen, "expected \"HH:MM-HH:MM\" (e.g. \"21:00-07:00\")");
		return -1;
	}
	return 0;
}

bool conf_office_in_quiet(int from, int to, int m)
{
	if (from == to)
		return false;
	if (from < to)
		return m >= from && m < to;
	return m >= from || m < to;	/* wraps around midnight */
}

void conf_office_summary_parse(struct conf_ctx *ctx, const config_setting_t *st,
			       struct tinbao_conf *c)
{
	struct conf_summary *s = calloc(1, sizeof *s);
	if (!s) {
		conf_err(ctx, st, "out of memory");
		return;
	}
	c->summary = s;
	conf_parse_group(ctx, st, "summary", summary_keys, NSUMMARY, s);
	/* Without a recipients key the summary goes to the officials. */
	if (!s->recipients.n && !(st && config_setting_get_member(st, "recipients"))) {
		char **v = malloc(sizeof *v);
		char *one = strdup("role:official");
		if (v && one) {
			free(s->recipients.v);
			v[0] = one;
			s->recipients.v = v;
			s->recipients.n = 1;
		} else {
			free(v);
			free(one);
		}
	}
	/* Without its own zone the summary keeps the office's: written out, so
	 * that the print says which zone the time is read in. */
	if (!s->timezone && c->timezone && !(s->timezone = strdup(c->timezone)))
		conf_err(ctx, st, "out of memory");
	/* Phones in the list are kept normalised, so slot keys match. */
	conf_normalise_recipients(ctx, &s->recipients);
}

void conf_office_summary_print(const struct tinbao_conf *c, FILE *f)
{
	if (c->summary)
		conf_print_section(f, "summary", summary_keys, NSUMMARY, c->summary);
}

void conf_office_summary_free(struct tinbao_conf *c)
{
	if (!c->summary)
		return;
	conf_free_group(summary_keys, NSUMMARY, c->summary);
	free(c->summary);
	c->summary = NULL;
}

void conf_office_reminders_parse(struct conf_ctx *ctx, const config_setting_t *st,
				 struct tinbao_conf *c)
{
	struct conf_reminders *r = calloc(1, sizeof *r);
	if (!r) {
		conf_err(ctx, st, "out of memory");
		return;
	}
	c->reminders = r;
	int before = ctx->nerr;
	conf_parse_group(ctx, st, "reminders", reminder_keys, NREMINDER, r);
	char why[96];
	if (r->quiet && conf_office_parse_quiet(r->quiet, &r->quiet_from, &r->quiet_to, why, sizeof why))
		r->quiet_from = r->quiet_to = 0;
	if (ctx->nerr == before && r->staff_after_days < r->after_days) {
		const config_setting_t *k = st ? config_setting_get_member(st, "staff_after_days") : NULL;
		conf_err(ctx, k ? k : st, "expected staff_after_days >= after_days (%d)", r->after_days);
	}
}

void conf_office_reminders_print(const struct tinbao_conf *c, FILE *f)
{
	if (c->reminders)
		conf_print_section(f, "reminders", reminder_keys, NREMINDER, c->reminders);
}

void conf_office_reminders_free(struct tinbao_conf *c)
{
	if (!c->reminders)
		return;
	conf_free_group(reminder_keys, NREMINDER, c->reminders);
	free(c->reminders);
	c->reminders = NULL;
}

void conf_office_summary_defaults(struct conf_summary *s)
{
	static char official[] = "role:official";
	static char *list[] = { official };
	memset(s, 0, sizeof *s);
	s->enabled = true;
	s->day = 1;
	s->time = 7 * 60 + 30;
	s->recipients.v = list;
	s->recipients.n = 1;
}

void conf_office_reminders_defaults(struct conf_reminders *r)
{
	memset(r, 0, sizeof *r);
	r->enabled = true;
	r->after_days = 7;
	r->staff_after_days = 14;
	r->quiet_from = 21 * 60;
	r->quiet_to = 7 * 60;
}
