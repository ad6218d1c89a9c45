/* test_ussd_menu.c: the USSD reporting menu over the shipped catalog: a
 * whole report, cancel, bad input at every step (re-asked), paging, money
 * with '#', breakdown rules, the configured project list, and screens that
 * never exceed the USSD page. */
#include "check.h"

#include "catalog.h"
#include "lang/report_lex.h"
#include "lang/report_parse.h"
#include "lang/ussd_menu.h"
#include "store/store_users.h"

static struct catalog *cat;

static void load(void)
{
	const char *root = getenv("TINBAO_ROOT");
	char path[1024], why[256] = "";
	snprintf(path, sizeof path, "%s/config/catalog.conf", root ? root : ".");
	if (catalog_load(&cat, path, why, sizeof why) < 0) {
		fprintf(stderr, "catalog: %s\n", why);
		cat = NULL;
	}
}

/* The number of the project / indicator in the menu lists. */
static int project_no(const char *code)
{
	int k = 0;
	for (size_t i = 0; i < catalog_project_count(cat); i++) {
		const struct catalog_project *p = catalog_project_at(cat, i);
		if (p->signed_values || p->review || p->nindicators == 0)
			continue;
		k++;
		if (strcmp(p->code, code) == 0)
			return k;
	}
	return -1;
}

static int ind_no(const char *project, const char *ind)
{
	const struct catalog_project *p = catalog_project_find(cat, project);
	for (int i = 0; p && i < p->nindicators; i++)
		if (strcmp(p->indicators[i]->code, ind) == 0)
			return i + 1;
	return -1;
}

