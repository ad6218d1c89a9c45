/* store.c: opening the database, migrations, the statement cache,
 * transactions and the fault-injection hook. Domain queries live in the
 * store_*.c files next to this one. */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "store/migrations.h"
#include "store/store.h"

/* How long a writer waits for another connection's lock (the CLI and the
 * daemon share the file). Long enough for a daemon commit, short enough
 * that a wedged CLI is noticed. */
#define STORE_BUSY_MS 5000

struct store_cached {
	const char *sql;	/* key: the literal's address */
	sqlite3_stmt *st;
};

struct store {
	sqlite3 *db;
	bool readonly;
	int depth;		/* transaction nesting */
	int fault_left;		/* writes until the injected fault; 0: off */
	struct store_cached *cache;	/* open addressing, power-of-two size */
	size_t ncache, capcache;
	char err[256];
};

static void store_seterr(struct store *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void store_seterr(struct store *s, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(s->err, sizeof s->err, fmt, ap);
	va_end(ap);
}

static void store_dberr(struct store *s, const char *what)
{
	store_seterr(s, "%s: %s", what, sqlite3_errmsg(s->db));
}

const char *store_errmsg(struct store *s)
{
	return s ? s->err : "no store";
}

sqlite3 *store_db(struct store *s)
{
	return s ? s->db : NULL;
}

bool store_readonly(const struct store *s)
{
	return s->readonly;
}

int store_schema_latest(void)
{
	int v = 0;
	for (const struct store_migration *m = store_migrations; m->version; m++)
		if (m->version > v)
			v = m->version;
	return v;
}

/* ---- statement cache ---- */

static size_t store_hash(const char *p, size_t cap)
{
	uintptr_t x = (uintptr_t)p;
	x ^= x >> 17;
	x *= (uintptr_t)0x9E3779B97F4A7C15ull;
	x ^= x >> 29;
	return (size_t)x & (cap - 1);
}

static int store_cache_grow(struct store *s)
{
	size_t ncap = s->capcache ? s->capcache * 2 : 64;
	struct store_cached *n = calloc(ncap, sizeof *n);
	if (!n)
		return -1;
	for (size_t i = 0; i < s->capcache; i++) {
		if (!s->cache[i].sql)
			continue;
		size_t j = store_hash(s->cache[i].sql, ncap);
		while (n[j].sql)
			j = (j + 1) & (ncap - 1);
		n[j] = s->cache[i];
	}
	free(s->cache);
	s->cache = n;
	s->capcache = ncap;
	return 0;
}

sqlite3_stmt *store_prepare(struct store *s, const char *sql)
{
	if (!s || !sql)
		return NULL;
	if (s->capcache) {
		size_t j = store_hash(sql, s->capcache);
		while (s->cache[j].sql) {
			if (s->cache[j].sql == sql) {
				sqlite3_stmt *st = s->cache[j].st;
				sqlite3_reset(st);
				sqlite3_clear_bindings(st);
				return st;
			}
			j = (j + 1) & (s->capcache - 1);
		}
	}
	/* Keep the table at most half full so that probes stay short. */
	if ((s->ncache + 1) * 2 > s->capcache && store_cache_grow(s) < 0) {
		store_seterr(s, "out of memory");
		return NULL;
	}
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v3(s->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL) != SQLITE_OK) {
		store_dberr(s, "prepare");
		sqlite3_finalize(st);
		return NULL;
	}
	size_t j = store_hash(sql, s->capcache);
	while (s->cache[j].sql)
		j = (j + 1) & (s->capcache - 1);
	s->cache[j].sql = sql;
	s->cache[j].st = st;
	s->ncache++;
	return st;
}

int store_reset_all(struct store *s)
{
	int busy = 0;
	for (size_t i = 0; s && i < s->capcache; i++) {
		if (!s->cache[i].sql || !sqlite3_stmt_busy(s->cache[i].st))
			continue;
		busy++;
		sqlite3_reset(s->cache[i].st);
	}
	return busy;
}

/* ---- writes and the fault hook ---- */

bool store_fault_hit(struct store *s)
{
	if (!s || s->fault_left <= 0)
		return false;
	if (--s->fault_left == 0) {
		store_seterr(s, "injected fault (TINBAO_FAULT_STORE): database or disk is full");
		return true;
	}
	return false;
}

void store_fault_set(struct store *s, int nth)
{
	if (s)
		s->fault_left = nth > 0 ? nth : 0;
}

int store_step(struct store *s, sqlite3_stmt *st)
{
	/* Count a write once, at its first step, not at every row. */
	if (!sqlite3_stmt_readonly(st) && !sqlite3_stmt_busy(st) && store_fault_hit(s))
		return SQLITE_FULL;
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		store_dberr(s, "step");
	return rc;
}

