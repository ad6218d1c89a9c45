/* test_ussd_service.c: credit checks and staff USSD commands run through a
 * fake modem on the loop's fake clock: the first check at start, the next
 * after `every`, a low balance alerting staff once, staff requests answered
 * by SMS keyed to their message (top-up card masked and then forgotten),
 * cancel, a modem that is not ready, one that never answers, and one that
 * answers from inside run(). */
#include "check.h"

#include <unistd.h>

#include "conf_ussd.h"
#include "loop.h"
#include "store/store.h"
#include "store/store_users.h"
#include "store/store_ussd.h"
#include "ussd_service.h"

static struct store *st;
static struct loop *lp;
static const int64_t base_now = 1764000000;
/* Wall time follows the loop's fake clock, as it would in the daemon. */
#define fake_now (base_now + loop_now(lp) / 1000)

struct fake {
	bool ready;
	int runs, cancels;
	char last[200];
	bool last_answer;
	bool sync_reply;	/* answer from inside run() */
	struct ussd_service *svc;
};

static int f_run(void *ctx, const char *code, bool answer)
{
	struct fake *f = ctx;
	f->runs++;
	snprintf(f->last, sizeof f->last, "%s", code);
	f->last_answer = answer;
	if (f->sync_reply) {
		struct ussd_result r;
		memset(&r, 0, sizeof r);
		r.kind = USSD_RES_DONE;
		snprintf(r.text, sizeof r.text, "sync %s", code);
		ussd_service_on_result(f->svc, &r);
	}
	return 0;
}

static void f_cancel(void *ctx)
{
	((struct fake *)ctx)->cancels++;
}

static bool f_ready(void *ctx)
{
	return ((struct fake *)ctx)->ready;
}

static int64_t f_now(void *ctx)
{
	(void)ctx;
	return fake_now;
}

static void advance(int64_t ms)
{
	loop_advance(lp, ms);
}

static void reply(struct ussd_service *s, enum ussd_result_kind kind, const char *text)
{
	struct ussd_result r;
	memset(&r, 0, sizeof r);
	r.kind = kind;
	r.status = USSD_DONE;
	snprintf(r.text, sizeof r.text, "%s", text);
	ussd_service_on_result(s, &r);
}

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

static void text_of(const char *sql, char *out, size_t len)
{
	sqlite3_stmt *q = store_prepare(st, sql);
	out[0] = '\0';
	if (q && sqlite3_step(q) == SQLITE_ROW)
		snprintf(out, len, "%s", (const char *)sqlite3_column_text(q, 0));
	if (q)
		sqlite3_reset(q);
}

