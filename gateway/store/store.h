/* store.h: the SQLite database. Owns opening (owner-only file, WAL,
 * synchronous=FULL so that a commit survives a power cut), the numbered
 * migrations, the prepared-statement cache and transactions. Each domain
 * keeps its own queries in its own file (store_inbox.c, store_outbox.c,
 * store_users.c, store_reports.c, ...), all through store_prepare().
 * SQL only through prepared statements. */
#ifndef TINBAO_STORE_H
#define TINBAO_STORE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

/* Opens (creating with mode 0600) and migrates. On failure returns negative
 * and writes the reason. readonly: for the CLI's read commands. */
int store_open(struct store **out, const char *path, bool readonly, char *why, size_t whylen);
void store_close(struct store *s);	/* NULL-safe */
sqlite3 *store_db(struct store *s);

/* Cached by the address of `sql`, which must be a string literal (or live as
 * long as the store). The statement comes back reset with bindings cleared. */
sqlite3_stmt *store_prepare(struct store *s, const char *sql);

int store_begin(struct store *s);	/* BEGIN IMMEDIATE */
int store_commit(struct store *s);
int store_rollback(struct store *s);
int store_schema_version(struct store *s);
const char *store_errmsg(struct store *s);

/* Fault injection for tests (no-op unless TINBAO_FAULT_STORE is set in the
 * environment): the Nth write from now fails as if the disk were full. */
bool store_fault_hit(struct store *s);

/* ---- outbox (store_outbox.c) ---- */
/* Queues a reply or notice. (origin_msg_id, slot) is unique: queuing the same
 * reply to the same inbound message twice is a no-op that returns the
 * existing row id. origin_msg_id 0 for messages not caused by an inbound one
 * (summaries, alerts): then `slot` should carry their own idempotency key
 * (e.g. "summary:2026-W47:+8491..."). Returns the outbox id or negative. */
int64_t store_outbox_queue(struct store *s, const char *to, const char *text,
			   int64_t origin_msg_id, const char *slot, int64_t now);

/* ---- event log (store_events.c) ---- */
void store_event(struct store *s, int64_t now, const char *level, const char *what,
		 const char *detail);

#endif
