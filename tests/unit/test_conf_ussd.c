/* test_conf_ussd.c: the credit, ussd_http and ussd_menu sections: defaults
 * when absent, values when present, every mistake reported as FILE:LINE
 * with what was expected; and the address / top-up helpers. */
#include "check.h"

#include <arpa/inet.h>

#include "conf.h"
#include "conf_ussd.h"

struct errs {
	char text[4096];
	int n;
};

static void on_err(void *arg, const char *file, int line, const char *msg)
{
	struct errs *e = arg;
	size_t l = strlen(e->text);
	snprintf(e->text + l, sizeof e->text - l, "%s:%d: %s\n", file, line, msg);
	e->n++;
}

/* Parses the three sections of `text` into c; returns the error count. */
static int parse(const char *text, struct tinbao_conf *c, struct errs *e)
{
	config_t cfg;
	config_init(&cfg);
	memset(c, 0, sizeof *c);
	memset(e, 0, sizeof *e);
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		on_err(e, "t.conf", config_error_line(&cfg), config_error_text(&cfg));
		config_destroy(&cfg);
		return e->n;
	}
	struct conf_ctx ctx;
	memset(&ctx, 0, sizeof ctx);
	ctx.file = "t.conf";
	ctx.dir = "/tmp";
	ctx.country = "+84";
	ctx.fn = on_err;
	ctx.arg = e;
	config_setting_t *root = config_root_setting(&cfg);
	conf_ussd_credit_parse(&ctx, config_setting_get_member(root, "credit"), c);
	conf_ussd_http_parse(&ctx, config_setting_get_member(root, "ussd_http"), c);
	conf_ussd_menu_parse(&ctx, config_setting_get_member(root, "ussd_menu"), c);
	config_destroy(&cfg);	/* the sections keep copies */
	return ctx.nerr;
}

static void release(struct tinbao_conf *c)
{
	conf_ussd_credit_free(c);
	conf_ussd_http_free(c);
	conf_ussd_menu_free(c);
}

TEST(test_absent)
{
	struct tinbao_conf c;
	struct errs e;
	CHECK_INT(parse("country = \"+84\";\n", &c, &e), 0);
	CHECK(c.credit && !c.credit->enabled);
	CHECK(c.ussd_http && !c.ussd_http->enabled);
	CHECK(c.ussd_menu && c.ussd_menu->screen_max == 182 && c.ussd_menu->projects.n == 0);
	CHECK_STR(c.credit->code, "*101#");
	CHECK(c.credit->pattern != NULL);
	release(&c);
	CHECK(c.credit == NULL && c.ussd_http == NULL && c.ussd_menu == NULL);
	release(&c);	/* idempotent */
}

TEST(test_full)
{
	struct tinbao_conf c;
	struct errs e;
	int n = parse(
		"credit = { code = \"*101#\"; pattern = \"TKC ([0-9.,]+)\"; every = \"6h\";\n"
		"  threshold = 10000; alert = [ \"role:staff\", \"0912345678\" ]; topup = \"*100*{code}#\"; };\n"
		"ussd_http = { listen = \"127.0.0.1:8088\"; secret = \"s3cret-s3cret\";\n"
		"  allow = [ \"127.0.0.1\", \"10.0.0.0/8\" ]; timeout = \"2m\"; };\n"
		"ussd_menu = { projects = [ \"DA4.1\", \"DA2\" ]; screen_max = 160; };\n", &c, &e);
	CHECKF(n == 0, "%s", e.text);
	CHECK(c.credit->enabled);
	CHECK_STR(c.credit->pattern, "TKC ([0-9.,]+)");
	CHECK_INT(c.credit->every, 6 * 3600);
	CHECK(c.credit->threshold == 10000);
	CHECK_INT(c.credit->alert.n, 2);
	if (c.credit->alert.n == 2)
		CHECK_STR(c.credit->alert.v[1], "+84912345678");
	CHECK(c.ussd_http->enabled);
	CHECK_STR(c.ussd_http->listen, "127.0.0.1:8088");
	CHECK_STR(c.ussd_http->secret, "s3cret-s3cret");
	CHECK_STR(c.ussd_http->path, "/ussd");
	CHECK_INT(c.ussd_http->timeout, 120);
	CHECK_INT(c.ussd_http->allow.n, 2);
	CHECK_INT(c.ussd_menu->projects.n, 2);
	CHECK_INT(c.ussd_menu->screen_max, 160);
	/* The printed form hides the secret and reads back the same. */
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	conf_ussd_credit_print(&c, f);
	conf_ussd_http_print(&c, f);
	conf_ussd_menu_print(&c, f);
	fclose(f);
	CHECK(strstr(buf, "s3cret") == NULL);
	CHECK(strstr(buf, "credit") != NULL && strstr(buf, "ussd_menu") != NULL);
	CHECK(strstr(buf, "\"*100*{code}#\"") != NULL);
	free(buf);
	release(&c);
	/* enabled = false turns a present section off. */
	n = parse("credit = { enabled = false; };\nussd_http = { enabled = false; };\n", &c, &e);
	CHECKF(n == 0, "%s", e.text);
	CHECK(!c.credit->enabled && !c.ussd_http->enabled);
	release(&c);
}