TEST(test_service)
{
	char code[] = "*101#", staff[] = "role:staff", topup[] = "*100*{code}#";
	char *alert[] = { staff };
	struct conf_credit cf;
	memset(&cf, 0, sizeof cf);
	cf.enabled = true;
	cf.code = code;
	cf.every = 6 * 3600;
	cf.threshold = 10000;
	cf.alert.v = alert;
	cf.alert.n = 1;
	cf.topup = topup;
	struct fake f = { .ready = false };
	struct ussd_service_ops ops = { f_run, f_cancel, f_ready, f_now, &f };
	struct ussd_service *s = ussd_service_new(lp, st, &cf, &ops);
	f.svc = s;
	CHECK(s != NULL);
	if (!s)
		return;
	/* not ready: nothing runs, and it looks again later */
	advance(1);
	CHECK_INT(f.runs, 0);
	f.ready = true;
	advance(30000);
	CHECK_INT(f.runs, 1);
	CHECK_STR(f.last, "*101#");
	CHECK(ussd_service_busy(s));
	int64_t t_first = loop_now(lp);
	reply(s, USSD_RES_DONE, "TKC 9.000d, han 01/12/2026");
	CHECK(!ussd_service_busy(s));
	CHECK_INT(count("SELECT count(*) FROM credit_readings WHERE balance = 9000"), 1);
	CHECK_INT(count("SELECT count(*) FROM outbox WHERE slot LIKE 'credit-low:%'"), 1);
	advance(1);
	CHECK_INT(f.runs, 1);	/* the next check waits for `every` */

	/* a staff command queued by dispatch */
	CHECK(store_ussd_request_add(st, 501, "+84900000001", "run", "*102#", NULL, fake_now) > 0);
	ussd_service_kick(s);
	advance(1);
	CHECK_INT(f.runs, 2);
	CHECK_STR(f.last, "*102#");
	CHECK(!f.last_answer);
	reply(s, USSD_RES_DONE, "Goi cuoc: 10GB");
	char t[400];
	text_of("SELECT text FROM outbox WHERE origin_msg_id = 501", t, sizeof t);
	CHECK_STR(t, "USSD *102#: Goi cuoc: 10GB");
	CHECK_INT(count("SELECT count(*) FROM ussd_log WHERE kind = 'modem'"), 2);

	/* a top-up: the card never reaches the log, the reply or the queue */
	CHECK(store_ussd_request_add(st, 502, "+84900000001", "topup", "*100*123456789012#",
				     "*100*1234xxxx9012#", fake_now) > 0);
	ussd_service_kick(s);
	advance(1);
	CHECK_STR(f.last, "*100*123456789012#");
	reply(s, USSD_RES_DONE, "Nap thanh cong 50000d");
	text_of("SELECT text FROM outbox WHERE origin_msg_id = 502", t, sizeof t);
	CHECK_STR(t, "USSD *100*1234xxxx9012#: Nap thanh cong 50000d");
	CHECK_INT(count("SELECT count(*) FROM ussd_log WHERE request LIKE '%123456789012%'"), 0);
	CHECK_INT(count("SELECT count(*) FROM ussd_requests WHERE code LIKE '%123456789012%'"), 0);

	/* an answer and a cancel */
	CHECK(store_ussd_request_add(st, 503, "+84900000001", "answer", "1", NULL, fake_now) > 0);
	CHECK(store_ussd_request_add(st, 504, "+84900000001", "cancel", "", NULL, fake_now) > 0);
	ussd_service_kick(s);
	advance(1);
	CHECK(f.last_answer && !strcmp(f.last, "1"));
	reply(s, USSD_RES_MORE, "Nhap ma the");
	advance(1);
	CHECK_INT(f.cancels, 1);
	text_of("SELECT text FROM outbox WHERE origin_msg_id = 504", t, sizeof t);
	CHECK_STR(t, "USSD: da huy phien.");

	/* a modem that never answers: given up after the guard */
	CHECK(store_ussd_request_add(st, 505, "+84900000001", "run", "*103#", NULL, fake_now) > 0);
	ussd_service_kick(s);
	advance(1);
	CHECK(ussd_service_busy(s));
	advance(180000);
	CHECK(!ussd_service_busy(s));
	text_of("SELECT text FROM outbox WHERE origin_msg_id = 505", t, sizeof t);
	CHECK(strstr(t, "khong co tra loi") != NULL);

	/* an answer from inside run() */
	f.sync_reply = true;
	CHECK(store_ussd_request_add(st, 506, "+84900000001", "run", "*104#", NULL, fake_now) > 0);
	ussd_service_kick(s);
	advance(1);
	CHECK(!ussd_service_busy(s));
	text_of("SELECT text FROM outbox WHERE origin_msg_id = 506", t, sizeof t);
	CHECK_STR(t, "USSD *104#: sync *104#");
	f.sync_reply = false;

	/* six hours after the first reading: the next credit check; still low,
	 * no second alert */
	int runs = f.runs;
	int64_t started = loop_now(lp);
	for (int i = 0; i < 400 && f.runs == runs; i++)
		advance(60000);
	CHECK_INT(f.runs, runs + 1);
	/* due 6 h after the first reading (to the second, in 60 s steps) */
	CHECK(loop_now(lp) - t_first >= 6 * 3600 * 1000LL);
	CHECK(loop_now(lp) - t_first < 6 * 3600 * 1000LL + 61000);
	CHECK(loop_now(lp) - started > 5 * 3600 * 1000LL);
	CHECK_STR(f.last, "*101#");
	reply(s, USSD_RES_DONE, "TKC 8.500d");
	CHECK_INT(count("SELECT count(*) FROM outbox WHERE slot LIKE 'credit-low:%'"), 1);
	struct ussd_service_stats ss;
	ussd_service_get_stats(s, &ss);
	CHECK(ss.credit_checks == 2 && ss.requests == 6 && ss.replies == 6 && ss.alerts == 1);
	ussd_service_free(s);
	ussd_service_free(NULL);
}

TEST(test_no_credit)
{
	struct fake f = { .ready = true };
	struct ussd_service_ops ops = { f_run, f_cancel, f_ready, f_now, &f };
	struct ussd_service *s = ussd_service_new(lp, st, NULL, &ops);
	f.svc = s;
	advance(1);
	CHECK_INT(f.runs, 0);	/* no credit section: nothing scheduled */
	ussd_service_free(s);
	char code[] = "*101#", bad[] = "TKC [0-9]+";
	struct conf_credit cf;
	memset(&cf, 0, sizeof cf);
	cf.enabled = true;
	cf.code = code;
	cf.pattern = bad;
	CHECK(ussd_service_new(lp, st, &cf, &ops) == NULL);
}

int main(void)
{
	char dir[] = "/tmp/tinbao-us-XXXXXX";
	if (!mkdtemp(dir))
		return 1;
	char db[96], why[256];
	snprintf(db, sizeof db, "%s/t.db", dir);
	if (store_open(&st, db, false, why, sizeof why) < 0) {
		fprintf(stderr, "store: %s\n", why);
		return 1;
	}
	struct user u;
	memset(&u, 0, sizeof u);
	snprintf(u.phone, sizeof u.phone, "+84900000001");
	snprintf(u.name, sizeof u.name, "Staff");
	u.role = ROLE_STAFF;
	u.active = true;
	store_user_put(st, &u, 1);
	lp = loop_new(true);
	RUN(test_service);
	RUN(test_no_credit);
	loop_free(lp);
	store_close(st);
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "could not remove %s\n", dir);
	return check_done();
}
