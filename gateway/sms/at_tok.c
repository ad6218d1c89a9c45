/* at_tok.c: the argument tokenizer for AT response lines (see at_tok.h).
 * Owns: finding argument boundaries (commas, quotes, nested lists) and
 * converting one argument to a number, string, hex bytes or range. */
#include "sms/at_tok.h"

#include <limits.h>
#include <string.h>

enum at_tok_kind { AT_TOK_NONE, AT_TOK_EMPTY, AT_TOK_QUOTED, AT_TOK_BARE, AT_TOK_LIST };

static void at_tok_blanks(struct at_tok *t)
{
	while (t->p < t->end && (*t->p == ' ' || *t->p == '\t'))
		t->p++;
}

bool at_tok_start(struct at_tok *t, const char *line, const char *prefix)
{
	if (!t || !line)
		return false;
	size_t plen = prefix ? strlen(prefix) : 0;
	if (plen && strncmp(line, prefix, plen) != 0) {
		t->p = t->end = line;
		return false;
	}
	t->p = line + plen;
	t->end = line + strlen(line);
	at_tok_blanks(t);
	return true;
}

bool at_tok_more(const struct at_tok *t)
{
	const char *p = t->p;
	while (p < t->end && (*p == ' ' || *p == '\t'))
		p++;
	return p < t->end && *p != ')';
}

/* Where the quoted string opened at q (pointing after '"') ends: the first
 * '"' followed by blanks and then ',' ')' or the end; failing that the first
 * '"' at all (junk after it is skipped by the caller); NULL if none. */
static const char *at_tok_quote_end(const char *q, const char *end)
{
	for (const char *p = q; p < end; p++) {
		if (*p != '"')
			continue;
		const char *r = p + 1;
		while (r < end && (*r == ' ' || *r == '\t'))
			r++;
		if (r == end || *r == ',' || *r == ')')
			return p;
	}
	return memchr(q, '"', (size_t)(end - q));
}

/* From '(' at p: the position after its matching ')', or end. */
static const char *at_tok_list_end(const char *p, const char *end)
{
	int depth = 0;
	bool quote = false;
	for (; p < end; p++) {
		if (quote) {
			if (*p == '"')
				quote = false;
			continue;
		}
		if (*p == '"')
			quote = true;
		else if (*p == '(')
			depth++;
		else if (*p == ')' && --depth == 0)
			return p + 1;
	}
	return end;
}

/* Consumes one argument and the comma after it; returns its kind and span. */
static enum at_tok_kind at_tok_arg(struct at_tok *t, const char **s, size_t *n)
{
	at_tok_blanks(t);
	*s = t->p;
	*n = 0;
	if (t->p >= t->end || *t->p == ')')
		return AT_TOK_NONE;
	enum at_tok_kind kind;
	if (*t->p == ',') {
		t->p++;
		return AT_TOK_EMPTY;
	}
	if (*t->p == '"') {
		const char *q = t->p + 1;
		const char *e = at_tok_quote_end(q, t->end);
		if (!e)
			e = t->end;	/* unterminated: the rest of the line */
		*s = q;
		*n = (size_t)(e - q);
		t->p = e < t->end ? e + 1 : e;
		kind = AT_TOK_QUOTED;
	} else if (*t->p == '(') {
		const char *e = at_tok_list_end(t->p, t->end);
		*s = t->p;
		*n = (size_t)(e - t->p);
		t->p = e;
		kind = AT_TOK_LIST;
	} else {
		const char *e = t->p;
		while (e < t->end && *e != ',' && *e != ')')
			e++;
		const char *b = e;
		while (b > t->p && (b[-1] == ' ' || b[-1] == '\t'))
			b--;
		*n = (size_t)(b - t->p);
		t->p = e;
		kind = AT_TOK_BARE;
	}
	/* Anything after a quoted string or list up to the separator is junk of
	 * the same argument: skip it so that the next getter is in step. */
	while (t->p < t->end && *t->p != ',' && *t->p != ')')
		t->p++;
	if (t->p < t->end && *t->p == ',')
		t->p++;
	return kind;
}

