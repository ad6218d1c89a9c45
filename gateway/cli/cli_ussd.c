/* cli_ussd.c: `tinbao ussd ...`, for reading field traces and checking a
 * credit pattern before putting it in the config:
 *   tinbao ussd decode [--charset CS] [--packed never|always|auto] LINE
 *       one JSON object: status, dcs, alphabet, text (UTF-8), raw_fallback
 *   tinbao ussd encode [--charset CS] [--packed ...] CODE
 *       the AT+CUSD command for CODE
 *   tinbao ussd balance [--pattern ERE] TEXT
 *       the figure the pattern finds (the built-in one without --pattern)
 *   tinbao ussd credit [--json] [--limit N]
 *       the balance history of the gateway's SIM (credit_readings)
 * A thin shell over modem/ussd.h, modem/credit.h and store/store_ussd.h. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/cli_common.h"
#include "modem/credit.h"
#include "modem/ussd.h"
#include "store/store_ussd.h"

static int ussd_usage(void)
{
	fprintf(stderr,
		"usage: tinbao ussd decode [--charset IRA|GSM|UCS2|8859-1|HEX] [--packed never|always|auto] LINE\n"
		"       tinbao ussd encode [--charset CS] [--packed never|always|auto] CODE\n"
		"       tinbao ussd balance [--pattern ERE] TEXT\n"
		"       tinbao ussd credit [--json] [--limit N]\n");
	return 2;
}

static const char *const alpha_names[] = { "gsm7", "8bit", "ucs2" };

/* Options common to decode / encode; returns the index of the first
 * operand, or -1 after printing an error. */
static int ussd_opts_parse(int argc, char **argv, struct ussd_opts *o)
{
	o->charset = USSD_CS_IRA;
	o->packed = USSD_PACKED_NEVER;
	int i = 2;
	while (i < argc && argv[i][0] == '-' && argv[i][1] == '-') {
		const char *v;
		int r;
		if ((r = cli_opt(argc, argv, &i, "--charset", &v)) != 0) {
			if (r < 0 || !ussd_charset_parse(v, &o->charset)) {
				fprintf(stderr, "tinbao ussd: --charset: expected IRA, GSM, UCS2, 8859-1 or HEX\n");
				return -1;
			}
			i++;	/* cli_opt leaves i on the value */
		} else if ((r = cli_opt(argc, argv, &i, "--packed", &v)) != 0) {
			if (r < 0)
				return -1;
			if (!strcmp(v, "never"))
				o->packed = USSD_PACKED_NEVER;
			else if (!strcmp(v, "always"))
				o->packed = USSD_PACKED_ALWAYS;
			else if (!strcmp(v, "auto"))
				o->packed = USSD_PACKED_AUTO;
			else {
				fprintf(stderr, "tinbao ussd: --packed: expected never, always or auto\n");
				return -1;
			}
			i++;
		} else {
			fprintf(stderr, "tinbao ussd: unknown option %s\n", argv[i]);
			return -1;
		}
	}
	return i;
}

static int ussd_decode_cmd(int argc, char **argv)
{
	struct ussd_opts o;
	int i = ussd_opts_parse(argc, argv, &o);
	if (i < 0 || i + 1 != argc)
		return ussd_usage();
	struct ussd_reply r;
	char why[160];
	if (ussd_parse(argv[i], &o, &r, why, sizeof why) != USSD_OK) {
		fprintf(stderr, "tinbao ussd decode: %s\n", why);
		return 1;
	}
	json_t *j = json_object();
	json_object_set_new(j, "status", json_integer(r.status));
	json_object_set_new(j, "status_name", json_string(ussd_status_name(r.status)));
	json_object_set_new(j, "dcs", r.dcs < 0 ? json_null() : json_integer(r.dcs));
	json_object_set_new(j, "alphabet", json_string(alpha_names[r.alphabet]));
	json_object_set_new(j, "text", r.has_text ? json_stringn(r.text, r.text_len) : json_null());
	json_object_set_new(j, "raw_fallback", json_boolean(r.raw_fallback));
	cli_json_line(j);
	return 0;
}

