/* conf.h: the gateway's configuration (libconfig 1.5), strictly checked.
 *
 * conf_load() reads tinbao.conf, rejects unknown keys, wrong types and
 * values out of range, and reports EVERY problem as "FILE:LINE: what was
 * expected" before giving up; conf_print() writes the normalised result
 * (keys sorted, durations and numbers canonical, relative paths resolved
 * against the config file's folder, secrets masked), which is what
 * `tinbaod -t` prints. Every string in struct tinbao_conf is a private copy
 * (libconfig's die with config_destroy()) released by conf_free().
 *
 * Sections other than the core ones are parsed by their owners through the
 * section table in conf.c (see docs/configuration.md, "Adding a section"),
 * with the schema helpers below: a table of struct conf_key per group gives
 * parsing, defaults, range checks, unknown-key errors and printing. */
#ifndef TINBAO_CONF_H
#define TINBAO_CONF_H

#include <libconfig.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "log.h"
#include "store/store_users.h"

#define CONF_DEFAULT_PATH "/etc/tinbao/tinbao.conf"

/* A list of strings (libconfig array or list of strings). */
struct conf_strv {
	char **v;
	size_t n;
};

struct conf_modem {
	char *device;		/* "/dev/ttyUSB2", "usb:2c7c:0125:2", "tcp://host:port" */
	int baud;
	char *pin;		/* "" when the SIM has none; never logged */
	char *storage;		/* "SM", "ME", "MT" */
	char *model;		/* "auto" or a quirks-table name */
	int64_t sweep_every;	/* seconds between AT+CMGL=4 sweeps */
	int64_t health_every;	/* seconds between signal / registration polls */
	int64_t command_timeout;	/* seconds before an AT command is given up */
	int64_t reset_min_interval;	/* at most one AT+CFUN=1,1 per this many seconds */
	bool status_reports;	/* ask for delivery reports */
	bool direct_delivery;	/* +CMT with AT+CNMA instead of store-and-notify */
};

struct conf_limits {
	int replies_per_hour_per_number;	/* reply-loop cap */
	int64_t unregistered_reply_every;	/* seconds between polite replies to a stranger */
	int64_t incomplete_wait;	/* seconds before an incomplete message is assembled */
	int send_attempts;		/* then the outbox row is failed */
	int64_t send_backoff;		/* first retry delay, doubles */
	int64_t send_backoff_max;
	int64_t outbox_check_every;	/* the daemon's periodic look at the outbox */
};

struct conf_log {
	enum log_level level;
	bool syslog;
};

/* Owner-parsed sections (forward declared; defined in their owners'
 * headers, NULL until their parse function allocates them). */
struct conf_summary;
struct conf_reminders;
struct conf_credit;
struct conf_ussd_http;
struct conf_ussd_menu;

struct tinbao_conf {
	char *path;		/* the file read, absolute */
	char *dir;		/* its folder, for relative paths */
	struct conf_modem modem;
	char *database;		/* database.path, absolute */
	char *country;		/* "+84" */
	char *timezone;		/* "Asia/Ho_Chi_Minh" */
	char *catalog;		/* absolute path of catalog.conf */
	struct conf_log log;
	struct conf_limits limits;
	struct user *users;	/* seed (store_users_seed), phones normalised */
	size_t nusers;
	struct conf_summary *summary;		/* H7, gateway/conf_office.c */
	struct conf_reminders *reminders;	/* H7 */
	struct conf_credit *credit;		/* H2, gateway/conf_ussd.c */
	struct conf_ussd_http *ussd_http;	/* H2 */
	struct conf_ussd_menu *ussd_menu;	/* H2 */
};

/* Called once per problem. file is the file the setting came from (an
 * @include may name another), line 0 when unknown. */
typedef void (*conf_error_fn)(void *arg, const char *file, int line, const char *msg);

/* Fills *out (zeroed first). err NULL prints "FILE:LINE: msg" lines on
 * stderr. Returns 0, or the number of errors (> 0) with *out freed. */
int conf_load(const char *path, struct tinbao_conf *out, conf_error_fn err, void *arg);
/* The same from text (tests, fuzzing); name stands for the file in messages
 * and its folder resolves relative paths and @include. */
int conf_load_string(const char *text, const char *name, struct tinbao_conf *out,
		     conf_error_fn err, void *arg);
/* The normalised configuration, re-readable by conf_load() except for
 * masked secrets. */
void conf_print(const struct tinbao_conf *c, FILE *f);
/* Frees every member and zeroes *c. NULL-safe, idempotent. */
void conf_free(struct tinbao_conf *c);

/* The path the tools use: `explicit` if given, else $TINBAO_CONF, else
 * CONF_DEFAULT_PATH. */
const char *conf_default_path(const char *explicit_path);

/* ---- for section parsers ---- */

/* Parsing context handed to section parsers. */
struct conf_ctx {
	const char *file;	/* the top file, for errors without a setting */
	const char *dir;	/* folder of the top file, for relative paths */
	const char *country;	/* parsed before the sections (phone keys) */
	conf_error_fn fn;
	void *arg;
	int nerr;
	struct conf_errlist *errs;	/* conf_load() collects here to sort by line */
};

/* Reports "FILE:LINE: <setting path>: <message>" for setting st (NULL:
 * the file itself) and counts the error. */
