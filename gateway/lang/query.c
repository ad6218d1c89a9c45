/* query.c: the TK query language and its reply (see query.h). The text is
 * folded (case, diacritics), cut into words, and each position is tried as
 * a period (period_match over the rest of the text), a project or project
 * family, an indicator, "toan huyen", then a place (the catalog's matcher,
 * several words); anything else is an unknown word with a hint. */
#include "lang/query.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "sms/gsm7.h"
#include "sms/utf8.h"
#include "sms/viet.h"
#include "store/store_office.h"
#include "store/store_users.h"

#define QUERY_WORDS_MAX 32

struct words {
	char buf[512];
	char copy[512];		/* NUL-separated words */
	const char *w[QUERY_WORDS_MAX];
	size_t off[QUERY_WORDS_MAX];	/* offset of each word in buf */
	int n;
	size_t len;
};

static int is_sep(char c)
{
	/* Control characters (and NUL) separate words too: they never belong
	 * to a name, and a reply must not echo them. */
	return c == ' ' || c == ',' || c == ';' || c == ':' || (unsigned char)c < 0x20 || c == 0x7f;
}

static void split(const char *text, size_t len, struct words *w)
{
	memset(w, 0, sizeof *w);
	w->len = viet_fold_lower(text, len, w->buf, sizeof w->buf);
	memcpy(w->copy, w->buf, sizeof w->copy);
	for (size_t i = 0; i < w->len && w->n < QUERY_WORDS_MAX;) {
		while (i < w->len && is_sep(w->buf[i]))
			w->copy[i++] = 0;
		if (i >= w->len)
			break;
		w->off[w->n] = i;
		w->w[w->n++] = &w->copy[i];
		while (i < w->len && !is_sep(w->buf[i]))
			i++;
		if (i < w->len)
			w->copy[i++] = 0;
	}
}

/* The word index at or after byte offset pos. */
static int word_at(const struct words *w, size_t pos)
{
	int i = 0;
	while (i < w->n && w->off[i] < pos)
		i++;
	return i;
}

static int keyword_len(const struct words *w)
{
	if (w->n >= 1 && (!strcmp(w->w[0], "tk") || !strcmp(w->w[0], "thongke")))
		return 1;
	if (w->n >= 2 && !strcmp(w->w[0], "thong") && !strcmp(w->w[1], "ke"))
		return 2;
	return 0;
}

bool query_is_query(const char *text, size_t len)
{
	struct words w;
	split(text, len, &w);
	return keyword_len(&w) > 0;
}

static void upper(const char *s, char *out, size_t len)
{
	size_t i = 0;
	for (; s[i] && i + 1 < len; i++)
		out[i] = (s[i] >= 'a' && s[i] <= 'z') ? (char)(s[i] - 32) : s[i];
	out[i] = 0;
}

/* "da4" (a family with DA4.x members), "da4.1", "da41", "4.1". */
static int match_project(const struct catalog *cat, const char *w, struct query *q)
{
	if (strlen(w) >= sizeof q->project - 2)
		return 0;
	size_t n = catalog_project_count(cat);
	char fam[20];
	snprintf(fam, sizeof fam, "%s.", w);
	int members = 0;
	const struct catalog_project *exact = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct catalog_project *p = catalog_project_at(cat, i);
		if (!strcmp(p->code_fold, w))
			exact = p;
		else if (!strncmp(p->code_fold, fam, strlen(fam)))
			members++;
	}
	if (members && !exact) {
		upper(w, q->project, sizeof q->project);
		return 1;
	}
	if (!exact && (w[0] == 'd' || (w[0] >= '0' && w[0] <= '9')))
		exact = catalog_project_find(cat, w);
	if (!exact)
		return 0;
	snprintf(q->project, sizeof q->project, "%s", exact->code);
	q->project_exact = exact;
	return 1;
}

/* An indicator by code or synonym, one word or two joined ("ho ngheo").
 * Returns the words used. */