static int ussd_encode_cmd(int argc, char **argv)
{
	struct ussd_opts o;
	int i = ussd_opts_parse(argc, argv, &o);
	if (i < 0 || i + 1 != argc)
		return ussd_usage();
	char cmd[USSD_CMD_MAX], why[160];
	if (ussd_format_request(argv[i], &o, cmd, sizeof cmd, why, sizeof why) < 0) {
		fprintf(stderr, "tinbao ussd encode: %s\n", why);
		return 1;
	}
	printf("%s\n", cmd);
	return 0;
}

static int ussd_balance_cmd(int argc, char **argv)
{
	const char *pattern = CREDIT_PATTERN_DEFAULT;
	int i = 2;
	while (i < argc && !strncmp(argv[i], "--", 2)) {
		const char *v;
		int r = cli_opt(argc, argv, &i, "--pattern", &v);
		if (r <= 0)
			return r < 0 ? 2 : ussd_usage();
		pattern = v;
		i++;
	}
	if (i + 1 != argc)
		return ussd_usage();
	struct credit_pattern *p;
	char why[160];
	if (credit_pattern_new(&p, pattern, why, sizeof why) < 0) {
		fprintf(stderr, "tinbao ussd balance: %s\n", why);
		return 2;
	}
	double v = 0;
	char fig[64] = "";
	int found = credit_extract(p, argv[i], &v, fig, sizeof fig);
	credit_pattern_free(p);
	json_t *j = json_object();
	json_object_set_new(j, "found", json_boolean(found));
	json_object_set_new(j, "balance", found ? json_real(v) : json_null());
	json_object_set_new(j, "figure", found ? json_string(fig) : json_null());
	cli_json_line(j);
	return found ? 0 : 1;
}

struct credit_print {
	bool json;
};

static int credit_row(const struct credit_reading *r, void *arg)
{
	const struct credit_print *cp = arg;
	char t[40];
	cli_time(r->at, t, sizeof t);
	if (cp->json) {
		json_t *j = json_object();
		json_object_set_new(j, "at", cli_json_time(r->at));
		json_object_set_new(j, "code", json_string(r->code));
		json_object_set_new(j, "status", json_integer(r->status));
		json_object_set_new(j, "balance", r->has_balance ? json_real(r->balance) : json_null());
		json_object_set_new(j, "threshold", json_real(r->threshold));
		json_object_set_new(j, "alerted", json_boolean(r->alerted));
		json_object_set_new(j, "raw", json_string(r->raw));
		cli_json_line(j);
	} else if (r->has_balance) {
		printf("%s  %12.0f%s  %s\n", t, r->balance, r->alerted ? " LOW" : "    ", r->raw);
	} else {
		printf("%s  %12s      %s\n", t, r->status < 0 ? "no answer" : "?", r->raw);
	}
	return 0;
}

static int ussd_credit_cmd(int argc, char **argv)
{
	const char *conf_path = NULL;
	argc = cli_take_conf(argc, argv, &conf_path);
	if (argc < 0)
		return 2;
	struct credit_print cp = { false };
	int limit = 20;
	for (int i = 2; i < argc;) {
		const char *v;
		int r;
		if (!strcmp(argv[i], "--json")) {
			cp.json = true;
			i++;
		} else if ((r = cli_opt(argc, argv, &i, "--limit", &v)) != 0) {
			if (r < 0 || (limit = cli_parse_count(v)) < 0)
				return ussd_usage();
			i++;
		} else {
			return ussd_usage();
		}
	}
	struct cli_env e;
	int rc = cli_open(&e, conf_path, false);
	if (rc)
		return rc;
	rc = store_credit_each(e.store, limit, credit_row, &cp) < 0 ? 1 : 0;
	cli_close(&e);
	return rc;
}

int cli_ussd(int argc, char **argv)
{
	if (argc < 2)
		return ussd_usage();
	if (!strcmp(argv[1], "decode"))
		return ussd_decode_cmd(argc, argv);
	if (!strcmp(argv[1], "encode"))
		return ussd_encode_cmd(argc, argv);
	if (!strcmp(argv[1], "balance"))
		return ussd_balance_cmd(argc, argv);
	if (!strcmp(argv[1], "credit"))
		return ussd_credit_cmd(argc, argv);
	return ussd_usage();
}
