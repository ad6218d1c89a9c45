/* store_events.h: reading the event log; store_event() (writing) is in
 * store.h so that every module has it. */
#ifndef TINBAO_STORE_EVENTS_H
#define TINBAO_STORE_EVENTS_H

#include <stdint.h>

struct store;

struct store_event_row {
	int64_t id, at;
	const char *level, *what, *detail;	/* live until fn returns */
};

/* Newest first, at most limit (0: all) with at >= since. fn returns
 * non-zero to stop. */
int store_events_each(struct store *s, int limit, int64_t since,
		      int (*fn)(const struct store_event_row *e, void *arg), void *arg);
/* Deletes events older than `before`; returns how many or negative. */
int store_events_prune(struct store *s, int64_t before);

#endif
