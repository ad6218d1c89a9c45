/* conf_office.h: the `summary` and `reminders` sections of tinbao.conf
 * (parsed by conf_office.c through conf.c's section table).
 *
 *   summary = { day = "mon"; time = "07:30"; timezone = "Asia/Ho_Chi_Minh";
 *               recipients = [ "role:official", "+84912345678" ];
 *               per_commune_chairs = true; };
 *   reminders = { after_days = 7; staff_after_days = 14; quiet = "21:00-07:00"; };
 *
 * Both sections are optional; absent, the defaults shown apply (summary to
 * role:official, no per-commune versions). */
#ifndef TINBAO_CONF_OFFICE_H
#define TINBAO_CONF_OFFICE_H

#include <stdbool.h>

#include "conf.h"

struct conf_summary {
	bool enabled;
	int day;		/* 0 = Sunday .. 6 = Saturday (CONF_WEEKDAY) */
	int time;		/* minutes after midnight in `timezone` */
	char *timezone;		/* the zone of day and time; absent: the global one
				 * (filled in by parse, so that the print shows it);
				 * NULL (defaults()): conf->timezone */
	struct conf_strv recipients;	/* "role:NAME" or E.164 phones (normalised) */
	bool per_commune_chairs;	/* officials with a commune get their commune's */
};

struct conf_reminders {
	bool enabled;
	int after_days;		/* a village silent this long: its collaborators */
	int staff_after_days;	/* then the commune's staff contact */
	char *quiet;		/* "21:00-07:00" as written */
	int quiet_from, quiet_to;	/* minutes after midnight; from == to: none */
};

void conf_office_summary_parse(struct conf_ctx *ctx, const config_setting_t *st,
			       struct tinbao_conf *c);
void conf_office_summary_print(const struct tinbao_conf *c, FILE *f);
void conf_office_summary_free(struct tinbao_conf *c);
void conf_office_reminders_parse(struct conf_ctx *ctx, const config_setting_t *st,
				 struct tinbao_conf *c);
void conf_office_reminders_print(const struct tinbao_conf *c, FILE *f);
void conf_office_reminders_free(struct tinbao_conf *c);

/* The defaults as a struct, for callers handed a conf without the section
 * (tests, a conf loaded before the entries existed). */
void conf_office_summary_defaults(struct conf_summary *s);
void conf_office_reminders_defaults(struct conf_reminders *r);

/* "21:00-07:00" -> minutes. 0 or -1 with what was expected in why. */
int conf_office_parse_quiet(const char *s, int *from, int *to, char *why, size_t whylen);
/* True when minute-of-day m lies in the quiet window (which may wrap
 * around midnight). */
bool conf_office_in_quiet(int from, int to, int m);

#endif
