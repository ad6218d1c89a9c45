/* report_parse.c: tokens to a report or to every problem in it (see
 * report_parse.h for the grammar). Decisions worth knowing:
 * - An indicator is the longest run of words equal to one of its synonyms
 *   (folded, spaces ignored), else one edit away from exactly one synonym of
 *   four letters or more; two-letter codes need an exact match.
 * - A number right before an indicator belongs to it ("25 học viên"),
 *   otherwise the number after it does ("HV 25").
 * - Dates are found first, so they may stand anywhere in the message. */
#include "lang/report_parse.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store_users.h"

const struct report_keyword report_form_keywords[REPORT_FORM_COUNT] = {
	[REPORT_FORM_BC] = { "bc|baocao|bao cao|bcao" },
	[REPORT_FORM_RS] = { "rs|rasoat|ra soat" },
	[REPORT_FORM_SUA] = { "sua|suabc|sua bc|chinh sua" },
	[REPORT_FORM_HUY] = { "huy|huybc|huy bc|xoa" },
	[REPORT_FORM_HD] = { "hd|huongdan|huong dan|help|trogiup|tro giup" },
	[REPORT_FORM_DK] = { "dk|dangky|dang ky|dangki|dang ki" },
	[REPORT_FORM_DUYET] = { "duyet|pheduyet|phe duyet" },
};

const char *report_problem_name(enum report_problem_code code)
{
	static const char *const names[] = {
		[REPORT_P_UNKNOWN_WORD] = "UNKNOWN_WORD", [REPORT_P_NO_PROJECT] = "NO_PROJECT",
		[REPORT_P_UNKNOWN_PROJECT] = "UNKNOWN_PROJECT", [REPORT_P_NOT_ALLOWED] = "NOT_ALLOWED",
		[REPORT_P_NO_NUMBER] = "NO_NUMBER", [REPORT_P_BAD_NUMBER] = "BAD_NUMBER",
		[REPORT_P_NOT_WHOLE] = "NOT_WHOLE", [REPORT_P_TOO_BIG] = "TOO_BIG",
		[REPORT_P_NEGATIVE] = "NEGATIVE", [REPORT_P_BREAKDOWN] = "BREAKDOWN",
		[REPORT_P_DUPLICATE] = "DUPLICATE", [REPORT_P_NO_VALUES] = "NO_VALUES",
		[REPORT_P_STRAY_NUMBER] = "STRAY_NUMBER", [REPORT_P_BAD_DATE] = "BAD_DATE",
		[REPORT_P_FUTURE_DATE] = "FUTURE_DATE", [REPORT_P_OLD_DATE] = "OLD_DATE",
		[REPORT_P_NO_PLACE] = "NO_PLACE", [REPORT_P_UNKNOWN_PLACE] = "UNKNOWN_PLACE",
		[REPORT_P_NOT_YOUR_PLACE] = "NOT_YOUR_PLACE", [REPORT_P_PLACE_INVALID] = "PLACE_INVALID",
		[REPORT_P_TOO_LONG] = "TOO_LONG", [REPORT_P_NO_REF] = "NO_REF", [REPORT_P_BAD_REF] = "BAD_REF",
		[REPORT_P_NO_NAME] = "NO_NAME", [REPORT_P_BAD_PHONE] = "BAD_PHONE",
	};
	if ((unsigned)code < sizeof names / sizeof names[0] && names[code])
		return names[code];
	return "?";
}

size_t report_describe(const struct report *r, char *out, size_t outlen)
{
	static const char *const forms[] = { "BC", "RS", "SUA", "HUY", "HD", "DK", "DUYET" };
	size_t o = 0;
#define PUT(...) do { \
		int n_ = snprintf(out + o, o < outlen ? outlen - o : 0, __VA_ARGS__); \
		if (n_ > 0) \
			o += (size_t)n_; \
		if (o >= outlen) \
			o = outlen ? outlen - 1 : 0; \
	} while (0)
	if (outlen)
		out[0] = 0;
	PUT("%s", forms[r->form]);
	if (r->ref[0])
		PUT(" %s", r->ref);
	if (r->project && r->form != REPORT_FORM_RS && r->form != REPORT_FORM_HD)
		PUT(" %s", r->project->code);
	if (r->form == REPORT_FORM_HD)
		PUT(" %s", r->topic[0] ? r->topic : "-");
	if (r->village)
		PUT(" @%s", r->village->code);
	else if (r->commune)
		PUT(" @%s", r->commune->code);
	if (r->form == REPORT_FORM_BC || r->form == REPORT_FORM_RS || (r->form == REPORT_FORM_SUA && r->day_given)) {
		char d[16];
		catalog_day_format(r->day, d, sizeof d);
		PUT(" %s", d);
	}
	for (int i = 0; i < r->nvalues; i++) {
		double v = r->values[i].value;
		if (fabs(v - round(v)) < 1e-9)
			PUT(" %s=%s%.0f", r->values[i].ind->code, r->values[i].sign_given && v >= 0 ? "+" : "", v);
		else
			PUT(" %s=%g", r->values[i].ind->code, v);
	}
	if (r->name[0])
		PUT(" \"%s\"", r->name);
	if (r->phone[0])
		PUT(" %s", r->phone);
	for (int i = 0; i < r->nhouseholds; i++)
		PUT("%s%s", i ? "," : " MAHO=", r->households[i]);
	if (r->training)
		PUT(" test");
