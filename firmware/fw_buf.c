/* fw_buf.c: growable, bounded byte buffer (see fw_buf.h). */
#include "fw_buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void fw_buf_init(struct fw_buf *b)
{
	b->p = NULL;
	b->len = b->cap = 0;
}

void fw_buf_free(struct fw_buf *b)
{
	if (!b)
		return;
	free(b->p);
	fw_buf_init(b);
}

static int fw_buf_reserve(struct fw_buf *b, size_t extra)
{
	if (extra > FW_BUF_MAX || b->len + extra > FW_BUF_MAX)
		return -1;
	size_t need = b->len + extra + 1;	/* +1 keeps room for a NUL */
	if (need <= b->cap)
		return 0;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		return -1;
	b->p = p;
	b->cap = cap;
	return 0;
}

int fw_buf_add(struct fw_buf *b, const void *data, size_t n)
{
	if (fw_buf_reserve(b, n) < 0)
		return -1;
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
	return 0;
}

int fw_buf_str(struct fw_buf *b, const char *s)
{
	return fw_buf_add(b, s, strlen(s));
}

int fw_buf_vprintf(struct fw_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || fw_buf_reserve(b, (size_t)n) < 0)
		return -1;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int fw_buf_printf(struct fw_buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int r = fw_buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

void fw_buf_consume(struct fw_buf *b, size_t n)
{
	if (n >= b->len) {
		b->len = 0;
	} else {
		memmove(b->p, b->p + n, b->len - n);
		b->len -= n;
	}
	if (b->p)
		b->p[b->len] = '\0';
}

void fw_buf_clear(struct fw_buf *b)
{
	fw_buf_consume(b, b->len);
}