static int match_indicator(const struct catalog *cat, const struct words *w, int i,
			   const struct catalog_indicator **out)
{
	char up[48];
	upper(w->w[i], up, sizeof up);
	const struct catalog_indicator *ind = catalog_indicator_by_code(cat, up);
	if (ind) {
		*out = ind;
		return 1;
	}
	char two[96] = "";
	if (i + 1 < w->n)
		snprintf(two, sizeof two, "%s%s", w->w[i], w->w[i + 1]);
	size_t n = catalog_indicator_count(cat);
	for (int len = 2; len >= 1; len--) {
		const char *key = len == 2 ? two : w->w[i];
		if (!*key)
			continue;
		for (size_t k = 0; k < n; k++) {
			const struct catalog_indicator *c = catalog_indicator_at(cat, k);
			for (int s = 0; s < c->nsynonyms; s++)
				if (!strcmp(c->synonyms[s], key)) {
					*out = c;
					return len;
				}
		}
	}
	return 0;
}

static void nearest_hint(const struct catalog *cat, const char *word, char *hint, size_t len)
{
	char up[48];
	upper(word, up, sizeof up);
	int best = 3;
	hint[0] = 0;
	for (size_t i = 0; i < catalog_project_count(cat); i++) {
		const struct catalog_project *p = catalog_project_at(cat, i);
		int d = catalog_edit_distance(p->code_fold, word, 2);
		if (d < best) {
			best = d;
			snprintf(hint, len, "%s", p->code);
		}
	}
	for (size_t i = 0; i < catalog_indicator_count(cat); i++) {
		const struct catalog_indicator *c = catalog_indicator_at(cat, i);
		int d = catalog_edit_distance(c->code, up, 1);
		if (d < best) {
			best = d;
			snprintf(hint, len, "%s", c->code);
		}
	}
}

/* Echoed words stay printable ASCII so that a reply is always GSM 7-bit
 * (the extension characters [ ] { } | ~ ^ \\ would count double). */
static void printable(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e || strchr("[]{}|~^\\`", *s))
			*s = '?';
}

static int fail(struct query *q, enum query_status st, const char *word, const char *hint)
{
	q->status = st;
	snprintf(q->word, sizeof q->word, "%s", word ? word : "");
	snprintf(q->hint, sizeof q->hint, "%s", hint ? hint : "");
	printable(q->word);
	printable(q->hint);
	return -1;
}

/* "tiep can" / "tiepcan" / "bao phu" / "baophu" (reach, coverage): the
 * coverage query. Returns the words used. Two words only as an exact pair,
 * so that a place such as "Phu Khanh" still reads as a place. */
static int match_coverage(const struct words *w, int i)
{
	if (!strcmp(w->w[i], "tiepcan") || !strcmp(w->w[i], "baophu"))
		return 1;
	if (i + 1 < w->n && ((!strcmp(w->w[i], "tiep") && !strcmp(w->w[i + 1], "can")) ||
			     (!strcmp(w->w[i], "bao") && !strcmp(w->w[i + 1], "phu"))))
		return 2;
	return 0;
}

