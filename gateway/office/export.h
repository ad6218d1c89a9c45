/* export.h: the desk's CSV, written so that Excel and LibreOffice open it
 * cleanly: UTF-8 with a BOM (Excel otherwise reads Vietnamese as
 * Windows-1252), CRLF line ends, fields quoted when they hold the
 * separator, a quote, a line break or edge spaces (quotes doubled), and a
 * leading ' before = + - @ in text fields so that a name is never run as
 * a formula. Numbers are written with a '.' decimal point and no grouping.
 * Pure: a growing buffer, no I/O. */
#ifndef TINBAO_EXPORT_H
#define TINBAO_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

struct export_buf {
	char *p;
	size_t len, cap;
	bool oom;		/* a write failed: the content is incomplete */
	char sep;		/* ',' (default) or ';' */
	int fields;		/* in the current row */
};

void export_init(struct export_buf *b, char sep);
void export_free(struct export_buf *b);		/* NULL-safe, reusable after */
void export_bom(struct export_buf *b);
void export_text(struct export_buf *b, const char *s);	/* a text field */
void export_number(struct export_buf *b, double v);	/* 75, 12.5, 0.125 */
void export_int(struct export_buf *b, long long v);
void export_end_row(struct export_buf *b);
/* Appends raw bytes (the HTML report shares the buffer). */
void export_raw(struct export_buf *b, const char *s, size_t n);
void export_printf(struct export_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* HTML-escaped text (& < > " '). */
void export_html(struct export_buf *b, const char *s);

#endif
