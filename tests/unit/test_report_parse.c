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

static int corrected_offered;

/* What the dispatcher does before a handler: the TEST prefix, the command
 * keyword, then the parse and (reports and reviews) the checks, which run
 * even when parsing found problems so that all are named. Returns the
 * number of problems, or -1 when no command keyword matched. */
static int read_report(const char *msg, const struct report_env *env, struct report *r,
		       struct report_problems *pr)
{
	static struct report_tokens t;
	report_lex(msg, strlen(msg), &t);
	int start = t.n > 0 && t.tok[0].type == REPORT_TOK_WORD && !strcmp(t.tok[0].text, "test") ? 1 : 0;
	int used = 0;
	int form = report_keyword_match(&t, start, report_form_keywords, REPORT_FORM_COUNT, &used, NULL, 0);
	if (form < 0)
		return -1;
	int n = report_parse(&t, start + used, (enum report_form)form, env, r, pr);
	r->training |= start == 1;
	if (r->form == REPORT_FORM_BC || r->form == REPORT_FORM_RS)
		n += report_check(r, env, pr);
	return n;
}

/* Problems found in msg from u (NULL: unregistered), as dispatch finds them. */
static int problems_of(const char *msg, const struct user *u)
{
	struct report_env env = { cat, u, NOW, 7 * 3600, 60 };
	struct report r;
	struct report_problems pr;
	return read_report(msg, &env, &r, &pr);
}

