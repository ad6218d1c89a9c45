/* review_sms.c: "RS MAHO 0123 CN ..." parsed into household status
 * changes, and its reply texts (see review_sms.h). Pure: text in, struct
 * out. */
#include "office/review_sms.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "lang/period.h"
#include "sms/viet.h"

#define REVIEW_TOKENS 64
#define REVIEW_TOKEN_LEN 48

struct review_tok {
	char text[REVIEW_TOKEN_LEN];	/* folded to ASCII, case as typed */
	char low[REVIEW_TOKEN_LEN];	/* lower case */
};

struct review_toks {
	struct review_tok t[REVIEW_TOKENS];
	int n;
	bool truncated;
};

/* Splits on white space, ',' and ';' (codes keep their '-', '.', '/'). */
static void review_lex(const char *text, size_t len, struct review_toks *out)
{
	static const size_t cap = 1600;	/* well above a 10-part message */
	char folded[1600];
	viet_fold(text, len < cap ? len : cap, folded, sizeof folded, 0);
	out->n = 0;
	out->truncated = false;
	const char *p = folded;
	while (*p) {
		while (*p && (isspace((unsigned char)*p) || *p == ',' || *p == ';'))
			p++;
		if (!*p)
			break;
		size_t n = 0;
		while (p[n] && !isspace((unsigned char)p[n]) && p[n] != ',' && p[n] != ';')
			n++;
		if (out->n == REVIEW_TOKENS) {
			out->truncated = true;
			break;
		}
		struct review_tok *t = &out->t[out->n++];
		size_t k = n < REVIEW_TOKEN_LEN - 1 ? n : REVIEW_TOKEN_LEN - 1;
		memcpy(t->text, p, k);
		t->text[k] = 0;
		for (size_t i = 0; i <= k; i++)
			t->low[i] = (char)tolower((unsigned char)t->text[i]);
		p += n;
	}
}

void review_sms_problem(struct review_sms *r, const char *fmt, ...)
{
	if (r->nproblems >= REVIEW_SMS_PROBLEMS) {
		r->more_problems++;
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->problems[r->nproblems++], REVIEW_SMS_PROBLEM_LEN, fmt, ap);
	va_end(ap);
}

/* Status words joined and stripped of everything but letters and digits
 * ("can_ngheo", "Cận nghèo" -> "canngheo"). */
static const struct {
	const char *key;
	enum hh_status st;
} review_status_keys[] = {
	{ "hn", HH_POOR },		{ "ngheo", HH_POOR },		{ "hongheo", HH_POOR },
	{ "poor", HH_POOR },		{ "cn", HH_NEAR_POOR },		{ "hcn", HH_NEAR_POOR },
	{ "canngheo", HH_NEAR_POOR },	{ "hocanngheo", HH_NEAR_POOR }, { "nearpoor", HH_NEAR_POOR },
	{ "tn", HH_ESCAPED },		{ "mtn", HH_ESCAPED },		{ "thoatngheo", HH_ESCAPED },
	{ "moithoatngheo", HH_ESCAPED }, { "homoithoatngheo", HH_ESCAPED }, { "escaped", HH_ESCAPED },
	{ "kn", HH_NONE },		{ "khong", HH_NONE },		{ "khongngheo", HH_NONE },
	{ "none", HH_NONE },
};
#define REVIEW_NKEYS (sizeof review_status_keys / sizeof review_status_keys[0])

/* Levenshtein distance <= 1. */
static bool one_edit(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > lb + 1 || lb > la + 1)
		return false;
	size_t i = 0;
	while (i < la && i < lb && a[i] == b[i])
		i++;
	if (la == lb)
		return !strcmp(a + i + (i < la), b + i + (i < lb));
	if (la > lb)
		return !strcmp(a + i + 1, b + i);
	return !strcmp(a + i, b + i + 1);
}

