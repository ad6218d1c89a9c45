/* store_health.h: the modem's health as the daemon last saw it (table
 * modem_health: one value per key) and the history of changes (table
 * modem_health_history), read by `tinbao status` and the weekly summary.
 *
 * Keys the daemon writes (values are short ASCII):
 *   "state"         driver state ("ready", "registering", "resetting", ...)
 *   "registration"  "home", "roaming", "searching", "denied", "unknown"
 *   "signal"        +CSQ rssi 0..31, 99 unknown
 *   "operator"      +COPS name
 *   "sim"           "ready", "pin-rejected", "missing", "full"
 *   "sim_use"       SIM message slots in use, "used/total" from AT+CPMS?
 *                   (no history: it moves with every message)
 *   "model"         +CGMM / ATI answer
 *   "last_rx", "last_tx"  unix seconds of the last message in / out
 *   (the SIM balance is not a health key: store_credit_last() in store_ussd.h)
 *   "pid"           the running daemon's process id, so that `tinbao send`
 *                   can signal it (SIGUSR1: look at the outbox now). Written
 *                   at every start (a new daemon supersedes a crashed one's),
 *                   removed at a clean exit; the CLI signals it only when
 *                   /proc/PID/comm is "tinbaod" and it has this database
 *                   open (a pid left by a crash may have been reused)
 * Other modules may add keys: document them here. */
#ifndef TINBAO_STORE_HEALTH_H
#define TINBAO_STORE_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* Upsert; when the value differs from the current one a history row is
 * added. Keys "signal", "last_rx" and "last_tx" change too often to be
 * worth a history row each time: for them history is kept only when the
 * value moves across a boundary the caller decides, so pass history=false.
 * Returns 1 if the value changed, 0 if not, negative on error. */
int store_health_set(struct store *s, const char *key, const char *value, bool history,
		     int64_t now);
int store_health_set_int(struct store *s, const char *key, long long value, bool history,
			 int64_t now);
/* Removes key (only while its value is `value`, when not NULL: a daemon
 * removes its own pid, never a successor's). 1 removed, 0 not there,
 * negative on error. */
int store_health_clear(struct store *s, const char *key, const char *value);
/* 1 found (value copied, *updated_at / *changed_at set when not NULL),
 * 0 not, negative on error. */
int store_health_get(struct store *s, const char *key, char *value, size_t len,
		     int64_t *updated_at, int64_t *changed_at);

/* Every current key, sorted. fn returns non-zero to stop. */
int store_health_each(struct store *s,
		      int (*fn)(const char *key, const char *value, int64_t updated_at,
				int64_t changed_at, void *arg), void *arg);
/* History of one key from `since` on, oldest first, plus the last value
 * before `since` (at < since) so that a caller can compute durations. */
int store_health_history(struct store *s, const char *key, int64_t since,
			 int (*fn)(int64_t at, const char *value, void *arg), void *arg);
/* Seconds in [from, to) during which `key` had a value listed in `values`
 * (NULL-terminated), from the history: e.g. hours without network with
 * key "registration" and values {"searching", "denied", "unknown", NULL}.
 * Negative on error. */
int64_t store_health_seconds_in(struct store *s, const char *key, const char *const *values,
				int64_t from, int64_t to);

#endif
