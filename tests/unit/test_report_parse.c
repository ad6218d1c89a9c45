/* test_report_parse.c: the table of realistic messages in
 * tests/fixtures/reports/ (.tsv files) through lex → keyword → parse → check, each
 * with the sender and the expected report (report_describe) or the expected
 * problem codes; every reply built for them must fit one SMS. Plus the
 * number reader and the lexer's fixes on their own.
 *
 * TSV columns: sender, message, expected. sender: ctv:<village or commune
 * code> | staff | admin | none. message escapes: \n, \t, \\, \uXXXX (e.g.
 * combining accents). expected: a report_describe() line, or "ERR CODE[,CODE]"
 * (the problem codes in order), or "ERR UNKNOWN_CMD". Today is 2026-11-25
 * (10:00 in Hà Nội). */
#include "check.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>

#include "catalog.h"
#include "lang/reply.h"
#include "lang/report_check.h"
#include "lang/report_lex.h"
#include "lang/report_parse.h"
#include "sms/utf8.h"
#include "store/store_users.h"

static struct catalog *cat;
static const int64_t NOW = 1795575600;	/* 2026-11-25 03:00 UTC */

static void unescape(const char *in, char *out, size_t outlen)
{
	size_t o = 0;
	for (const char *p = in; *p && o + 5 < outlen; p++) {
		if (*p != '\\' || !p[1]) {
			out[o++] = *p;
			continue;
		}
		p++;
		if (*p == 'n')
			out[o++] = '\n';
		else if (*p == 't')
			out[o++] = '\t';
		else if (*p == 'u' && strlen(p) >= 5) {
			char hex[5] = { p[1], p[2], p[3], p[4], 0 };
			o += utf8_encode((uint32_t)strtoul(hex, NULL, 16), out + o);
			p += 4;
		} else
			out[o++] = *p;
	}
	out[o] = 0;
}

static bool make_user(const char *spec, struct user *u)
{
	memset(u, 0, sizeof *u);
	snprintf(u->phone, sizeof u->phone, "+84912000001");
	u->active = true;
	if (!strcmp(spec, "none"))
		return false;
	if (!strcmp(spec, "staff")) {
		u->role = ROLE_STAFF;
		return true;
	}
	if (!strcmp(spec, "admin")) {
		u->role = ROLE_ADMIN;
		return true;
	}
	u->role = ROLE_COLLABORATOR;
	const char *code = strchr(spec, ':') ? strchr(spec, ':') + 1 : spec;
	const char *slash = strchr(code, '/');
	if (slash) {
		snprintf(u->commune, sizeof u->commune, "%.*s", (int)(slash - code) & 63, code);
		snprintf(u->village, sizeof u->village, "%.63s", code);
	} else {
		snprintf(u->commune, sizeof u->commune, "%.63s", code);
	}
	return true;
}

/* What the dispatcher does before a handler: TEST prefix, then keyword. */
static void run_case(const char *file, int line, const char *sender, const char *msg, const char *want)
{
	struct user u;
	bool has = make_user(sender, &u);
	struct report_env env = { cat, has ? &u : NULL, NOW, 7 * 3600, 60 };
	static struct report_tokens t;
	report_lex(msg, strlen(msg), &t);
	int start = 0;
	bool test_prefix = t.n > 0 && t.tok[0].type == REPORT_TOK_WORD && !strcmp(t.tok[0].text, "test");
	if (test_prefix)
		start = 1;
	int used = 0;
	char sugg[64];
	int form = report_keyword_match(&t, start, report_form_keywords, REPORT_FORM_COUNT, &used, sugg,
					sizeof sugg);
	char got[512];
	struct report r;
	struct report_problems pr;
	char reply[REPLY_BUF];
	struct reply_style st = { false };
	if (form < 0) {
		snprintf(got, sizeof got, "ERR UNKNOWN_CMD");
	} else {
		int n = report_parse(&t, start + used, (enum report_form)form, &env, &r, &pr);
		if (test_prefix)
			r.training = true;
		/* Checks run even when parsing found problems: all are named. */
		if (r.form == REPORT_FORM_BC || r.form == REPORT_FORM_RS)
			n += report_check(&r, &env, &pr);
		/* The property the fuzzer holds too: a result or problems. */
		CHECKF((n == 0) == (pr.n == 0), "%s:%d: n=%d but %d problems", file, line, n, pr.n);
		if (n == 0) {
			report_describe(&r, got, sizeof got);
			if (r.form == REPORT_FORM_BC || r.form == REPORT_FORM_RS) {
				reply_receipt(&r, "K7QD", 1, &st, reply, sizeof reply);
				CHECKF(reply_fits_one(reply) && strlen(reply) > 20, "%s:%d: receipt \"%s\"",
				       file, line, reply);
				st.diacritics = true;
				reply_receipt(&r, "K7QD", 2, &st, reply, sizeof reply);
				CHECKF(reply_fits_one(reply), "%s:%d: accented receipt \"%s\"", file, line, reply);
			}
		} else {
			size_t o = (size_t)snprintf(got, sizeof got, "ERR ");
			for (int i = 0; i < pr.n && o < sizeof got; i++)
				o += (size_t)snprintf(got + o, sizeof got - o, "%s%s", i ? "," : "",
						      report_problem_name(pr.p[i].code));
			reply_problems(&r, &pr, cat, has && u.role == ROLE_STAFF, &st, reply, sizeof reply);
			CHECKF(reply_fits_one(reply) && strncmp(reply, "Chua luu: ", 10) == 0 && strlen(reply) > 14,
			       "%s:%d: problem reply \"%s\"", file, line, reply);
		}
	}
	CHECKF(!strcmp(got, want), "%s:%d: \"%s\" from %s\n     got  %s\n     want %s", file, line, msg,
	       sender, got, want);
}