#undef PUT
	return o;
}

const char report_ref_alphabet[] = "ACDEFGHJKMNPQRTUVWXY34679";

bool report_ref_valid(const char *ref)
{
	if (strlen(ref) != REPORT_REF_LEN)
		return false;
	for (const char *p = ref; *p; p++)
		if (!strchr(report_ref_alphabet, *p))
			return false;
	return true;
}

struct report_problem *report_problem_add(struct report_problems *pr, enum report_problem_code code,
					  const char *subject, const char *hint)
{
	if (pr->n >= REPORT_PROBLEMS_MAX) {
		pr->dropped++;
		return NULL;
	}
	struct report_problem *p = &pr->p[pr->n++];
	p->code = code;
	snprintf(p->subject, sizeof p->subject, "%.39s", subject ? subject : "");
	snprintf(p->hint, sizeof p->hint, "%.47s", hint ? hint : "");
	memset(&p->fix, 0, sizeof p->fix);
	return p;
}

/* The first letter decides most comparisons: every word is held against
 * the place-kind lists, so the call to strcmp is saved for likely ones. */
static bool word_is(const struct report_tokens *t, int i, const char *w)
{
	return i < t->n && t->tok[i].type == REPORT_TOK_WORD && t->tok[i].text[0] == w[0] &&
	       !strcmp(t->tok[i].text, w);
}

static bool word_in(const struct report_tokens *t, int i, const char *const *list)
{
	for (; *list; list++)
		if (word_is(t, i, *list))
			return true;
	return false;
}

static void upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

/* ---- numbers ---- */

static double unit_factor(const char *unit, bool *known)
{
	static const struct {
		const char *w;
		double f;
	} units[] = {
		{ "tr", 1 }, { "trieu", 1 }, { "trd", 1 }, { "m", 1 }, { "trieudong", 1 },
		{ "k", 0.001 }, { "nghin", 0.001 }, { "ngan", 0.001 }, { "ng", 0.001 },
		{ "ty", 1000 }, { "ti", 1000 }, { "ity", 1000 },
		{ "d", 1e-6 }, { "dong", 1e-6 }, { "vnd", 1e-6 }, { "vnđ", 1e-6 },
	};
	*known = false;
	if (!unit)
		return 1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
		if (!strcmp(unit, units[i].w)) {
			*known = true;
			return units[i].f;
		}
	return 1;
}

int report_parse_number(const char *num, const char *unit, const struct catalog_indicator *ind,
			double *out)
{
	char digits[48];
	size_t nd = 0;
	int ndot = 0, ncomma = 0;
	const char *last_sep = NULL;
	bool groups_of_three = true;
	size_t run = 0;
	bool first_group = true;
	for (const char *p = num; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			run++;
			continue;
		}
		if (*p != '.' && *p != ',')
			return REPORT_P_BAD_NUMBER;
		if (!first_group && run != 3)
			groups_of_three = false;
		first_group = false;
		run = 0;
		if (*p == '.')
			ndot++;
		else
			ncomma++;
		last_sep = p;
	}
	if (!first_group && run != 3)
		groups_of_three = false;
	/* Decide which mark, if any, is the decimal one. */
	char dec = 0;
	if (ndot && ncomma)
		dec = *last_sep;		/* 1.500,5 or 1,500.5 */
	else if (ncomma == 1)
		dec = ',';			/* Vietnamese: 1,5 and 1,500 are 1.5 */
	else if (ndot == 1 && !groups_of_three)
		dec = '.';			/* 1.5: only the English reading fits */
	else if ((ndot > 1 || ncomma > 1) && !groups_of_three)
		return REPORT_P_BAD_NUMBER;	/* 1.2.3 */
	bool seen_dec = false;
	for (const char *p = num; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (nd + 2 >= sizeof digits)
				return REPORT_P_TOO_BIG;
			digits[nd++] = *p;
		} else if (*p == dec && !seen_dec) {
			digits[nd++] = '.';
			seen_dec = true;
		} else if (*p == dec) {
			return REPORT_P_BAD_NUMBER;
		}
	}
	digits[nd] = 0;
	/* A whole number of up to 15 digits is exact in a double: summed here,
	 * as strtod would give it, without strtod's general machinery (a
	 * twentieth of the parse time). */
	double v;
	if (!seen_dec && nd <= 15) {
		long long w = 0;
		for (size_t k = 0; k < nd; k++)
			w = w * 10 + (digits[k] - '0');
		v = (double)w;
	} else {
		v = strtod(digits, NULL);
	}
	bool known = false;
	double f = unit_factor(unit, &known);
	if (ind && ind->type == CATALOG_MONEY)
		v *= f;
	/* 3 decimals of a million VND is a thousand VND: enough for anyone. */
	if (ind && ind->type == CATALOG_MONEY)
		v = round(v * 1000) / 1000;
	if (ind && ind->type == CATALOG_COUNT && fabs(v - round(v)) > 1e-9)
		return REPORT_P_NOT_WHOLE;
	*out = v;
	return 0;
}

/* Is word (folded) a unit that may follow a value of ind? */
static bool is_unit_word(const struct catalog_indicator *ind, const char *w)
{
	if (ind->type == CATALOG_MONEY) {
		bool known;
		unit_factor(w, &known);
		if (known)
			return true;
	}
	return !strcmp(w, ind->unit_key) || !strcmp(w, "nguoi") || !strcmp(w, "luot");
}

