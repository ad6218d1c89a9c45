/* test_store.c: opening, migrations, permissions, transactions, the
 * statement cache and fault injection (store.c), users (store_users.c),
 * events and health. */
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "store/migrations.h"
#include "store/store.h"
#include "store/store_events.h"
#include "store/store_health.h"
#include "store/store_users.h"

static char tmpdir[64];
static char dbpath[128];

static void fresh_db(void)
{
	snprintf(tmpdir, sizeof tmpdir, "/tmp/tinbao-test-store-XXXXXX");
	if (!mkdtemp(tmpdir))
		abort();
	snprintf(dbpath, sizeof dbpath, "%s/t.db", tmpdir);
}

static void cleanup(void)
{
	char p[200];
	const char *sfx[] = { "", "-wal", "-shm", "-journal" };
	for (size_t i = 0; i < 4; i++) {
		snprintf(p, sizeof p, "%s%s", dbpath, sfx[i]);
		unlink(p);
	}
	rmdir(tmpdir);
}

static struct store *open_rw(void)
{
	struct store *s = NULL;
	char why[256];
	int rc = store_open(&s, dbpath, false, why, sizeof why);
	CHECKF(rc == 0, "store_open: %s", why);
	return s;
}

static int count_rows(struct store *s, const char *table)
{
	char sql[128];
	snprintf(sql, sizeof sql, "SELECT count(*) FROM %s", table);
	sqlite3_stmt *st = NULL;
	int n = -1;
	if (sqlite3_prepare_v2(store_db(s), sql, -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return n;
}

TEST(test_open_migrates_and_reopens)
{
	fresh_db();
	struct store *s = open_rw();
	CHECK(s != NULL);
	if (!s)
		return;
	CHECK(store_schema_latest() >= 1);
	CHECK_INT(store_schema_version(s), store_schema_latest());
	CHECK_INT(count_rows(s, "messages"), 0);
	CHECK_INT(count_rows(s, "outbox"), 0);
	/* WAL, synchronous FULL (2), foreign keys on. */
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2(store_db(s), "PRAGMA journal_mode", -1, &st, NULL);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_STR((const char *)sqlite3_column_text(st, 0), "wal");
	sqlite3_finalize(st);
	sqlite3_prepare_v2(store_db(s), "PRAGMA synchronous", -1, &st, NULL);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), 2);
	sqlite3_finalize(st);
	sqlite3_prepare_v2(store_db(s), "PRAGMA foreign_keys", -1, &st, NULL);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	CHECK(store_outbox_queue(s, "+84912345678", "hello", 0, "t1", 100) > 0);
	store_close(s);

	/* Re-open: nothing re-applied, data kept. */
	s = open_rw();
	CHECK_INT(store_schema_version(s), store_schema_latest());
	CHECK_INT(count_rows(s, "outbox"), 1);
	store_close(s);

	/* Read-only open sees the data and refuses writes. */
	char why[256];
	CHECK_INT(store_open(&s, dbpath, true, why, sizeof why), 0);
	if (!s)
		return;
	CHECK(store_readonly(s));
	CHECK_INT(count_rows(s, "outbox"), 1);
	CHECK(store_outbox_queue(s, "+84912345678", "x", 0, "t2", 100) < 0);
	CHECK_INT(store_reset_all(s), 0);
	store_close(s);
	cleanup();
}

/* The n-th "CREATE TABLE name" of a migration's text, into out. */
static bool nth_table(const char *sql, int n, char *out, size_t len)
{
	const char *p = sql;
	for (int i = 0; (p = strstr(p, "CREATE TABLE ")); i++) {
		p += 13;
		if (i == n) {
			size_t k = strcspn(p, " (\n\t");
			snprintf(out, len, "%.*s", (int)k, p);
			return true;
		}
	}
	return false;
}

static bool table_exists(sqlite3 *db, const char *name)
{
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1", -1,
			   &st, NULL);
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	bool yes = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return yes;
}

/* A database left at version 1 by an older build is brought up to date;
 * a migration that fails leaves the previous version whole. */