static const struct {
	const char *text;	/* with P=DA4.1's number, H=HV, N=HN, K=KP, C=CN, T=TN substituted */
	enum ussd_menu_outcome outcome;
	enum ussd_menu_stage stage;
	bool refused;
	const char *screen_has;
	const char *report;
} walk[] = {
	{ "", USSD_MENU_CONTINUE, USSD_MENU_PROJECT, false, "CON Bao cao: chon du an", NULL },
	{ "P", USSD_MENU_CONTINUE, USSD_MENU_INDICATOR, false, "CON DA4.1: chon chi so", NULL },
	{ "P*H", USSD_MENU_CONTINUE, USSD_MENU_VALUE, false, "HV hoc vien (nguoi)", NULL },
	{ "P*H*25", USSD_MENU_CONTINUE, USSD_MENU_INDICATOR, false, "HV=25", NULL },
	{ "P*H*25*N*10", USSD_MENU_CONTINUE, USSD_MENU_INDICATOR, false, "HN=10", NULL },
	{ "P*H*25*N*10*0", USSD_MENU_CONTINUE, USSD_MENU_CONFIRM, false,
	  "Gui bao cao?\nBC DA4.1 HV 25 HN 10\n1 Gui\n2 Huy", NULL },
	{ "P*H*25*N*10*0*1", USSD_MENU_SUBMIT, USSD_MENU_DONE, false, "END Da gui: BC DA4.1 HV 25 HN 10",
	  "BC DA4.1 HV 25 HN 10" },
	{ "P*N*10*H*25*0*1", USSD_MENU_SUBMIT, USSD_MENU_DONE, false, "END",
	  "BC DA4.1 HV 25 HN 10" },	/* catalog order, whatever the entry order */
	{ "P*H*25*N*10*0*2", USSD_MENU_CANCEL, USSD_MENU_DONE, false, "END Da huy", NULL },
	/* bad input at each step: the same question again, with a reason */
	{ "x", USSD_MENU_CONTINUE, USSD_MENU_PROJECT, true, "CON Sai: Chon so 1-", NULL },
	{ "0", USSD_MENU_CONTINUE, USSD_MENU_PROJECT, true, "Sai:", NULL },
	{ "P*77", USSD_MENU_CONTINUE, USSD_MENU_INDICATOR, true, "CON Sai: Chon so 1-12 hoac 0", NULL },
	{ "P*0", USSD_MENU_CONTINUE, USSD_MENU_INDICATOR, true, "Sai: Chua nhap so lieu nao", NULL },
	{ "P*H*abc", USSD_MENU_CONTINUE, USSD_MENU_VALUE, true, "Sai: Nhap so nguyen", NULL },
	{ "P*H*2#5", USSD_MENU_CONTINUE, USSD_MENU_VALUE, true, "Sai: Nhap so nguyen", NULL },
	{ "P*H*501", USSD_MENU_CONTINUE, USSD_MENU_VALUE, true, "Sai: Toi da 500", NULL },
	{ "P*H*", USSD_MENU_CONTINUE, USSD_MENU_VALUE, true, "Sai:", NULL },
	{ "P*H*25*0*7", USSD_MENU_CONTINUE, USSD_MENU_CONFIRM, true, "Sai: Chon 1 hoac 2", NULL },
	{ "P*H*25*N*20*C*10*0", USSD_MENU_CONTINUE, USSD_MENU_INDICATOR, true,
	  "Sai: HN+CN+TN lon hon HV", NULL },
	/* recovering after mistakes */
	{ "x*P*77*H*abc*25*0*9*1", USSD_MENU_SUBMIT, USSD_MENU_DONE, false, "END", "BC DA4.1 HV 25" },
	{ "P*H*25*N*20*C*10*0*N*5*0*1", USSD_MENU_SUBMIT, USSD_MENU_DONE, false, "END",
	  "BC DA4.1 HV 25 HN 5 CN 10" },
	/* a value entered twice: the last one counts */
	{ "P*H*25*H*30*0*1", USSD_MENU_SUBMIT, USSD_MENU_DONE, false, "END", "BC DA4.1 HV 30" },
	/* money with '#' as the decimal mark */
	{ "P*K*2#5*0*1", USSD_MENU_SUBMIT, USSD_MENU_DONE, false, "END", "BC DA4.1 KP 2,5" },
	{ "P*K*30*0*1", USSD_MENU_SUBMIT, USSD_MENU_DONE, false, "END", "BC DA4.1 KP 30" },
	{ "P*K*1#2345", USSD_MENU_CONTINUE, USSD_MENU_VALUE, true, "Sai: Nhap so, # la dau thap phan", NULL },
	{ "P*K*#5", USSD_MENU_CONTINUE, USSD_MENU_VALUE, true, "Sai:", NULL },
	/* blanks the handset adds */
	{ " P * H * 7 * 0 * 1 ", USSD_MENU_SUBMIT, USSD_MENU_DONE, false, "END", "BC DA4.1 HV 7" },
	/* inputs after the end are ignored */
	{ "P*H*7*0*1*5*5", USSD_MENU_SUBMIT, USSD_MENU_DONE, false, "END", "BC DA4.1 HV 7" },
};

static void subst(const char *in, char *out, size_t len)
{
	size_t o = 0;
	for (const char *p = in; *p && o + 8 < len; p++) {
		int v = -1;
		switch (*p) {
		case 'P': v = project_no("DA4.1"); break;
		case 'H': v = ind_no("DA4.1", "HV"); break;
		case 'N': v = ind_no("DA4.1", "HN"); break;
		case 'C': v = ind_no("DA4.1", "CN"); break;
		case 'K': v = ind_no("DA4.1", "KP"); break;
		default: break;
		}
		if (v >= 0)
			o += (size_t)snprintf(out + o, len - o, "%d", v);
		else
			out[o++] = *p;
	}
	out[o] = '\0';
}

TEST(test_walk)
{
	CHECK(cat != NULL);
	if (!cat)
		return;
	for (size_t i = 0; i < sizeof walk / sizeof walk[0]; i++) {
		char text[256];
		subst(walk[i].text, text, sizeof text);
		struct ussd_menu_result r;
		enum ussd_menu_outcome o = ussd_menu_step(cat, NULL, text, &r);
		CHECKF(o == walk[i].outcome && r.outcome == o, "'%s': outcome %s", text,
		       ussd_menu_outcome_name(o));
		CHECKF(r.stage == walk[i].stage, "'%s': stage %d", text, r.stage);
		CHECKF(r.last_refused == walk[i].refused, "'%s': refused %d", text, r.last_refused);
		CHECKF(strstr(r.screen, walk[i].screen_has) != NULL, "'%s': screen\n%s\nlacks '%s'", text,
		       r.screen, walk[i].screen_has);
		CHECKF(strlen(r.screen) <= USSD_MENU_SCREEN_DEFAULT, "'%s': screen %zu chars", text,
		       strlen(r.screen));
		if (walk[i].report)
			CHECKF(strcmp(r.report, walk[i].report) == 0, "'%s': report '%s'", text, r.report);
		else
			CHECKF(r.report[0] == '\0', "'%s': unexpected report '%s'", text, r.report);
		bool con = strncmp(r.screen, "CON ", 4) == 0, end = strncmp(r.screen, "END ", 4) == 0;
		CHECKF(o == USSD_MENU_CONTINUE ? con : end, "'%s': prefix", text);
	}
}

