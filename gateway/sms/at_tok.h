/* at_tok.h: tokenizer for AT response arguments, after oFono's GAtResultIter:
 * "+CMGL: 3,1,,24" or "+COPS: 0,0,\"Viettel\",7" or "+CPMS: (\"SM\",\"ME\"),(...)".
 * Pure; reads a borrowed NUL-terminated line, never writes to it. */
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
/* Each getter consumes one argument and the following comma. Empty arguments
 * ("3,,24") make next_int/next_str return false but still advance. */
bool at_tok_next_int(struct at_tok *t, long *out);
bool at_tok_next_str(struct at_tok *t, char *out, size_t outlen);	/* quoted or bare */
bool at_tok_next_hex(struct at_tok *t, unsigned char *out, size_t outlen, size_t *n);
bool at_tok_skip(struct at_tok *t);
/* Enters "( ... )" ; at_tok_close_list leaves it. */
bool at_tok_open_list(struct at_tok *t);
bool at_tok_close_list(struct at_tok *t);
bool at_tok_more(const struct at_tok *t);

#endif