/* One fixture row: the message read as dispatch reads it, against want. */
static void run_case(const char *file, int line, const char *sender, const char *msg, const char *want)
{
	struct user u;
	bool has = make_user(sender, &u);
	struct report_env env = { cat, has ? &u : NULL, NOW, 7 * 3600, 60 };
	char got[512];
	struct report r;
	struct report_problems pr;
	char reply[REPLY_BUF];
	struct reply_style st = { false };
	int n = read_report(msg, &env, &r, &pr);
	if (n < 0) {
		snprintf(got, sizeof got, "ERR UNKNOWN_CMD");
	} else {
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
			/* The corrected form offered is right as it stands. */
			const char *again = strstr(reply, " Gui lai: ");
			if (again) {
				int left = problems_of(again + 10, has ? &u : NULL);
				CHECKF(left == 0, "%s:%d: \"%s\" offered, %d problems", file, line, again + 10, left);
				corrected_offered++;
			}
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
	CHECKF(corrected_offered >= 5, "only %d corrected forms offered", corrected_offered);
	printf("fixture messages: %d (%d refused with a corrected form)\n", cases, corrected_offered);
}

/* The reply to msg from sender (as in the fixtures) when it is refused. */
static void problem_reply(const char *sender, const char *msg, char *reply, size_t len)
{
	struct user u;
	bool has = make_user(sender, &u);
	struct report_env env = { cat, has ? &u : NULL, NOW, 7 * 3600, 60 };
	struct report r;
	struct report_problems pr;
	int n = read_report(msg, &env, &r, &pr);
	snprintf(reply, len, "(understood)");
	struct reply_style st = { false };
	if (n > 0)
		reply_problems(&r, &pr, cat, has && u.role == ROLE_STAFF, &st, reply, len);
}

/* Exact problem replies: every problem named with its hint, then the
 * sender's own report corrected ("Gui lai:") when every fix is sure, else
 * the project's example ("Mau:"). */
TEST(problem_replies)
{
	static const struct {
		const char *sender, *msg, *reply;
	} cases[] = {
		/* An indicator typo: HV is given, so HM can only be HN. */
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 LOP 1 HV 25 HM 10",
		  "Chua luu: 'hm' khong ro (HN?). Gui lai: BC DA4.1 LOP 1 HV 25 HN 10" },
		{ "ctv:vo-tranh/thon-3", "bc da4.1 lop 1 hm 10 hv 25",
		  "Chua luu: 'hm' khong ro (HN?). Gui lai: BC DA4.1 LOP 1 HN 10 HV 25" },
		{ "ctv:vo-tranh/thon-3", "BC DA3.1 HO 5 BO 5 HM 5",
		  "Chua luu: 'hm' khong ro (HN?). Gui lai: BC DA3.1 HO 5 BO 5 HN 5" },
		/* Two near (HV, HN): no sure fix, the project's example. */
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HX 25",
		  "Chua luu: 'hx' khong ro (HV/HN?). Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		/* The sure fix breaks a breakdown (HN 30 > HV 25): no form from it. */
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV 25 HM 30",
		  "Chua luu: 'hm' khong ro (HN?). Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		/* A project typo: one project has the number. */
		{ "ctv:vo-tranh/thon-3", "BC DA5.1 NHA 1 HN 1",
		  "Chua luu: khong co du an DA5.1 (DA5?). Gui lai: BC DA5 NHA 1 HN 1" },
		{ "ctv:vo-tranh/thon-3", "BC DA4.4 HV 25",
		  "Chua luu: khong co du an DA4.4 (DA4.1/DA4.3?). Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		{ "ctv:vo-tranh/thon-3", "BC HV 25",
		  "Chua luu: thieu ma du an. Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		/* An unknown word. */
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV 25 XYZ 3",
		  "Chua luu: 'xyz' khong ro. Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		/* Not in the project: left out of the corrected form, unless
		 * nothing would be left. */
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV 25 BO 5",
		  "Chua luu: BO khong thuoc DA4.1 (DA2/DA3.1?). Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		{ "ctv:vo-tranh/thon-3", "BC DA3.2 HV 25",
		  "Chua luu: HV khong thuoc DA3.2 (DA4.1?). Mau: BC DA3.2 TE 40 HN 22 CN 18" },
		/* Breakdown above total, value out of range, dates, numbers. */
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV 25 HN 20 CN 10",
		  "Chua luu: HN+CN=30 lon hon HV=25. Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV 900",
		  "Chua luu: HV 900 qua lon (toi da 500). Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV 25 ngay 30/12/2026",
		  "Chua luu: ngay 30/12/2026 chua toi. Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV 25 ngay 1/1/2026",
		  "Chua luu: ngay 1/1/2026 qua 60 ngay. Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV 25 ngay 31/2",
		  "Chua luu: ngay '31/2' sai (vd 20/11). Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV HN 10",
		  "Chua luu: HV thieu so. Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV 2,5",
		  "Chua luu: HV 2,5 phai la so nguyen. Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		/* Several problems at once: every one named and numbered. */
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV 25 HM 10 CM 8",
		  "Chua luu: 1) 'hm' khong ro (HN?); 2) 'cm' khong ro (CN?). Gui lai: BC DA4.1 HV 25 HN 10 CN 8" },
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV 25 BO 5 LON 3",
		  "Chua luu: 1) BO khong thuoc DA4.1 (DA2/DA3.1?); 2) LON khong thuoc DA4.1 (DA2/DA3.1?). Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV 25 HM 10 CM 8 ngay 30/12/2026",
		  "Chua luu: 1) ngay 30/12/2026 chua toi; 2) 'hm' khong ro (HN?); 3) 'cm' khong ro (CN?). "
		  "Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		{ "ctv:vo-tranh/thon-3", "BC DA4.4 HX 25 ngay 30/12/2026",
		  "Chua luu: 1) khong co du an DA4.4 (DA4.1/DA4.3?); 2) ngay 30/12/2026 chua toi; 3) 'hx' khong ro "
		  "(HV/HN/HO?)." },
		{ "ctv:vo-tranh/thon-3", "BC HV 2,5 HN",
		  "Chua luu: 1) thieu ma du an; 2) HV 2,5 phai la so nguyen; 3) HN thieu so. "
		  "Mau: BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30" },
		/* More than fit: the form goes first, then the last problems
		 * are counted. */
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV 900 HN 1000 XYZ 2 ABC 3 KP 90000 ngay 30/12/2026",
		  "Chua luu: 1) ngay 30/12/2026 chua toi; 2) 'xyz' khong ro; 3) 'abc' khong ro; 4) HV 900 qua lon "
		  "(toi da 500); 5) KP 90000 qua lon (toi da 50000) (+1 loi)." },
		/* The date, the place (staff), the TEST prefix and a review's
		 * signs are kept in the corrected form. */
		{ "ctv:vo-tranh/thon-3", "BC DA4.1 HV 25 HM 3 ngay 20/11",
		  "Chua luu: 'hm' khong ro (HN?). Gui lai: BC DA4.1 HV 25 HN 3 ngay 20/11/2026" },
		{ "staff", "BC DA4.1 Dai Pham khu 2 HV 25 HM 10",
		  "Chua luu: 'hm' khong ro (HN?). Gui lai: BC DA4.1 XA Dai Pham Khu 2 HV 25 HN 10" },
		{ "staff", "BC DA4.1 HV 25",
		  "Chua luu: ghi noi: XA Vo Tranh THON 3. Mau: BC DA4.1 XA Vo Tranh THON 3 LOP 1 HV 25 HN 10 CN 8 "
		  "TN 7 PN 12 KP 30" },
		{ "ctv:vo-tranh/thon-3", "TEST BC DA4.1 HV 25 HM 3",
		  "Chua luu: 'hm' khong ro (HN?). Gui lai: TEST BC DA4.1 HV 25 HN 3" },
		{ "ctv:vo-tranh/thon-3", "RS HM+2 CN-1",
		  "Chua luu: 'hm' khong ro (HN?). Gui lai: RS HN+2 CN-1" },
		/* A correction or a household code: the fixed sample. */
		{ "ctv:vo-tranh/thon-3", "SUA K7QD HM 26",
		  "Chua luu: 'hm' khong ro (HV/HN/HO?). Mau: SUA K7QD HV 26" },
		{ "ctv:vo-tranh/thon-3", "SUA K7Q2 HV 26", "Chua luu: ma 'K7Q2' sai (4 ky tu). Mau: SUA K7QD HV 26" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char reply[REPLY_BUF];
		problem_reply(cases[i].sender, cases[i].msg, reply, sizeof reply);
		CHECKF(!strcmp(reply, cases[i].reply), "\"%s\" from %s\n     got  %s\n     want %s", cases[i].msg,
		       cases[i].sender, reply, cases[i].reply);
		CHECKF(reply_fits_one(reply), "over one SMS: %s", reply);
	}
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
	CHECK_STR(s, "");	/* nothing near: nothing to ask */
	/* Near two keywords: not taken, and the reply asks "Co phai SUA,
	 * HUY?" with the candidates in table order. */
	CHECK_INT(KW("hua K7QD HV 26"), -1);
	CHECK_STR(s, "SUA, HUY");
	CHECK_INT(used, 0);
	CHECK_INT(KW("suy K7QD"), -1);
	CHECK_STR(s, "SUA, HUY");
	CHECK_INT(KW("hud DA4.1"), -1);
	CHECK_STR(s, "HUY, HD");
	CHECK_INT(KW("hdk"), -1);
	CHECK_STR(s, "HD, DK");
	/* Near one: taken, and no question left behind. */
	CHECK_INT(KW("suaa K7QD"), REPORT_FORM_SUA);
	CHECK_STR(s, "");
	/* The question fits a short buffer without overrunning it. */
	char tiny[6];
	report_lex("hua", 3, &t);
	CHECK_INT(report_keyword_match(&t, 0, report_form_keywords, REPORT_FORM_COUNT, &used, tiny, sizeof tiny), -1);
	CHECK_STR(tiny, "SUA, ");
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
	RUN(problem_replies);
	catalog_free(cat);
	return check_done();
}
