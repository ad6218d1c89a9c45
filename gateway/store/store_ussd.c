/* store_ussd.c: queries on ussd_sessions, credit_readings and ussd_log
 * (see store_ussd.h and migrations/005_ussd.sql). */
#include "store/store_ussd.h"

#include <stdio.h>
#include <string.h>

#include "store/store.h"

static void su_copy(char *dst, size_t cap, const unsigned char *src)
{
	snprintf(dst, cap, "%s", src ? (const char *)src : "");
}

int store_ussd_session_get(struct store *s, const char *session_id, struct ussd_session *out)
{
	if (!s || !session_id || !out)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT session_id, phone, service_code, started_at, updated_at, last_text, screen,"
		" state, COALESCE(report_text, ''), COALESCE(message_id, 0)"
		" FROM ussd_sessions WHERE session_id = ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, session_id, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_DONE) {
		sqlite3_reset(st);
		return 0;
	}
	if (rc != SQLITE_ROW) {
		sqlite3_reset(st);
		return STORE_E_DB;
	}
	memset(out, 0, sizeof *out);
	su_copy(out->session_id, sizeof out->session_id, sqlite3_column_text(st, 0));
	su_copy(out->phone, sizeof out->phone, sqlite3_column_text(st, 1));
	su_copy(out->service_code, sizeof out->service_code, sqlite3_column_text(st, 2));
	out->started_at = sqlite3_column_int64(st, 3);
	out->updated_at = sqlite3_column_int64(st, 4);
	su_copy(out->last_text, sizeof out->last_text, sqlite3_column_text(st, 5));
	su_copy(out->screen, sizeof out->screen, sqlite3_column_text(st, 6));
	su_copy(out->state, sizeof out->state, sqlite3_column_text(st, 7));
	su_copy(out->report_text, sizeof out->report_text, sqlite3_column_text(st, 8));
	out->message_id = sqlite3_column_int64(st, 9);
	sqlite3_reset(st);
	return 1;
}

int store_ussd_session_put(struct store *s, const struct ussd_session *u)
{
	if (!s || !u || !u->session_id[0] || !u->phone[0])
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO ussd_sessions (session_id, phone, service_code, started_at, updated_at,"
		" last_text, screen, state, report_text, message_id)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULLIF(?9, ''), NULLIF(?10, 0))"
		" ON CONFLICT (session_id) DO UPDATE SET phone = excluded.phone,"
		" service_code = excluded.service_code, updated_at = excluded.updated_at,"
		" last_text = excluded.last_text, screen = excluded.screen, state = excluded.state,"
		" report_text = excluded.report_text, message_id = excluded.message_id");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_text(st, 1, u->session_id, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, u->phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, u->service_code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, u->started_at);
	sqlite3_bind_int64(st, 5, u->updated_at);
	sqlite3_bind_text(st, 6, u->last_text, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 7, u->screen, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, u->state[0] ? u->state : "open", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, u->report_text, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 10, u->message_id);
	return store_run(s, st);
}

int store_ussd_sessions_expire(struct store *s, int64_t before)
{
	if (!s)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE ussd_sessions SET state = 'timeout' WHERE state = 'open' AND updated_at < ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, before);
	int rc = store_run(s, st);
	return rc < 0 ? rc : store_changes(s);
}

int64_t store_credit_add(struct store *s, const struct credit_reading *r)
{
	if (!s || !r || !r->code[0])
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO credit_readings (at, code, status, raw, balance, threshold, armed, alerted)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, r->at);
	sqlite3_bind_text(st, 2, r->code, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 3, r->status);
	sqlite3_bind_text(st, 4, r->raw, -1, SQLITE_STATIC);
	if (r->has_balance)
		sqlite3_bind_double(st, 5, r->balance);
	else
		sqlite3_bind_null(st, 5);
	sqlite3_bind_double(st, 6, r->threshold);
	sqlite3_bind_int(st, 7, r->armed);
	sqlite3_bind_int(st, 8, r->alerted);
	int rc = store_run(s, st);
	return rc < 0 ? rc : store_last_id(s);
}

static void su_reading(sqlite3_stmt *st, struct credit_reading *r)
{
	memset(r, 0, sizeof *r);
	r->id = sqlite3_column_int64(st, 0);
	r->at = sqlite3_column_int64(st, 1);
	su_copy(r->code, sizeof r->code, sqlite3_column_text(st, 2));
	r->status = sqlite3_column_int(st, 3);
	su_copy(r->raw, sizeof r->raw, sqlite3_column_text(st, 4));
	r->has_balance = sqlite3_column_type(st, 5) != SQLITE_NULL;
	r->balance = sqlite3_column_double(st, 5);
	r->threshold = sqlite3_column_double(st, 6);
	r->armed = sqlite3_column_int(st, 7) != 0;
	r->alerted = sqlite3_column_int(st, 8) != 0;
}