/* 0 exact, 1 typo-matched, -1 unknown or ambiguous. */
static int status_lookup(const char *key, enum hh_status *out)
{
	for (size_t i = 0; i < REVIEW_NKEYS; i++)
		if (!strcmp(key, review_status_keys[i].key)) {
			*out = review_status_keys[i].st;
			return 0;
		}
	/* One typo, never in the first letter, in words long enough that a
	 * typo cannot turn one status into another. */
	int found = -1;
	if (strlen(key) < 5)
		return -1;
	for (size_t i = 0; i < REVIEW_NKEYS; i++) {
		const char *k = review_status_keys[i].key;
		if (strlen(k) < 5 || k[0] != key[0] || !one_edit(key, k))
			continue;
		if (found >= 0 && review_status_keys[found].st != review_status_keys[i].st)
			return -1;
		found = (int)i;
	}
	if (found < 0)
		return -1;
	*out = review_status_keys[found].st;
	return 1;
}

static void key_append(char *key, size_t len, const char *low)
{
	size_t j = strlen(key);
	for (; *low && j + 1 < len; low++)
		if (isalnum((unsigned char)*low))
			key[j++] = *low;
	key[j] = 0;
}

static bool has_digit(const char *s)
{
	for (; *s; s++)
		if (isdigit((unsigned char)*s))
			return true;
	return false;
}

/* "maho" / "ma" "ho" at i: returns the tokens it takes (0 if none). A code
 * glued to it ("maho0123") is split off into *glued. */
static int maho_at(const struct review_toks *t, int i, const char **glued)
{
	*glued = NULL;
	if (i >= t->n)
		return 0;
	const char *w = t->t[i].low;
	if (!strcmp(w, "maho"))
		return 1;
	if (!strncmp(w, "maho", 4) && isalnum((unsigned char)w[4])) {
		*glued = t->t[i].text + 4;
		return 1;
	}
	if (!strcmp(w, "ma") && i + 1 < t->n && !strcmp(t->t[i + 1].low, "ho"))
		return 2;
	return 0;
}

static bool is_ngay(const char *low)
{
	return !strcmp(low, "ngay") || !strcmp(low, "ng");
}

static bool code_valid(const char *c)
{
	size_t n = strlen(c);
	if (n == 0 || n >= HH_CODE_MAX || !isalnum((unsigned char)c[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)c[i]) && !strchr("._-/", c[i]))
			return false;
	return true;
}

/* "20/11", "20/11/2026", "20-11-2026", "20.11", "2026-11-20". */
static int parse_day(const char *s, int32_t today, int32_t *out)
{
	if (period_parse_date(s, out) == 0)
		return 0;
	int v[3] = { 0, 0, 0 }, k = 0;
	const char *p = s;
	while (k < 3) {
		if (!isdigit((unsigned char)*p))
			return -1;
		int x = 0, digits = 0;
		while (isdigit((unsigned char)*p) && digits < 5) {
			x = x * 10 + (*p++ - '0');
			digits++;
		}
		v[k++] = x;
		if (!*p)
			break;
		if (!strchr("/-.", *p))
			return -1;
		p++;
	}
	if (*p || k < 2)
		return -1;
	int y, m, d;
	period_civil(today, &y, &m, &d);
	if (k == 3)
		y = v[2] < 100 ? 2000 + v[2] : v[2];
	if (!period_valid_date(y, v[1], v[0]))
		return -1;
	*out = period_days(y, v[1], v[0]);
	return 0;
}

bool review_sms_names_households(const char *text, size_t len)
{
	if (!text)
		return false;
	static struct review_toks t;	/* large; callers are single-threaded */
	struct review_toks *tp = &t;
	review_lex(text, len, tp);
	for (int i = 0; i < tp->n; i++) {
		const char *g;
		if (maho_at(tp, i, &g))
			return true;
	}
	return false;
}

static void add_change(struct review_sms *r, const char *code, enum hh_status st, int *too_many)
{
	for (int i = 0; i < r->n; i++)
		if (!strcasecmp(r->changes[i].code, code)) {
			review_sms_problem(r, "MAHO %.23s ghi hai lan", code);
			return;
		}
	if (r->n >= REVIEW_SMS_CHANGES) {
		(*too_many)++;
		return;
	}
	snprintf(r->changes[r->n].code, sizeof r->changes[0].code, "%s", code);
	r->changes[r->n].status = st;
	r->n++;
}