static const struct {
	const char *text;
	const char *want;	/* substring of the error output */
} bad[] = {
	{ "credit = { code = \"*101\\\"#\"; };", "t.conf:1: credit.code: expected a USSD code" },
	{ "credit = {\n pattern = \"TKC [0-9]+\"; };", "t.conf:2: credit.pattern: credit pattern needs a capture group" },
	{ "credit = {\n\n pattern = \"TKC ([0-9]+\"; };", "t.conf:3: credit.pattern: bad credit pattern" },
	{ "credit = { every = \"1m\"; };", "credit.every" },
	{ "credit = { every = \"soon\"; };", "credit.every" },
	{ "credit = { threshold = -5; };", "credit.threshold" },
	{ "credit = { alert = [ \"role:boss\" ]; };", "role:staff" },
	{ "credit = { topup = \"*100#\"; };", "{code}" },
	{ "credit = { colour = \"red\"; };", "colour" },
	{ "ussd_http = { listen = \"127.0.0.1:8088\"; };", "expected a secret" },
	{ "ussd_http = { secret = \"short\"; };", "at least 12" },
	{ "ussd_http = { secret = \"s3cret-s3cret\";\n listen = \"localhost:80\"; };",
	  "t.conf:2: ussd_http.listen: expected \"ADDRESS:PORT\"" },
	{ "ussd_http = { secret = \"s3cret-s3cret\"; listen = \"1.2.3.4:70000\"; };", "ADDRESS:PORT" },
	{ "ussd_http = { allow = [ \"10.0.0.0/33\" ]; };", "'10.0.0.0/33': expected an IPv4" },
	{ "ussd_http = { allow = [ \"example.com\" ]; };", "expected an IPv4" },
	{ "ussd_http = { secret = \"s3cret-s3cret\"; path = \"ussd\"; };", "expected a URL path" },
	{ "ussd_http = { secret = \"s3cret-s3cret\"; timeout = 1; };", "ussd_http.timeout" },
	{ "ussd_menu = { screen_max = 10; };", "ussd_menu.screen_max" },
	{ "ussd_menu = { projects = \"DA2\"; };", "ussd_menu.projects" },
};

TEST(test_bad)
{
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct tinbao_conf c;
		struct errs e;
		int n = parse(bad[i].text, &c, &e);
		CHECKF(n > 0, "'%s' accepted", bad[i].text);
		CHECKF(strstr(e.text, bad[i].want) != NULL, "'%s': errors\n%slack '%s'", bad[i].text, e.text,
		       bad[i].want);
		release(&c);
	}
}

TEST(test_helpers)
{
	uint32_t a, net, mask;
	int port;
	char why[128];
	CHECK(conf_ussd_parse_listen("127.0.0.1:8088", &a, &port, why, sizeof why) == 0);
	CHECK(a == 0x7F000001 && port == 8088);
	CHECK(conf_ussd_parse_listen("0.0.0.0:0", &a, &port, why, sizeof why) == 0);
	CHECK(conf_ussd_parse_listen(":80", &a, &port, why, sizeof why) < 0);
	CHECK(conf_ussd_parse_listen("1.2.3.4:", &a, &port, why, sizeof why) < 0);
	CHECK(conf_ussd_parse_listen("1.2.3.4:8x", &a, &port, why, sizeof why) < 0);
	CHECK(conf_ussd_parse_listen(NULL, &a, &port, why, sizeof why) < 0);
	CHECK(conf_ussd_parse_cidr("10.1.2.3/8", &net, &mask, why, sizeof why) == 0);
	CHECK(net == 0x0A000000 && mask == 0xFF000000);
	CHECK(conf_ussd_parse_cidr("0.0.0.0/0", &net, &mask, why, sizeof why) == 0 && mask == 0);
	CHECK(conf_ussd_parse_cidr("1.2.3.4/", &net, &mask, why, sizeof why) < 0);
	char one[] = "127.0.0.1", two[] = "192.168.10.0/24";
	char *v[] = { one, two };
	struct conf_strv allow = { v, 2 };
	CHECK(conf_ussd_allowed(&allow, 0x7F000001));
	CHECK(conf_ussd_allowed(&allow, 0xC0A80A42));
	CHECK(!conf_ussd_allowed(&allow, 0xC0A80B01));
	CHECK(!conf_ussd_allowed(&allow, 0x7F000002));
	CHECK(!conf_ussd_allowed(NULL, 0x7F000001));
	char out[64];
	CHECK(conf_ussd_topup_code("*100*{code}#", "123456789012", out, sizeof out) == 0);
	CHECK_STR(out, "*100*123456789012#");
	CHECK(conf_ussd_topup_code("*100*{code}#", "1234", out, sizeof out) < 0);
	CHECK(conf_ussd_topup_code("*100*{code}#", "12345678901x", out, sizeof out) < 0);
	CHECK(conf_ussd_topup_code("*100*{code}*{code}#", "123456789012", out, sizeof out) < 0);
	CHECK(conf_ussd_topup_code("*100*{code}#", "123456789012", out, 8) < 0);
}

int main(void)
{
	RUN(test_absent);
	RUN(test_full);
	RUN(test_bad);
	RUN(test_helpers);
	return check_done();
}
