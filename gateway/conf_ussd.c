/* conf_ussd.c: parsing of the `credit`, `ussd_http` and `ussd_menu`
 * sections (see conf_ussd.h). Types, defaults, ranges and unknown keys come
 * from conf.h's key tables; the checks here are the USSD-specific ones (a
 * sendable code, a pattern that compiles with a capture group, a listen
 * address, address ranges, a way to authenticate the operator). */
#include "conf_ussd.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "modem/credit.h"
#include "modem/ussd.h"

static bool check_code(const void *field, char *why, size_t whylen)
{
	const char *const *s = field;
	if (*s && !ussd_code_valid(*s)) {
		snprintf(why, whylen, "expected a USSD code such as \"*101#\"");
		return false;
	}
	return true;
}

static bool check_pattern(const void *field, char *why, size_t whylen)
{
	const char *const *s = field;
	if (!*s)
		return true;
	struct credit_pattern *p;
	if (credit_pattern_new(&p, *s, why, whylen) < 0)
		return false;
	credit_pattern_free(p);
	return true;
}

static bool check_topup(const void *field, char *why, size_t whylen)
{
	const char *const *s = field;
	char out[64];
	if (*s && conf_ussd_topup_code(*s, "12345678901234", out, sizeof out) < 0) {
		snprintf(why, whylen, "expected a USSD code with {code} where the card number goes, "
			 "such as \"*100*{code}#\"");
		return false;
	}
	return true;
}

static bool check_recipients(const void *field, char *why, size_t whylen)
{
	static const char *const roles[] = { "staff", "admin", "official", NULL };
	return conf_check_recipients(field, roles, why, whylen);
}

static bool check_listen(const void *field, char *why, size_t whylen)
{
	const char *const *s = field;
	uint32_t a;
	int port;
	return !*s || conf_ussd_parse_listen(*s, &a, &port, why, whylen) == 0;
}

static bool check_allow(const void *field, char *why, size_t whylen)
{
	const struct conf_strv *v = field;
	for (size_t i = 0; i < v->n; i++) {
		uint32_t n, m;
		char w[96];
		if (conf_ussd_parse_cidr(v->v[i], &n, &m, w, sizeof w) < 0) {
			snprintf(why, whylen, "'%s': %s", v->v[i], w);
			return false;
		}
	}
	return true;
}

static bool check_path(const void *field, char *why, size_t whylen)
{
	const char *const *s = field;
	if (*s && ((*s)[0] != '/' || strpbrk(*s, " ?#"))) {
		snprintf(why, whylen, "expected a URL path such as \"/ussd\"");
		return false;
	}
	return true;
}

static const struct conf_key credit_keys[] = {
	{ "enabled", CONF_BOOL, offsetof(struct conf_credit, enabled), false, "true", 0, 0, NULL, false, NULL },
	{ "code", CONF_STRING, offsetof(struct conf_credit, code), false, "\"*101#\"", 0, 0, NULL, false,
	  check_code },
	{ "pattern", CONF_STRING, offsetof(struct conf_credit, pattern), false, NULL, 0, 0, NULL, false,
	  check_pattern },
	{ "every", CONF_DURATION, offsetof(struct conf_credit, every), false, "6h", 600, 30 * 86400, NULL,
	  false, NULL },
	{ "threshold", CONF_DOUBLE, offsetof(struct conf_credit, threshold), false, "10000", 0, 1000000000,
	  NULL, false, NULL },
	/* Empty (the default): every active staff member (credit_check.c). */
	{ "alert", CONF_STRINGS, offsetof(struct conf_credit, alert), false, "[]", 0, 0, NULL,
	  false, check_recipients },
	{ "topup", CONF_STRING, offsetof(struct conf_credit, topup), false, "\"*100*{code}#\"", 0, 0, NULL,
	  false, check_topup },
};
#define NCREDIT (sizeof credit_keys / sizeof credit_keys[0])

