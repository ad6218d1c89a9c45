/* store_events.c: the event log (table events) people read with `tinbao
 * status`. Writes here are not fault-injection points: the log records the
 * failures the other writes produce. */
#include <string.h>

#include "store/store.h"
#include "store/store_events.h"

void store_event(struct store *s, int64_t now, const char *level, const char *what,
		 const char *detail)
{
	if (!s || store_readonly(s) || !what)
		return;
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO events (at, level, what, detail) VALUES (?1, ?2, ?3, ?4)");
	if (!st)
		return;
	sqlite3_bind_int64(st, 1, now);
	sqlite3_bind_text(st, 2, level ? level : "info", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, what, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, detail ? detail : "", -1, SQLITE_STATIC);
	/* Plain sqlite3_step: see the file comment. A failed log write is
	 * not worth failing the caller's work for. */
	sqlite3_step(st);
	sqlite3_reset(st);
}

int store_events_each(struct store *s, int limit, int64_t since,
		      int (*fn)(const struct store_event_row *e, void *arg), void *arg)
{
	if (!s || !fn)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT id, at, level, what, detail FROM events WHERE at >= ?2"
		" ORDER BY id DESC LIMIT ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
	sqlite3_bind_int64(st, 2, since);
	int rc, ret = 0;
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		struct store_event_row e = {
			.id = sqlite3_column_int64(st, 0),
			.at = sqlite3_column_int64(st, 1),
			.level = (const char *)sqlite3_column_text(st, 2),
			.what = (const char *)sqlite3_column_text(st, 3),
			.detail = (const char *)sqlite3_column_text(st, 4),
		};
		if ((ret = fn(&e, arg)) != 0)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(st);
	return ret;
}

int store_events_prune(struct store *s, int64_t before)
{
	sqlite3_stmt *st = store_prepare(s, "DELETE FROM events WHERE at < ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, before);
	int rc = store_run(s, st);
	return rc < 0 ? rc : store_changes(s);
}
