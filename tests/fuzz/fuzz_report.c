/* fuzz_report.c: the report language on arbitrary bytes. Properties: lexing,
 * keyword matching, parsing and checking never crash; a parse gives a
 * result or problems, never both and never neither; every reply built from
 * either fits one SMS and is not empty; a corrected form offered in a
 * problem reply ("Gui lai: ...") is itself understood with no problem. The
 * first byte picks the sender (village collaborator, commune collaborator,
 * staff, stranger). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "lang/reply.h"
#include "lang/report_check.h"
#include "lang/report_lex.h"
#include "lang/report_parse.h"
#include "store/store_users.h"

static struct catalog *load_catalog(void)
{
	static struct catalog *cat;	/* loaded once per fuzzing process */
	if (!cat) {
		char why[300];
		const char *root = getenv("TINBAO_ROOT");
		char path[512];
		snprintf(path, sizeof path, "%s/config/catalog.conf", root ? root : ".");
		if (catalog_load(&cat, path, why, sizeof why) < 0) {
			fprintf(stderr, "fuzz_report: %s\n", why);
			abort();
		}
	}
	return cat;
}

/* Problems in text from the same sender (the corrected form's check). */
static int problems_in(const char *text, const struct report_env *env)
{
	static struct report_tokens t;
	report_lex(text, strlen(text), &t);
	int start = t.n > 0 && !strcmp(t.tok[0].text, "test") ? 1 : 0, used = 0;
	int form = report_keyword_match(&t, start, report_form_keywords, REPORT_FORM_COUNT, &used, NULL, 0);
	if (form < 0)
		return -1;
	struct report r;
	struct report_problems pr;
	int n = report_parse(&t, start + used, (enum report_form)form, env, &r, &pr);
	if (r.form == REPORT_FORM_BC || r.form == REPORT_FORM_RS)
		n += report_check(&r, env, &pr);
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog *cat = load_catalog();
	if (size < 1)
		return 0;
	struct user u;
	memset(&u, 0, sizeof u);
	snprintf(u.phone, sizeof u.phone, "+84912000001");
	u.active = true;
	int who = data[0] % 4;
	u.role = who == 2 ? ROLE_STAFF : ROLE_COLLABORATOR;
	snprintf(u.commune, sizeof u.commune, "vo-tranh");
	if (who == 0)
		snprintf(u.village, sizeof u.village, "vo-tranh/thon-3");
	struct report_env env = { cat, who == 3 ? NULL : &u, 1795575600, 7 * 3600, 60 };
	static struct report_tokens t;
	report_lex((const char *)data + 1, size - 1, &t);
	int start = t.n > 0 && !strcmp(t.tok[0].text, "test") ? 1 : 0;
	int used = 0;
	char sugg[64];
	int form = report_keyword_match(&t, start, report_form_keywords, REPORT_FORM_COUNT, &used, sugg,
					sizeof sugg);
	if (form < 0)
		return 0;
	struct report r;
	struct report_problems pr;
	int n = report_parse(&t, start + used, (enum report_form)form, &env, &r, &pr);
	if (r.form == REPORT_FORM_BC || r.form == REPORT_FORM_RS)
		n += report_check(&r, &env, &pr);
	if ((n == 0) != (pr.n == 0 && pr.dropped == 0))
		abort();
	char reply[REPLY_BUF], line[512];
	struct reply_style st = { (data[0] & 4) != 0 };
	if (n == 0) {
		report_describe(&r, line, sizeof line);
		if (form == REPORT_FORM_HD)
			reply_help(cat, r.topic, &st, reply, sizeof reply);
		else if (r.form == REPORT_FORM_BC || r.form == REPORT_FORM_RS)
			reply_receipt(&r, "K7QD", 1, &st, reply, sizeof reply);
		else
			return 0;
	} else {
		reply_problems(&r, &pr, cat, who == 2, &st, reply, sizeof reply);
		const char *again = strstr(reply, " Gui lai: ");
		if (again && problems_in(again + 10, &env) != 0)
			abort();
	}
	if (!reply[0] || !reply_fits_one(reply))
		abort();
	return 0;
}