int store_run(struct store *s, sqlite3_stmt *st)
{
	if (!st)
		return STORE_E_DB;
	int rc;
	bool injected = false;
	if (!sqlite3_stmt_readonly(st) && !sqlite3_stmt_busy(st) && store_fault_hit(s))
		injected = true;
	rc = injected ? SQLITE_FULL : sqlite3_step(st);
	while (rc == SQLITE_ROW)	/* RETURNING clauses */
		rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && !injected)
		store_dberr(s, "write");
	sqlite3_reset(st);
	if (injected)
		return STORE_E_FAULT;
	return rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

int store_step_opt_int64(struct store *s, sqlite3_stmt *st, int64_t *out)
{
	if (!st)
		return STORE_E_DB;
	int ret = STORE_E_DB;
	if (store_step(s, st) == SQLITE_ROW) {
		ret = sqlite3_column_type(st, 0) == SQLITE_NULL ? 0 : 1;
		if (ret)
			*out = sqlite3_column_int64(st, 0);
	}
	sqlite3_reset(st);
	return ret;
}

int64_t store_last_id(struct store *s)
{
	return sqlite3_last_insert_rowid(s->db);
}

int store_changes(struct store *s)
{
	return sqlite3_changes(s->db);
}

/* ---- transactions ---- */

static int store_exec_cached(struct store *s, const char *sql)
{
	sqlite3_stmt *st = store_prepare(s, sql);
	if (!st)
		return STORE_E_DB;
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		store_dberr(s, sql);
		return STORE_E_DB;
	}
	return 0;
}

int store_begin(struct store *s)
{
	if (!s)
		return STORE_E_ARG;
	int rc = store_exec_cached(s, s->depth == 0 ? "BEGIN IMMEDIATE" : "SAVEPOINT nest");
	if (rc == 0)
		s->depth++;
	return rc;
}

int store_rollback(struct store *s)
{
	if (!s || s->depth <= 0)
		return STORE_E_ARG;
	int rc;
	if (s->depth == 1) {
		/* A failed COMMIT or a full disk may already have ended the
		 * transaction: then there is nothing left to roll back. */
		rc = sqlite3_get_autocommit(s->db) ? 0 : store_exec_cached(s, "ROLLBACK");
	} else {
		rc = store_exec_cached(s, "ROLLBACK TO nest");
		if (rc == 0)
			rc = store_exec_cached(s, "RELEASE nest");
	}
	s->depth--;
	return rc;
}

int store_commit(struct store *s)
{
	if (!s || s->depth <= 0)
		return STORE_E_ARG;
	if (s->depth > 1) {
		int rc = store_exec_cached(s, "RELEASE nest");
		if (rc < 0) {
			store_rollback(s);
			return rc;
		}
		s->depth--;
		return 0;
	}
	char keep[sizeof s->err];
	if (store_fault_hit(s)) {
		memcpy(keep, s->err, sizeof keep);
		store_rollback(s);
		memcpy(s->err, keep, sizeof keep);
		return STORE_E_FAULT;
	}
	int rc = store_exec_cached(s, "COMMIT");
	if (rc < 0) {
		memcpy(keep, s->err, sizeof keep);
		store_rollback(s);
		memcpy(s->err, keep, sizeof keep);
		return rc;
	}
	s->depth = 0;
	return 0;
}

bool store_in_transaction(const struct store *s)
{
	return s && s->depth > 0;
}

int store_schema_version(struct store *s)
{
	sqlite3_stmt *st = store_prepare(s, "PRAGMA user_version");
	if (!st)
		return STORE_E_DB;
	int v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : STORE_E_DB;
	sqlite3_reset(st);
	return v;
}

/* ---- opening ---- */

static int store_pragma(struct store *s, const char *sql, const char *want, char *why,
			size_t whylen)
{
	sqlite3_stmt *st = NULL;
	if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
		snprintf(why, whylen, "%s: %s", sql, sqlite3_errmsg(s->db));
		return STORE_E_DB;
	}
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		snprintf(why, whylen, "%s: %s", sql, sqlite3_errmsg(s->db));
		sqlite3_finalize(st);
		return STORE_E_DB;
	}
	if (want) {
		const char *got = rc == SQLITE_ROW ? (const char *)sqlite3_column_text(st, 0) : NULL;
		if (!got || strcasecmp(got, want) != 0) {
			snprintf(why, whylen, "%s gave '%s', want '%s'", sql, got ? got : "", want);
			sqlite3_finalize(st);
			return STORE_E_DB;
		}
	}
	sqlite3_finalize(st);
	return 0;
}