static int cases;

static void run_file(const char *path)
{
	FILE *f = fopen(path, "r");
	CHECKF(f != NULL, "cannot open %s", path);
	if (!f)
		return;
	char buf[2048];
	int line = 0;
	while (fgets(buf, sizeof buf, f)) {
		line++;
		buf[strcspn(buf, "\r\n")] = 0;
		if (!buf[0] || buf[0] == '#')
			continue;
		char *a = buf, *b = strchr(a, '\t'), *c = b ? strchr(b + 1, '\t') : NULL;
		CHECKF(b && c, "%s:%d: needs three tab-separated columns", path, line);
		if (!b || !c)
			continue;
		*b++ = 0;
		*c++ = 0;
		char msg[1024];
		unescape(b, msg, sizeof msg);
		run_case(path, line, a, msg, c);
		cases++;
	}
	fclose(f);
}

TEST(fixture_tables)
{
	const char *root = getenv("TINBAO_ROOT") ? getenv("TINBAO_ROOT") : ".";
	char dir[512];
	snprintf(dir, sizeof dir, "%s/tests/fixtures/reports", root);
	DIR *d = opendir(dir);
	CHECK(d != NULL);
	if (!d)
		return;
	struct dirent *e;
	char names[32][256];
	int n = 0;
	while ((e = readdir(d)) && n < 32) {
		size_t l = strlen(e->d_name);
		if (l > 4 && !strcmp(e->d_name + l - 4, ".tsv"))
			snprintf(names[n++], sizeof names[0], "%s", e->d_name);
	}
	closedir(d);
	for (int i = 0; i < n; i++) {
		char path[800];
		snprintf(path, sizeof path, "%.500s/%.255s", dir, names[i]);
		run_file(path);
	}
	CHECKF(cases >= 200, "only %d fixture messages", cases);
	printf("fixture messages: %d\n", cases);
}

static void num(const char *text, const char *unit, const char *code, double want, int want_rc)
{
	double v = -1;
	int rc = report_parse_number(text, unit, catalog_indicator_by_code(cat, code), &v);
	CHECKF(rc == want_rc && (rc || fabs(v - want) < 1e-9), "number %s %s (%s): rc %d v %g, want %d %g",
	       text, unit ? unit : "", code, rc, v, want_rc, want);
}

TEST(numbers)
{
	num("1.500", NULL, "KP", 1500, 0);
	num("1,5", NULL, "KP", 1.5, 0);
	num("1,500", NULL, "KP", 1.5, 0);	/* Vietnamese decimal comma */
	num("1.500,5", NULL, "KP", 1500.5, 0);
	num("1.5", NULL, "KP", 1.5, 0);
	num("30", "tr", "KP", 30, 0);
	num("500", "k", "KP", 0.5, 0);
	num("500", "nghin", "KP", 0.5, 0);
	num("1,2", "ty", "KP", 1200, 0);
	num("30.000.000", "d", "KP", 30, 0);
	num("30000000", "dong", "KP", 30, 0);
	num("1.500", NULL, "HV", 1500, 0);
	num("2,5", NULL, "HV", 0, REPORT_P_NOT_WHOLE);
	num("1.2.3", NULL, "HV", 0, REPORT_P_BAD_NUMBER);
	num("007", NULL, "HV", 7, 0);
}