static const struct conf_key http_keys[] = {
	{ "enabled", CONF_BOOL, offsetof(struct conf_ussd_http, enabled), false, "true", 0, 0, NULL, false, NULL },
	{ "listen", CONF_STRING, offsetof(struct conf_ussd_http, listen), false, "\"127.0.0.1:8088\"", 0, 0,
	  NULL, false, check_listen },
	{ "secret", CONF_STRING, offsetof(struct conf_ussd_http, secret), false, "\"\"", 0, 0, NULL, true,
	  NULL },
	{ "allow", CONF_STRINGS, offsetof(struct conf_ussd_http, allow), false, "[]", 0, 0, NULL, false,
	  check_allow },
	{ "timeout", CONF_DURATION, offsetof(struct conf_ussd_http, timeout), false, "3m", 10, 3600, NULL,
	  false, NULL },
	{ "path", CONF_STRING, offsetof(struct conf_ussd_http, path), false, "\"/ussd\"", 0, 0, NULL, false,
	  check_path },
};
#define NHTTP (sizeof http_keys / sizeof http_keys[0])

static const struct conf_key menu_keys[] = {
	{ "projects", CONF_STRINGS, offsetof(struct conf_ussd_menu, projects), false, "[]", 0, 0, NULL, false,
	  NULL },
	{ "screen_max", CONF_INT, offsetof(struct conf_ussd_menu, screen_max), false, "182", 40, 500, NULL,
	  false, NULL },
};
#define NMENU (sizeof menu_keys / sizeof menu_keys[0])

int conf_ussd_parse_listen(const char *s, uint32_t *addr, int *port, char *why, size_t whylen)
{
	const char *colon = s ? strrchr(s, ':') : NULL;
	char host[64];
	if (!colon || (size_t)(colon - s) >= sizeof host || colon == s)
		goto bad;
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	struct in_addr in;
	if (inet_pton(AF_INET, host, &in) != 1)
		goto bad;
	char *end;
	long p = strtol(colon + 1, &end, 10);
	if (!colon[1] || *end || p < 0 || p > 65535)
		goto bad;
	*addr = ntohl(in.s_addr);
	*port = (int)p;
	return 0;
bad:
	snprintf(why, whylen, "expected \"ADDRESS:PORT\" with an IPv4 address, such as \"127.0.0.1:8088\"");
	return -1;
}

int conf_ussd_parse_cidr(const char *s, uint32_t *net, uint32_t *mask, char *why, size_t whylen)
{
	char host[64];
	const char *slash = s ? strchr(s, '/') : NULL;
	size_t hl = slash ? (size_t)(slash - s) : (s ? strlen(s) : 0);
	long bits = 32;
	if (!s || hl == 0 || hl >= sizeof host)
		goto bad;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (slash) {
		char *end;
		bits = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || bits < 0 || bits > 32)
			goto bad;
	}
	struct in_addr in;
	if (inet_pton(AF_INET, host, &in) != 1)
		goto bad;
	*mask = bits == 0 ? 0 : 0xFFFFFFFFu << (32 - bits);
	*net = ntohl(in.s_addr) & *mask;
	return 0;
bad:
	snprintf(why, whylen, "expected an IPv4 address or range such as \"10.0.0.0/8\"");
	return -1;
}

bool conf_ussd_allowed(const struct conf_strv *allow, uint32_t addr)
{
	for (size_t i = 0; allow && i < allow->n; i++) {
		uint32_t net, mask;
		char why[96];
		if (conf_ussd_parse_cidr(allow->v[i], &net, &mask, why, sizeof why) == 0 &&
		    (addr & mask) == net)
			return true;
	}
	return false;
}

int conf_ussd_topup_code(const char *tmpl, const char *card, char *out, size_t outlen)
{
	if (!tmpl || !card || !out)
		return -1;
	size_t n = strlen(card);
	if (n < 8 || n > 20 || strspn(card, "0123456789") != n)
		return -1;
	const char *at = strstr(tmpl, "{code}");
	if (!at || strstr(at + 6, "{code}"))
		return -1;
	int r = snprintf(out, outlen, "%.*s%s%s", (int)(at - tmpl), tmpl, card, at + 6);
	if (r < 0 || (size_t)r >= outlen || !ussd_code_valid(out))
		return -1;
	return 0;
}