TEST(test_paging)
{
	if (!cat)
		return;
	/* DA2 has 19 indicators: more than one page of 182 characters. */
	char text[64];
	snprintf(text, sizeof text, "%d", project_no("DA2"));
	struct ussd_menu_result r1, r2;
	ussd_menu_step(cat, NULL, text, &r1);
	CHECK(strstr(r1.screen, "\n99 Tiep") != NULL);
	CHECK(strstr(r1.screen, "\n1 MH") != NULL);
	CHECK(strstr(r1.screen, "0 Xong") != NULL);
	strcat(text, "*99");
	ussd_menu_step(cat, NULL, text, &r2);
	CHECK(!r2.last_refused);
	CHECK(strcmp(r1.screen, r2.screen) != 0);
	CHECK(strstr(r2.screen, "\n1 MH") == NULL);
	CHECK(strlen(r1.screen) <= 182 && strlen(r2.screen) <= 182);
	/* Every indicator appears on some page, and paging wraps around. */
	const struct catalog_project *p = catalog_project_find(cat, "DA2");
	int seen = 0;
	char t[256];
	snprintf(t, sizeof t, "%d", project_no("DA2"));
	struct ussd_menu_result r;
	char first[USSD_MENU_OUT_MAX];
	for (int page = 0; page < 10; page++) {
		ussd_menu_step(cat, NULL, t, &r);
		if (page == 0)
			snprintf(first, sizeof first, "%s", r.screen);
		else if (strcmp(first, r.screen) == 0)
			break;
		for (int i = 0; i < p->nindicators; i++) {
			char needle[32];
			snprintf(needle, sizeof needle, "\n%d %s", i + 1, p->indicators[i]->code);
			if (strstr(r.screen, needle))
				seen++;
		}
		strcat(t, "*99");
	}
	CHECK_INT(seen, p->nindicators);
	/* An indicator on page 2 can be chosen by its number. */
	snprintf(t, sizeof t, "%d*99*%d*3*0*1", project_no("DA2"), ind_no("DA2", "KP"));
	ussd_menu_step(cat, NULL, t, &r);
	CHECK_STR(r.report, "BC DA2 KP 3");
	/* A small screen still shows at least one item per page. */
	struct ussd_menu_opts o = { NULL, 0, 40 };
	ussd_menu_step(cat, &o, "", &r);
	CHECK(strstr(r.screen, "\n1 DA") != NULL);
}

TEST(test_project_list_from_config)
{
	if (!cat)
		return;
	const char *const list[] = { "DA4.1", "da2", "RS", "NOPE" };
	struct ussd_menu_opts o = { list, 4, 0 };
	struct ussd_menu_result r;
	ussd_menu_step(cat, &o, "", &r);
	CHECK(strstr(r.screen, "\n1 DA4.1") != NULL);
	CHECK(strstr(r.screen, "\n2 DA2") != NULL);
	CHECK(strstr(r.screen, "\n3 ") == NULL);
	ussd_menu_step(cat, &o, "3", &r);
	CHECK(r.last_refused);
	CHECK(strstr(r.screen, "Chon so 1-2") != NULL);
	ussd_menu_step(cat, &o, "2*1*1*0*1", &r);
	CHECK_STR(r.report, "BC DA2 MH 1");
	/* Nothing to offer: the session ends at once. */
	const char *const none[] = { "RS" };
	struct ussd_menu_opts n = { none, 1, 0 };
	CHECK(ussd_menu_step(cat, &n, "", &r) == USSD_MENU_ABORT);
	CHECK(strncmp(r.screen, "END ", 4) == 0);
	CHECK(ussd_menu_step(NULL, NULL, "", &r) == USSD_MENU_ABORT);
}

