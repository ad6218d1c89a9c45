/* store_health.c: modem health, current values and history (see
 * store_health.h for the keys). */
#include <stdio.h>
#include <string.h>

#include "store/store.h"
#include "store/store_health.h"

int store_health_set(struct store *s, const char *key, const char *value, bool history,
		     int64_t now)
{
	if (!s || !key || !value)
		return STORE_E_ARG;
	char old[256];
	int have = store_health_get(s, key, old, sizeof old, NULL, NULL);
	if (have < 0)
		return have;
	bool changed = !have || strcmp(old, value) != 0;
	int rc = store_begin(s);
	if (rc < 0)
		return rc;
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO modem_health (key, value, updated_at, changed_at)"
		" VALUES (?1, ?2, ?3, ?3) ON CONFLICT (key) DO UPDATE SET"
		" changed_at = CASE WHEN value = excluded.value THEN changed_at"
		"                   ELSE excluded.changed_at END,"
		" value = excluded.value, updated_at = excluded.updated_at");
	if (!st) {
		store_rollback(s);
		return STORE_E_DB;
	}
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	rc = store_run(s, st);
	if (rc == 0 && changed && history) {
		st = store_prepare(s,
			"INSERT INTO modem_health_history (at, key, value) VALUES (?1, ?2, ?3)");
		if (!st) {
			rc = STORE_E_DB;
		} else {
			sqlite3_bind_int64(st, 1, now);
			sqlite3_bind_text(st, 2, key, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 3, value, -1, SQLITE_STATIC);
			rc = store_run(s, st);
		}
	}
	if (rc < 0) {
		store_rollback(s);
		return rc;
	}
	rc = store_commit(s);
	return rc < 0 ? rc : changed;
}

int store_health_set_int(struct store *s, const char *key, long long value, bool history,
			 int64_t now)
{
	char buf[32];
	snprintf(buf, sizeof buf, "%lld", value);
	return store_health_set(s, key, buf, history, now);
}

int store_health_get(struct store *s, const char *key, char *value, size_t len,
		     int64_t *updated_at, int64_t *changed_at)
{
	if (!s || !key)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT value, updated_at, changed_at FROM modem_health WHERE key = ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	int rc = store_step(s, st), ret = 0;
	if (rc == SQLITE_ROW) {
		if (value && len)
			snprintf(value, len, "%s", (const char *)sqlite3_column_text(st, 0));
		if (updated_at)
			*updated_at = sqlite3_column_int64(st, 1);
		if (changed_at)
			*changed_at = sqlite3_column_int64(st, 2);
		ret = 1;
	} else if (rc != SQLITE_DONE) {
		ret = STORE_E_DB;
	}
	sqlite3_reset(st);
	return ret;
}

int store_health_clear(struct store *s, const char *key, const char *value)
{
	if (!s || !key)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"DELETE FROM modem_health WHERE key = ?1 AND (?2 IS NULL OR value = ?2)");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	if (value)
		sqlite3_bind_text(st, 2, value, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	int rc = store_run(s, st);
	return rc < 0 ? rc : store_changes(s);
}

int store_health_each(struct store *s,
		      int (*fn)(const char *key, const char *value, int64_t updated_at,
				int64_t changed_at, void *arg), void *arg)
{
	if (!s || !fn)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT key, value, updated_at, changed_at FROM modem_health ORDER BY key");
	if (!st)
		return STORE_E_DB;
	int rc, ret = 0;
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		ret = fn((const char *)sqlite3_column_text(st, 0),
			 (const char *)sqlite3_column_text(st, 1), sqlite3_column_int64(st, 2),
			 sqlite3_column_int64(st, 3), arg);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(st);
	return ret;
}

int store_health_history(struct store *s, const char *key, int64_t since,
			 int (*fn)(int64_t at, const char *value, void *arg), void *arg)
{
	if (!s || !key || !fn)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT at, value FROM (SELECT id, at, value FROM (SELECT id, at, value"
		"   FROM modem_health_history WHERE key = ?1 AND at < ?2"
		"   ORDER BY at DESC, id DESC LIMIT 1)"
		" UNION ALL SELECT id, at, value FROM modem_health_history"
		"   WHERE key = ?1 AND at >= ?2) ORDER BY at, id");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, since);
	int rc, ret = 0;
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		ret = fn(sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1), arg);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(st);
	return ret;
}

struct health_span {
	const char *const *values;
	int64_t from, to;
	int64_t last_at;	/* start of the current value, clipped */
	bool in;		/* current value is one of values */
	bool started;
	int64_t total;
};

static bool health_listed(const char *const *values, const char *v)
{
	for (; *values; values++)
		if (!strcmp(*values, v))
			return true;
	return false;
}

static int health_span_add(int64_t at, const char *value, void *arg)
{
	struct health_span *h = arg;
	int64_t t = at < h->from ? h->from : at;
	if (t > h->to)
		t = h->to;
	if (h->started && h->in)
		h->total += t - h->last_at;
	h->started = true;
	h->last_at = t;
	h->in = health_listed(h->values, value);
	return 0;
}

int64_t store_health_seconds_in(struct store *s, const char *key, const char *const *values,
				int64_t from, int64_t to)
{
	if (!values || to < from)
		return STORE_E_ARG;
	struct health_span h = { .values = values, .from = from, .to = to };
	int rc = store_health_history(s, key, from, health_span_add, &h);
	if (rc < 0)
		return rc;
	if (h.started && h.in)
		h.total += to - h.last_at;
	return h.total;
}
