/* store_dispatch.c: the dispatch attempt counter (see store_dispatch.h). */
#include "store/store_dispatch.h"

#include "store/store.h"

int store_dispatch_failed(struct store *s, int64_t id, const char *error)
{
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE messages SET dispatch_attempts = dispatch_attempts + 1, dispatch_error = ?2"
		" WHERE id = ?1 AND handled_at IS NULL");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, id);
	if (error)
		sqlite3_bind_text(st, 2, error, -1, SQLITE_TRANSIENT);
	int rc = store_run(s, st);
	if (rc < 0)
		return rc;
	if (store_changes(s) != 1)
		return STORE_E_NOTFOUND;
	return store_dispatch_attempts(s, id);
}

int store_dispatch_attempts(struct store *s, int64_t id)
{
	sqlite3_stmt *st = store_prepare(s, "SELECT dispatch_attempts FROM messages WHERE id = ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	int n = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : rc == SQLITE_DONE ? STORE_E_NOTFOUND
										  : STORE_E_DB;
	sqlite3_reset(st);
	return n;
}