bool at_tok_next_span(struct at_tok *t, const char **s, size_t *n)
{
	const char *ds;
	size_t dn;
	if (!s)
		s = &ds;
	if (!n)
		n = &dn;
	return at_tok_arg(t, s, n) != AT_TOK_NONE;
}

bool at_tok_skip(struct at_tok *t)
{
	const char *s;
	size_t n;
	return at_tok_arg(t, &s, &n) != AT_TOK_NONE;
}

static bool at_tok_parse_long(const char *s, size_t n, long *out)
{
	size_t i = 0;
	bool neg = false;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		neg = s[i++] == '-';
	if (i == n)
		return false;
	unsigned long v = 0;
	unsigned long lim = neg ? (unsigned long)LONG_MAX + 1 : (unsigned long)LONG_MAX;
	for (; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (lim - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (neg)
		*out = v == (unsigned long)LONG_MAX + 1 ? LONG_MIN : -(long)v;
	else
		*out = (long)v;
	return true;
}

bool at_tok_next_int(struct at_tok *t, long *out)
{
	const char *s;
	size_t n;
	enum at_tok_kind k = at_tok_arg(t, &s, &n);
	if (k != AT_TOK_BARE && k != AT_TOK_QUOTED)
		return false;
	long v;
	if (!at_tok_parse_long(s, n, &v))
		return false;
	if (out)
		*out = v;
	return true;
}

bool at_tok_next_str(struct at_tok *t, char *out, size_t outlen)
{
	const char *s;
	size_t n;
	enum at_tok_kind k = at_tok_arg(t, &s, &n);
	if (out && outlen)
		out[0] = '\0';
	if (k != AT_TOK_BARE && k != AT_TOK_QUOTED)
		return false;
	if (!out || outlen == 0)
		return false;
	bool fits = n < outlen;
	size_t c = fits ? n : outlen - 1;
	memcpy(out, s, c);
	out[c] = '\0';
	return fits;
}

static int at_tok_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

bool at_tok_next_hex(struct at_tok *t, unsigned char *out, size_t outlen, size_t *n)
{
	const char *s;
	size_t len;
	enum at_tok_kind k = at_tok_arg(t, &s, &len);
	if (n)
		*n = 0;
	if (k != AT_TOK_BARE && k != AT_TOK_QUOTED)
		return false;
	if (len == 0 || len % 2 || len / 2 > outlen || !out)
		return false;
	for (size_t i = 0; i < len; i += 2) {
		int hi = at_tok_hexval(s[i]), lo = at_tok_hexval(s[i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i / 2] = (unsigned char)(hi << 4 | lo);
	}
	if (n)
		*n = len / 2;
	return true;
}

bool at_tok_next_range(struct at_tok *t, long *lo, long *hi)
{
	const char *s;
	size_t n;
	enum at_tok_kind k = at_tok_arg(t, &s, &n);
	if (k != AT_TOK_BARE && k != AT_TOK_QUOTED)
		return false;
	/* The dash of a range is the first '-' that is not a leading sign. */
	size_t dash = n;
	for (size_t i = 1; i < n; i++)
		if (s[i] == '-') {
			dash = i;
			break;
		}
	long a, b;
	if (!at_tok_parse_long(s, dash, &a))
		return false;
	if (dash == n)
		b = a;
	else if (!at_tok_parse_long(s + dash + 1, n - dash - 1, &b))
		return false;
	if (lo)
		*lo = a;
	if (hi)
		*hi = b;
	return true;
}

bool at_tok_open_list(struct at_tok *t)
{
	at_tok_blanks(t);
	if (t->p >= t->end || *t->p != '(')
		return false;
	t->p++;
	at_tok_blanks(t);
	return true;
}

bool at_tok_close_list(struct at_tok *t)
{
	while (at_tok_more(t))
		at_tok_skip(t);
	at_tok_blanks(t);
	if (t->p >= t->end || *t->p != ')')
		return false;
	t->p++;
	at_tok_blanks(t);
	if (t->p < t->end && *t->p == ',')
		t->p++;
	return true;
}
