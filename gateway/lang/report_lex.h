/* report_lex.h: the words of an SMS, whatever way they were typed. The text
 * is folded (viet_fold_lower: case, diacritics in any Unicode form and tone
 * placement, đ) and cut into words, numbers, dates and signs; separators
 * (spaces, newlines, , . : ; = -) disappear except where they belong to a
 * number ("1.500", "1,5"), a date ("20/11", "20-11-2026") or a sign ("CN-1").
 * O/0 and l/1 mix-ups inside numbers are fixed ("1O" → 10, "l5" → 15).
 * Also the generic keyword matcher (one typo accepted when unique) that the
 * dispatcher's command table uses. Pure: no I/O, no allocation. */
#ifndef TINBAO_REPORT_LEX_H
#define TINBAO_REPORT_LEX_H

#include <stdbool.h>
#include <stddef.h>

#define REPORT_TEXT_MAX 1024	/* folded bytes; longer messages are refused */
#define REPORT_TOKENS_MAX 160

enum report_tok_type {
	REPORT_TOK_WORD,	/* [a-z]+ */
	REPORT_TOK_NUM,		/* digits, maybe with one or more '.' / ',' inside */
	REPORT_TOK_DATE,	/* d/m, d/m/y, d-m-y */
	REPORT_TOK_PLUS,	/* '+' right before a number */
	REPORT_TOK_MINUS,	/* '-' right before a number, after a word */
};

struct report_tok {
	enum report_tok_type type;
	char text[48];		/* folded, lower case; numbers as typed but fixed */
	bool fixed;		/* O/0, l/1 confusion repaired */
	bool glued;		/* no separator before this token ("hv25": "25" is glued) */
};

struct report_tokens {
	struct report_tok tok[REPORT_TOKENS_MAX];
	int n;
	bool truncated;		/* text or token count over the limits */
	char folded[REPORT_TEXT_MAX];	/* the whole folded text, for keys */
};

/* Folds and cuts text (len bytes of UTF-8, invalid bytes tolerated). */
void report_lex(const char *text, size_t len, struct report_tokens *out);

/* Folded text from tokens[start] on without any separator ("da41hv25"):
 * equal for two messages that differ only in case, accents and spacing
 * (resend detection; start skips the command word, which has spellings). */
size_t report_text_key(const struct report_tokens *t, int start, char *out, size_t outlen);

/* Telex leftovers, for a second try when a word is not understood: typing
 * Vietnamese without an input method leaves the Telex keys in the word
 * ("hocj vieen" for "học viên", "ngheof", "ddaof taoj", "nuwx"). Drops a
 * final tone key (s f r x j: no Vietnamese syllable ends in one), and folds
 * dd, aa, ee, oo, aw, ow, uw. Returns true when the word changed. */
bool report_telex_strip(const char *word, char *out, size_t outlen);

/* A command keyword with its spellings: "bc|baocao|bao cao" (folded, '|'
 * between forms, a space where the form spans two words). */
struct report_keyword {
	const char *forms;
};

/* Matches the words from tokens[start] against the keywords. Exact forms
 * first (the longest wins), then forms one edit away (Damerau-Levenshtein)
 * when exactly one keyword is that near; two-letter forms only forgive a
 * swap ("CB" for "BC"). Returns the keyword's index and sets *used (tokens
 * consumed), or -1 when nothing matched; then `suggest` (may be NULL) gets
 * "SUA, HUY" style candidates when several were near. */
int report_keyword_match(const struct report_tokens *t, int start, const struct report_keyword *kw,
			 size_t nkw, int *used, char *suggest, size_t suggestlen);

#endif