TEST(test_bounds)
{
	if (!cat)
		return;
	char text[1024] = "";
	for (int i = 0; i < 70; i++)
		strcat(text, i ? "*x" : "x");
	struct ussd_menu_result r;
	CHECK(ussd_menu_step(cat, NULL, text, &r) == USSD_MENU_ABORT);
	CHECK(strncmp(r.screen, "END ", 4) == 0);
	CHECK(ussd_menu_step(cat, NULL, NULL, &r) == USSD_MENU_CONTINUE);
	char longin[100];
	memset(longin, '1', 99);
	longin[99] = '\0';
	ussd_menu_step(cat, NULL, longin, &r);
	CHECK(r.last_refused);
	CHECK(strstr(r.screen, "Qua dai") != NULL);
	CHECK_STR(ussd_menu_outcome_name(USSD_MENU_SUBMIT), "submit");
}

TEST(test_reports_parse_as_sms)
{
	/* Whatever the menu submits, the SMS language reads back as the same
	 * project and values: the menu is just another way to type it. */
	if (!cat)
		return;
	static const char *const walks[] = {
		"P*H*25*N*10*0*1", "P*K*2#5*0*1", "P*K*1#234*H*3*0*1", "P*K*12#05*0*1",
		"P*1*2*H*500*0*1", "D*16*1000*0*1",
	};
	struct user u;
	memset(&u, 0, sizeof u);
	snprintf(u.phone, sizeof u.phone, "+84912345678");
	u.role = ROLE_COLLABORATOR;
	u.active = true;
	const struct catalog_village *v = catalog_village_at(cat, catalog_village_count(cat) - 1);
	snprintf(u.commune, sizeof u.commune, "%s", v->commune->code);
	snprintf(u.village, sizeof u.village, "%.63s", v->code);
	for (size_t i = 0; i < sizeof walks / sizeof walks[0]; i++) {
		char text[128];
		const char *w = walks[i];
		char tmp[128];
		if (w[0] == 'D') {	/* DA2 walk: the money indicator sits on page 2 */
			snprintf(tmp, sizeof tmp, "%d*99*%d%s", project_no("DA2"), ind_no("DA2", "KP"), w + 4);
			w = tmp;
		}
		subst(w, text, sizeof text);
		struct ussd_menu_result r;
		CHECKF(ussd_menu_step(cat, NULL, text, &r) == USSD_MENU_SUBMIT, "'%s': %s", text, r.screen);
		static struct report_tokens tok;
		report_lex(r.report, strlen(r.report), &tok);
		struct report_env env = { cat, &u, 1764000000, 7 * 3600, 60 };
		static struct report rep;
		struct report_problems pr;
		memset(&pr, 0, sizeof pr);
		int n = report_parse(&tok, 1, REPORT_FORM_BC, &env, &rep, &pr);
		CHECKF(n == 0, "'%s' -> '%s': %d problems (first %d '%s')", text, r.report, n,
		       pr.n ? (int)pr.p[0].code : -1, pr.n ? pr.p[0].subject : "");
		if (n)
			continue;
		char back[256] = "BC ";
		strcat(back, rep.project->code);
		for (int k = 0; k < rep.nvalues; k++) {
			char val[64];
			snprintf(val, sizeof val, " %s %g", rep.values[k].ind->code, rep.values[k].value);
			strcat(back, val);
		}
		/* Same figures: compare with the menu's text, commas read as points. */
		char want[256];
		snprintf(want, sizeof want, "%s", r.report);
		for (char *c = want; *c; c++)
			if (*c == ',')
				*c = '.';
		CHECKF(strcmp(back, want) == 0, "'%s': menu '%s', SMS parser '%s'", text, r.report, back);
	}
}

int main(void)
{
	load();
	RUN(test_walk);
	RUN(test_paging);
	RUN(test_project_list_from_config);
	RUN(test_bounds);
	RUN(test_reports_parse_as_sms);
	catalog_free(cat);
	return check_done();
}