TEST(lexer)
{
	static struct report_tokens t;
	report_lex("BC DA4.1: HV 1O, HN l5; CN=8", strlen("BC DA4.1: HV 1O, HN l5; CN=8"), &t);
	CHECK_INT(t.n, 9);
	CHECK_STR(t.tok[2].text, "4.1");
	CHECK_STR(t.tok[4].text, "10");
	CHECK(t.tok[4].fixed);
	CHECK_STR(t.tok[6].text, "15");
	CHECK_INT(t.tok[8].type, REPORT_TOK_NUM);
	report_lex("RS HN+2 CN-1 TN +3", 18, &t);
	CHECK_INT(t.n, 10);
	CHECK_INT(t.tok[2].type, REPORT_TOK_PLUS);
	CHECK_INT(t.tok[5].type, REPORT_TOK_MINUS);
	CHECK_INT(t.tok[8].type, REPORT_TOK_PLUS);
	report_lex("ngay 20/11/2026 20-11-26 lop5", 29, &t);
	CHECK_INT(t.tok[1].type, REPORT_TOK_DATE);
	CHECK_INT(t.tok[2].type, REPORT_TOK_DATE);
	CHECK_STR(t.tok[3].text, "lop");
	report_lex("bcda4.1", 7, &t);
	CHECK(t.n == 3 && !strcmp(t.tok[0].text, "bc") && !strcmp(t.tok[1].text, "da"));
	/* Same message, different looks: one key. */
	char k1[128], k2[128];
	report_lex("Báo cáo DA4.1: học viên 25", strlen("Báo cáo DA4.1: học viên 25"), &t);
	report_text_key(&t, 2, k1, sizeof k1);
	report_lex("bc da 4.1 hoc  vien 25 .....", strlen("bc da 4.1 hoc  vien 25 ....."), &t);
	report_text_key(&t, 1, k2, sizeof k2);
	CHECK_STR(k1, k2);
	char big[3000];
	memset(big, 'a', sizeof big - 1);
	big[sizeof big - 1] = 0;
	report_lex(big, strlen(big), &t);
	CHECK(t.truncated);
	report_lex(NULL, 0, &t);
	CHECK_INT(t.n, 0);
}

TEST(keywords)
{
	static struct report_tokens t;
	int used;
	char s[64];
#define KW(text) (report_lex(text, strlen(text), &t), \
	report_keyword_match(&t, 0, report_form_keywords, REPORT_FORM_COUNT, &used, s, sizeof s))
	CHECK_INT(KW("BC DA4.1"), REPORT_FORM_BC);
	CHECK_INT(KW("Báo Cáo DA4.1"), REPORT_FORM_BC);
	CHECK_INT(used, 2);
	CHECK_INT(KW("baocoa DA4.1"), REPORT_FORM_BC);	/* one swap */
	CHECK_INT(KW("CB DA4.1"), REPORT_FORM_BC);
	CHECK_INT(KW("suaa K7QD"), REPORT_FORM_SUA);
	CHECK_INT(KW("dyet 0912345678"), REPORT_FORM_DUYET);
	CHECK_INT(KW("XYZ 1"), -1);
	CHECK_INT(KW("hu K7QD"), REPORT_FORM_HUY);	/* one letter short of HUY only */
	CHECK_INT(KW("du 0912345678"), -1);	/* DK? no: too far from every form */
	CHECK_INT(KW("hk"), -1);
	CHECK_INT(KW("12 bc"), -1);
#undef KW
}

int main(void)
{
	char why[300];
	const char *root = getenv("TINBAO_ROOT") ? getenv("TINBAO_ROOT") : ".";
	char path[512];
	snprintf(path, sizeof path, "%s/config/catalog.conf", root);
	if (catalog_load(&cat, path, why, sizeof why) < 0) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	RUN(numbers);
	RUN(lexer);
	RUN(keywords);
	RUN(fixture_tables);
	catalog_free(cat);
	return check_done();
}
