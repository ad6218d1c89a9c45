/* store_users.c: queries on the `users` table (see store_users.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "store/store.h"
#include "store/store_users.h"

static const char *const user_role_names[] = {
	[ROLE_NONE] = "none",
	[ROLE_COLLABORATOR] = "collaborator",
	[ROLE_STAFF] = "staff",
	[ROLE_OFFICIAL] = "official",
	[ROLE_ADMIN] = "admin",
};

const char *store_user_role_name(enum user_role r)
{
	if ((unsigned)r >= sizeof user_role_names / sizeof *user_role_names)
		return "none";
	return user_role_names[r];
}

enum user_role store_user_role_parse(const char *name)
{
	if (!name)
		return ROLE_NONE;
	for (int r = ROLE_COLLABORATOR; r <= ROLE_ADMIN; r++)
		if (!strcasecmp(name, user_role_names[r]))
			return (enum user_role)r;
	return ROLE_NONE;
}

static bool user_phone_ok(const char *p)
{
	if (!p || p[0] != '+' || !p[1])
		return false;
	size_t n = 0;
	for (p++; *p; p++, n++)
		if (*p < '0' || *p > '9')
			return false;
	return n >= 3 && n <= 15;
}

static void user_copy(char *dst, size_t len, const unsigned char *src)
{
	snprintf(dst, len, "%s", src ? (const char *)src : "");
}

#define USER_COLS "phone, name, role, commune, village, active, training"

static void user_from_row(sqlite3_stmt *st, struct user *u)
{
	memset(u, 0, sizeof *u);
	user_copy(u->phone, sizeof u->phone, sqlite3_column_text(st, 0));
	user_copy(u->name, sizeof u->name, sqlite3_column_text(st, 1));
	u->role = store_user_role_parse((const char *)sqlite3_column_text(st, 2));
	user_copy(u->commune, sizeof u->commune, sqlite3_column_text(st, 3));
	user_copy(u->village, sizeof u->village, sqlite3_column_text(st, 4));
	u->active = sqlite3_column_int(st, 5) != 0;
	u->training = sqlite3_column_int(st, 6) != 0;
}

int store_user_get(struct store *s, const char *phone, struct user *out)
{
	if (!s || !phone || !out)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s, "SELECT " USER_COLS " FROM users WHERE phone = ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	int rc = store_step(s, st);
	int ret;
	if (rc == SQLITE_ROW) {
		user_from_row(st, out);
		ret = 1;
	} else {
		ret = rc == SQLITE_DONE ? 0 : STORE_E_DB;
	}
	sqlite3_reset(st);
	return ret;
}

static int user_bind_all(sqlite3_stmt *st, const struct user *u, int64_t now)
{
	sqlite3_bind_text(st, 1, u->phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, store_user_role_name(u->role), -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, u->commune, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, u->village, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 6, u->active);
	sqlite3_bind_int(st, 7, u->training);
	sqlite3_bind_int64(st, 8, now);
	return 0;
}

static bool user_valid(const struct user *u)
{
	return u && user_phone_ok(u->phone) && u->role > ROLE_NONE && u->role <= ROLE_ADMIN;
}

int store_user_put(struct store *s, const struct user *u, int64_t now)
{
	if (!s || !user_valid(u))
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO users (" USER_COLS ", created_at, updated_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)"
		" ON CONFLICT (phone) DO UPDATE SET name = excluded.name, role = excluded.role,"
		" commune = excluded.commune, village = excluded.village,"
		" active = excluded.active, training = excluded.training,"
		" updated_at = excluded.updated_at");
	if (!st)
		return STORE_E_DB;
	user_bind_all(st, u, now);
	return store_run(s, st);
}

int store_user_set_active(struct store *s, const char *phone, bool active, int64_t now)
{
	if (!s || !phone)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE users SET active = ?2, updated_at = ?3 WHERE phone = ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, phone, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, active);
	sqlite3_bind_int64(st, 3, now);
	int rc = store_run(s, st);
	if (rc < 0)
		return rc;
	return store_changes(s) ? 0 : STORE_E_NOTFOUND;
}

int store_user_each(struct store *s, enum user_role role, bool active_only,
		    int (*fn)(const struct user *u, void *arg), void *arg)
{
	if (!s || !fn)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT " USER_COLS " FROM users"
		" WHERE (?1 = 'none' OR role = ?1) AND (?2 = 0 OR active = 1)"
		" ORDER BY commune, village, phone");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, store_user_role_name(role), -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, active_only);
	int rc, ret = 0;
	while ((rc = store_step(s, st)) == SQLITE_ROW) {
		struct user u;
		user_from_row(st, &u);
		ret = fn(&u, arg);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(st);
	return ret;
}

int store_users_seed(struct store *s, const struct user *users, size_t n, int64_t now)
{
	if (!s || (n && !users))
		return STORE_E_ARG;
	for (size_t i = 0; i < n; i++)
		if (!user_valid(&users[i]))
			return STORE_E_ARG;
	int rc = store_begin(s);
	if (rc < 0)
		return rc;
	int inserted = 0;
	for (size_t i = 0; i < n; i++) {
		sqlite3_stmt *st = store_prepare(s,
			"INSERT INTO users (" USER_COLS ", created_at, updated_at)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)"
			" ON CONFLICT (phone) DO NOTHING");
		if (!st) {
			store_rollback(s);
			return STORE_E_DB;
		}
		user_bind_all(st, &users[i], now);
		rc = store_run(s, st);
		if (rc < 0) {
			store_rollback(s);
			return rc;
		}
		inserted += store_changes(s);
	}
	rc = store_commit(s);
	return rc < 0 ? rc : inserted;
}
