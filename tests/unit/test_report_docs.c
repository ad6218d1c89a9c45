/* test_report_docs.c: the examples in docs/sms-syntax.md and
 * docs/cheatsheet.md are test cases. Every line of a fenced block marked
 * `sms` (sent by a Vô Tranh Thôn 3 collaborator), `sms-staff` (district
 * staff) or `sms-stranger` (an unregistered number) must be understood with
 * no problem; every line of an `sms-error` block must be refused with at
 * least one. The receipt quoted in the docs is checked word for word. */
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

/* Problems found for one message (0: understood), -1: no command. */
static int problems_of(const char *msg, enum who who, struct report *r)
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
	if (r->form == REPORT_FORM_BC || r->form == REPORT_FORM_RS)
		n += report_check(r, &env, &pr);
	return n;
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
	char line[1024];
	int ln = 0, in = 0;	/* 0 outside, 1 sms, 2 staff, 3 stranger, 4 error */
	while (fgets(line, sizeof line, f)) {
		ln++;
		line[strcspn(line, "\r\n")] = 0;
		if (!strncmp(line, "```", 3)) {
			if (in) {
				in = 0;
			} else if (!strcmp(line, "```sms")) {
				in = 1;
			} else if (!strcmp(line, "```sms-staff")) {
				in = 2;
			} else if (!strcmp(line, "```sms-stranger")) {
				in = 3;
			} else if (!strcmp(line, "```sms-error")) {
				in = 4;
			} else {
				in = -1;	/* another language's block */
			}
			continue;
		}
		if (in <= 0 || !line[0])
			continue;
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
