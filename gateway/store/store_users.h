/* store_users.h: the people who may use the gateway (table `users`), their
 * role and place. Phones are E.164 ("+84912345678"); normalise with
 * phone_normalize() before calling. commune / village are catalog codes. */
#ifndef TINBAO_STORE_USERS_H
#define TINBAO_STORE_USERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

enum user_role { ROLE_NONE, ROLE_COLLABORATOR, ROLE_STAFF, ROLE_OFFICIAL, ROLE_ADMIN };

struct user {
	char phone[24];
	char name[96];
	enum user_role role;
	char commune[64];
	char village[64];
	bool active;
	bool training;
};

/* 1 found, 0 not, <0 error (enum store_err). Inactive users are found too:
 * check u->active. */
int store_user_get(struct store *s, const char *phone_e164, struct user *out);
/* Insert or update every field (the phone is the key). ROLE_NONE and a
 * phone that is not "+digits" are refused with STORE_E_ARG. */
int store_user_put(struct store *s, const struct user *u, int64_t now);
/* 0, STORE_E_NOTFOUND or another negative. */
int store_user_set_active(struct store *s, const char *phone, bool active, int64_t now);

/* Calls fn for every user ordered by commune, village, phone; role
 * ROLE_NONE lists every role; active_only skips disabled users. fn returns
 * 0 to go on, non-zero to stop (returned as is). Returns 0 or negative. The
 * struct handed to fn lives until fn returns. Do not write to the store
 * from fn. */
int store_user_each(struct store *s, enum user_role role, bool active_only,
		    int (*fn)(const struct user *u, void *arg), void *arg);

/* Seeds users from the config: inserts those not in the table, leaves
 * existing rows alone (the database, changed by `tinbao user` and by staff
 * approvals, wins over the seed). Returns the number inserted or negative. */
int store_users_seed(struct store *s, const struct user *users, size_t n, int64_t now);

/* "collaborator", "staff", "official", "admin" ("none" for ROLE_NONE). */
const char *store_user_role_name(enum user_role r);
/* ROLE_NONE when unknown. Case-insensitive. */
enum user_role store_user_role_parse(const char *name);

#endif