int review_sms_parse(const char *text, size_t len, int32_t today, struct review_sms *out)
{
	memset(out, 0, sizeof *out);
	out->day = today;
	static struct review_toks toks;	/* large; callers are single-threaded */
	struct review_toks *t = &toks;
	review_lex(text ? text : "", text ? len : 0, t);
	int i = 0;
	if (i < t->n && !strcmp(t->t[i].low, "test"))
		i++;
	if (i < t->n && (!strcmp(t->t[i].low, "rs") || !strcmp(t->t[i].low, "rasoat")))
		i++;
	else if (i + 1 < t->n && !strcmp(t->t[i].low, "ra") && !strcmp(t->t[i + 1].low, "soat"))
		i += 2;
	int groups = 0, too_many = 0;
	while (i < t->n) {
		const char *glued;
		int used = maho_at(t, i, &glued);
		if (is_ngay(t->t[i].low)) {
			if (i + 1 >= t->n) {
				review_sms_problem(out, "ngay thieu (vd ngay 20/11)");
				i++;
				continue;
			}
			int32_t d;
			if (parse_day(t->t[i + 1].text, today, &d) < 0) {
				review_sms_problem(out, "ngay '%.12s' sai (vd 20/11)", t->t[i + 1].text);
			} else if (d > today) {
				int y, m, dd;
				period_civil(d, &y, &m, &dd);
				review_sms_problem(out, "ngay %d/%d/%d chua toi", dd, m, y);
			} else {
				out->day = d;
				out->day_given = true;
			}
			i += 2;
			continue;
		}
		if (!used) {
			review_sms_problem(out, "'%.20s' khong ro (MAHO <ma> HN/CN/TN/KN)", t->t[i].text);
			i++;
			continue;
		}
		groups++;
		i += used;
		/* The codes: the first word is a code unless the rest is a
		 * status on its own ("MAHO CN": the code is missing); after it,
		 * words with a digit. */
		const char *codes[REVIEW_TOKENS];
		int ncodes = 0;
		if (glued)
			codes[ncodes++] = glued;
		while (i < t->n && ncodes < REVIEW_TOKENS) {
			const char *g2;
			if (maho_at(t, i, &g2) || is_ngay(t->t[i].low))
				break;
			if (ncodes > 0 && !has_digit(t->t[i].low))
				break;
			if (ncodes == 0 && !has_digit(t->t[i].low)) {
				char key[128] = "";
				for (int j = i; j < t->n; j++) {
					const char *g3;
					if (maho_at(t, j, &g3) || is_ngay(t->t[j].low) || has_digit(t->t[j].low))
						break;
					key_append(key, sizeof key, t->t[j].low);
				}
				enum hh_status st;
				if (status_lookup(key, &st) == 0)
					break;
			}
			codes[ncodes++] = t->t[i].text;
			i++;
		}
		/* The status: the words up to the next MAHO, ngay or code. */
		char key[128] = "", typed[64] = "";
		int words = 0;
		while (i < t->n) {
			const char *g4;
			if (maho_at(t, i, &g4) || is_ngay(t->t[i].low) || has_digit(t->t[i].low))
				break;
			key_append(key, sizeof key, t->t[i].low);
			size_t tl = strlen(typed);
			snprintf(typed + tl, sizeof typed - tl, "%s%s", words ? " " : "", t->t[i].text);
			words++;
			i++;
		}
		if (ncodes == 0) {
			review_sms_problem(out, "MAHO thieu ma ho (vd MAHO 0123 CN)");
			continue;
		}
		bool bad_code = false;
		for (int c = 0; c < ncodes; c++)
			if (!code_valid(codes[c])) {
				review_sms_problem(out, "ma ho '%.23s' sai", codes[c]);
				bad_code = true;
			}
		enum hh_status st = HH_NONE;
		if (!words) {
			review_sms_problem(out, "MAHO %.23s thieu tinh trang (HN/CN/TN/KN)", codes[ncodes - 1]);
			continue;
		}
		if (status_lookup(key, &st) < 0) {
			review_sms_problem(out, "'%.24s' khong ro (HN/CN/TN/KN?)", typed);
			continue;
		}
		if (bad_code)
			continue;
		for (int c = 0; c < ncodes; c++)
			add_change(out, codes[c], st, &too_many);
	}
	if (!groups)
		review_sms_problem(out, "thieu MAHO (vd RS MAHO 0123 CN)");
	if (too_many)
		review_sms_problem(out, "toi da %d ho mot tin", REVIEW_SMS_CHANGES);
	if (t->truncated)
		review_sms_problem(out, "tin qua dai");
	return out->nproblems + out->more_problems;
}

