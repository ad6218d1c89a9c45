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

/* Negative results of store_* functions. */
enum store_err {
	STORE_OK = 0,
	STORE_E_DB = -1,	/* SQLite said no (store_errmsg() has the reason) */
	STORE_E_ARG = -2,	/* caller error: NULL, empty, bad value */
	STORE_E_SCHEMA = -3,	/* schema missing, too old (read-only) or too new */
	STORE_E_FAULT = -4,	/* injected by TINBAO_FAULT_STORE (tests) */
	STORE_E_RECIPIENT = -5,	/* outbox: not an E.164 number, never sent to */
	STORE_E_NOTFOUND = -6,
};

/* Opens (creating with mode 0600) and migrates. On failure returns negative
 * and writes the reason. readonly: for the CLI's read commands; the file must
 * exist and carry every migration this binary knows (it never migrates). */
int store_open(struct store **out, const char *path, bool readonly, char *why, size_t whylen);
void store_close(struct store *s);	/* NULL-safe */
sqlite3 *store_db(struct store *s);

/* Cached by the address of `sql`, which must be a string literal (or live as
 * long as the store). The statement comes back reset with bindings cleared.
 * Returns NULL on a prepare error (store_errmsg() says why). Do not prepare
 * the same literal again while iterating over its rows: that resets it. */
sqlite3_stmt *store_prepare(struct store *s, const char *sql);

/* Resets every cached statement. A statement stepped to a row and not
 * reset keeps a read snapshot open, and with it the WAL cannot be
 * checkpointed past that point (the file grows). The daemon calls this
 * once per event-loop turn, when no statement is being iterated. Returns
 * how many were still busy (0 when every caller reset its statements). */
int store_reset_all(struct store *s);

/* sqlite3_step() plus the fault-injection point: a statement that writes
 * (sqlite3_stmt_readonly() false) counts as one write and may fail with
 * SQLITE_FULL when TINBAO_FAULT_STORE says so. Records the error message.
 * Use it instead of sqlite3_step() for every write. */
int store_step(struct store *s, sqlite3_stmt *st);
/* Steps a write statement to SQLITE_DONE and resets it. 0 or STORE_E_*. */
int store_run(struct store *s, sqlite3_stmt *st);
/* Steps a read statement (prepared and bound; NULL gives STORE_E_DB) whose
 * one row holds an optional integer, such as "SELECT min(x) ...", and
 * resets it: 1 with *out set, 0 when the value is NULL (nothing there),
 * STORE_E_DB when no row came. */
int store_step_opt_int64(struct store *s, sqlite3_stmt *st, int64_t *out);
int64_t store_last_id(struct store *s);	/* sqlite3_last_insert_rowid */
int store_changes(struct store *s);	/* rows changed by the last write */

/* Transactions nest: the outermost store_begin() is BEGIN IMMEDIATE (so the
 * write lock is taken up front and busy_timeout applies), inner ones are
 * savepoints. store_commit() that fails rolls its level back itself and
 * returns negative, so callers write
 *     if (store_begin(s) < 0) return ...;
 *     if (work(s) < 0) { store_rollback(s); return ...; }
 *     return store_commit(s);
 * COMMIT of the outermost level counts as a write for fault injection. */
int store_begin(struct store *s);	/* BEGIN IMMEDIATE */
int store_commit(struct store *s);
int store_rollback(struct store *s);
bool store_in_transaction(const struct store *s);
int store_schema_version(struct store *s);
int store_schema_latest(void);	/* highest migration compiled in */
const char *store_errmsg(struct store *s);
bool store_readonly(const struct store *s);

/* Fault injection for tests (no-op unless TINBAO_FAULT_STORE is set in the
 * environment): the Nth write from now fails as if the disk were full.
 * Writes are counted in store_step() (statements that write) and in the
 * outermost COMMIT; store_event() is not counted (it logs the failures).
 * store_fault_hit() counts one write and says whether it must fail. */
bool store_fault_hit(struct store *s);
/* Tests: arm the fault for the nth write from now (0 disarms). */
void store_fault_set(struct store *s, int nth);

/* ---- outbox (store_outbox.c; the rest of its API in store_outbox.h) ---- */
/* Queues a reply or notice. (origin_msg_id, slot) is unique: queuing the same
 * reply to the same inbound message twice is a no-op that returns the
 * existing row id. origin_msg_id 0 for messages not caused by an inbound one
 * (summaries, alerts): then `slot` should carry their own idempotency key
 * (e.g. "summary:2026-W47:+8491..."). `to` must be E.164 ("+" and digits):
 * short codes and alphanumeric senders are refused (STORE_E_RECIPIENT).
 * Returns the outbox id or negative. */
int64_t store_outbox_queue(struct store *s, const char *to, const char *text,
			   int64_t origin_msg_id, const char *slot, int64_t now);

/* ---- event log (store_events.c) ---- */
/* level: "error", "warn", "info"; what: a short code ("modem.reset",
 * "sim.pin_rejected"); detail: free text without names of people or PINs. */
void store_event(struct store *s, int64_t now, const char *level, const char *what,
		 const char *detail);

#endif
