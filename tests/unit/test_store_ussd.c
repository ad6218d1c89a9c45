/* test_store_ussd.c: the USSD tables of 005_ussd: menu sessions (insert,
 * update, expiry), the staff request queue (once per inbound message, card
 * numbers forgotten when done), the log, and the balance history order. */
#include "check.h"

#include <unistd.h>

#include "store/store.h"
#include "store/store_ussd.h"

static struct store *st;

static int64_t count(const char *sql)
{
	sqlite3_stmt *q = store_prepare(st, sql);
	int64_t n = -1;
	if (q && sqlite3_step(q) == SQLITE_ROW)
		n = sqlite3_column_int64(q, 0);
	if (q)
		sqlite3_reset(q);
	return n;
}

TEST(test_sessions)
{
	struct ussd_session u, g;
	memset(&u, 0, sizeof u);
	CHECK_INT(store_ussd_session_put(st, &u), STORE_E_ARG);
	snprintf(u.session_id, sizeof u.session_id, "abc");
	snprintf(u.phone, sizeof u.phone, "+84912345678");
	u.started_at = u.updated_at = 1000;
	snprintf(u.screen, sizeof u.screen, "CON x");
	CHECK_INT(store_ussd_session_put(st, &u), 0);
	CHECK_INT(store_ussd_session_get(st, "abc", &g), 1);
	CHECK_STR(g.state, "open");
	CHECK_STR(g.screen, "CON x");
	CHECK(g.message_id == 0 && g.report_text[0] == '\0');
	snprintf(u.state, sizeof u.state, "done");
	snprintf(u.report_text, sizeof u.report_text, "BC DA2 MH 1");
	u.message_id = 42;
	u.updated_at = 1010;
	CHECK_INT(store_ussd_session_put(st, &u), 0);
	CHECK_INT(store_ussd_session_get(st, "abc", &g), 1);
	CHECK(g.message_id == 42 && g.started_at == 1000 && g.updated_at == 1010);
	CHECK_STR(g.report_text, "BC DA2 MH 1");
	CHECK_INT(store_ussd_session_get(st, "nope", &g), 0);
	/* expiry touches only open sessions idle since before the limit */
	struct ussd_session o = u;
	snprintf(o.session_id, sizeof o.session_id, "old");
	snprintf(o.state, sizeof o.state, "open");
	o.updated_at = 500;
	CHECK_INT(store_ussd_session_put(st, &o), 0);
	snprintf(o.session_id, sizeof o.session_id, "new");
	o.updated_at = 2000;
	CHECK_INT(store_ussd_session_put(st, &o), 0);
	CHECK_INT(store_ussd_sessions_expire(st, 1500), 1);
	CHECK_INT(store_ussd_session_get(st, "old", &g), 1);
	CHECK_STR(g.state, "timeout");
	CHECK_INT(store_ussd_session_get(st, "abc", &g), 1);
	CHECK_STR(g.state, "done");
	CHECK_INT(store_ussd_sessions_expire(st, 1500), 0);
}

TEST(test_requests)
{
	int64_t a = store_ussd_request_add(st, 7, "+84900000001", "run", "*101#", NULL, 100);
	CHECK(a > 0);
	CHECK(store_ussd_request_add(st, 7, "+84900000001", "run", "*101#", NULL, 101) == a);
	int64_t b = store_ussd_request_add(st, 8, "+84900000001", "topup", "*100*123456789012#",
					   "*100*1234xxxx9012#", 102);
	CHECK(b > a);
	struct ussd_request r;
	CHECK_INT(store_ussd_request_next(st, &r), 1);
	CHECK(r.id == a && r.origin_msg_id == 7);
	CHECK_STR(r.code, "*101#");
	CHECK_STR(r.logged, "*101#");
	CHECK_INT(store_ussd_request_done(st, a, "done", 110), 0);
	CHECK_INT(store_ussd_request_done(st, a, "done", 111), STORE_E_NOTFOUND);
	CHECK_INT(store_ussd_request_next(st, &r), 1);
	CHECK(r.id == b);
	CHECK_STR(r.kind, "topup");
	CHECK_INT(store_ussd_request_done(st, b, "done", 120), 0);
	CHECK_INT(store_ussd_request_next(st, &r), 0);
	/* the card number is gone, the masked form stays */
	CHECK_INT(count("SELECT count(*) FROM ussd_requests WHERE code LIKE '%123456789012%'"), 0);
	CHECK_INT(count("SELECT count(*) FROM ussd_requests WHERE logged = '*100*1234xxxx9012#'"), 1);
	CHECK(store_ussd_request_add(st, 9, "+84900000001", "bogus", "x", NULL, 1) < 0);
}

static int collect(const struct credit_reading *r, void *arg)
{
	int64_t *ids = arg;
	for (int i = 0; i < 8; i++)
		if (!ids[i]) {
			ids[i] = r->at;
			break;
		}
	return 0;
}

TEST(test_credit_and_log)
{
	struct credit_reading r;
	memset(&r, 0, sizeof r);
	CHECK_INT(store_credit_last(st, false, &r), 0);
	snprintf(r.code, sizeof r.code, "*101#");
	for (int i = 1; i <= 3; i++) {
		r.at = i * 100;
		r.has_balance = i != 3;
		r.balance = 1000.0 * i;
		r.threshold = 500;
		r.armed = true;
		snprintf(r.raw, sizeof r.raw, "TKC %dd", 1000 * i);
		CHECK(store_credit_add(st, &r) > 0);
	}
	struct credit_reading l;
	CHECK_INT(store_credit_last(st, false, &l), 1);
	CHECK(l.at == 300 && !l.has_balance);
	CHECK_INT(store_credit_last(st, true, &l), 1);
	CHECK(l.at == 200 && l.balance == 2000);
	int64_t ats[8] = { 0 };
	CHECK_INT(store_credit_each(st, 2, collect, ats), 0);
	CHECK(ats[0] == 300 && ats[1] == 200 && ats[2] == 0);
	CHECK_INT(store_ussd_log(st, 1, "http", "+84900000001", "1*2", "CON x", "continue"), 0);
	CHECK_INT(store_ussd_log(st, 1, "modem", NULL, "*101#", NULL, NULL), 0);
	CHECK(store_ussd_log(st, 1, "other", "", "x", "", "") < 0);
	CHECK_INT(count("SELECT count(*) FROM ussd_log"), 2);
}

int main(void)
{
	char dir[] = "/tmp/tinbao-su-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char db[96], why[256];
	snprintf(db, sizeof db, "%s/t.db", dir);
	if (store_open(&st, db, false, why, sizeof why) < 0) {
		fprintf(stderr, "store: %s\n", why);
		return 1;
	}
	RUN(test_sessions);
	RUN(test_requests);
	RUN(test_credit_and_log);
	store_close(st);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}
