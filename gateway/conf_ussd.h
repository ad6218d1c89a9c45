/* conf_ussd.h: the `credit`, `ussd_http` and `ussd_menu` sections of
 * tinbao.conf (H2), parsed through conf.c's section table with conf.h's key
 * tables, every error as "FILE:LINE: what was expected".
 *
 *   credit = { code = "*101#"; pattern = "TKC ([0-9.,]+)"; every = "6h";
 *              threshold = 10000; alert = [ "role:staff" ];
 *              topup = "*100*{code}#"; };
 *   ussd_http = { listen = "127.0.0.1:8088"; secret = "..."; 
 *                 allow = [ "127.0.0.1", "10.0.0.0/8" ]; timeout = "3m"; };
 *   ussd_menu = { projects = [ "DA4.1", "DA2" ]; screen_max = 182; };
 *
 * Each section is optional. Absent, credit checks and the HTTP menu are
 * off (c->credit->enabled / c->ussd_http->enabled false); present, they are
 * on unless `enabled = false`. ussd_http needs a secret (sent as the `key`
 * form field) or an allow-list of source addresses, or both (then either
 * suffices). */
#ifndef TINBAO_CONF_USSD_H
#define TINBAO_CONF_USSD_H

#include <stdbool.h>
#include <stdint.h>

#include "conf.h"

struct conf_credit {
	bool enabled;
	char *code;		/* "*101#" */
	char *pattern;		/* POSIX ERE, capture group 1 is the figure */
	int64_t every;		/* seconds between checks */
	double threshold;	/* alert below this balance */
	struct conf_strv alert;	/* "role:NAME" or E.164 phones (normalised);
				   empty: role:staff */
	char *topup;		/* template with {code}: "*100*{code}#" */
};

struct conf_ussd_http {
	bool enabled;
	char *listen;		/* "127.0.0.1:8088" (IPv4 literal; port 0: any, tests) */
	char *secret;		/* "" when none; printed masked */
	struct conf_strv allow;	/* "a.b.c.d" or "a.b.c.d/n" */
	int64_t timeout;	/* seconds a menu session may stay idle */
	char *path;		/* "/ussd" */
};

struct conf_ussd_menu {
	struct conf_strv projects;	/* project codes; empty: all but the review */
	int screen_max;		/* characters per USSD page */
};

void conf_ussd_credit_parse(struct conf_ctx *ctx, const config_setting_t *st, struct tinbao_conf *c);
void conf_ussd_credit_print(const struct tinbao_conf *c, FILE *f);
void conf_ussd_credit_free(struct tinbao_conf *c);
void conf_ussd_http_parse(struct conf_ctx *ctx, const config_setting_t *st, struct tinbao_conf *c);
void conf_ussd_http_print(const struct tinbao_conf *c, FILE *f);
void conf_ussd_http_free(struct tinbao_conf *c);
void conf_ussd_menu_parse(struct conf_ctx *ctx, const config_setting_t *st, struct tinbao_conf *c);
void conf_ussd_menu_print(const struct tinbao_conf *c, FILE *f);
void conf_ussd_menu_free(struct tinbao_conf *c);

/* Pure helpers (also used by http_ussd). 0 or -1 with what was expected. */
int conf_ussd_parse_listen(const char *s, uint32_t *addr, int *port, char *why, size_t whylen);
/* "10.0.0.0/8" or "192.168.1.7" → network and mask, host byte order. */
int conf_ussd_parse_cidr(const char *s, uint32_t *net, uint32_t *mask, char *why, size_t whylen);
/* True when addr (host byte order) is in one of the entries. */
bool conf_ussd_allowed(const struct conf_strv *allow, uint32_t addr);
/* Fills {code} of a top-up template; -1 when the card number is not 8-20
 * digits or the result does not fit. */
int conf_ussd_topup_code(const char *tmpl, const char *card, char *out, size_t outlen);

#endif
