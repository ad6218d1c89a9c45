/* test_at_tok.c: the AT argument tokenizer. A small script language drives
 * the table: each row is a line, a prefix and the calls to make, with the
 * expected result of each, so that every getter is tested against the same
 * boundary cases (empty, quoted, bare, lists, junk, overflow). */
#include "check.h"

#include <limits.h>

#include "sms/at_tok.h"

/* Script: space-separated steps.
 *   i=N   next_int true with N      i!    next_int false
 *   s=X   next_str true with X      s!    next_str false   s~X false, truncated to X
 *   h=HEX next_hex true (bytes printed as hex)              h!    next_hex false
 *   r=A:B next_range true           r!    next_range false
 *   k     skip true                 k!    skip false
 *   (     open_list true            (!    open_list false
 *   )     close_list true           )!    close_list false
 *   m     more true                 m!    more false
 *   Strings in s= use '_' for a space. */
static const struct {
	const char *line;
	const char *prefix;
	const char *script;
} tok_cases[] = {
	{ "+CMGL: 3,1,,24", "+CMGL:", "i=3 i=1 s! i=24 m! i!" },
	{ "+CMGL: 3,1,,24", "+CMGL:", "i=3 k s! i=24 k!" },
	{ "+COPS: 0,0,\"Viettel\",7", "+COPS:", "i=0 i=0 s=Viettel i=7 m!" },
	{ "+CREG: 2,1,\"1A2B\",\"0123ABCD\",7", "+CREG:", "i=2 i=1 h=1a2b h=0123abcd i=7" },
	{ "+CSQ: 23,99", "+CSQ:", "i=23 i=99 m!" },
	{ "+CSQ:23,99", "+CSQ:", "i=23 i=99" },
	{ "+CSQ:  23 , 99  ", "+CSQ:", "i=23 i=99 m!" },
	{ "+CMT: ,24", "+CMT:", "s! i=24" },
	{ "+CMT: \"\",24", "+CMT:", "s= i=24" },
	{ "+CUSD: 0,\"TKC 12500d, han 01/12\",15", "+CUSD:", "i=0 s=TKC_12500d,_han_01/12 i=15 m!" },
	{ "+CUSD: 0,\"he said \"hi\" ok\",15", "+CUSD:", "i=0 s=he_said_\"hi\"_ok i=15" },
	{ "+CUSD: 1,\"a\",", "+CUSD:", "i=1 s=a m! s!" },
	{ "+CUSD: 2", "+CUSD:", "i=2 m! i! s!" },
	{ "+CUSD: 0,\"unterminated", "+CUSD:", "i=0 s=unterminated m!" },
	{ "+CPMS: (\"SM\",\"ME\"),(\"SM\"),(\"SM\",\"MT\")", "+CPMS:",
	  "( s=SM s=ME m! ) ( s=SM ) ( m s=SM ) m!" },
	{ "+CPMS: (\"SM\",\"ME\"),(\"SM\")", "+CPMS:", "( ) ( s=SM m! ) m!" },
	{ "+CPMS: ((1,2),(3)),4", "+CPMS:", "( ( i=1 i=2 ) ( i=3 ) ) i=4" },
	{ "+CPMS: ((1,2),(3)),4", "+CPMS:", "k i=4" },
	{ "+CPMS: ((1,2),(3)),4", "+CPMS:", "( k k m! ) i=4" },
	{ "+CPMS: ((1,2),(3)),4", "+CPMS:", "( ) i=4" },
	{ "+CPMS: (\"a)b\",1),2", "+CPMS:", "k i=2" },
	{ "+CNMI: (0-3),(0-3),(0,2),(0-2),(0,1)", "+CNMI:",
	  "( r=0:3 ) ( r=0:3 ) ( r=0:0 r=2:2 ) ( r=0:2 ) ( i=0 i=1 )" },
	{ "+X: 5-x,-5,-3-4,a", "+X:", "r! r=-5:-5 r=-3:4 r!" },
	{ "+X: (", "+X:", "( m! )!" },
	{ "+X: 1", "+X:", "(! i=1 )!" },
	{ "+X: 1)", "+X:", "i=1 m! )" },
	{ "+X: 2147483647,-2147483648", "+X:", "i=2147483647 i=-2147483648" },
	{ "+X: 9223372036854775807,9223372036854775808", "+X:", "i=9223372036854775807 i!" },
	{ "+X: -9223372036854775808,-9223372036854775809", "+X:", "i=-9223372036854775808 i!" },
	{ "+X: 12a,+,-,\"7\",\" 8\",+9", "+X:", "i! i! i! i=7 i! i=9" },
	{ "+X: abc,\"x\"junk,5", "+X:", "i! s=x i=5" },
	{ "+X: 0054004B,00zz,abc,\"\",00", "+X:", "h=0054004b h! h! h! h=00" },
	{ "+X: 001122334455", "+X:", "h!" },	/* longer than the 4-byte buffer */
	{ "+X: 0011223344556677889900112233445566778899", "+X:", "s~0011223344556677889900112233445 i!" },	/* longer than 31 */
	{ "+X: abc", "+X:", "s=abc m! s! k!" },
	{ "+X: ,,", "+X:", "m k k m! k!" },
	{ "", NULL, "m! i! s! k! (! )!" },
	{ "OK", NULL, "s=OK m!" },
	{ "1,2", NULL, "i=1 i=2" },
	{ "+CMGS: 12", "+CMGS:", "i=12" },
};