/* out into buf (cap bytes with the NUL), cut if it must be. */
static void copy_out(char *buf, size_t cap, const char *out)
{
	size_t n = strlen(out);
	if (n > cap - 1)
		n = cap - 1;
	memcpy(buf, out, n);
	buf[n] = 0;
}

void review_sms_format_problems(const struct review_sms *r, char *buf, size_t len)
{
	static const char sample[] = " Mau: RS MAHO 0123 CN";
	size_t cap = len < REVIEW_SMS_REPLY ? len : REVIEW_SMS_REPLY;	/* 160 + NUL */
	if (cap == 0)
		return;
	char out[REVIEW_SMS_REPLY * 2];
	size_t n = (size_t)snprintf(out, sizeof out, "Chua luu:");
	int shown = 0, total = r->nproblems + r->more_problems;
	for (int i = 0; i < r->nproblems; i++) {
		char item[REVIEW_SMS_PROBLEM_LEN + 16];
		char num[16] = "";
		if (total > 1)
			snprintf(num, sizeof num, "%d) ", i + 1);
		int k = snprintf(item, sizeof item, " %s%s%s", num, r->problems[i],
				 i + 1 < r->nproblems ? ";" : ".");
		/* Leave room for "(+N loi)" when more follow. */
		size_t room = cap - 1 - (i + 1 < total ? 10 : 0);
		if (n + (size_t)k > room)
			break;
		memcpy(out + n, item, (size_t)k + 1);
		n += (size_t)k;
		shown++;
	}
	if (shown < total) {
		if (n && out[n - 1] == ';')
			out[n - 1] = '.';
		n += (size_t)snprintf(out + n, sizeof out - n, " (+%d loi)", total - shown);
	}
	if (n + strlen(sample) <= cap - 1)
		strcat(out, sample);
	copy_out(buf, cap, out);
}

const char *review_sms_status_word(enum hh_status s)
{
	switch (s) {
	case HH_POOR:
		return "ngheo";
	case HH_NEAR_POOR:
		return "can ngheo";
	case HH_ESCAPED:
		return "thoat ngheo";
	case HH_NONE:
		return "khong ngheo";
	}
	return "?";
}

static const char *short_word(enum hh_status s)
{
	switch (s) {
	case HH_POOR:
		return "HN";
	case HH_NEAR_POOR:
		return "CN";
	case HH_ESCAPED:
		return "TN";
	case HH_NONE:
		return "KN";
	}
	return "?";
}

void review_sms_format_receipt(const struct review_sms *r, bool training, char *buf, size_t len)
{
	size_t cap = len < REVIEW_SMS_REPLY ? len : REVIEW_SMS_REPLY;
	if (cap == 0)
		return;
	int y, m, d;
	period_civil(r->day, &y, &m, &d);
	char out[REVIEW_SMS_REPLY * 4];
	/* Long words, then short ones, then as many households as fit. */
	for (int pass = 0; pass < 2; pass++) {
		size_t n = (size_t)snprintf(out, sizeof out, "%sDa ghi ra soat %d/%d/%d:",
					    training ? "TEST (khong tinh): " : "", d, m, y);
		int shown = 0;
		for (int i = 0; i < r->n; i++) {
			char item[64];
			int k = snprintf(item, sizeof item, "%s %s %s", i ? "," : "", r->changes[i].code,
					 pass ? short_word(r->changes[i].status)
					      : review_sms_status_word(r->changes[i].status));
			size_t room = cap - 2 - (pass && i + 1 < r->n ? 10 : 0);
			if (n + (size_t)k > room)
				break;
			memcpy(out + n, item, (size_t)k + 1);
			n += (size_t)k;
			shown++;
		}
		if (shown == r->n || pass == 1) {
			if (shown < r->n)
				n += (size_t)snprintf(out + n, sizeof out - n, " (+%d ho)", r->n - shown);
			snprintf(out + n, sizeof out - n, ".");
			break;
		}
	}
	copy_out(buf, cap, out);
}
