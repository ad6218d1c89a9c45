/* fuzz_query.c: the TK query language with the shipped catalog. Properties:
 * query_parse() returns 0 or -1 and never both a result and an error; every
 * reply (an empty result, or the hint) is GSM 7-bit and fits two segments. */
#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "lang/query.h"
#include "store/store_office.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct catalog *cat;
	static struct office_totals t;
	if (!cat) {
		char why[256];
		if (catalog_load(&cat, "config/catalog.conf", why, sizeof why) < 0)
			abort();	/* run from the repository root */
	}
	struct query q;
	int rc = query_parse((const char *)data, size, cat, 1795575600, 25200, &q);
	assert(rc == 0 || rc == -1);
	char out[QUERY_REPLY_MAX];
	if (rc == 0) {
		assert(q.status == QUERY_OK);
		assert(q.period.first <= q.period.last);
		memset(&t, 0, sizeof t);
		query_format(&q, &t, cat, 22, out, sizeof out);
	} else {
		assert(q.status != QUERY_OK);
		query_format_error(&q, out, sizeof out);
	}
	size_t s = query_septets(out);
	assert(s != (size_t)-1 && s <= QUERY_REPLY_SEPTETS);
	return 0;
}