void conf_err(struct conf_ctx *ctx, const config_setting_t *st, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

enum conf_type {
	CONF_STRING,	/* char *, copied */
	CONF_PATH,	/* char *, made absolute against the config folder */
	CONF_INT,	/* int, in [min, max] */
	CONF_BOOL,	/* bool */
	CONF_DOUBLE,	/* double, in [min, max] when min < max */
	CONF_DURATION,	/* int64_t seconds: "90s", "10m", "6h", "2d" or an integer of seconds */
	CONF_TIME,	/* int minutes after midnight: "08:00" */
	CONF_WEEKDAY,	/* int 0 = Sunday .. 6 = Saturday: "monday", "mon", "thu" ... */
	CONF_ENUM,	/* int index into names[] */
	CONF_STRINGS,	/* struct conf_strv: [ "a", "b" ] or ( "a", "b" ) */
	CONF_PHONE,	/* char *, normalised to E.164 with ctx->country */
};

/* One key of a group. Defaults are written as the value would be in the
 * file, quotes optional for strings (def "10m" or "\"10m\"", "115200",
 * "true", "mon"; lists default to empty), parsed by the same code; a
 * NULL def leaves the field zero / NULL. min/max: ranges for INT and
 * DURATION (seconds) and DOUBLE, ignored when both are 0. */
struct conf_key {
	const char *name;
	enum conf_type type;
	size_t offset;		/* offsetof(struct your_section, field) */
	bool required;
	const char *def;
	long long min, max;
	const char *const *names;	/* CONF_ENUM: NULL-terminated */
	bool secret;		/* printed masked */
	/* Extra check on the parsed field (field points into the struct);
	 * writes what was expected into why and returns false to refuse. */
	bool (*check)(const void *field, char *why, size_t whylen);
};

/* Parses group `st` (NULL: the group is absent, defaults apply and
 * required keys are reported missing) into base. `where` names the group
 * in messages ("modem", "users[2]"). Unknown keys, wrong types, ranges.
 * Returns the number of errors it added. */
int conf_parse_group(struct conf_ctx *ctx, const config_setting_t *st, const char *where,
		     const struct conf_key *keys, size_t nkeys, void *base);
/* The same with unknown keys allowed (for a group whose other keys the
 * caller reads itself). */
int conf_parse_keys(struct conf_ctx *ctx, const config_setting_t *st, const char *where,
		    const struct conf_key *keys, size_t nkeys, void *base, bool reject_unknown);
/* Prints "name = value;" lines sorted by name, indented by `indent`
 * tabs. */
void conf_print_group(FILE *f, int indent, const struct conf_key *keys, size_t nkeys,
		      const void *base);
/* Frees the strings the keys own in base (not base itself). */
void conf_free_group(const struct conf_key *keys, size_t nkeys, void *base);

/* Prints "name = {" group "};" (the usual print function of a section). */
void conf_print_section(FILE *f, const char *name, const struct conf_key *keys, size_t nkeys,
			const void *base);

/* An owner-parsed top-level section: one entry per name in the table in
 * conf.c. parse is called for every entry, with st NULL when the section is
 * absent (set the defaults then); it reports through conf_err(). print
 * writes the whole "name = ...;" entry (or nothing when the section is off
 * and absent); conf_print() calls it in sorted order among the others.
 * free releases what parse allocated (called on success and on error). */
struct conf_section {
	const char *name;
	void (*parse)(struct conf_ctx *ctx, const config_setting_t *st, struct tinbao_conf *c);
	void (*print)(const struct tinbao_conf *c, FILE *f);
	void (*free)(struct tinbao_conf *c);
};

/* The table, in gateway/conf_sections.c, ended by a NULL name. */
extern const struct conf_section conf_sections[];

/* Pure helpers, also for sections with their own syntax. All return 0 or
 * -1 with what was expected in why. */
int conf_parse_duration(const char *s, int64_t *secs, char *why, size_t whylen);
/* Largest unit that divides evenly ("24h", "90s", "1h30m" never). */
void conf_format_duration(int64_t secs, char *buf, size_t len);
int conf_parse_time(const char *s, int *minutes, char *why, size_t whylen);	/* "08:00" */
int conf_parse_weekday(const char *s, int *wday, char *why, size_t whylen);
const char *conf_weekday_name(int wday);	/* "sunday" ... */
/* Writes s as a libconfig string literal with quotes and escapes. */
void conf_print_string(FILE *f, const char *s);

/* A time zone name (field: char **) as `timezone` takes it: tzdata's
 * spelling, and present in /usr/share/zoneinfo (or $TZDIR) where tzdata is
 * installed. A conf_key check, shared so that every zone key (summary.
 * timezone) refuses the same names with the same words. */
bool conf_check_timezone(const void *field, char *why, size_t whylen);

/* Recipient lists (summary.recipients, credit.alert): each entry is
 * "role:NAME" with NAME one of roles (NULL-ended, listed in that order in
 * the message) or a phone number. For a conf_key check; 0 problems: true. */
bool conf_check_recipients(const struct conf_strv *v, const char *const *roles, char *why,
			   size_t whylen);
/* Rewrites the phone entries of v to E.164 with ctx->country (so that they
 * match stored numbers); roles and anything else stay as they are. */
void conf_normalise_recipients(const struct conf_ctx *ctx, struct conf_strv *v);

#endif
