/* credit.c: balance extraction and the low-balance alarm (see credit.h).
 * Owns reading a figure out of free operator text; storing readings and
 * sending alerts are the caller's. */
#include "modem/credit.h"

#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct credit_pattern {
	regex_t re;
};

int credit_pattern_new(struct credit_pattern **out, const char *pattern, char *why,
		       size_t whylen)
{
	*out = NULL;
	if (!pattern || !*pattern) {
		if (why && whylen)
			snprintf(why, whylen, "empty credit pattern");
		return -1;
	}
	struct credit_pattern *p = calloc(1, sizeof *p);
	if (!p) {
		if (why && whylen)
			snprintf(why, whylen, "out of memory");
		return -1;
	}
	int rc = regcomp(&p->re, pattern, REG_EXTENDED | REG_ICASE);
	if (rc != 0) {
		char msg[128];
		regerror(rc, &p->re, msg, sizeof msg);
		if (why && whylen)
			snprintf(why, whylen, "bad credit pattern: %s", msg);
		free(p);
		return -1;
	}
	if (p->re.re_nsub < 1) {
		if (why && whylen)
			snprintf(why, whylen, "credit pattern needs a capture group ( ) around the figure");
		regfree(&p->re);
		free(p);
		return -1;
	}
	*out = p;
	return 0;
}

void credit_pattern_free(struct credit_pattern *p)
{
	if (!p)
		return;
	regfree(&p->re);
	free(p);
}

bool credit_parse_amount(const char *s, size_t n, double *out)
{
	while (n > 0 && (*s == ' ' || *s == '\t')) {
		s++;
		n--;
	}
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	bool neg = false;
	if (n > 0 && (*s == '-' || *s == '+')) {
		neg = *s == '-';
		s++;
		n--;
	}
	if (n == 0 || n > 40)
		return false;
	/* Positions of the marks; digits everywhere else. */
	size_t last_mark = n, ndots = 0, ncommas = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' || s[i] == ',') {
			if (i == 0 || i + 1 == n || s[i - 1] == '.' || s[i - 1] == ',')
				return false;
			ndots += s[i] == '.';
			ncommas += s[i] == ',';
			last_mark = i;
		} else if (s[i] < '0' || s[i] > '9') {
			return false;
		}
	}
	/* Which mark (if any) is the decimal one. */
	char decimal = 0;
	if (ndots && ncommas) {
		decimal = s[last_mark];
		if ((decimal == '.' ? ndots : ncommas) != 1)
			return false;
	} else if (ndots + ncommas == 1) {
		size_t after = n - last_mark - 1;
		if (after != 3)
			decimal = s[last_mark];
	}
	/* Thousands groups after the first must have three digits. */
	size_t group = 0;
	bool first = true, in_frac = false;
	double v = 0, scale = 1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '.' || c == ',') {
			if (c == decimal) {
				if (!first && group != 3)
					return false;
				in_frac = true;
			} else {
				if (in_frac || (!first && group != 3))
					return false;
				first = false;
			}
			group = 0;
			continue;
		}
		group++;
		if (in_frac) {
			scale /= 10;
			v += (c - '0') * scale;
		} else {
			v = v * 10 + (c - '0');
		}
	}
	if (!in_frac && !first && group != 3)
		return false;
	*out = neg ? -v : v;
	return true;
}

int credit_extract(const struct credit_pattern *p, const char *reply, double *amount,
		   char *figure, size_t figlen)
{
	if (!p || !reply)
		return 0;
	const char *at = reply;
	int flags = 0;
	regmatch_t m[2];
	while (*at && regexec(&p->re, at, 2, m, flags) == 0) {
		if (m[1].rm_so >= 0 && m[1].rm_eo > m[1].rm_so) {
			double v;
			size_t len = (size_t)(m[1].rm_eo - m[1].rm_so);
			if (credit_parse_amount(at + m[1].rm_so, len, &v)) {
				if (amount)
					*amount = v;
				if (figure && figlen)
					snprintf(figure, figlen, "%.*s", (int)len, at + m[1].rm_so);
				return 1;
			}
		}
		/* Move past this match (at least one byte) and try again. */
		at += m[0].rm_eo > 0 ? m[0].rm_eo : 1;
		flags = REG_NOTBOL;
	}
	return 0;
}

void credit_alarm_init(struct credit_alarm *a)
{
	a->armed = true;
}

enum credit_alarm_event credit_alarm_update(struct credit_alarm *a, double threshold,
					    double balance)
{
	if (balance < threshold) {
		if (!a->armed)
			return CREDIT_ALARM_NONE;
		a->armed = false;
		return CREDIT_ALARM_LOW;
	}
	if (a->armed)
		return CREDIT_ALARM_NONE;
	a->armed = true;
	return CREDIT_ALARM_REARMED;
}

const char *credit_alarm_event_name(enum credit_alarm_event e)
{
	switch (e) {
	case CREDIT_ALARM_NONE: return "none";
	case CREDIT_ALARM_LOW: return "low";
	case CREDIT_ALARM_REARMED: return "rearmed";
	}
	return "?";
}
