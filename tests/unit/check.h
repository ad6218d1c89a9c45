/* check.h: the unit-test harness. Header-only on purpose: every test binary
 * is one file plus this, prints a line per failed check with file:line, and
 * ends with "N passed, N failed" (counted per test function) so that
 * tests/run.py and CI can read it.
 *
 *   TEST(name) { CHECK(x == 1); CHECK_STR(a, "b"); CHECK_INT(n, 3); }
 *   int main(void) { RUN(name); return check_done(); }
 */
#ifndef TINBAO_CHECK_H
#define TINBAO_CHECK_H

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

static int check_failed_now;	/* failures in the running test function */
static int check_pass, check_fail;
static const char *check_only;	/* CHECK_ONLY=name runs one test */

#define TEST(name) static void name(void)

#define CHECK(cond) do { if (!(cond)) { check_failed_now++; \
	fprintf(stderr, "%s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } } while (0)

#define CHECK_INT(got, want) do { long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ != w_) { check_failed_now++; fprintf(stderr, "%s:%d: %s == %lld, want %lld\n", \
	__FILE__, __LINE__, #got, g_, w_); } } while (0)

#define CHECK_STR(got, want) do { const char *g_ = (got), *w_ = (want); \
	if (!g_ || !w_ || strcmp(g_, w_) != 0) { check_failed_now++; \
	fprintf(stderr, "%s:%d: %s == \"%s\", want \"%s\"\n", __FILE__, __LINE__, #got, \
	g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } } while (0)

/* For table-driven tests: say which row failed. */
#define CHECKF(cond, ...) do { if (!(cond)) { check_failed_now++; \
	fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); fprintf(stderr, __VA_ARGS__); \
	fputc('\n', stderr); } } while (0)

#define RUN(name) check_run(#name, name)

static inline void check_run(const char *name, void (*fn)(void))
{
	if (!check_only)
		check_only = getenv("CHECK_ONLY") ? getenv("CHECK_ONLY") : "";
	if (*check_only && strcmp(check_only, name) != 0)
		return;
	check_failed_now = 0;
	fn();
	if (check_failed_now) {
		check_fail++;
		fprintf(stderr, "FAIL %s\n", name);
	} else {
		check_pass++;
	}
}

static inline int check_done(void)
{
	printf("%d passed, %d failed\n", check_pass, check_fail);
	return check_fail ? 1 : 0;
}

#endif