TEST(test_migrations_incremental_and_atomic)
{
	if (store_schema_latest() < 2 || store_migrations[0].version != 1)
		return;	/* needs a second migration to say anything */
	char t0[64], t1[64];
	CHECK(nth_table(store_migrations[1].sql, 0, t0, sizeof t0));
	bool two_tables = nth_table(store_migrations[1].sql, 1, t1, sizeof t1);

	/* Version 1 only, as an older tinbaod would have left it. */
	fresh_db();
	sqlite3 *db = NULL;
	CHECK(sqlite3_open(dbpath, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, store_migrations[0].sql, NULL, NULL, NULL) == SQLITE_OK);
	CHECK(sqlite3_exec(db, "PRAGMA user_version = 1", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	struct store *s = open_rw();
	if (!s)
		return;
	CHECK_INT(store_schema_version(s), store_schema_latest());
	CHECK(table_exists(store_db(s), t0));
	store_close(s);
	cleanup();

	/* Migration 2 collides with an object that is already there: it
	 * fails, nothing of it stays, the version stays 1. */
	fresh_db();
	CHECK(sqlite3_open(dbpath, &db) == SQLITE_OK);
	CHECK(sqlite3_exec(db, store_migrations[0].sql, NULL, NULL, NULL) == SQLITE_OK);
	char sql[160];
	snprintf(sql, sizeof sql, "CREATE TABLE %s (x); PRAGMA user_version = 1;", t0);
	CHECK(sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(db);
	char why[256] = "";
	s = NULL;
	CHECK_INT(store_open(&s, dbpath, false, why, sizeof why), STORE_E_SCHEMA);
	CHECK(strstr(why, store_migrations[1].name) != NULL);
	CHECK(sqlite3_open(dbpath, &db) == SQLITE_OK);
	sqlite3_stmt *st = NULL;
	sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL);
	CHECK(sqlite3_step(st) == SQLITE_ROW);
	CHECK_INT(sqlite3_column_int(st, 0), 1);
	sqlite3_finalize(st);
	if (two_tables)
		CHECKF(!table_exists(db, t1), "%s left behind by a failed migration", t1);
	sqlite3_close(db);
	cleanup();
}

TEST(test_permissions_0600)
{
	fresh_db();
	umask(022);
	struct store *s = open_rw();
	store_outbox_queue(s, "+84912345678", "hello", 0, "t1", 100);
	struct stat st;
	CHECK(stat(dbpath, &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	char wal[160];
	snprintf(wal, sizeof wal, "%s-wal", dbpath);
	if (stat(wal, &st) == 0)
		CHECK_INT(st.st_mode & 0777, 0600);
	store_close(s);
	/* A file made world-readable by someone is tightened on open. */
	chmod(dbpath, 0644);
	s = open_rw();
	CHECK(stat(dbpath, &st) == 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(store_reset_all(s), 0);
	store_close(s);
	cleanup();
}

TEST(test_open_errors)
{
	struct store *s = (struct store *)1;
	char why[256] = "";
	CHECK(store_open(&s, "/nonexistent-dir/x.db", false, why, sizeof why) < 0);
	CHECK(s == NULL);
	CHECK(why[0] != 0);
	CHECK(store_open(&s, "/nonexistent-dir/x.db", true, why, sizeof why) < 0);
	/* A read-only open of an empty (never migrated) file explains itself. */
	fresh_db();
	FILE *f = fopen(dbpath, "w");
	fclose(f);
	CHECK(store_open(&s, dbpath, true, why, sizeof why) == STORE_E_SCHEMA);
	CHECK(strstr(why, "schema") != NULL);
	/* Not a database at all: refused with SQLite's reason, file untouched. */
	f = fopen(dbpath, "w");
	fputs("this is not an SQLite database, it is a text file that is long enough\n", f);
	for (int i = 0; i < 100; i++)
		fputs("padding padding padding padding padding padding padding padding\n", f);
	fclose(f);
	why[0] = 0;
	CHECK(store_open(&s, dbpath, false, why, sizeof why) < 0);
	CHECK(s == NULL);
	CHECKF(strstr(why, "not a database") != NULL, "why: %s", why);
	unlink(dbpath);
	/* A database from the future is refused, not downgraded. */
	s = open_rw();
	sqlite3_exec(store_db(s), "PRAGMA user_version = 999", NULL, NULL, NULL);
	store_close(s);
	CHECK(store_open(&s, dbpath, false, why, sizeof why) == STORE_E_SCHEMA);
	cleanup();
	store_close(NULL);
}

TEST(test_cache_and_transactions)
{
	fresh_db();
	struct store *s = open_rw();
	static const char q[] = "SELECT count(*) FROM events";
	sqlite3_stmt *a = store_prepare(s, q);
	CHECK(a != NULL);
	CHECK(store_prepare(s, q) == a);	/* cached by address */
	CHECK(store_prepare(s, "SELECT nonsense FROM nowhere") == NULL);
	CHECK(strstr(store_errmsg(s), "nowhere") != NULL);

	/* Outer rollback undoes everything, inner rollback only its part. */
	CHECK_INT(store_begin(s), 0);
	store_event(s, 1, "info", "a", "");
	CHECK_INT(store_begin(s), 0);
	store_event(s, 2, "info", "b", "");
	CHECK_INT(store_rollback(s), 0);
	CHECK(store_in_transaction(s));
	CHECK_INT(store_commit(s), 0);
	CHECK(!store_in_transaction(s));
	CHECK_INT(count_rows(s, "events"), 1);
	CHECK_INT(store_begin(s), 0);
	store_event(s, 3, "info", "c", "");
	CHECK_INT(store_rollback(s), 0);
	CHECK_INT(count_rows(s, "events"), 1);
	CHECK(store_commit(s) < 0);	/* nothing open */
	CHECK_INT(store_reset_all(s), 0);
	store_close(s);
	cleanup();
}

TEST(test_fault_injection)
{
	fresh_db();
	struct store *s = open_rw();
	/* Third write fails: two queue inserts pass, the third is refused. */
	store_fault_set(s, 3);
	CHECK(store_outbox_queue(s, "+84912345678", "1", 0, "a", 1) > 0);
	CHECK(store_outbox_queue(s, "+84912345678", "2", 0, "b", 1) > 0);
	CHECK_INT(store_outbox_queue(s, "+84912345678", "3", 0, "c", 1), STORE_E_FAULT);
	CHECK(strstr(store_errmsg(s), "injected") != NULL);
	CHECK(store_outbox_queue(s, "+84912345678", "3", 0, "c", 1) > 0);
	CHECK_INT(count_rows(s, "outbox"), 3);
	/* A failing COMMIT rolls the transaction back. */
	store_fault_set(s, 2);
	CHECK_INT(store_begin(s), 0);
	CHECK(store_outbox_queue(s, "+84912345678", "4", 0, "d", 1) > 0);
	CHECK_INT(store_commit(s), STORE_E_FAULT);
	CHECK(!store_in_transaction(s));
	CHECK_INT(count_rows(s, "outbox"), 3);
	store_close(s);

	/* From the environment, as the integration tests use it. */
	setenv("TINBAO_FAULT_STORE", "1", 1);
	s = open_rw();
	unsetenv("TINBAO_FAULT_STORE");
	CHECK(store_outbox_queue(s, "+84912345678", "5", 0, "e", 1) == STORE_E_FAULT);
	CHECK(store_outbox_queue(s, "+84912345678", "5", 0, "e", 1) > 0);
	CHECK_INT(store_reset_all(s), 0);
	store_close(s);
	cleanup();
}

static int collect_user(const struct user *u, void *arg)
{
	char *buf = arg;
	strcat(buf, u->phone);
	strcat(buf, u->active ? " " : "- ");
	return 0;
}

TEST(test_users)
{
	fresh_db();
	struct store *s = open_rw();
	struct user u = { .phone = "+84912345678", .name = "Nguyễn Văn A",
			  .role = ROLE_COLLABORATOR, .commune = "vo-tranh",
			  .village = "vo-tranh/thon-3", .active = true };
	CHECK_INT(store_user_put(s, &u, 100), 0);
	struct user got;
	CHECK_INT(store_user_get(s, "+84912345678", &got), 1);
	CHECK_STR(got.name, "Nguyễn Văn A");
	CHECK_STR(got.village, "vo-tranh/thon-3");
	CHECK_INT(got.role, ROLE_COLLABORATOR);
	CHECK(got.active);
	CHECK(!got.training);
	CHECK_INT(store_user_get(s, "+84900000000", &got), 0);

	u.role = ROLE_STAFF;
	u.training = true;
	CHECK_INT(store_user_put(s, &u, 200), 0);	/* update */
	CHECK_INT(store_user_get(s, "+84912345678", &got), 1);
	CHECK_INT(got.role, ROLE_STAFF);
	CHECK(got.training);

	CHECK_INT(store_user_set_active(s, "+84912345678", false, 300), 0);
	CHECK_INT(store_user_get(s, "+84912345678", &got), 1);
	CHECK(!got.active);
	CHECK_INT(store_user_set_active(s, "+84999999999", false, 300), STORE_E_NOTFOUND);

	struct user bad = u;
	bad.role = ROLE_NONE;
	CHECK_INT(store_user_put(s, &bad, 1), STORE_E_ARG);
	bad = u;
	snprintf(bad.phone, sizeof bad.phone, "0912345678");
	CHECK_INT(store_user_put(s, &bad, 1), STORE_E_ARG);

	/* Seeding inserts the missing ones and leaves existing rows alone. */
	struct user seed[2] = { u, u };
	seed[0].active = true;	/* would re-enable: must not */
	snprintf(seed[1].phone, sizeof seed[1].phone, "+84911111111");
	seed[1].role = ROLE_OFFICIAL;
	CHECK_INT(store_users_seed(s, seed, 2, 400), 1);
	CHECK_INT(store_users_seed(s, seed, 2, 400), 0);
	CHECK_INT(store_user_get(s, "+84912345678", &got), 1);
	CHECK(!got.active);

	char buf[256] = "";
	CHECK_INT(store_user_each(s, ROLE_NONE, false, collect_user, buf), 0);
	CHECK_STR(buf, "+84911111111 +84912345678- ");
	buf[0] = 0;
	CHECK_INT(store_user_each(s, ROLE_NONE, true, collect_user, buf), 0);
	CHECK_STR(buf, "+84911111111 ");
	buf[0] = 0;
	CHECK_INT(store_user_each(s, ROLE_OFFICIAL, false, collect_user, buf), 0);
	CHECK_STR(buf, "+84911111111 ");

	CHECK_STR(store_user_role_name(ROLE_OFFICIAL), "official");
	CHECK_INT(store_user_role_parse("Staff"), ROLE_STAFF);
	CHECK_INT(store_user_role_parse("boss"), ROLE_NONE);
	CHECK_INT(store_reset_all(s), 0);
	store_close(s);
	cleanup();
}

static int count_events(const struct store_event_row *e, void *arg)
{
	(void)e;
	(*(int *)arg)++;
	return 0;
}

TEST(test_events_and_health)
{
	fresh_db();
	struct store *s = open_rw();
	store_event(s, 10, "warn", "modem.reset", "no answer to AT");
	store_event(s, 20, "info", "modem.ready", "");
	int n = 0;
	CHECK_INT(store_events_each(s, 0, 0, count_events, &n), 0);
	CHECK_INT(n, 2);
	n = 0;
	CHECK_INT(store_events_each(s, 0, 15, count_events, &n), 0);
	CHECK_INT(n, 1);
	CHECK_INT(store_events_prune(s, 15), 1);

	CHECK_INT(store_health_set(s, "registration", "searching", true, 1000), 1);
	CHECK_INT(store_health_set(s, "registration", "searching", true, 1500), 0);
	CHECK_INT(store_health_set(s, "registration", "home", true, 4600), 1);
	CHECK_INT(store_health_set(s, "registration", "unknown", true, 8200), 1);
	char v[32];
	int64_t upd = 0, chg = 0;
	CHECK_INT(store_health_get(s, "registration", v, sizeof v, &upd, &chg), 1);
	CHECK_STR(v, "unknown");
	CHECK_INT(upd, 8200);
	CHECK_INT(chg, 8200);
	CHECK_INT(store_health_get(s, "nothing", v, sizeof v, NULL, NULL), 0);
	const char *down[] = { "searching", "unknown", "denied", NULL };
	/* searching 1000..4600, unknown 8200..10000 */
	CHECK_INT(store_health_seconds_in(s, "registration", down, 0, 10000), 3600 + 1800);
	CHECK_INT(store_health_seconds_in(s, "registration", down, 2000, 9000), 2600 + 800);
	CHECK_INT(store_health_set_int(s, "signal", 17, false, 9000), 1);
	CHECK_INT(store_health_get(s, "signal", v, sizeof v, NULL, NULL), 1);
	CHECK_STR(v, "17");
	CHECK_INT(count_rows(s, "modem_health_history"), 3);
	/* The daemon removes its own pid at exit, never a successor's. */
	CHECK_INT(store_health_set(s, "pid", "4242", false, 9000), 1);
	CHECK_INT(store_health_clear(s, "pid", "1717"), 0);
	CHECK_INT(store_health_get(s, "pid", v, sizeof v, NULL, NULL), 1);
	CHECK_INT(store_health_clear(s, "pid", "4242"), 1);
	CHECK_INT(store_health_get(s, "pid", v, sizeof v, NULL, NULL), 0);
	CHECK_INT(store_health_clear(s, "pid", NULL), 0);
	CHECK_INT(store_reset_all(s), 0);
	store_close(s);
	cleanup();
}

int main(void)
{
	RUN(test_open_migrates_and_reopens);
	RUN(test_migrations_incremental_and_atomic);
	RUN(test_permissions_0600);
	RUN(test_open_errors);
	RUN(test_cache_and_transactions);
	RUN(test_fault_injection);
	RUN(test_users);
	RUN(test_events_and_health);
	return check_done();
}
