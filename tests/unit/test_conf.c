/* test_conf.c: the configuration checker. Every tests/conf/NAME.conf is
 * loaded and its normalised print, or its error lines, compared with
 * tests/conf/NAME.expected ($CONFDIR stands for the folder).
 * TINBAO_CONF_REGEN=1 rewrites the .expected files (then read the diff).
 * Also: the shipped config/tinbao.conf, the value syntaxes, and the schema
 * helpers as a section owner uses them. */
#include <dirent.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "conf.h"

static char root[PATH_MAX];

struct errbuf {
	char text[8192];
	size_t len;
};

static void collect(void *arg, const char *file, int line, const char *msg)
{
	struct errbuf *b = arg;
	b->len += (size_t)snprintf(b->text + b->len, sizeof b->text - b->len, "%s:%d: %s\n", file,
				   line, msg);
	if (b->len >= sizeof b->text)
		b->len = sizeof b->text - 1;
}

/* Replaces every occurrence of `from` in s (in place, s has room). */
static void replace_all(char *s, size_t cap, const char *from, const char *to)
{
	size_t fl = strlen(from), tl = strlen(to);
	char *p = s;
	while (fl && (p = strstr(p, from))) {
		size_t rest = strlen(p + fl);
		if ((size_t)(p - s) + tl + rest + 1 > cap)
			return;
		memmove(p + tl, p + fl, rest + 1);
		memcpy(p, to, tl);
		p += tl;
	}
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = calloc(1, 65536);
	size_t n = fread(buf, 1, 65535, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

/* Drops from a print the owners' sections the case does not mention: their
 * defaults belong to their owners' tests, and a change there should not
 * break these cases. A top-level entry runs from "name = " at column 0 to
 * its closing line at column 0. */
static void drop_unmentioned_sections(char *out, const char *conf_text)
{
	char *w = out;
	const char *r = out;
	bool skipping = false;
	while (*r) {
		const char *eol = strchr(r, '\n');
		size_t len = eol ? (size_t)(eol - r) + 1 : strlen(r);
		size_t body = eol ? len - 1 : len;	/* without the newline */
		if (skipping) {
			if (r[0] == '}' || r[0] == ')')
				skipping = false;
			r += len;
			continue;
		}
		bool hit = false;
		for (const struct conf_section *sec = conf_sections; sec->name && !hit; sec++) {
			size_t n = strlen(sec->name);
			hit = !strncmp(r, sec->name, n) && !strncmp(r + n, " = ", 3) &&
			      !strstr(conf_text, sec->name);
		}
		if (hit) {
			/* A block opens with "{" or "(" at the end of its line. */
			skipping = body > 0 && (r[body - 1] == '{' || r[body - 1] == '(');
			r += len;
			continue;
		}
		memmove(w, r, len);
		w += len;
		r += len;
	}
	*w = 0;
}

/* Loads one case and returns what it produced, folder replaced. */
static char *run_case(const char *confpath, const char *dir, int *nerr)
{
	struct errbuf *eb = calloc(1, sizeof *eb);
	struct tinbao_conf c;
	*nerr = conf_load(confpath, &c, collect, eb);
	char *out = calloc(1, 65536);
	if (*nerr == 0) {
		FILE *m = fmemopen(out, 65535, "w");
		conf_print(&c, m);
		fclose(m);
		conf_free(&c);
		conf_free(&c);	/* idempotent */
		char *text = read_file(confpath);
		if (text)
			drop_unmentioned_sections(out, text);
		free(text);
	} else {
		memcpy(out, eb->text, eb->len + 1);
	}
	free(eb);
	char absdir[PATH_MAX];
	if (realpath(dir, absdir))
		replace_all(out, 65536, absdir, "$CONFDIR");
	replace_all(out, 65536, dir, "$CONFDIR");
	return out;
}

TEST(test_conf_cases)
{
	char dir[PATH_MAX + 16];
	snprintf(dir, sizeof dir, "%s/tests/conf", root);
	DIR *d = opendir(dir);
	CHECK(d != NULL);
	if (!d)
		return;
	bool regen = getenv("TINBAO_CONF_REGEN") != NULL;
	int cases = 0, errors = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t n = strlen(e->d_name);
		if (n < 6 || strcmp(e->d_name + n - 5, ".conf") != 0)
			continue;
		/* included fragments are not cases on their own */
		if (!strncmp(e->d_name, "inc_", 4))
			continue;
		char conf[PATH_MAX + 300], exp[PATH_MAX + 300];
		snprintf(conf, sizeof conf, "%s/%s", dir, e->d_name);
		snprintf(exp, sizeof exp, "%s/%.*s.expected", dir, (int)(n - 5), e->d_name);
		int nerr;
		char *got = run_case(conf, dir, &nerr);
		cases++;
		errors += nerr > 0;
		if (regen) {
			FILE *f = fopen(exp, "w");
			if (f) {
				fputs(got, f);
				fclose(f);
			}
		}
		char *want = read_file(exp);
		CHECKF(want != NULL, "%s: no .expected file", e->d_name);
		if (want && strcmp(got, want) != 0)
			CHECKF(0, "%s: got\n%s--- want\n%s---", e->d_name, got, want);
		/* An error case names its file and a line for every error. */
		if (nerr > 0) {
			char *line = got;
			while (line && *line) {
				CHECKF(!strncmp(line, "$CONFDIR/", 9), "%s: %s", e->d_name, line);
				line = strchr(line, '\n');
				if (line)
					line++;
			}
		}
		free(want);
		free(got);
	}
	closedir(d);
	CHECKF(cases >= 15, "only %d config cases", cases);
	CHECKF(errors >= 10, "only %d error cases", errors);
}

TEST(test_shipped_config)
{
	char path[PATH_MAX + 32];
	snprintf(path, sizeof path, "%s/config/tinbao.conf", root);
	struct errbuf eb = { .len = 0 };
	struct tinbao_conf c;
	int n = conf_load(path, &c, collect, &eb);
	CHECKF(n == 0, "shipped config: %s", eb.text);
	if (n)
		return;
	CHECK_STR(c.modem.device, "/dev/ttyGSM");
	CHECK_INT(c.modem.baud, 115200);
	CHECK_STR(c.country, "+84");
	CHECK_STR(c.timezone, "Asia/Ho_Chi_Minh");
	CHECK_INT(c.limits.incomplete_wait, 600);
	CHECK_INT(c.limits.unregistered_reply_every, 86400);
	CHECK(c.catalog && c.catalog[0] == '/');
	CHECK(strstr(c.catalog, "/config/catalog.conf") != NULL);
	/* The normalised print reads back to the same print. */
	char tmp[] = "/tmp/tinbao-conf-XXXXXX";
	int fd = mkstemp(tmp);
	FILE *f = fdopen(fd, "w");
	conf_print(&c, f);
	fclose(f);
	char *first = calloc(1, 65536);
	FILE *m = fmemopen(first, 65535, "w");
	conf_print(&c, m);
	fclose(m);
	struct tinbao_conf c2;
	CHECK_INT(conf_load(tmp, &c2, collect, &eb), 0);
	char *second = calloc(1, 65536);
	m = fmemopen(second, 65535, "w");
	conf_print(&c2, m);
	fclose(m);
	CHECK_STR(second, first);
	free(first);
	free(second);
	conf_free(&c2);
	unlink(tmp);
	conf_free(&c);
}

TEST(test_durations)
{
	static const struct { const char *in; long long secs; } ok[] = {
		{ "90s", 90 }, { "10m", 600 }, { "6h", 21600 }, { "2d", 172800 },
		{ "1h30m", 5400 }, { "0s", 0 }, { "24h", 86400 },
	};
	char why[128];
	for (size_t i = 0; i < sizeof ok / sizeof *ok; i++) {
		int64_t s = -1;
		CHECKF(conf_parse_duration(ok[i].in, &s, why, sizeof why) == 0 && s == ok[i].secs,
		       "%s -> %lld", ok[i].in, (long long)s);
	}
	static const char *bad[] = { "", "10", "m", "10x", "-5m", "1.5h", "10 m", "99999999999d",
				     NULL };
	for (size_t i = 0; bad[i]; i++) {
		int64_t s;
		CHECKF(conf_parse_duration(bad[i], &s, why, sizeof why) < 0, "%s accepted", bad[i]);
	}
	char buf[32];
	conf_format_duration(86400, buf, sizeof buf);
	CHECK_STR(buf, "1d");
	conf_format_duration(5400, buf, sizeof buf);
	CHECK_STR(buf, "90m");
	conf_format_duration(90, buf, sizeof buf);
	CHECK_STR(buf, "90s");
	conf_format_duration(0, buf, sizeof buf);
	CHECK_STR(buf, "0s");
}

TEST(test_times_and_weekdays)
{
	char why[128];
	int m = -1;
	CHECK_INT(conf_parse_time("08:00", &m, why, sizeof why), 0);
	CHECK_INT(m, 480);
	CHECK_INT(conf_parse_time("23:59", &m, why, sizeof why), 0);
	CHECK_INT(m, 1439);
	CHECK_INT(conf_parse_time("7:05", &m, why, sizeof why), 0);
	CHECK_INT(m, 425);
	static const char *bad[] = { "24:00", "08:60", "8", "08:0", "08:00x", "", "ab:cd", NULL };
	for (size_t i = 0; bad[i]; i++)
		CHECKF(conf_parse_time(bad[i], &m, why, sizeof why) < 0, "%s accepted", bad[i]);
	int w = -1;
	CHECK_INT(conf_parse_weekday("monday", &w, why, sizeof why), 0);
	CHECK_INT(w, 1);
	CHECK_INT(conf_parse_weekday("Fri", &w, why, sizeof why), 0);
	CHECK_INT(w, 5);
	CHECK_INT(conf_parse_weekday("t2", &w, why, sizeof why), 0);
	CHECK_INT(w, 1);
	CHECK_INT(conf_parse_weekday("cn", &w, why, sizeof why), 0);
	CHECK_INT(w, 0);
	CHECK(conf_parse_weekday("mo", &w, why, sizeof why) < 0);
	CHECK(conf_parse_weekday("someday", &w, why, sizeof why) < 0);
	CHECK_STR(conf_weekday_name(4), "thursday");
}

/* A section as an owner writes one. */
struct demo {
	char *code;
	int day, at, count, kind;
	int64_t every;
	double threshold;
	bool on;
	struct conf_strv to;
	char *phone;
	char *file;
};
static const char *const demo_kinds[] = { "low", "high", NULL };
#define KD(f) offsetof(struct demo, f)
static const struct conf_key demo_keys[] = {
	{ .name = "code", .type = CONF_STRING, .offset = KD(code), .def = "*101#", .secret = false },
	{ .name = "day", .type = CONF_WEEKDAY, .offset = KD(day), .def = "mon" },
	{ .name = "at", .type = CONF_TIME, .offset = KD(at), .def = "08:00" },
	{ .name = "count", .type = CONF_INT, .offset = KD(count), .def = "3", .min = 1, .max = 9 },
	{ .name = "kind", .type = CONF_ENUM, .offset = KD(kind), .def = "low", .names = demo_kinds },
	{ .name = "every", .type = CONF_DURATION, .offset = KD(every), .def = "6h", .min = 60,
	  .max = 86400 },
	{ .name = "threshold", .type = CONF_DOUBLE, .offset = KD(threshold), .def = "10000",
	  .min = 0, .max = 1000000 },
	{ .name = "on", .type = CONF_BOOL, .offset = KD(on), .def = "false" },
	{ .name = "to", .type = CONF_STRINGS, .offset = KD(to), .def = "" },
	{ .name = "phone", .type = CONF_PHONE, .offset = KD(phone), .required = true },
	{ .name = "file", .type = CONF_PATH, .offset = KD(file), .def = "x.txt", .secret = true },
};

static int parse_demo(const char *text, struct demo *d, struct errbuf *eb)
{
	config_t cfg;
	config_init(&cfg);
	memset(d, 0, sizeof *d);
	if (config_read_string(&cfg, text) != CONFIG_TRUE) {
		config_destroy(&cfg);
		return -1;
	}
	struct conf_ctx ctx = { .file = "demo.conf", .dir = "/etc/tinbao", .country = "+84",
				.fn = collect, .arg = eb };
	int n = conf_parse_group(&ctx, config_lookup(&cfg, "demo"), "demo", demo_keys,
				 sizeof demo_keys / sizeof *demo_keys, d);
	config_destroy(&cfg);	/* strings must survive this */
	return n;
}

TEST(test_section_helpers)
{
	struct demo d;
	struct errbuf eb = { .len = 0 };
	CHECK_INT(parse_demo("demo = { phone = \"0912345678\"; to = [\"staff\", \"+84911\"];"
			     " day = \"thu\"; at = \"17:30\"; every = 7200; threshold = 5;"
			     " kind = \"high\"; on = true; };", &d, &eb), 0);
	CHECK_STR(d.phone, "+84912345678");
	CHECK_INT(d.day, 4);
	CHECK_INT(d.at, 17 * 60 + 30);
	CHECK_INT(d.every, 7200);
	CHECK(d.threshold == 5.0);
	CHECK_INT(d.kind, 1);
	CHECK(d.on);
	CHECK_INT(d.to.n, 2);
	CHECK_STR(d.to.v[1], "+84911");
	CHECK_STR(d.code, "*101#");
	CHECK_STR(d.file, "/etc/tinbao/x.txt");
	char out[2048] = "";
	FILE *m = fmemopen(out, sizeof out - 1, "w");
	conf_print_section(m, "demo", demo_keys, sizeof demo_keys / sizeof *demo_keys, &d);
	fclose(m);
	CHECK_STR(out, "demo = {\n"
		       "\tat = \"17:30\";\n"
		       "\tcode = \"*101#\";\n"
		       "\tcount = 3;\n"
		       "\tday = \"thursday\";\n"
		       "\tevery = \"2h\";\n"
		       "\tfile = \"********\";\n"
		       "\tkind = \"high\";\n"
		       "\ton = true;\n"
		       "\tphone = \"+84912345678\";\n"
		       "\tthreshold = 5.0;\n"
		       "\tto = [ \"staff\", \"+84911\" ];\n"
		       "};\n");
	conf_free_group(demo_keys, sizeof demo_keys / sizeof *demo_keys, &d);
	CHECK(d.phone == NULL && d.to.v == NULL);

	/* Every problem at once, each with its line. */
	eb.len = 0;
	eb.text[0] = 0;
	int n = parse_demo("demo = {\n count = 12;\n kind = \"medium\";\n"
			   " every = \"30s\";\n to = [ 1, 2 ];\n phone = \"VIETTEL\";\n"
			   " colour = \"red\";\n at = 8;\n};", &d, &eb);
	CHECK_INT(n, 7);
	CHECK(strstr(eb.text, "demo.conf:2: demo.count: 12 is out of range, expected 1 to 9"));
	CHECK(strstr(eb.text, "demo.conf:3: demo.kind: expected one of \"low\", \"high\", got \"medium\""));
	CHECK(strstr(eb.text, "demo.conf:4: demo.every: 30s is out of range, expected 1m to 1d"));
	CHECK(strstr(eb.text, "demo.conf:5: demo.to: element 1: expected a string"));
	CHECK(strstr(eb.text, "demo.conf:6: demo.phone: expected a subscriber phone number"));
	CHECK(strstr(eb.text, "demo.conf:7: unknown key 'demo.colour'"));
	CHECK(strstr(eb.text, "demo.conf:8: demo.at: expected a time of day"));
	conf_free_group(demo_keys, sizeof demo_keys / sizeof *demo_keys, &d);

	eb.len = 0;
	CHECK_INT(parse_demo("demo = { };", &d, &eb), 1);
	CHECK(strstr(eb.text, "demo: missing required key 'phone'"));
	conf_free_group(demo_keys, sizeof demo_keys / sizeof *demo_keys, &d);
}

/* The owners' table: names unique, sorted, not shadowing a core key, and
 * every entry complete. */
TEST(test_section_table)
{
	static const char *const core[] = { "catalog", "country", "database", "limits", "log",
					    "modem", "timezone", "users", NULL };
	for (const struct conf_section *s = conf_sections; s->name; s++) {
		CHECKF(s->parse && s->print && s->free, "%s: incomplete entry", s->name);
		if (s[1].name)
			CHECKF(strcmp(s->name, s[1].name) < 0, "%s, %s: not sorted or repeated",
			       s->name, s[1].name);
		for (const char *const *k = core; *k; k++)
			CHECKF(strcmp(s->name, *k) != 0, "%s: shadows a core key", s->name);
	}
}

TEST(test_default_path)
{
	unsetenv("TINBAO_CONF");
	CHECK_STR(conf_default_path(NULL), CONF_DEFAULT_PATH);
	setenv("TINBAO_CONF", "/tmp/x.conf", 1);
	CHECK_STR(conf_default_path(NULL), "/tmp/x.conf");
	CHECK_STR(conf_default_path("/a.conf"), "/a.conf");
	unsetenv("TINBAO_CONF");
	struct tinbao_conf c;
	struct errbuf eb = { .len = 0 };
	CHECK_INT(conf_load("/nonexistent/tinbao.conf", &c, collect, &eb), 1);
	CHECK(strstr(eb.text, "/nonexistent/tinbao.conf:0: cannot read") != NULL);
	conf_free(NULL);
}

int main(void)
{
	const char *r = getenv("TINBAO_ROOT");
	if (!realpath(r && *r ? r : ".", root))
		snprintf(root, sizeof root, ".");
	RUN(test_conf_cases);
	RUN(test_shipped_config);
	RUN(test_durations);
	RUN(test_times_and_weekdays);
	RUN(test_section_helpers);
	RUN(test_section_table);
	RUN(test_default_path);
	return check_done();
}