int store_credit_last(struct store *s, bool with_balance, struct credit_reading *out)
{
	if (!s || !out)
		return STORE_E_ARG;
	sqlite3_stmt *st = with_balance
		? store_prepare(s, "SELECT id, at, code, status, raw, balance, threshold, armed, alerted"
				   " FROM credit_readings WHERE balance IS NOT NULL ORDER BY id DESC LIMIT 1")
		: store_prepare(s, "SELECT id, at, code, status, raw, balance, threshold, armed, alerted"
				   " FROM credit_readings ORDER BY id DESC LIMIT 1");
	if (!st)
		return STORE_E_DB;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		su_reading(st, out);
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

int store_credit_each(struct store *s, int limit,
		      int (*fn)(const struct credit_reading *r, void *arg), void *arg)
{
	if (!s || !fn)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT id, at, code, status, raw, balance, threshold, armed, alerted"
		" FROM credit_readings ORDER BY id DESC LIMIT ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int(st, 1, limit > 0 ? limit : -1);
	int rc, ret = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct credit_reading r;
		su_reading(st, &r);
		ret = fn(&r, arg);
		if (ret)
			break;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		ret = STORE_E_DB;
	sqlite3_reset(st);
	return ret;
}

int store_ussd_log(struct store *s, int64_t at, const char *kind, const char *phone,
		   const char *request, const char *response, const char *status)
{
	if (!s || !kind || !request)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO ussd_log (at, kind, phone, request, response, status)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, at);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, phone ? phone : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, request, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, response ? response : "", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 6, status ? status : "", -1, SQLITE_STATIC);
	return store_run(s, st);
}

int64_t store_ussd_request_add(struct store *s, int64_t origin_msg_id, const char *phone,
			       const char *kind, const char *code, const char *logged, int64_t now)
{
	if (!s || !phone || !kind || !code)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"INSERT INTO ussd_requests (origin_msg_id, phone, kind, code, logged, created_at)"
		" VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (origin_msg_id) DO NOTHING");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, origin_msg_id);
	sqlite3_bind_text(st, 2, phone, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 4, code, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 5, logged ? logged : code, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 6, now);
	int rc = store_run(s, st);
	if (rc < 0)
		return rc;
	if (store_changes(s) > 0)
		return store_last_id(s);
	st = store_prepare(s, "SELECT id FROM ussd_requests WHERE origin_msg_id = ?1");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, origin_msg_id);
	int64_t id = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : STORE_E_DB;
	sqlite3_reset(st);
	return id;
}

int store_ussd_request_next(struct store *s, struct ussd_request *out)
{
	if (!s || !out)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"SELECT id, origin_msg_id, phone, kind, code, logged, created_at FROM ussd_requests"
		" WHERE state = 'queued' ORDER BY id LIMIT 1");
	if (!st)
		return STORE_E_DB;
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		memset(out, 0, sizeof *out);
		out->id = sqlite3_column_int64(st, 0);
		out->origin_msg_id = sqlite3_column_int64(st, 1);
		su_copy(out->phone, sizeof out->phone, sqlite3_column_text(st, 2));
		su_copy(out->kind, sizeof out->kind, sqlite3_column_text(st, 3));
		su_copy(out->code, sizeof out->code, sqlite3_column_text(st, 4));
		su_copy(out->logged, sizeof out->logged, sqlite3_column_text(st, 5));
		out->created_at = sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	return rc == SQLITE_ROW ? 1 : rc == SQLITE_DONE ? 0 : STORE_E_DB;
}

int store_ussd_request_done(struct store *s, int64_t id, const char *result, int64_t now)
{
	if (!s)
		return STORE_E_ARG;
	sqlite3_stmt *st = store_prepare(s,
		"UPDATE ussd_requests SET state = 'done', code = '', done_at = ?2, result = ?3"
		" WHERE id = ?1 AND state = 'queued'");
	if (!st)
		return STORE_E_DB;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int64(st, 2, now);
	sqlite3_bind_text(st, 3, result ? result : "", -1, SQLITE_STATIC);
	int rc = store_run(s, st);
	if (rc < 0)
		return rc;
	return store_changes(s) > 0 ? 0 : STORE_E_NOTFOUND;
}
