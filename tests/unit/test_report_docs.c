/* test_report_docs.c: the examples in docs/sms-syntax.md and
 * docs/cheatsheet.md are test cases. Every line of a fenced block marked
 * `sms` (sent by a Vô Tranh Thôn 3 collaborator), `sms-staff` (district
 * staff) or `sms-stranger` (an unregistered number) must be understood with
 * no problem; every line of an `sms-error` block must be refused with at
 * least one; an `sms-reply` block holds messages each followed by "→ " and
 * its exact reply. Each row of the hint table (| problem | message | reply
 * fragment |) must get a reply containing its fragments. The receipt quoted
 * in the docs is checked word for word. */
#include "check.h"

#include <stdlib.h>

#include "catalog.h"
#include "lang/reply.h"
#include "lang/report_check.h"
#include "lang/report_lex.h"
#include "lang/report_parse.h"
#include "store/store_users.h"

static struct catalog *cat;
static const int64_t NOW = 1795575600;	/* 2026-11-25 10:00 in Hà Nội */

enum who { WHO_CTV, WHO_STAFF, WHO_STRANGER };

/* Problems found for one message (0: understood), -1: no command; reply
 * (may be NULL) gets the answer a problem or receipt would be ("XXXX" for
 * the reference). */
static int reply_of(const char *msg, enum who who, struct report *r, char *reply, size_t len)
{
	struct user u;
	memset(&u, 0, sizeof u);
	snprintf(u.phone, sizeof u.phone, "+84912000001");
	u.active = true;
	u.role = who == WHO_STAFF ? ROLE_STAFF : ROLE_COLLABORATOR;
	if (who == WHO_CTV) {
		snprintf(u.commune, sizeof u.commune, "vo-tranh");
		snprintf(u.village, sizeof u.village, "vo-tranh/thon-3");
	}
	struct report_env env = { cat, who == WHO_STRANGER ? NULL : &u, NOW, 7 * 3600, 60 };
	static struct report_tokens t;
	report_lex(msg, strlen(msg), &t);
	int start = t.n && !strcmp(t.tok[0].text, "test") ? 1 : 0, used = 0;
	int form = report_keyword_match(&t, start, report_form_keywords, REPORT_FORM_COUNT, &used, NULL, 0);
	if (form < 0)
		return -1;
	struct report_problems pr;
	int n = report_parse(&t, start + used, (enum report_form)form, &env, r, &pr);
	r->training |= start == 1;	/* as dispatch does for the TEST prefix */
	if (r->form == REPORT_FORM_BC || r->form == REPORT_FORM_RS)
		n += report_check(r, &env, &pr);
	struct reply_style st = { false };
	if (reply && n)
		reply_problems(r, &pr, cat, who == WHO_STAFF, &st, reply, len);
	else if (reply)
		reply_receipt(r, "XXXX", 1, &st, reply, len);
	return n;
}

static int problems_of(const char *msg, enum who who, struct report *r)
{
	return reply_of(msg, who, r, NULL, 0);
}

static const char ARROW[] = "\xe2\x86\x92 ";	/* "→ " */

/* An `sms-reply` line: a message (kept in msg), or "→ " and its reply. */
static void check_reply_line(const char *name, int ln, const char *line, char *msg, size_t msglen)
{
	if (strncmp(line, ARROW, sizeof ARROW - 1)) {
		CHECKF(!msg[0], "%s:%d: \"%s\" has no \"→ reply\" line", name, ln, msg);
		snprintf(msg, msglen, "%s", line);
		return;
	}
	CHECKF(msg[0], "%s:%d: a reply with no message before it", name, ln);
	struct report r;
	char got[REPLY_BUF];
	reply_of(msg, WHO_CTV, &r, got, sizeof got);
	const char *want = line + sizeof ARROW - 1;
	CHECKF(!strcmp(got, want), "%s:%d: \"%s\"\n     got  %s\n     want %s", name, ln, msg, got, want);
	CHECKF(reply_fits_one(got), "%s:%d: over one SMS: %s", name, ln, got);
	msg[0] = 0;
}

/* The n-th `quoted` piece of s (0-based) into out; false when none. */
static bool quoted(const char *s, int n, char *out, size_t len)
{
	for (int k = 0;; k++) {
		const char *a = strchr(s, '`'), *b = a ? strchr(a + 1, '`') : NULL;
		if (!b)
			return false;
		if (k == n) {
			snprintf(out, len, "%.*s", (int)(b - a - 1), a + 1);
			return true;
		}
		s = b + 1;
	}
}

static int hint_rows;