/* ---- indicators ---- */

/* Longest exact synonym match at tokens[i]; 0 when none. */
static int match_indicator(const struct catalog *c, const struct report_tokens *t, int i,
			   const struct catalog_project *proj, const struct catalog_indicator **ind,
			   bool *fuzzy)
{
	bool exact_only = *fuzzy;
	*fuzzy = false;
	for (int k = 4; k >= 1; k--) {
		char typed[96];
		size_t o = 0;
		int w = 0;
		for (int j = i; j < t->n && w < k; j++, w++) {
			if (t->tok[j].type != REPORT_TOK_WORD)
				break;
			for (const char *p = t->tok[j].text; *p && o + 1 < sizeof typed; p++)
				typed[o++] = *p;
		}
		typed[o] = 0;
		if (w != k)
			continue;
		const struct catalog_indicator *in = catalog_indicator_by_synonym(c, typed);
		if (in) {
			*ind = in;
			return k;
		}
	}
	/* Telex leftovers ("hocj vieen", "hooj ngheof"): the same, stripped. */
	for (int k = 4; k >= 1; k--) {
		char typed[96];
		size_t o = 0;
		int w = 0;
		bool changed = false;
		for (int j = i; j < t->n && w < k; j++, w++) {
			if (t->tok[j].type != REPORT_TOK_WORD)
				break;
			char s[48];
			changed |= report_telex_strip(t->tok[j].text, s, sizeof s);
			for (const char *p = s; *p && o + 1 < sizeof typed; p++)
				typed[o++] = *p;
		}
		typed[o] = 0;
		if (w != k || !changed)
			continue;
		const struct catalog_indicator *in = catalog_indicator_by_synonym(c, typed);
		if (in) {
			*ind = in;
			*fuzzy = true;
			return k;
		}
	}
	/* One edit away from a long synonym, unique (preferring the project's
	 * own indicators when several are near). Not when *fuzzy came in set:
	 * the caller's message is refused already and garbage must stay cheap. */
	if (exact_only)
		return 0;
	for (int k = 3; k >= 1; k--) {
		char typed[96];
		size_t o = 0;
		int w = 0;
		for (int j = i; j < t->n && w < k; j++, w++) {
			if (t->tok[j].type != REPORT_TOK_WORD)
				break;
			for (const char *p = t->tok[j].text; *p && o + 1 < sizeof typed; p++)
				typed[o++] = *p;
		}
		typed[o] = 0;
		if (w != k || strlen(typed) < 4)
			continue;
		const struct catalog_indicator *hit = NULL, *hit_proj = NULL;
		int nhit = 0, nproj = 0;
		for (size_t x = 0; x < catalog_indicator_count(c); x++) {
			const struct catalog_indicator *in = catalog_indicator_at(c, x);
			for (int s = 0; s < in->nsynonyms; s++) {
				/* One typo, but not in the first letter. */
				if (in->synonyms[s][0] != typed[0] || strlen(in->synonyms[s]) < 4 ||
				    catalog_edit_distance(typed, in->synonyms[s], 1) > 1)
					continue;
				if (hit != in) {
					nhit++;
					hit = in;
					if (proj && catalog_project_allows(proj, in)) {
						nproj++;
						hit_proj = in;
					}
				}
				break;
			}
		}
		if (nhit == 1 || nproj == 1) {
			*ind = nproj == 1 ? hit_proj : hit;
			*fuzzy = true;
			return k;
		}
	}
	return 0;
}

/* The nearest indicator codes for an unknown word: "HV, HN". */
static void suggest_indicator(const struct catalog *c, const struct catalog_project *proj,
			      const char *word, char *out, size_t outlen)
{
	out[0] = 0;
	for (int cap = 1; cap <= 2 && !out[0]; cap++) {
		int n = 0;
		for (size_t x = 0; x < catalog_indicator_count(c) && n < 3; x++) {
			const struct catalog_indicator *in = catalog_indicator_at(c, x);
			if (proj && !catalog_project_allows(proj, in))
				continue;
			bool near = false;
			for (int s = 0; s < in->nsynonyms && !near; s++)
				near = catalog_edit_distance(word, in->synonyms[s], cap) <= cap;
			if (!near)
				continue;
			size_t l = strlen(out);
			snprintf(out + l, outlen - l, "%s%s", l ? "/" : "", in->code);
			n++;
		}
	}
}

/* An unknown word and its number ("HM 10"), for the fix decided once the
 * whole message is read (the indicators typed later count too). */
struct guess {
	int prob;	/* index in pr->p */
	int word, num;	/* token indexes */
	int sign;	/* -1, 0, +1 */
	int pos;	/* values typed before it */
};

static bool given(const struct report *out, const struct report_problems *pr,
		  const struct catalog_indicator *in)
{
	for (int i = 0; i < out->nvalues; i++)
		if (out->values[i].ind == in)
			return true;
	for (int i = 0; i < pr->n; i++)
		if (pr->p[i].fix.kind == REPORT_FIX_VALUE && pr->p[i].fix.value.ind == in)
			return true;
	return false;
}

/* The one indicator of the project one typo away from word, not in its
 * first letter (the rule for typos accepted silently), and not given
 * already: "HM" next to HV 25 can only be HN. NULL when not exactly one. */