/* A section present in the file is on unless it says enabled = false. */
static void conf_ussd_presence(const config_setting_t *st, bool *enabled)
{
	if (!st)
		*enabled = false;
}

void conf_ussd_credit_parse(struct conf_ctx *ctx, const config_setting_t *st, struct tinbao_conf *c)
{
	struct conf_credit *cr = calloc(1, sizeof *cr);
	if (!cr) {
		conf_err(ctx, st, "out of memory");
		return;
	}
	c->credit = cr;
	conf_parse_group(ctx, st, "credit", credit_keys, NCREDIT, cr);
	conf_ussd_presence(st, &cr->enabled);
	conf_normalise_recipients(ctx, &cr->alert);
	/* Without a pattern the built-in one reads "12.500d", "12,500 VND". */
	if (!cr->pattern)
		cr->pattern = strdup(CREDIT_PATTERN_DEFAULT);
}

void conf_ussd_credit_print(const struct tinbao_conf *c, FILE *f)
{
	if (c->credit && c->credit->enabled)
		conf_print_section(f, "credit", credit_keys, NCREDIT, c->credit);
}

void conf_ussd_credit_free(struct tinbao_conf *c)
{
	if (!c->credit)
		return;
	conf_free_group(credit_keys, NCREDIT, c->credit);
	free(c->credit);
	c->credit = NULL;
}

void conf_ussd_http_parse(struct conf_ctx *ctx, const config_setting_t *st, struct tinbao_conf *c)
{
	struct conf_ussd_http *h = calloc(1, sizeof *h);
	if (!h) {
		conf_err(ctx, st, "out of memory");
		return;
	}
	c->ussd_http = h;
	int before = ctx->nerr;
	conf_parse_group(ctx, st, "ussd_http", http_keys, NHTTP, h);
	conf_ussd_presence(st, &h->enabled);
	if (ctx->nerr == before && h->enabled && (!h->secret || !*h->secret) && h->allow.n == 0)
		conf_err(ctx, st, "expected a secret = \"...\" (the `key` form field) or an allow = [ ... ] "
			 "list of the operator's addresses");
	if (ctx->nerr == before && h->secret && *h->secret && strlen(h->secret) < 12)
		conf_err(ctx, config_setting_get_member(st, "secret"),
			 "expected a secret of at least 12 characters");
}

void conf_ussd_http_print(const struct tinbao_conf *c, FILE *f)
{
	if (c->ussd_http && c->ussd_http->enabled)
		conf_print_section(f, "ussd_http", http_keys, NHTTP, c->ussd_http);
}

void conf_ussd_http_free(struct tinbao_conf *c)
{
	if (!c->ussd_http)
		return;
	conf_free_group(http_keys, NHTTP, c->ussd_http);
	free(c->ussd_http);
	c->ussd_http = NULL;
}

void conf_ussd_menu_parse(struct conf_ctx *ctx, const config_setting_t *st, struct tinbao_conf *c)
{
	struct conf_ussd_menu *m = calloc(1, sizeof *m);
	if (!m) {
		conf_err(ctx, st, "out of memory");
		return;
	}
	c->ussd_menu = m;
	conf_parse_group(ctx, st, "ussd_menu", menu_keys, NMENU, m);
}

void conf_ussd_menu_print(const struct tinbao_conf *c, FILE *f)
{
	if (c->ussd_menu && (c->ussd_menu->projects.n || c->ussd_menu->screen_max != 182))
		conf_print_section(f, "ussd_menu", menu_keys, NMENU, c->ussd_menu);
}

void conf_ussd_menu_free(struct tinbao_conf *c)
{
	if (!c->ussd_menu)
		return;
	conf_free_group(menu_keys, NMENU, c->ussd_menu);
	free(c->ussd_menu);
	c->ussd_menu = NULL;
}
