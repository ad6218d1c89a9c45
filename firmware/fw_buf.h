/* fw_buf.h: a growable byte buffer for the firmware's output queues (bytes
 * for the serial link, replies on the control socket). Bounded: appending
 * past FW_BUF_MAX fails instead of growing without end when nobody reads. */
#ifndef TINBAO_FW_BUF_H
#define TINBAO_FW_BUF_H

#include <stdarg.h>
#include <stddef.h>

#define FW_BUF_MAX (1u << 20)

struct fw_buf {
	char *p;
	size_t len, cap;
};

void fw_buf_init(struct fw_buf *b);
void fw_buf_free(struct fw_buf *b);	/* releases memory; b stays usable (empty) */
/* Appends n bytes; returns 0, or -1 when the limit or memory is exhausted. */
int fw_buf_add(struct fw_buf *b, const void *data, size_t n);
int fw_buf_str(struct fw_buf *b, const char *s);
int fw_buf_printf(struct fw_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int fw_buf_vprintf(struct fw_buf *b, const char *fmt, va_list ap);
/* Drops the first n bytes (what was written out). */
void fw_buf_consume(struct fw_buf *b, size_t n);
void fw_buf_clear(struct fw_buf *b);

#endif