static const struct catalog_indicator *nearest_indicator(const struct catalog *c, const struct report *out,
							 const struct report_problems *pr, const char *word)
{
	const struct catalog_indicator *hit = NULL;
	for (size_t x = 0; x < catalog_indicator_count(c); x++) {
		const struct catalog_indicator *in = catalog_indicator_at(c, x);
		if ((out->project && !catalog_project_allows(out->project, in)) || given(out, pr, in))
			continue;
		bool near = false;
		for (int s = 0; s < in->nsynonyms && !near; s++)
			near = in->synonyms[s][0] == word[0] && catalog_edit_distance(word, in->synonyms[s], 1) <= 1;
		if (!near)
			continue;
		if (hit)
			return NULL;
		hit = in;
	}
	return hit;
}

static void resolve_guess(const struct catalog *c, const struct report_tokens *t, const struct report *out,
			  const struct guess *g, struct report_problems *pr)
{
	const struct catalog_indicator *ind = nearest_indicator(c, out, pr, t->tok[g->word].text);
	double v;
	if (!ind || report_parse_number(t->tok[g->num].text, NULL, ind, &v))
		return;
	struct report_problem *p = &pr->p[g->prob];
	p->fix.kind = REPORT_FIX_VALUE;
	p->fix.value = (struct report_value){ ind, g->sign < 0 ? -v : v, g->sign != 0 };
	p->fix.pos = g->pos;
	snprintf(p->hint, sizeof p->hint, "%s", ind->code);
}

/* ---- dates ---- */