/* A row of the hint table: "| problem | [staff] `message` | `fragment` ... |". */
static void check_hint_row(const char *name, int ln, const char *line)
{
	char cells[4][400];
	int nc = 0;
	for (const char *p = line + 1; nc < 4 && *p;) {
		const char *bar = strchr(p, '|');
		if (!bar)
			break;
		snprintf(cells[nc++], sizeof cells[0], "%.*s", (int)(bar - p), p);
		p = bar + 1;
	}
	char msg[200];
	if (nc != 3 || !quoted(cells[1], 0, msg, sizeof msg))
		return;	/* the header and the rule */
	enum who who = strstr(cells[1], "staff") && strstr(cells[1], "staff") < strchr(cells[1], '`')
			       ? WHO_STAFF : WHO_CTV;
	struct report r;
	char got[REPLY_BUF], frag[200];
	int n = reply_of(msg, who, &r, got, sizeof got);
	CHECKF(n > 0, "%s:%d: \"%s\" should be refused", name, ln, msg);
	for (int k = 0; quoted(cells[2], k, frag, sizeof frag); k++)
		CHECKF(strstr(got, frag) != NULL, "%s:%d: \"%s\"\n     got  %s\n     want ...%s...", name, ln,
		       msg, got, frag);
	hint_rows++;
}

static int examples;

static void check_doc(const char *name)
{
	const char *root = getenv("TINBAO_ROOT") ? getenv("TINBAO_ROOT") : ".";
	char path[512];
	snprintf(path, sizeof path, "%s/docs/%s", root, name);
	FILE *f = fopen(path, "r");
	CHECKF(f != NULL, "cannot open %s", path);
	if (!f)
		return;
	char line[1024], msg[1024] = "";
	int ln = 0, in = 0;	/* 0 outside, 1 sms, 2 staff, 3 stranger, 4 error, 5 reply */
	bool hints = false;	/* inside the hint table's section */
	while (fgets(line, sizeof line, f)) {
		ln++;
		line[strcspn(line, "\r\n")] = 0;
		if (!in && !strncmp(line, "###", 3))
			hints = strstr(line, "Problem replies and their hints") != NULL;
		if (!in && hints && line[0] == '|')
			check_hint_row(name, ln, line);
		if (!strncmp(line, "```", 3)) {
			if (in) {
				CHECKF(in != 5 || !msg[0], "%s:%d: \"%s\" has no \"→ reply\" line", name, ln, msg);
				msg[0] = 0;
				in = 0;
			} else if (!strcmp(line, "```sms")) {
				in = 1;
			} else if (!strcmp(line, "```sms-staff")) {
				in = 2;
			} else if (!strcmp(line, "```sms-stranger")) {
				in = 3;
			} else if (!strcmp(line, "```sms-error")) {
				in = 4;
			} else if (!strcmp(line, "```sms-reply")) {
				in = 5;
			} else {
				in = -1;	/* another language's block */
			}
			continue;
		}
		if (in <= 0 || !line[0])
			continue;
		if (in == 5) {
			check_reply_line(name, ln, line, msg, sizeof msg);
			examples++;
			continue;
		}
		struct report r;
		enum who who = in == 2 ? WHO_STAFF : in == 3 ? WHO_STRANGER : WHO_CTV;
		int n = problems_of(line, who, &r);
		if (in == 4)
			CHECKF(n > 0, "%s:%d: \"%s\" should be refused", name, ln, line);
		else
			CHECKF(n == 0, "%s:%d: \"%s\" not understood (%d)", name, ln, line, n);
		examples++;
	}
	fclose(f);
}

TEST(docs_examples)
{
	check_doc("sms-syntax.md");
	check_doc("cheatsheet.md");
	CHECKF(examples >= 40, "only %d examples", examples);
	CHECKF(hint_rows >= 20, "only %d hint table rows checked", hint_rows);
}

TEST(documented_receipt)
{
	struct report r;
	CHECK(problems_of("BC DA4.1 LOP 1 HV 25 HN 10 CN 8 TN 7 PN 12 KP 30", WHO_CTV, &r) == 0);
	char out[REPLY_BUF];
	struct reply_style st = { false };
	reply_receipt(&r, "XXXX", 1, &st, out, sizeof out);
	CHECK_STR(out, "Da nhan XXXX: DA4.1 Thon 3 Vo Tranh 25/11/2026: LOP 1, HV 25, HN 10, CN 8, TN 7, "
		       "PN 12, KP 30tr. Sai? SUA XXXX LOP 1");
	reply_report_summary(&r, out, sizeof out);
	CHECK_STR(out, "DA4.1 Thon 3 Vo Tranh 25/11");
}

int main(void)
{
	char why[300], path[512];
	const char *root = getenv("TINBAO_ROOT") ? getenv("TINBAO_ROOT") : ".";
	snprintf(path, sizeof path, "%s/config/catalog.conf", root);
	if (catalog_load(&cat, path, why, sizeof why) < 0) {
		fprintf(stderr, "%s\n", why);
		return 1;
	}
	RUN(docs_examples);
	RUN(documented_receipt);
	catalog_free(cat);
	return check_done();
}