int query_parse(const char *text, size_t len, const struct catalog *cat, int64_t now,
		int tz_offset_s, struct query *q)
{
	memset(q, 0, sizeof *q);
	struct words w;
	split(text, len, &w);
	int i = keyword_len(&w);
	if (!i)
		return fail(q, QUERY_E_EMPTY_KEYWORD, w.n ? w.w[0] : "", "TK");
	bool place_given = false;
	while (i < w.n) {
		struct period p;
		int r = period_match(w.buf + w.off[i], w.len - w.off[i], now, tz_offset_s, &p);
		if (r < 0)
			return fail(q, QUERY_E_BAD_PERIOD, w.w[i], "T11, Q4, 2026, TUAN 47, 1/11-20/11");
		if (r > 0) {
			if (q->period_given)
				return fail(q, QUERY_E_TWICE, w.w[i], "mot ky");
			q->period = p;
			q->period_given = true;
			i = word_at(&w, w.off[i] + (size_t)r);
			continue;
		}
		int cov = match_coverage(&w, i);
		if (cov) {
			if (q->coverage)
				return fail(q, QUERY_E_TWICE, w.w[i], "TIEP CAN mot lan");
			q->coverage = true;
			i += cov;
			continue;
		}
		struct query tmp = *q;
		if (match_project(cat, w.w[i], &tmp)) {
			if (q->project[0])
				return fail(q, QUERY_E_TWICE, w.w[i], "mot du an");
			*q = tmp;
			i++;
			continue;
		}
		const struct catalog_indicator *ind;
		int used = match_indicator(cat, &w, i, &ind);
		if (used) {
			if (q->indicator)
				return fail(q, QUERY_E_TWICE, w.w[i], "mot chi so");
			q->indicator = ind;
			i += used;
			continue;
		}
		if (!strcmp(w.w[i], "huyen") || !strcmp(w.w[i], "toanhuyen")) {
			i++;
			continue;
		}
		if (!strcmp(w.w[i], "toan") && i + 1 < w.n && !strcmp(w.w[i + 1], "huyen")) {
			i += 2;
			continue;
		}
		struct catalog_place_match m;
		memset(&m, 0, sizeof m);
		catalog_match_place(cat, w.w + i, w.n - i, q->commune, CATALOG_DAY_NONE, &m);
		if (m.ambiguous)
			return fail(q, QUERY_E_PLACE_AMBIGUOUS, w.w[i], m.suggestion);
		if (m.commune && m.words_used > 0) {
			if (place_given && !(q->commune && !q->village && m.village &&
					     m.commune == q->commune))
				return fail(q, QUERY_E_TWICE, w.w[i], "mot dia ban");
			q->commune = m.commune;
			if (m.village)
				q->village = m.village;
			place_given = true;
			i += m.words_used;
			continue;
		}
		char hint[64];
		nearest_hint(cat, w.w[i], hint, sizeof hint);
		if (!hint[0] && m.suggestion[0])
			snprintf(hint, sizeof hint, "%.60s", m.suggestion);
		return fail(q, QUERY_E_UNKNOWN_WORD, w.w[i], hint);
	}
	if (q->coverage && (q->project[0] || q->indicator))
		return fail(q, QUERY_E_COVERAGE_FILTER, q->project[0] ? q->project : q->indicator->code, "");
	if (!q->period_given && q->coverage) {
		/* Coverage is a yearly target: since 1 January, as the CLI's
		 * and the weekly summary's. */
		int y, m, d;
		period_civil(period_local_day(now, tz_offset_s), &y, &m, &d);
		q->period = (struct period){ PERIOD_YEAR, period_days(y, 1, 1), period_days(y, 12, 31), y, 0 };
	} else if (!q->period_given) {
		period_this_month(period_local_day(now, tz_offset_s), &q->period);
	}
	q->status = QUERY_OK;
	return 0;
}

int query_authorize(struct query *q, const struct user *u, const struct catalog *cat,
		    char *why, size_t whylen)
{
	if (!u || !u->active) {
		snprintf(why, whylen, "So nay chua duoc phep tra cuu.");
		return -1;
	}
	switch (u->role) {
	case ROLE_STAFF:
	case ROLE_OFFICIAL:
	case ROLE_ADMIN:
		return 0;
	case ROLE_COLLABORATOR: {
		const struct catalog_commune *own =
			catalog_commune_as_of(cat, u->commune, q->period.last);
		if (!own)
			own = catalog_commune_by_code(cat, u->commune, CATALOG_DAY_NONE);
		if (!own) {
			snprintf(why, whylen, "So nay chua gan xa, khong tra cuu duoc.");
			return -1;
		}
		if (!q->commune) {
			q->commune = own;
			return 0;
		}
		if (strcmp(q->commune->code, own->code) != 0) {
			snprintf(why, whylen, "Chi tra cuu duoc xa %s.", own->name_ascii);
			return -1;
		}
		return 0;
	}
	case ROLE_NONE:
		break;
	}
	snprintf(why, whylen, "So nay chua duoc phep tra cuu.");
	return -1;
}

