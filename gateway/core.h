/* core.h: where modem events become committed rows, and committed rows
 * become modem commands. The only place where a received SMS is stored:
 *
 *   modem "PDU from slot N" -> pdu_decode -> store_inbox_commit_part (raw PDU
 *   and decoded text, one transaction) -> only after the commit AT+CMGD=N
 *   -> assembled messages -> dispatch_message() inside BEGIN..COMMIT with
 *   handled_at set, so replies are queued exactly once
 *   -> outbox -> AT+CMGS part by part, retries with backoff, then failed.
 *
 * At start, messages committed but not handled are dispatched again and
 * rows left "sending" by a crash are queued again. Never sends to
 * alphanumeric senders or short codes; caps replies per recipient per hour.
 * Timers: the outbox's next due time, the concatenation wait, the
 * configured periodic outbox check, the office's schedule (weekly summary,
 * reminders: office_tick() at start, after SIGHUP and when it says) and the
 * daily pruning of the event log; nothing else wakes the daemon. */
#ifndef TINBAO_CORE_H
#define TINBAO_CORE_H

#include <stdbool.h>
#include <stdint.h>

#include "modem/modem.h"

struct loop;
struct store;
struct catalog;
struct tinbao_conf;
struct core;

struct core *core_new(struct loop *loop, struct store *store, const struct tinbao_conf *conf,
		      const struct catalog *catalog);
void core_free(struct core *c);	/* NULL-safe */

/* The callbacks to hand to modem_new(); then core_set_modem() with it. */
struct modem_cbs core_modem_cbs(struct core *c);
void core_set_modem(struct core *c, struct modem *m);

/* Requeues interrupted sends, dispatches what a crash left unhandled,
 * assembles overdue multipart messages and arms the timers. */
void core_start(struct core *c);
/* SIGHUP: a new catalog / configuration (same addresses are fine). */
void core_set_catalog(struct core *c, const struct catalog *catalog);
void core_set_conf(struct core *c, const struct tinbao_conf *conf);
/* Tests only (tinbaod reads TINBAO_NOW_OFFSET at start): the core's wall
 * clock runs `seconds` ahead (or behind) the system's, for everything it
 * stamps and schedules. core_time() reads it. */
void core_set_clock_offset(struct core *c, int64_t seconds);
int64_t core_time(const struct core *c);
/* Looks at the outbox now (new rows from `tinbao send`, SIGUSR1). */
void core_kick(struct core *c);
/* No new sends from now on (shutdown). */
void core_stop(struct core *c);

struct core_stats {
	unsigned long stored, duplicates, rejected, store_errors, dispatched, sent_parts,
		send_failures, capped;
};
void core_get_stats(const struct core *c, struct core_stats *out);

#endif
