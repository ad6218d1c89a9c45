/* export.c: the CSV writer and the growing buffer (see export.h). */
#include "office/export.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void export_init(struct export_buf *b, char sep)
{
	memset(b, 0, sizeof *b);
	b->sep = sep == ';' ? ';' : ',';
}

void export_free(struct export_buf *b)
{
	if (!b)
		return;
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
	b->fields = 0;
}

void export_raw(struct export_buf *b, const char *s, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *p = realloc(b->p, cap);
		if (!p) {
			b->oom = true;
			return;
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void export_printf(struct export_buf *b, const char *fmt, ...)
{
	char small[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(small, sizeof small, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof small) {
		export_raw(b, small, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (!big) {
		b->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	export_raw(b, big, (size_t)n);
	free(big);
}

void export_bom(struct export_buf *b)
{
	export_raw(b, "\xEF\xBB\xBF", 3);
}

static void field_start(struct export_buf *b)
{
	if (b->fields++)
		export_raw(b, &b->sep, 1);
}

void export_text(struct export_buf *b, const char *s)
{
	field_start(b);
	if (!s)
		s = "";
	size_t n = strlen(s);
	bool formula = n && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@');
	bool quote = formula || (n && (s[0] == ' ' || s[n - 1] == ' '));
	for (size_t i = 0; i < n && !quote; i++)
		if (s[i] == b->sep || s[i] == '"' || s[i] == '\n' || s[i] == '\r' || s[i] == ',' ||
		    s[i] == ';')
			quote = true;
	if (!quote) {
		export_raw(b, s, n);
		return;
	}
	export_raw(b, "\"", 1);
	if (formula)
		export_raw(b, "'", 1);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"')
			export_raw(b, "\"\"", 2);
		else
			export_raw(b, &s[i], 1);
	}
	export_raw(b, "\"", 1);
}

void export_number(struct export_buf *b, double v)
{
	field_start(b);
	char buf[64];
	double r = round(v * 1000) / 1000;
	if (!isfinite(r))
		r = 0;
	if (fabs(r - round(r)) < 1e-9) {
		snprintf(buf, sizeof buf, "%.0f", r);
	} else {
		snprintf(buf, sizeof buf, "%.3f", r);
		char *e = buf + strlen(buf) - 1;
		while (*e == '0')
			*e-- = 0;
	}
	if (!strcmp(buf, "-0"))
		strcpy(buf, "0");
	export_raw(b, buf, strlen(buf));
}

void export_int(struct export_buf *b, long long v)
{
	field_start(b);
	char buf[32];
	int n = snprintf(buf, sizeof buf, "%lld", v);
	export_raw(b, buf, (size_t)n);
}

void export_end_row(struct export_buf *b)
{
	export_raw(b, "\r\n", 2);
	b->fields = 0;
}

void export_html(struct export_buf *b, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			export_raw(b, "&amp;", 5);
			break;
		case '<':
			export_raw(b, "&lt;", 4);
			break;
		case '>':
			export_raw(b, "&gt;", 4);
			break;
		case '"':
			export_raw(b, "&quot;", 6);
			break;
		case '\'':
			export_raw(b, "&#39;", 5);
			break;
		default:
			export_raw(b, s, 1);
		}
	}
}
