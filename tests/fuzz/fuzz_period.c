/* fuzz_period.c: the period language. Properties: period_match() returns
 * -1, 0 or a length within the input; a period has first <= last; its
 * label parses back (as a prefix) to the same days. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "lang/period.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const int64_t now = 1795575600;	/* 2026-11-25 10:00 +07:00 */
	const int tz = 25200;
	struct period p;
	int n = period_match((const char *)data, size, now, tz, &p);
	assert(n >= -1 && n <= (int)size);
	if (n <= 0)
		return 0;
	assert(p.first <= p.last);
	char label[96];
	period_format(&p, label, sizeof label);
	struct period q;
	int m = period_match(label, strlen(label), now, tz, &q);
	assert(m > 0);
	assert(q.first == p.first && q.last == p.last);
	return 0;
}
