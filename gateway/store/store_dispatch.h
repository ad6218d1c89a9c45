/* store_dispatch.h: the dispatch attempt counter on assembled messages
 * (migration 007). core.c counts a failed dispatch of a message here, in
 * the same transaction as its other writes, and gives up after a fixed
 * number of attempts (see core.c, CORE_DISPATCH_ATTEMPTS). */
#ifndef TINBAO_STORE_DISPATCH_H
#define TINBAO_STORE_DISPATCH_H

#include <stdint.h>

struct store;

/* Counts one failed dispatch of message id and keeps `error` (may be NULL)
 * as its reason. Returns the attempts counted so far (>= 1),
 * STORE_E_NOTFOUND when there is no such unhandled message, or negative. */
int store_dispatch_failed(struct store *s, int64_t id, const char *error);
/* Attempts counted for message id: >= 0, STORE_E_NOTFOUND or negative. */
int store_dispatch_attempts(struct store *s, int64_t id);

#endif