static int days_in(int y, int m)
{
	static const int dm[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return dm[m - 1];
}

/* "20/11", "20/11/2026", "20-11-26", "20.11": day or CATALOG_DAY_NONE. */
static catalog_day parse_dm(const char *s, catalog_day today)
{
	int part[3] = { 0, 0, -1 }, np = 0, digits = 0;
	for (const char *p = s; *p; p++) {
		if (*p >= '0' && *p <= '9') {
			if (++digits > 4)
				return CATALOG_DAY_NONE;
			if (part[np] < 0)
				part[np] = 0;
			part[np] = part[np] * 10 + (*p - '0');
		} else {
			if (++np > 2 || !digits)
				return CATALOG_DAY_NONE;
			digits = 0;
		}
	}
	if (np < 1 || !digits)
		return CATALOG_DAY_NONE;
	int ty, tm, td;
	catalog_day_to_ymd(today, &ty, &tm, &td);
	int d = part[0], m = part[1], y = np == 2 ? part[2] : ty;
	if (np == 2 && y < 100)
		y += 2000;
	if (m < 1 || m > 12 || d < 1 || y < 2000 || y > 2200 || d > days_in(y, m))
		return CATALOG_DAY_NONE;
	catalog_day day = catalog_day_from_ymd(y, m, d);
	/* "28/12" sent on 3 January is last year's. */
	if (np == 1 && day > today && d <= days_in(y - 1, m))
		day = catalog_day_from_ymd(y - 1, m, d);
	return day;
}

/* Finds the date wherever it stands; marks its tokens in skip[]. */
static void find_date(const struct report_tokens *t, int start, bool *skip, catalog_day today,
		      struct report *out, struct report_problems *pr)
{
	static const char *const ngay[] = { "ngay", "ng", "nga", "ngy", NULL };
	for (int i = start; i < t->n; i++) {
		char c0 = t->tok[i].text[0];
		if (t->tok[i].type != REPORT_TOK_DATE && c0 != 'n' && c0 != 'h')
			continue;	/* cheap: every date form starts so */
		catalog_day day = CATALOG_DAY_NONE;
		int used = 0;
		const char *subject = t->tok[i].text;
		bool is_date = false;
		if (t->tok[i].type == REPORT_TOK_DATE) {
			day = parse_dm(t->tok[i].text, today);
			used = 1;
			is_date = true;
			if (i > start && word_in(t, i - 1, ngay))
				skip[i - 1] = true;
		} else if (word_in(t, i, ngay) && i + 1 < t->n && t->tok[i + 1].type == REPORT_TOK_NUM &&
			   (strchr(t->tok[i + 1].text, '.') || strchr(t->tok[i + 1].text, ','))) {
			day = parse_dm(t->tok[i + 1].text, today);	/* ngay 20.11 */
			subject = t->tok[i + 1].text;
			used = 2;
			is_date = true;
		} else if (word_is(t, i, "hom") && (word_is(t, i + 1, "qua") || word_is(t, i + 1, "nay") ||
						    word_is(t, i + 1, "kia"))) {
			const char *w = t->tok[i + 1].text;
			day = today - (!strcmp(w, "qua") ? 1 : !strcmp(w, "kia") ? 2 : 0);
			used = 2;
			is_date = true;
		} else if (word_is(t, i, "homqua") || word_is(t, i, "hqua") || word_is(t, i, "homnay") ||
			   word_is(t, i, "homkia")) {
			const char *w = t->tok[i].text;
			day = today - (strstr(w, "qua") ? 1 : strstr(w, "kia") ? 2 : 0);
			used = 1;
			is_date = true;
		}
		if (!is_date)
			continue;
		for (int k = 0; k < used; k++)
			skip[i + k] = true;
		if (word_in(t, i, ngay) || word_is(t, i, "hom"))
			skip[i] = true;
		if (day == CATALOG_DAY_NONE) {
			report_problem_add(pr, REPORT_P_BAD_DATE, subject, "20/11");
		} else if (out->day_given && out->day != day) {
			report_problem_add(pr, REPORT_P_BAD_DATE, subject, "1 ngay");
		} else {
			out->day = day;
			out->day_given = true;
		}
		i += used - 1;
	}
}

/* ---- project ---- */

static int parse_project(const struct catalog *c, const struct report_tokens *t, int i,
			 const struct catalog_project **proj, struct report_problems *pr)
{
	*proj = NULL;
	if (i >= t->n)
		return 0;
	char text[64] = "";
	int used = 0;
	const struct report_tok *a = &t->tok[i];
	bool da_word = a->type == REPORT_TOK_WORD &&
		       (!strcmp(a->text, "da") || !strcmp(a->text, "duan") ||
			(strlen(a->text) == 2 && a->text[0] == 'd' && catalog_edit_distance(a->text, "da", 1) <= 1) ||
			(strlen(a->text) == 2 && a->text[1] == 'a' && a->text[0] != 'h'));
	if (da_word && i + 1 < t->n && t->tok[i + 1].type == REPORT_TOK_NUM) {
		snprintf(text, sizeof text, "da%s", t->tok[i + 1].text);
		used = 2;
		/* "DA 4 1": a sub-project number typed apart. */
		if (i + 2 < t->n && t->tok[i + 2].type == REPORT_TOK_NUM && !strchr(t->tok[i + 1].text, '.') &&
		    strlen(t->tok[i + 2].text) == 1 && strlen(t->tok[i + 1].text) == 1) {
			char two[64];
			snprintf(two, sizeof two, "da%s.%s", t->tok[i + 1].text, t->tok[i + 2].text);
			if (catalog_project_find(c, two) && !catalog_project_find(c, text)) {
				snprintf(text, sizeof text, "%s", two);
				used = 3;
			}
		}
	} else if (a->type == REPORT_TOK_NUM && (strchr(a->text, '.') || strchr(a->text, ','))) {
		snprintf(text, sizeof text, "da%s", a->text);
		used = 1;
	} else if (a->type == REPORT_TOK_WORD && !strcmp(a->text, "rs")) {
		snprintf(text, sizeof text, "rs");
		used = 1;
	} else {
		return 0;
	}
	*proj = catalog_project_find(c, text);
	if (!*proj) {
		/* Name the projects sharing the main number: DA4.4 → DA4.1/DA4.3. */
		char hint[48] = "", main_no[8] = "";
		const char *p = text + 2;
		size_t k = 0;
		while (*p >= '0' && *p <= '9' && k + 1 < sizeof main_no)
			main_no[k++] = *p++;
		main_no[k] = 0;
		for (size_t x = 0; x < catalog_project_count(c); x++) {
			const struct catalog_project *cp = catalog_project_at(c, x);
			if (k && !strncmp(cp->code_fold + 2, main_no, k) &&
			    !(cp->code_fold[2 + k] >= '0' && cp->code_fold[2 + k] <= '9')) {
				size_t l = strlen(hint);
				snprintf(hint + l, sizeof hint - l, "%s%s", l ? "/" : "", cp->code);
			}
		}
		char subject[64];
		snprintf(subject, sizeof subject, "%s", text);
		upper(subject);
		struct report_problem *bad = report_problem_add(pr, REPORT_P_UNKNOWN_PROJECT, subject, hint);
		/* Only one project has that number (DA5.1: DA5): the fix is sure. */
		if (bad && hint[0] && !strchr(hint, '/')) {
			bad->fix.kind = REPORT_FIX_PROJECT;
			bad->fix.project = catalog_project_find(c, hint);
			if (!bad->fix.project)
				bad->fix.kind = REPORT_FIX_NONE;
		}
	}
	return used;
}

/* ---- the body: items, place ---- */

static const char *const village_words[] = { "thon", "khu", "xom", "t", "k", "x", "th", "ban", NULL };
static const char *const commune_words[] = { "xa", "tt", "thi", "thitran", "phuong", NULL };

static void add_value(struct report *out, const struct catalog_indicator *ind, double v, bool sign,
		      struct report_problems *pr)
{
	for (int i = 0; i < out->nvalues; i++) {
		if (out->values[i].ind != ind)
			continue;
		if (out->values[i].value != v) {
			char s[40];
			snprintf(s, sizeof s, "%s", ind->code);
			report_problem_add(pr, REPORT_P_DUPLICATE, s, "");
		}
		return;
	}
	if (out->nvalues >= REPORT_VALUES_MAX) {
		report_problem_add(pr, REPORT_P_TOO_LONG, ind->code, "");
		return;
	}
	out->values[out->nvalues++] = (struct report_value){ ind, v, sign };
}

/* "MAHO VT-001 VT-002, 0123": household codes up to the next indicator,
 * place or date; glued pieces form one code ("vt" "-" "001"). */
static int parse_households(const struct catalog *c, const struct report_tokens *t, int i,
			    const bool *skip, struct report *out, struct report_problems *pr)
{
	int start = i;
	while (i < t->n && !skip[i]) {
		const struct report_tok *k = &t->tok[i];
		if (k->type == REPORT_TOK_WORD) {
			const struct catalog_indicator *ind;
			bool fuzzy = true;	/* exact names only */
			if (match_indicator(c, t, i, out->project, &ind, &fuzzy) > 0 && !fuzzy)
				break;
		} else if (k->type == REPORT_TOK_DATE || k->type == REPORT_TOK_PLUS) {
			break;
		}
		char code[24] = "";
		size_t o = 0;
		do {
			const char *p = t->tok[i].type == REPORT_TOK_MINUS ? "-" : t->tok[i].text;
			for (; *p && o + 1 < sizeof code; p++)
				code[o++] = *p;
			i++;
		} while (i < t->n && !skip[i] && t->tok[i].glued &&
			 (t->tok[i].type == REPORT_TOK_WORD || t->tok[i].type == REPORT_TOK_NUM ||
			  t->tok[i].type == REPORT_TOK_MINUS));
		code[o] = 0;
		if (out->nhouseholds >= REPORT_HOUSEHOLDS_MAX) {
			report_problem_add(pr, REPORT_P_TOO_LONG, "MAHO", "");
			continue;
		}
		memcpy(out->households[out->nhouseholds++], code, sizeof code);
	}
	if (i == start)
		report_problem_add(pr, REPORT_P_NO_NUMBER, "MAHO", "");
	return i;
}

static void parse_body(const struct report_tokens *t, int i, const struct report_env *env,
		       const bool *skip, struct report *out, struct report_problems *pr)
{
	const struct catalog *c = env->catalog;
	bool is_signed = out->project && out->project->signed_values;
	int pending = -1;	/* index of a number waiting for its indicator */
	const char *words[REPORT_TOKENS_MAX];
	for (int k = 0; k < t->n; k++)
		words[k] = t->tok[k].text;
	struct guess guesses[REPORT_PROBLEMS_MAX];
	int nguess = 0;
	const struct catalog_commune *sender_commune = NULL;
	if (env->sender && env->sender->commune[0])
		sender_commune = catalog_commune_as_of(c, env->sender->commune, out->day);

	while (i < t->n) {
		if (skip[i]) {
			i++;
			continue;
		}
		const struct report_tok *tok = &t->tok[i];
		if (tok->type == REPORT_TOK_NUM) {
			if (pending >= 0)
				report_problem_add(pr, REPORT_P_STRAY_NUMBER, t->tok[pending].text, "");
			pending = i++;
			continue;
		}
		if (tok->type == REPORT_TOK_PLUS || tok->type == REPORT_TOK_MINUS || tok->type == REPORT_TOK_DATE) {
			i++;	/* a sign with no indicator before it: separator */
			continue;
		}
		/* A word: the TEST flag, an indicator, a place, or not understood. */
		if (!strcmp(tok->text, "test")) {
			out->training = true;
			i++;
			continue;
		}
		if (!strcmp(tok->text, "maho") || (!strcmp(tok->text, "ma") && word_is(t, i + 1, "ho"))) {
			i = parse_households(c, t, i + (tok->text[2] ? 1 : 2), skip, out, pr);
			continue;
		}
		/* A commune named exactly wins over an indicator that shares a
		 * word with it ("Dai Pham" is not DAI, "Hien Luong" not tien). */
		struct catalog_place_match m;
		memset(&m, 0, sizeof m);
		const struct catalog_commune *within =
			word_in(t, i, village_words) ? (out->commune ? out->commune : sender_commune) : NULL;
		/* The place lookup is the costly part: only for words that can
		 * start one (a kind word, or the first letters of a commune). */
		int found = 0;
		if (within || word_in(t, i, commune_words) || catalog_may_start_commune(c, tok->text))
			found = catalog_match_place(c, words + i, t->n - i, within, out->day, &m);
		bool exact_commune = found && m.words_used > 0 && !m.fuzzy && !within && !out->place_named;
		const struct catalog_indicator *ind = NULL;
		bool fuzzy = pr->n >= REPORT_PROBLEMS_MAX;	/* in: exact names only */
		int k = exact_commune ? 0 : match_indicator(c, t, i, out->project, &ind, &fuzzy);
		if (k > 0) {
			i += k;
			int sign = 0;
			if (pending < 0 && i < t->n && !skip[i] &&
			    (t->tok[i].type == REPORT_TOK_PLUS || t->tok[i].type == REPORT_TOK_MINUS)) {
				/* In a review the sign is the point; elsewhere '-' is a
				 * dash between an indicator and its number. */
				if (is_signed || t->tok[i].type == REPORT_TOK_PLUS || out->form == REPORT_FORM_SUA)
					sign = t->tok[i].type == REPORT_TOK_PLUS ? 1 : -1;
				i++;
			}
			int num = -1;
			if (pending >= 0) {
				num = pending;
				pending = -1;
			} else if (i < t->n && !skip[i] && t->tok[i].type == REPORT_TOK_NUM) {
				num = i++;
			}
			if (num < 0) {
				report_problem_add(pr, REPORT_P_NO_NUMBER, ind->code, "");
				continue;
			}
			const char *unit = NULL;
			const struct catalog_indicator *next_ind = NULL;
			bool next_fuzzy = true;	/* exact names only */
			int next_k = i < t->n ? match_indicator(c, t, i, out->project, &next_ind, &next_fuzzy) : 0;
			/* "DG 15 ngan sach trung uong 100": a unit word that starts
			 * another indicator's name is that indicator. */
			if (i < t->n && !skip[i] && t->tok[i].type == REPORT_TOK_WORD &&
			    is_unit_word(ind, t->tok[i].text) && (next_k == 0 || (next_k == 1 && next_ind == ind))) {
				unit = t->tok[i].text;
				i++;
				if (word_is(t, i, "dong") && unit && strcmp(unit, "dong"))
					i++;	/* "trieu dong" */
			}
			double v = 0;
			int rc = report_parse_number(t->tok[num].text, unit, ind, &v);
			if (rc || (sign < 0 && !is_signed && out->form != REPORT_FORM_SUA)) {
				char subj[40];
				snprintf(subj, sizeof subj, "%s %s", ind->code, t->tok[num].text);
				report_problem_add(pr, rc ? (enum report_problem_code)rc : REPORT_P_NEGATIVE, subj, "");
				continue;
			}
			add_value(out, ind, sign < 0 ? -v : v, sign != 0, pr);
			continue;
		}
		/* A place: "xa Vo Tranh thon 3", "Vo Tranh", or "thon 3" alone. */
		bool place_word = word_in(t, i, commune_words) || word_in(t, i, village_words);
		if (found && m.words_used > 0 && !out->place_named) {
			out->commune = m.commune;
			out->village = m.village;
			out->place_named = true;
			i += m.words_used;
			continue;
		}
		if (found && m.words_used > 0 && out->commune == m.commune && !out->village && m.village) {
			out->village = m.village;	/* "xa Vo Tranh ... thon 3" */
			i += m.words_used;
			continue;
		}
		if (place_word && !found) {
			/* "xa Vo Tran" / "thon 9": a place we do not know. Swallow
			 * the place words so they are reported once. */
			char subj[40] = "";
			int j = i;
			for (int w = 0; j < t->n && w < 4 && !skip[j]; j++, w++) {
				bool ind_here = false;
				if (j > i) {
					const struct catalog_indicator *x;
					bool f = true;	/* exact names only */
					ind_here = match_indicator(c, t, j, out->project, &x, &f) > 0;
				}
				if (ind_here)
					break;
				size_t l = strlen(subj);
				snprintf(subj + l, sizeof subj - l, "%s%s", l ? " " : "", t->tok[j].text);
				if (t->tok[j].type == REPORT_TOK_NUM)
					{ j++; break; }
			}
			report_problem_add(pr, REPORT_P_UNKNOWN_PLACE, subj, m.suggestion);
			i = j;
			continue;
		}
		/* Not understood: name it, with the nearest indicator (unless the
		 * list is already full: garbage must stay cheap). */
		char hint[48] = "";
		if (pr->n < REPORT_PROBLEMS_MAX)
			suggest_indicator(c, out->project, tok->text, hint, sizeof hint);
		if (!hint[0] && m.suggestion[0])
			snprintf(hint, sizeof hint, "%.40s", m.suggestion);
		struct report_problem *p = report_problem_add(pr, REPORT_P_UNKNOWN_WORD, tok->text, hint);
		int word = i++;
		/* Its number goes with it, signed or not ("HM+2" in a review). */
		int sign = 0;
		if (i + 1 < t->n && !skip[i] && !skip[i + 1] && t->tok[i + 1].type == REPORT_TOK_NUM &&
		    (t->tok[i].type == REPORT_TOK_PLUS || t->tok[i].type == REPORT_TOK_MINUS)) {
			if (is_signed)
				sign = t->tok[i].type == REPORT_TOK_PLUS ? 1 : -1;
			i++;
		}
		if (i < t->n && !skip[i] && t->tok[i].type == REPORT_TOK_NUM) {
			if (p && pending < 0)
				guesses[nguess++] = (struct guess){ (int)(p - pr->p), word, i, sign, out->nvalues };
			i++;
		}
	}
	if (pending >= 0)
		report_problem_add(pr, REPORT_P_STRAY_NUMBER, t->tok[pending].text, "");
	for (int g = 0; g < nguess; g++)
		resolve_guess(c, t, out, &guesses[g], pr);
}

/* ---- the forms ---- */

/* A reference typed as "K7QD", "k7qd", "K7 QD": up to 4 glued pieces. */
static int parse_ref(const struct report_tokens *t, int i, struct report *out, struct report_problems *pr)
{
	if (i >= t->n) {
		report_problem_add(pr, REPORT_P_NO_REF, "", "");
		return i;
	}
	char ref[16] = "";
	int j = i;
	while (j < t->n && strlen(ref) < REPORT_REF_LEN &&
	       (t->tok[j].type == REPORT_TOK_WORD || t->tok[j].type == REPORT_TOK_NUM)) {
		size_t l = strlen(ref);
		if (l + strlen(t->tok[j].text) >= sizeof ref)
			break;
		snprintf(ref + l, sizeof ref - l, "%s", t->tok[j].text);
		j++;
	}
	upper(ref);
	if (!report_ref_valid(ref)) {
		report_problem_add(pr, REPORT_P_BAD_REF, ref, "");
		return j;
	}
	memcpy(out->ref, ref, REPORT_REF_LEN + 1);
	return j;
}

static void parse_dk(const struct report_tokens *t, int i, const struct report_env *env,
		     struct report *out, struct report_problems *pr)
{
	const char *words[REPORT_TOKENS_MAX];
	for (int k = 0; k < t->n; k++)
		words[k] = t->tok[k].text;
	struct catalog_place_match m;
	if (!catalog_match_place(env->catalog, words + i, t->n - i, NULL, out->day, &m)) {
		if (!m.suggestion[0])
			catalog_suggest_commune(env->catalog, words + i, t->n - i, out->day, m.suggestion,
						sizeof m.suggestion);
		char subj[40] = "";
		for (int k = i; k < t->n && k < i + 2; k++) {
			size_t l = strlen(subj);
			snprintf(subj + l, sizeof subj - l, "%s%s", l ? " " : "", t->tok[k].text);
		}
		report_problem_add(pr, i < t->n ? REPORT_P_UNKNOWN_PLACE : REPORT_P_NO_PLACE, subj,
				   m.suggestion);
		return;
	}
	out->commune = m.commune;
	out->village = m.village;
	out->place_named = true;
	size_t o = 0;
	for (int k = i + m.words_used; k < t->n; k++) {
		if (t->tok[k].type != REPORT_TOK_WORD)
			continue;
		const char *w = t->tok[k].text;
		if (o && o + 1 < sizeof out->name)
			out->name[o++] = ' ';
		for (size_t x = 0; w[x] && o + 1 < sizeof out->name; x++)
			out->name[o++] = (char)(x == 0 && w[x] >= 'a' && w[x] <= 'z' ? w[x] - 'a' + 'A' : w[x]);
	}
	out->name[o] = 0;
	if (!o)
		report_problem_add(pr, REPORT_P_NO_NAME, "", "");
}

static void parse_duyet(const struct report_tokens *t, int i, struct report *out,
			struct report_problems *pr)
{
	size_t o = 0;
	for (int k = i; k < t->n; k++) {
		if (t->tok[k].type == REPORT_TOK_PLUS && o == 0) {
			out->phone[o++] = '+';
			continue;
		}
		if (t->tok[k].type != REPORT_TOK_NUM)
			break;
		for (const char *p = t->tok[k].text; *p && o + 1 < sizeof out->phone; p++)
			if (*p >= '0' && *p <= '9')
				out->phone[o++] = *p;
	}
	out->phone[o] = 0;
	size_t digits = strlen(out->phone) - (out->phone[0] == '+');
	if (digits < 9 || digits > 15)
		report_problem_add(pr, REPORT_P_BAD_PHONE, out->phone, "0912345678");
}

int report_parse(const struct report_tokens *t, int start, enum report_form form,
		 const struct report_env *env, struct report *out, struct report_problems *pr)
{
	memset(out, 0, sizeof *out);
	memset(pr, 0, sizeof *pr);
	out->form = form;
	catalog_day today = catalog_day_of(env->now, env->tz_offset);
	out->day = today;
	if (t->truncated) {
		report_problem_add(pr, REPORT_P_TOO_LONG, "", "");
		return pr->n;
	}
	int i = start;
	if (word_is(t, i, "test")) {
		out->training = true;
		i++;
	}
	bool skip[REPORT_TOKENS_MAX] = { false };
	switch (form) {
	case REPORT_FORM_HUY:
		parse_ref(t, i, out, pr);
		return pr->n;	/* a reason after the ref is welcome and ignored */
	case REPORT_FORM_HD: {
		const struct catalog_project *p = NULL;
		struct report_problems ignore = { .n = 0 };
		if (parse_project(env->catalog, t, i, &p, &ignore) && p)
			snprintf(out->topic, sizeof out->topic, "%s", p->code);
		else if (i < t->n)
			snprintf(out->topic, sizeof out->topic, "%s", t->tok[i].text);
		out->project = p;
		return 0;
	}
	case REPORT_FORM_DK:
		parse_dk(t, i, env, out, pr);
		return pr->n;
	case REPORT_FORM_DUYET:
		parse_duyet(t, i, out, pr);
		return pr->n;
	case REPORT_FORM_SUA:
		i = parse_ref(t, i, out, pr);
		break;
	case REPORT_FORM_RS:
		for (size_t x = 0; x < catalog_project_count(env->catalog); x++)
			if (catalog_project_at(env->catalog, x)->review)
				out->project = catalog_project_at(env->catalog, x);
		if (!out->project)
			report_problem_add(pr, REPORT_P_UNKNOWN_PROJECT, "RS", "");
		break;
	case REPORT_FORM_BC: {
		const struct catalog_project *p = NULL;
		int used = parse_project(env->catalog, t, i, &p, pr);
		if (!used)
			report_problem_add(pr, REPORT_P_NO_PROJECT, "", "");
		out->project = p;
		if (p && p->review)
			out->form = REPORT_FORM_RS;
		i += used;
		break;
	}
	}
	find_date(t, i, skip, today, out, pr);
	if (out->day_given) {
		char d[16];
		int y, m, dd;
		catalog_day_to_ymd(out->day, &y, &m, &dd);
		snprintf(d, sizeof d, "%d/%d/%d", dd, m, y);
		if (out->day > today) {
			report_problem_add(pr, REPORT_P_FUTURE_DATE, d, "");
		} else if (env->max_age_days > 0 && today - out->day > env->max_age_days) {
			char h[16];
			snprintf(h, sizeof h, "%d", env->max_age_days);
			report_problem_add(pr, REPORT_P_OLD_DATE, d, h);
		}
	}
	parse_body(t, i, env, skip, out, pr);
	if (!out->nvalues && !pr->n)
		report_problem_add(pr, REPORT_P_NO_VALUES, "", out->project ? out->project->example : "");
	return pr->n + pr->dropped;
}
