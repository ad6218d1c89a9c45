/* fuzz_at_tok.c: properties of the AT argument tokenizer on any line.
 * The first bytes of the input pick the calls, the rest is the line.
 *  - the position never leaves the line and never moves backwards;
 *  - a getter that returns true consumed something; every call terminates
 *    and a skip loop ends within (length + 1) steps;
 *  - strings are NUL-terminated within their buffer; a true next_str fits;
 *    hex counts are within the buffer; a number read as int re-reads the
 *    same through its span. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/at_tok.h"

#define FUZZ_REQUIRE(c) do { if (!(c)) { fprintf(stderr, "property failed: %s (%s:%d)\n", \
	#c, __FILE__, __LINE__); abort(); } } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	size_t nops = data[0] % 24;
	if (nops + 1 > size)
		nops = size - 1;
	const uint8_t *ops = data + 1;
	size_t linelen = size - 1 - nops;
	char *line = malloc(linelen + 1);
	if (!line)
		return 0;
	memcpy(line, data + 1 + nops, linelen);
	line[linelen] = '\0';	/* the tokenizer sees up to the first NUL */
	size_t real = strlen(line);

	struct at_tok t;
	at_tok_start(&t, line, NULL);
	for (size_t i = 0; i < nops; i++) {
		const char *before = t.p;
		bool got = false;
		switch (ops[i] % 9) {
		case 0: {
			long v;
			got = at_tok_next_int(&t, &v);
			if (got) {
				/* The same argument again through its span. */
				struct at_tok u = { before, t.end };
				const char *s;
				size_t n;
				FUZZ_REQUIRE(at_tok_next_span(&u, &s, &n));
				FUZZ_REQUIRE(u.p == t.p);
				char *tmp = malloc(n + 1);
				if (tmp) {
					memcpy(tmp, s, n);
					tmp[n] = '\0';
					FUZZ_REQUIRE(strtol(tmp, NULL, 10) == v);
					free(tmp);
				}
			}
			break;
		}
		case 1: {
			char out[16];
			memset(out, 'z', sizeof out);
			size_t cap = 1 + ops[i] / 9 % 16;
			got = at_tok_next_str(&t, out, cap);
			FUZZ_REQUIRE(memchr(out, '\0', cap) != NULL);
			break;
		}
		case 2: {
			unsigned char out[8];
			size_t n = 99;
			got = at_tok_next_hex(&t, out, sizeof out, &n);
			FUZZ_REQUIRE(got ? (n >= 1 && n <= sizeof out) : n == 0);
			break;
		}
		case 3: {
			long lo, hi;
			got = at_tok_next_range(&t, &lo, &hi);
			break;
		}
		case 4: got = at_tok_skip(&t); break;
		case 5: got = at_tok_open_list(&t); break;
		case 6: got = at_tok_close_list(&t); break;
		case 7: {
			const char *s;
			size_t n;
			got = at_tok_next_span(&t, &s, &n);
			if (got)
				FUZZ_REQUIRE(s >= line && s + n <= line + real);
			break;
		}
		case 8: {
			/* Skipping everything left at this level ends. */
			size_t steps = 0;
			while (at_tok_more(&t)) {
				const char *p = t.p;
				FUZZ_REQUIRE(at_tok_skip(&t));
				FUZZ_REQUIRE(t.p > p);
				FUZZ_REQUIRE(++steps <= real + 1);
			}
			break;
		}
		}
		FUZZ_REQUIRE(t.p >= before);
		FUZZ_REQUIRE(t.p >= line && t.p <= line + real && t.end == line + real);
		if (got && (ops[i] % 9) != 6 && (ops[i] % 9) != 8)
			FUZZ_REQUIRE(t.p > before || (ops[i] % 9) == 5);
	}
	free(line);
	return 0;
}