/* Each migration runs in its own transaction together with the bump of
 * user_version, so a crash in the middle leaves the previous version whole
 * and the next start simply runs it again. */
static int store_migrate(struct store *s, char *why, size_t whylen)
{
	int have = store_schema_version(s);
	if (have < 0) {
		snprintf(why, whylen, "reading schema version: %s", s->err);
		return STORE_E_DB;
	}
	int latest = store_schema_latest();
	if (have > latest) {
		snprintf(why, whylen, "database schema is version %d, this build knows up to %d",
			 have, latest);
		return STORE_E_SCHEMA;
	}
	for (const struct store_migration *m = store_migrations; m->version; m++) {
		if (m->version <= have)
			continue;
		char *msg = NULL;
		char bump[64];
		snprintf(bump, sizeof bump, "PRAGMA user_version = %d", m->version);
		if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(s->db, m->sql, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(s->db, bump, NULL, NULL, &msg) != SQLITE_OK ||
		    sqlite3_exec(s->db, "COMMIT", NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(why, whylen, "migration %s: %s", m->name,
				 msg ? msg : sqlite3_errmsg(s->db));
			sqlite3_free(msg);
			if (!sqlite3_get_autocommit(s->db))
				sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
			return STORE_E_SCHEMA;
		}
		have = m->version;
	}
	return 0;
}

/* The database holds phone numbers and names: create it owner-only before
 * SQLite sees it (SQLite gives the -wal and -shm files the same mode), and
 * tighten a file that someone made wider. */
static int store_create_private(const char *path, char *why, size_t whylen)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return STORE_E_DB;
	}
	struct stat stt;
	if (fstat(fd, &stt) == 0 && (stt.st_mode & 077) && fchmod(fd, stt.st_mode & 0700) < 0) {
		snprintf(why, whylen, "%s: chmod: %s", path, strerror(errno));
		close(fd);
		return STORE_E_DB;
	}
	close(fd);
	return 0;
}

int store_open(struct store **out, const char *path, bool readonly, char *why, size_t whylen)
{
	char dummy[8];
	if (!why || !whylen) {
		why = dummy;
		whylen = sizeof dummy;
	}
	*why = 0;
	if (!out || !path || !*path) {
		snprintf(why, whylen, "no database path");
		return STORE_E_ARG;
	}
	*out = NULL;
	if (readonly) {
		if (access(path, R_OK) < 0) {
			snprintf(why, whylen, "%s: %s", path, strerror(errno));
			return STORE_E_DB;
		}
	} else if (store_create_private(path, why, whylen) < 0) {
		return STORE_E_DB;
	}
	struct store *s = calloc(1, sizeof *s);
	if (!s) {
		snprintf(why, whylen, "out of memory");
		return STORE_E_DB;
	}
	s->readonly = readonly;
	int flags = (readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
		    SQLITE_OPEN_NOMUTEX;
	if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
		snprintf(why, whylen, "%s: %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
		store_close(s);
		return STORE_E_DB;
	}
	sqlite3_extended_result_codes(s->db, 0);
	sqlite3_busy_timeout(s->db, STORE_BUSY_MS);
	int rc = 0;
	if (!readonly) {
		rc = store_pragma(s, "PRAGMA journal_mode = WAL", "wal", why, whylen);
		if (rc == 0)
			rc = store_pragma(s, "PRAGMA synchronous = FULL", NULL, why, whylen);
	}
	if (rc == 0)
		rc = store_pragma(s, "PRAGMA foreign_keys = ON", NULL, why, whylen);
	if (rc == 0)
		rc = store_pragma(s, "PRAGMA trusted_schema = OFF", NULL, why, whylen);
	if (rc == 0 && !readonly)
		rc = store_migrate(s, why, whylen);
	if (rc == 0 && readonly) {
		int v = store_schema_version(s);
		if (v < store_schema_latest()) {
			snprintf(why, whylen,
				 "%s: schema version %d, expected %d (start tinbaod once to migrate)",
				 path, v < 0 ? 0 : v, store_schema_latest());
			rc = STORE_E_SCHEMA;
		}
	}
	if (rc < 0) {
		store_close(s);
		return rc;
	}
	const char *f = getenv("TINBAO_FAULT_STORE");
	if (f && *f)
		s->fault_left = atoi(f) > 0 ? atoi(f) : 0;
	*out = s;
	return 0;
}

void store_close(struct store *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->capcache; i++)
		if (s->cache[i].sql)
			sqlite3_finalize(s->cache[i].st);
	free(s->cache);
	if (s->db && !sqlite3_get_autocommit(s->db))
		sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
	sqlite3_close(s->db);
	free(s);
}