static bool hex_eq(const unsigned char *b, size_t n, const char *hex)
{
	char tmp[256];
	size_t k = 0;
	for (size_t i = 0; i < n && k + 3 < sizeof tmp; i++)
		k += (size_t)snprintf(tmp + k, sizeof tmp - k, "%02x", b[i]);
	tmp[k] = '\0';
	return strcmp(tmp, hex) == 0;
}

static void run_script(const char *line, const char *prefix, const char *script)
{
	struct at_tok t;
	CHECKF(at_tok_start(&t, line, prefix), "'%s': start failed", line);
	char buf[512];
	snprintf(buf, sizeof buf, "%s", script);
	for (char *step = strtok(buf, " "); step; step = strtok(NULL, " ")) {
		bool want = !strchr(step, '!') && !strchr(step, '~');
		const char *arg = strchr(step, '=') ? strchr(step, '=') + 1 : NULL;
		bool got = false;
		switch (step[0]) {
		case 'i': {
			long v = 0;
			got = at_tok_next_int(&t, &v);
			if (got && arg)
				CHECKF(v == strtol(arg, NULL, 10) || (strcmp(arg, "-9223372036854775808") == 0 && v == LONG_MIN),
				       "'%s' step %s: got %ld", line, step, v);
			break;
		}
		case 's': {
			char out[32] = "zzz";
			got = at_tok_next_str(&t, out, sizeof out);
			if (!got && out[0] == 'z')
				CHECKF(0, "'%s' step %s: out not cleared", line, step);
			const char *w = arg ? arg : (strchr(step, '~') ? strchr(step, '~') + 1 : NULL);
			if (w) {
				char exp[64];
				snprintf(exp, sizeof exp, "%s", w);
				for (char *p = exp; *p; p++)
					if (*p == '_')
						*p = ' ';
				CHECKF(strcmp(out, exp) == 0, "'%s' step %s: got '%s'", line, step, out);
			}
			break;
		}
		case 'h': {
			unsigned char out[4];
			size_t n = 99;
			got = at_tok_next_hex(&t, out, sizeof out, &n);
			if (got && arg)
				CHECKF(hex_eq(out, n, arg), "'%s' step %s: wrong bytes", line, step);
			if (!got)
				CHECKF(n == 0, "'%s' step %s: n not cleared", line, step);
			break;
		}
		case 'r': {
			long lo = 0, hi = 0;
			got = at_tok_next_range(&t, &lo, &hi);
			if (got && arg) {
				long wlo, whi;
				sscanf(arg, "%ld:%ld", &wlo, &whi);
				CHECKF(lo == wlo && hi == whi, "'%s' step %s: got %ld:%ld", line, step, lo, hi);
			}
			break;
		}
		case 'k': got = at_tok_skip(&t); break;
		case '(': got = at_tok_open_list(&t); break;
		case ')': got = at_tok_close_list(&t); break;
		case 'm': got = at_tok_more(&t); break;
		default: CHECKF(0, "bad step %s", step); break;
		}
		CHECKF(got == want, "'%s' script '%s' step %s: returned %d", line, script, step, got);
		CHECKF(t.p >= line && t.p <= t.end && *t.end == '\0', "'%s': position out of line", line);
	}
}

TEST(test_tok_table)
{
	for (size_t i = 0; i < sizeof tok_cases / sizeof tok_cases[0]; i++)
		run_script(tok_cases[i].line, tok_cases[i].prefix, tok_cases[i].script);
}

TEST(test_tok_start)
{
	struct at_tok t;
	CHECK(!at_tok_start(&t, "+CSQ: 1,2", "+CREG:"));
	CHECK(!at_tok_start(&t, NULL, NULL));
	CHECK(at_tok_start(&t, "+CSQ: 1,2", "+CSQ:"));
	CHECK(at_tok_start(&t, "+CSQ", "+CSQ"));
	CHECK(!at_tok_more(&t));
}

TEST(test_tok_long_string)
{
	/* A USSD reply longer than any small buffer: read whole into a big one. */
	char line[600], out[600];
	memcpy(line, "+CUSD: 0,\"", 10);
	memset(line + 10, 'x', 500);
	memcpy(line + 510, "\",15", 5);
	struct at_tok t;
	CHECK(at_tok_start(&t, line, "+CUSD:"));
	long m, dcs;
	CHECK(at_tok_next_int(&t, &m));
	CHECK(at_tok_next_str(&t, out, sizeof out));
	CHECK_INT(strlen(out), 500);
	CHECK(at_tok_next_int(&t, &dcs));
	CHECK_INT(dcs, 15);
	/* The span getter sees it without copying. */
	const char *s;
	size_t n;
	CHECK(at_tok_start(&t, line, "+CUSD:"));
	CHECK(at_tok_skip(&t));
	CHECK(at_tok_next_span(&t, &s, &n));
	CHECK_INT(n, 500);
	CHECK(s == line + 10);
	CHECK(at_tok_next_span(&t, NULL, NULL));
	CHECK(!at_tok_next_span(&t, &s, &n));
}

TEST(test_tok_null_outputs)
{
	struct at_tok t;
	CHECK(at_tok_start(&t, "1,abc,00", NULL));
	CHECK(at_tok_next_int(&t, NULL));
	CHECK(!at_tok_next_str(&t, NULL, 0));	/* still consumes */
	CHECK(!at_tok_next_hex(&t, NULL, 0, NULL));
	CHECK(!at_tok_more(&t));
}

int main(void)
{
	RUN(test_tok_table);
	RUN(test_tok_start);
	RUN(test_tok_long_string);
	RUN(test_tok_null_outputs);
	return check_done();
}
