/* report_lex.c: folding and cutting an SMS into tokens (see report_lex.h),
 * and the forgiving keyword matcher. */
#include "lang/report_lex.h"

#include <stdio.h>
#include <string.h>

#include "catalog.h"
#include "sms/viet.h"

static bool is_digit(char c) { return c >= '0' && c <= '9'; }
static bool is_letter(char c) { return c >= 'a' && c <= 'z'; }
static bool is_alnum(char c) { return is_digit(c) || is_letter(c); }
static bool is_lookalike(char c) { return c == 'o' || c == 'l' || c == 'i'; }

/* O/0, l/1 (and I/1): a run of only those letters that touches a digit (or
 * a digit and a decimal mark) inside one word is a number mistyped. "1o" →
 * "10", "l5" → "15", "hv2o" → "hv20"; "lop5" stays (not all look-alikes).
 * fixed[i] marks repaired bytes. */
static void fix_lookalikes(char *s, bool *fixed)
{
	size_t n = strlen(s);
	for (size_t i = 0; i < n;) {
		if (!is_letter(s[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && is_letter(s[j]))
			j++;
		bool all = true;
		for (size_t k = i; k < j; k++)
			all &= is_lookalike(s[k]);
		bool before = i > 0 && (is_digit(s[i - 1]) ||
					(i > 1 && (s[i - 1] == '.' || s[i - 1] == ',' || s[i - 1] == '/') &&
					 is_digit(s[i - 2])));
		bool after = j < n && is_digit(s[j]);
		/* "do5" is not a number, but "5o" after a word is: the run must
		 * not be glued to other letters, which it cannot be (maximal). */
		if (all && (before || after) && j - i <= 3) {
			for (size_t k = i; k < j; k++) {
				s[k] = s[k] == 'o' ? '0' : '1';
				fixed[k] = true;
			}
		}
		i = j;
	}
}

static void push(struct report_tokens *t, enum report_tok_type type, const char *s, size_t len,
		 bool glued, bool fixed)
{
	if (t->n >= REPORT_TOKENS_MAX) {
		t->truncated = true;
		return;
	}
	struct report_tok *k = &t->tok[t->n++];
	k->type = type;
	if (len >= sizeof k->text)
		len = sizeof k->text - 1;
	memcpy(k->text, s, len);
	k->text[len] = 0;
	k->glued = glued;
	k->fixed = fixed;
}

static bool any(const bool *f, size_t a, size_t b)
{
	for (size_t i = a; i < b; i++)
		if (f[i])
			return true;
	return false;
}

void report_lex(const char *text, size_t len, struct report_tokens *t)
{
	t->n = 0;
	t->truncated = false;
	/* Folding shrinks multi-byte letters to one byte, so a message that
	 * fills the buffer was longer than the limit. */
	size_t fl = viet_fold_lower(text ? text : "", text ? len : 0, t->folded, sizeof t->folded);
	if (fl + 1 >= sizeof t->folded)
		t->truncated = true;
	char s[REPORT_TEXT_MAX];
	bool fixed[REPORT_TEXT_MAX] = { false };
	memcpy(s, t->folded, fl + 1);
	/* NUL bytes inside the SMS would end the folded string early; treat
	 * them as separators. */
	for (size_t i = 0; i < fl; i++)
		if (!s[i])
			s[i] = ' ';
	fix_lookalikes(s, fixed);
	size_t n = strlen(s);
	size_t last_end = (size_t)-1;
	for (size_t i = 0; i < n;) {
		char c = s[i];
		bool glued = last_end == i;
		if (is_letter(c)) {
			size_t j = i;
			while (j < n && is_letter(s[j]))
				j++;
			/* "bcda4.1", "hdda41": a project code glued to the keyword. */
			if (j - i > 2 && j < n && is_digit(s[j]) && s[j - 2] == 'd' && s[j - 1] == 'a') {
				push(t, REPORT_TOK_WORD, s + i, j - i - 2, glued, false);
				push(t, REPORT_TOK_WORD, "da", 2, true, false);
			} else {
				push(t, REPORT_TOK_WORD, s + i, j - i, glued, false);
			}
			last_end = i = j;
			continue;
		}
		if (is_digit(c)) {
			size_t j = i;
			while (j < n && is_digit(s[j]))
				j++;
			/* d/m or d/m/y */
			if (j < n && s[j] == '/' && j + 1 < n && is_digit(s[j + 1])) {
				size_t k = j + 1;
				while (k < n && is_digit(s[k]))
					k++;
				if (k < n && s[k] == '/' && k + 1 < n && is_digit(s[k + 1])) {
					k++;
					while (k < n && is_digit(s[k]))
						k++;
				}
				push(t, REPORT_TOK_DATE, s + i, k - i, glued, any(fixed, i, k));
				last_end = i = k;
				continue;
			}
			/* d-m-y with three parts only: "20-11" could be a range. */
			if (j < n && s[j] == '-' && j + 1 < n && is_digit(s[j + 1])) {
				size_t k = j + 1;
				while (k < n && is_digit(s[k]))
					k++;
				if (k < n && s[k] == '-' && k + 1 < n && is_digit(s[k + 1])) {
					size_t m = k + 1;
					while (m < n && is_digit(s[m]))
						m++;
					push(t, REPORT_TOK_DATE, s + i, m - i, glued, any(fixed, i, m));
					last_end = i = m;
					continue;
				}
			}
			while (j + 1 < n && (s[j] == '.' || s[j] == ',') && is_digit(s[j + 1])) {
				j++;
				while (j < n && is_digit(s[j]))
					j++;
			}
			push(t, REPORT_TOK_NUM, s + i, j - i, glued, any(fixed, i, j));
			last_end = i = j;
			continue;
		}
		if ((c == '+' || c == '-') && i + 1 < n && is_digit(s[i + 1])) {
			/* A sign belongs to the number after it; a '-' only after a
			 * word ("CN-1", "CN -1"), never between numbers. */
			bool after_word = t->n > 0 && t->tok[t->n - 1].type == REPORT_TOK_WORD;
			if (c == '+' || after_word) {
				push(t, c == '+' ? REPORT_TOK_PLUS : REPORT_TOK_MINUS, &s[i], 1, glued, false);
				last_end = i + 1;
			}
			i++;
			continue;
		}
		i++;	/* separator */
	}
	(void)is_alnum;
}

bool report_telex_strip(const char *word, char *out, size_t outlen)
{
	size_t n = strlen(word), o = 0;
	if (!outlen)
		return false;
	if (n >= 3 && strchr("sfrxj", word[n - 1]) && is_letter(word[n - 2]))
		n--;
	for (size_t i = 0; i < n && o + 1 < outlen; i++) {
		char c = word[i], d = i + 1 < n ? word[i + 1] : 0;
		if ((c == 'd' && d == 'd') || (c == 'a' && d == 'a') || (c == 'e' && d == 'e') ||
		    (c == 'o' && d == 'o')) {
			out[o++] = c;
			i++;
			continue;
		}
		if (d == 'w' && (c == 'a' || c == 'o' || c == 'u')) {
			out[o++] = c;
			i++;
			continue;
		}
		out[o++] = c;
	}
	out[o] = 0;
	return strcmp(out, word) != 0;
}

size_t report_text_key(const struct report_tokens *t, int start, char *out, size_t outlen)
{
	size_t o = 0;
	for (int i = start < 0 ? 0 : start; i < t->n; i++)
		for (const char *p = t->tok[i].text; *p && o + 1 < outlen; p++)
			out[o++] = *p;
	if (outlen)
		out[o] = 0;
	return o;
}

/* Concatenation of up to k WORD tokens from start; returns how many words
 * were joined (fewer when a non-word comes first). */
static int join_words(const struct report_tokens *t, int start, int k, char *out, size_t outlen)
{
	size_t o = 0;
	int w = 0;
	for (int i = start; i < t->n && w < k; i++, w++) {
		if (t->tok[i].type != REPORT_TOK_WORD)
			break;
		for (const char *p = t->tok[i].text; *p && o + 1 < outlen; p++)
			out[o++] = *p;
	}
	out[o] = 0;
	return w;
}

/* Next form of a '|' list into buf (spaces dropped); returns the rest and
 * the number of words the form has in *words. */
static const char *next_form_w(const char *forms, char *buf, size_t buflen, int *words)
{
	size_t o = 0;
	int w = 1;
	while (*forms && *forms != '|') {
		if (*forms == ' ')
			w++;
		else if (o + 1 < buflen)
			buf[o++] = *forms;
		forms++;
	}
	buf[o] = 0;
	if (words)
		*words = w;
	return *forms == '|' ? forms + 1 : forms;
}

static const char *next_form(const char *forms, char *buf, size_t buflen)
{
	return next_form_w(forms, buf, buflen, NULL);
}

static bool swap_of(const char *a, const char *b)
{
	return strlen(a) == 2 && strlen(b) == 2 && a[0] == b[1] && a[1] == b[0];
}

int report_keyword_match(const struct report_tokens *t, int start, const struct report_keyword *kw,
			 size_t nkw, int *used, char *suggest, size_t suggestlen)
{
	*used = 0;
	if (suggest && suggestlen)
		suggest[0] = 0;
	if (start >= t->n || t->tok[start].type != REPORT_TOK_WORD)
		return -1;
	/* The first one, two and three words joined, computed once; a second
	 * round with Telex leftovers dropped ("baos caos"). */
	char typed[3][96];
	int have[3];
	for (int k = 0; k < 3; k++)
		have[k] = join_words(t, start, k + 1, typed[k], sizeof typed[k]) == k + 1;
	int best = -1, best_words = 0;
	size_t best_len = 0;
	for (int round = 0; round < 2 && best < 0; round++) {
	if (round == 1) {
		bool changed = false;
		for (int k = 0; k < 3; k++) {
			if (!have[k])
				continue;
			size_t o = 0;
			for (int w = 0; w <= k; w++) {
				char s[48];
				changed |= report_telex_strip(t->tok[start + w].text, s, sizeof s);
				for (const char *p = s; *p && o + 1 < sizeof typed[k]; p++)
					typed[k][o++] = *p;
			}
			typed[k][o] = 0;
		}
		if (!changed)
			break;
	}
	for (size_t i = 0; i < nkw; i++) {
		/* Compared in place, spaces skipped, without copying the form:
		 * this runs for every message. */
		for (const char *f = kw[i].forms; *f;) {
			const char *end = f;
			while (*end && *end != '|')
				end++;
			/* Longest typed run first: "bao cao" over "bao". */
			for (int k = 2; k >= 0; k--) {
				if (!have[k] || *f != typed[k][0])
					continue;
				const char *a = f, *b = typed[k];
				size_t len = 0;
				for (; a < end; a++) {
					if (*a == ' ')
						continue;
					if (*a != *b)
						break;
					b++;
					len++;
				}
				if (a != end || *b)
					continue;
				if (k + 1 > best_words || (k + 1 == best_words && len > best_len)) {
					best = (int)i;
					best_len = len;
					best_words = k + 1;
				}
				break;
			}
			f = *end ? end + 1 : end;
		}
	}
	}
	if (best >= 0) {
		*used = best_words;
		return best;
	}
	/* One edit away, unique among keywords. */
	int hit = -1, nhit = 0, hit_words = 0;
	for (size_t i = 0; i < nkw; i++) {
		bool near = false;
		int near_words = 0;
		for (int k = 1; k <= 3 && !near; k++) {
			char typed[96];
			if (join_words(t, start, k, typed, sizeof typed) != k)
				break;
			char form[48];
			for (const char *f = kw[i].forms; *f && !near;) {
				int fw = 1;
				f = next_form_w(f, form, sizeof form, &fw);
				/* A typo never spans into the next word ("hu k7qd"
				 * is not "huk"), unless the form itself has two. */
				if (fw != k)
					continue;
				size_t lt = strlen(typed), lf = strlen(form);
				if ((lt >= 3 || lf >= 3) && catalog_edit_distance(typed, form, 1) == 1)
					near = true;
				else if (swap_of(typed, form))
					near = true;
				if (near)
					near_words = k;
			}
		}
		if (near) {
			if (suggest && suggestlen) {
				char first[48];
				next_form(kw[i].forms, first, sizeof first);
				for (char *p = first; *p; p++)
					if (*p >= 'a' && *p <= 'z')
						*p = (char)(*p - 'a' + 'A');
				size_t l = strlen(suggest);
				snprintf(suggest + l, suggestlen - l, "%s%s", l ? ", " : "", first);
			}
			hit = (int)i;
			hit_words = near_words;
			nhit++;
		}
	}
	if (nhit == 1) {
		if (suggest && suggestlen)
			suggest[0] = 0;
		*used = hit_words;
		return hit;
	}
	return -1;
}