size_t query_septets(const char *text)
{
	size_t n = 0, len = strlen(text);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(text + i, len - i, &cp);
		if (!k)
			return (size_t)-1;
		int s = gsm7_septets(cp);
		if (s <= 0)
			return (size_t)-1;
		n += (size_t)s;
		i += k;
	}
	return n;
}

/* 75, 12.5, 0.125: no trailing zeros, at most 3 decimals. */
static void fmt_value(double v, char *buf, size_t len)
{
	double r = round(v * 1000) / 1000;
	if (fabs(r - round(r)) < 1e-9)
		snprintf(buf, len, "%.0f", r);
	else {
		snprintf(buf, len, "%.3f", r);
		char *e = buf + strlen(buf) - 1;
		while (*e == '0')
			*e-- = 0;
	}
}

static double target_of(const struct catalog *cat, const char *project, const char *indicator,
			bool *has)
{
	*has = false;
	const struct catalog_project *p = NULL;
	for (size_t i = 0; i < catalog_project_count(cat); i++)
		if (!strcmp(catalog_project_at(cat, i)->code, project))
			p = catalog_project_at(cat, i);
	if (!p)
		return 0;
	for (int k = 0; k < p->ntargets; k++)
		if (p->targets[k].indicator && !strcmp(p->targets[k].indicator->code, indicator)) {
			*has = true;
			return p->targets[k].per_year;
		}
	return 0;
}

/* Where a total reads in the reply: its project's place in the catalog, then
 * the indicator's place in that project (the order the report form and the
 * weekly summary use, main indicators first); sums the catalog does not list
 * come last, in the store's order. */
static int reading_rank(const struct catalog *cat, const struct office_total *x)
{
	size_t np = catalog_project_count(cat);
	for (size_t i = 0; i < np; i++) {
		const struct catalog_project *p = catalog_project_at(cat, i);
		if (strcmp(p->code, x->project))
			continue;
		for (int k = 0; k < p->nindicators; k++)
			if (!strcmp(p->indicators[k]->code, x->indicator))
				return (int)i * 256 + k;
		return (int)i * 256 + 255;
	}
	return INT_MAX;
}

static void reading_order(const struct catalog *cat, const struct office_totals *t, int *idx)
{
	int rank[OFFICE_TOTALS_MAX];
	for (int i = 0; i < t->n; i++) {	/* insertion sort: stable, n is small */
		int r = reading_rank(cat, &t->t[i]), j = i;
		for (; j > 0 && rank[j - 1] > r; j--) {
			rank[j] = rank[j - 1];
			idx[j] = idx[j - 1];
		}
		rank[j] = r;
		idx[j] = i;
	}
}

/* Appends piece when the whole still fits; returns 0 when it did not. */
static int append(char *out, size_t outlen, size_t *n, const char *piece, size_t budget)
{
	size_t pl = strlen(piece);
	if (*n + pl + 1 > outlen)
		return 0;
	memcpy(out + *n, piece, pl + 1);
	if (query_septets(out) > budget) {
		out[*n] = 0;
		return 0;
	}
	*n += pl;
	return 1;
}

void query_place_label(const struct query *q, char *out, size_t outlen)
{
	if (q->village)
		snprintf(out, outlen, "%.70s %.70s", q->village->name_ascii,
			 q->commune ? q->commune->name_ascii : "");
	else if (q->commune)
		snprintf(out, outlen, "%s", q->commune->name_ascii);
	else
		snprintf(out, outlen, "toan huyen");
}

