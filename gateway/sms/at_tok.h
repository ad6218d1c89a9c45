/* at_tok.h: tokenizer for AT response arguments, after oFono's GAtResultIter:
 * "+CMGL: 3,1,,24" or "+COPS: 0,0,\"Viettel\",7" or "+CPMS: (\"SM\",\"ME\"),(...)".
 * Pure; reads a borrowed NUL-terminated line, never writes to it.
 *
 * Arguments are separated by commas; blanks around them are ignored. A
 * quoted string ends at the '"' that is followed (after blanks) by a comma,
 * a ')' or the end of the line, so a USSD text holding a stray '"' still
 * reads whole. Lists nest: "((1,2),(3))". Every getter consumes exactly one
 * argument and the comma after it, also when it returns false (empty or
 * malformed argument), so a caller can always go on to the next one.
 */
#ifndef TINBAO_AT_TOK_H
#define TINBAO_AT_TOK_H

#include <stdbool.h>
#include <stddef.h>

struct at_tok {
	const char *p;		/* current position in the borrowed line */
	const char *end;
};

/* Positions after "prefix" (e.g. "+CMGL:") and any spaces. Returns false when
 * the line does not start with prefix. prefix NULL: start at the beginning. */
bool at_tok_start(struct at_tok *t, const char *line, const char *prefix);
/* Decimal, optional sign, optionally quoted ("\"12\""). False when empty,
 * not a number, or outside the range of long. */
bool at_tok_next_int(struct at_tok *t, long *out);
/* Quoted or bare; always NUL-terminates out (outlen > 0). False when empty
 * (bare), or when it does not fit (out then holds the truncated start).
 * A quoted empty string "" is a present, empty argument: true. */
bool at_tok_next_str(struct at_tok *t, char *out, size_t outlen);
/* Quoted or bare hex digits into bytes; *n gets the byte count. False when
 * empty, odd-length, not hex, or longer than outlen. */
bool at_tok_next_hex(struct at_tok *t, unsigned char *out, size_t outlen, size_t *n);
/* Borrowed view of the next argument's text (quotes removed); false when
 * there is no argument left at this level. The span points into the line. */
bool at_tok_next_span(struct at_tok *t, const char **s, size_t *n);
/* A range "0-255" as in =? answers, or a single number (lo == hi). */
bool at_tok_next_range(struct at_tok *t, long *lo, long *hi);
/* Skips one argument, a whole nested list included. False at the end. */
bool at_tok_skip(struct at_tok *t);
/* Enters "( ... )"; at_tok_close_list skips what is left of the list (nested
 * lists included), leaves it and consumes the comma after it. */
bool at_tok_open_list(struct at_tok *t);
bool at_tok_close_list(struct at_tok *t);
/* True while an argument is left at this level (not at the end, not at ')'). */
bool at_tok_more(const struct at_tok *t);

#endif