size_t query_format(const struct query *q, const struct office_totals *t,
		    const struct catalog *cat, int communes_total, char *out, size_t outlen)
{
	char per[48], place[160], head[320];
	period_format(&q->period, per, sizeof per);
	query_place_label(q, place, sizeof place);
	const char *what = q->project[0] ? q->project : "";
	const char *ind = q->indicator ? q->indicator->code : "";
	if (q->commune || q->village)
		snprintf(head, sizeof head, "TK%s%s%s%s %s %s: %d bao cao.", *what ? " " : "", what,
			 *ind ? " " : "", ind, per, place, t->reports);
	else
		snprintf(head, sizeof head, "TK%s%s%s%s %s %s: %d bao cao, %d/%d xa bao cao.",
			 *what ? " " : "", what, *ind ? " " : "", ind, per, place, t->reports,
			 t->ncommunes, communes_total);
	size_t n = 0;
	if (outlen)
		out[0] = 0;
	const size_t budget = QUERY_REPLY_SEPTETS;
	const size_t room = budget - 4;	/* for " ..." */
	if (!append(out, outlen, &n, head, room))
		return n;
	if (t->n == 0) {
		append(out, outlen, &n, " Chua co so lieu.", budget);
		return n;
	}
	bool dropped = false;
	const char *cur = "";
	int order[OFFICE_TOTALS_MAX];
	reading_order(cat, t, order);
	for (int i = 0; i < t->n; i++) {
		const struct office_total *x = &t->t[order[i]];
		char piece[96], val[32];
		fmt_value(x->value, val, sizeof val);
		bool has;
		double tgt = target_of(cat, x->project, x->indicator, &has);
		char tg[48] = "";
		if (has) {
			char tv[32];
			fmt_value(tgt, tv, sizeof tv);
			if (q->period.kind == PERIOD_YEAR && tgt > 0)
				snprintf(tg, sizeof tg, " (%d%% KH nam %s)", (int)(x->value * 100 / tgt), tv);
			else
				snprintf(tg, sizeof tg, " (KH nam %s)", tv);
		}
		if (strcmp(cur, x->project) != 0)
			snprintf(piece, sizeof piece, "%s %s: %s %s%s", *cur ? ";" : "", x->project,
				 x->indicator, val, tg);
		else
			snprintf(piece, sizeof piece, ", %s %s%s", x->indicator, val, tg);
		if (!append(out, outlen, &n, piece, room)) {
			dropped = true;
			break;
		}
		cur = x->project;
	}
	if (dropped || t->overflow)
		append(out, outlen, &n, " ...", budget);
	return n;
}

size_t query_format_error(const struct query *q, char *out, size_t outlen)
{
	int n = 0;
	switch (q->status) {
	case QUERY_E_EMPTY_KEYWORD:
		n = snprintf(out, outlen, "Tra cuu: TK [du an] [chi so] [xa] [ky], vd TK DA4 T11");
		break;
	case QUERY_E_UNKNOWN_WORD:
		if (q->hint[0])
			n = snprintf(out, outlen, "Khong hieu '%s', co phai %s? Vd: TK DA4 T11, TK Vo Tranh 2026",
				     q->word, q->hint);
		else
			n = snprintf(out, outlen, "Khong hieu '%s'. Vd: TK DA4 T11, TK Vo Tranh 2026, TK HN Q4",
				     q->word);
		break;
	case QUERY_E_BAD_PERIOD:
		n = snprintf(out, outlen, "Ky '%s' khong dung. Vd: T11, Q4, 2026, TUAN 47, 1/11-20/11", q->word);
		break;
	case QUERY_E_TWICE:
		n = snprintf(out, outlen, "'%s': chi ghi %s. Vd: TK DA4 Vo Tranh T11", q->word, q->hint);
		break;
	case QUERY_E_PLACE_AMBIGUOUS:
		n = snprintf(out, outlen, "'%s' chua ro xa nao%s%s. Ghi ro ten xa.", q->word,
			     q->hint[0] ? ", vd " : "", q->hint);
		break;
	case QUERY_E_COVERAGE_FILTER:
		n = snprintf(out, outlen, "TK TIEP CAN chi theo xa, thon va ky (khong theo %s). Vd: TK TIEP CAN Vo Tranh 2026",
			     q->word);
		break;
	case QUERY_OK:
		n = snprintf(out, outlen, "OK");
		break;
	}
	return n < 0 ? 0 : (size_t)n;
}
