/* test_core.c: the core's promises, with a real database, the real
 * dispatch and a scripted modem on a pty (fake clock): a received message
 * leaves the SIM only after its commit; a failed commit leaves it there and
 * the next sweep stores it; a PDU read twice is stored once and deleted;
 * the reply goes out with AT+CMGS and its row becomes sent; an alphanumeric
 * sender is stored and never answered; a message whose dispatch always
 * fails is given up after CORE_DISPATCH_ATTEMPTS (5) attempts, with an
 * event, and the message behind it is answered; a failure that goes away
 * is retried and answered; events older than 180 days are pruned a minute
 * after start and then daily; a health check is one commit. */
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "catalog.h"
#include "check.h"
#include "conf.h"
#include "core.h"
#include "log.h"
#include "loop.h"
#include "modem/modem.h"
#include "modem_script.h"
#include "sms/pdu.h"
#include "store/store.h"
#include "store/store_users.h"

struct env {
	struct loop *l;
	struct fm f;
	struct store *s;
	struct catalog *cat;
	struct tinbao_conf conf;
	struct core *core;
	struct modem *m;
	char db[64];
};

/* Reads through a connection of its own: it sees only what is committed. */
static const char *q1_db;
static int64_t q1(struct store *s, const char *sql)
{
	(void)s;
	sqlite3 *db;
	sqlite3_stmt *st;
	int64_t v = -1;
	if (sqlite3_open_v2(q1_db, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -3;
	}
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
		sqlite3_close(db);
		return -2;
	}
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return v;
}

/* An SMS-DELIVER as the modem stores it, hex into out. */
static int deliver_pdu(const char *from, bool alnum, const char *text, char *out, size_t n)
{
	struct pdu_deliver_opts o = { .from = from, .alnum = alnum, .text = text, .force = -1,
				      .scts = { 2026, 11, 25, 10, 0, 0, 28 } };
	struct pdu_part p[2];
	char why[128];
	int k = pdu_encode_deliver(&o, p, 2, why, sizeof why);
	if (k != 1)
		return -1;
	snprintf(out, n, "%s", p[0].hex);
	return p[0].tpdu_len;
}

static void setup(struct env *e)
{
	memset(e, 0, sizeof *e);
	e->l = loop_new(true);
	CHECK(fm_open(&e->f, e->l) == 0);
	snprintf(e->db, sizeof e->db, "/tmp/tinbao-test-core-%d.db", (int)getpid());
	unlink(e->db);
	q1_db = e->db;
	char why[256];
	CHECK(store_open(&e->s, e->db, false, why, sizeof why) == 0);
	CHECKF(catalog_load(&e->cat, "config/catalog.conf", why, sizeof why) == 0, "catalog: %s", why);
	e->conf.country = "+84";
	e->conf.limits.replies_per_hour_per_number = 10;
	e->conf.limits.incomplete_wait = 600;
	e->conf.limits.send_attempts = 3;
	e->conf.limits.send_backoff = 30;
	e->conf.limits.send_backoff_max = 60;
	e->conf.limits.outbox_check_every = 60;
	e->conf.modem.status_reports = false;
	struct user u = { .phone = "+84912345678", .name = "CTV", .role = ROLE_COLLABORATOR,
			  .commune = "am-ha", .village = "am-ha/thon-1", .active = true };
	CHECK(store_user_put(e->s, &u, 1764000000) == 0);
	e->core = core_new(e->l, e->s, &e->conf, e->cat);
	struct modem_conf mc;
	modem_conf_defaults(&mc);
	snprintf(mc.device, sizeof mc.device, "%s", e->f.path);
	struct modem_cbs cbs = core_modem_cbs(e->core);
	e->m = modem_new(e->l, &mc, &cbs);
	core_set_modem(e->core, e->m);
	core_start(e->core);
	modem_start(e->m);
	struct fm *f = &e->f;
	FM_SYNC(f);
	FM_EXPECT(f, "ATE0", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CMEE=1", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CGMM", "\r\nEC25\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CREG?", "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CEREG?", "\r\n+CEREG: 0,1\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CMGF=0", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CPMS=\"SM\",\"SM\",\"SM\"", "\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CNMI=2,1,0,1,0", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CMGL=4", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CSQ", "\r\n+CSQ: 20,99\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+COPS?", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CREG?", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CEREG?", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CNMI?", "\r\n+CNMI: 2,1,0,1,0\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CPMS?", "\r\nOK\r\n");
}

static void teardown(struct env *e)
{
	modem_free(e->m);
	core_free(e->core);
	store_close(e->s);
	catalog_free(e->cat);
	fm_close(&e->f);
	loop_free(e->l);
	unlink(e->db);
	char p[80];
	snprintf(p, sizeof p, "%s-wal", e->db);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", e->db);
	unlink(p);
}

static void cmgr_answer(char *buf, size_t n, const char *hex, int len)
{
	snprintf(buf, n, "\r\n+CMGR: 0,,%d\r\n%s\r\n\r\nOK\r\n", len, hex);
}

/* The reply to the message just handled: AT+CMGS, prompt, PDU, +CMGS. */
static void expect_reply(struct env *e, int mr)
{
	const char *cmd = fm_next(&e->f);
	CHECKF(!strncmp(cmd, "AT+CMGS=", 8), "expected AT+CMGS=, got \"%s\"", cmd);
	fm_send(&e->f, "\r\n> ");
	cmd = fm_next(&e->f);
	CHECKF(strlen(cmd) > 20 && !strncmp(cmd, "00", 2), "expected a PDU, got \"%s\"", cmd);
	char ok[64];
	snprintf(ok, sizeof ok, "\r\n+CMGS: %d\r\n\r\nOK\r\n", mr);
	fm_send(&e->f, ok);
}

TEST(delete_only_after_commit_and_reply_once)
{
	struct env e;
	setup(&e);
	char hex[400], ans[600];
	int len = deliver_pdu("0912345678", false, "BC DA4.1 HV 25", hex, sizeof hex);
	CHECK(len > 0);
	fm_send(&e.f, "\r\n+CMTI: \"SM\",3\r\n");
	cmgr_answer(ans, sizeof ans, hex, len);
	FM_EXPECT(&e.f, "AT+CMGR=3", ans);
	FM_EXPECT(&e.f, "AT+CMGD=3", NULL);
	/* When the delete goes out, the part is already committed. */
	CHECK_INT(q1(e.s, "SELECT count(*) FROM inbox_parts"), 1);
	fm_send(&e.f, "\r\nOK\r\n");
	expect_reply(&e, 5);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM messages WHERE handled_at IS NOT NULL"), 1);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM outbox WHERE state = 'sent'"), 1);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM outbox WHERE origin_msg_id = "
		       "(SELECT id FROM messages)"), 1);

	/* The network delivers the same PDU again into slot 5: stored once,
	 * deleted, not answered again. */
	fm_send(&e.f, "\r\n+CMTI: \"SM\",5\r\n");
	FM_EXPECT(&e.f, "AT+CMGR=5", ans);
	FM_EXPECT(&e.f, "AT+CMGD=5", "\r\nOK\r\n");
	FM_QUIET(&e.f);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM messages"), 1);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM outbox"), 1);
	teardown(&e);
}

TEST(failed_commit_keeps_the_message_on_the_sim)
{
	struct env e;
	setup(&e);
	char hex[400], ans[600];
	int len = deliver_pdu("0912345678", false, "BC DA4.1 HV 30", hex, sizeof hex);
	store_fault_set(e.s, 1);	/* the disk is full for the next write */
	fm_send(&e.f, "\r\n+CMTI: \"SM\",4\r\n");
	cmgr_answer(ans, sizeof ans, hex, len);
	FM_EXPECT(&e.f, "AT+CMGR=4", ans);
	FM_QUIET(&e.f);	/* no AT+CMGD=4: it stays on the SIM */
	CHECK_INT(q1(e.s, "SELECT count(*) FROM inbox_parts"), 0);
	/* The next sweep finds it and this time it is stored. */
	loop_advance(e.l, 300 * 1000);
	FM_EXPECT(&e.f, "AT+CSQ", "\r\nOK\r\n");
	FM_EXPECT(&e.f, "AT+COPS?", "\r\nOK\r\n");
	FM_EXPECT(&e.f, "AT+CREG?", "\r\nOK\r\n");
	FM_EXPECT(&e.f, "AT+CEREG?", "\r\nOK\r\n");
	FM_EXPECT(&e.f, "AT+CNMI?", "\r\n+CNMI: 2,1,0,1,0\r\n\r\nOK\r\n");
	FM_EXPECT(&e.f, "AT+CPMS?", "\r\nOK\r\n");
	char list[700];
	snprintf(list, sizeof list, "\r\n+CMGL: 4,0,,%d\r\n%s\r\n\r\nOK\r\n", len, hex);
	FM_EXPECT(&e.f, "AT+CMGL=4", list);
	FM_EXPECT(&e.f, "AT+CMGD=4", "\r\nOK\r\n");
	expect_reply(&e, 6);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM messages WHERE handled_at IS NOT NULL"), 1);
	teardown(&e);
}

TEST(alphanumeric_sender_stored_never_answered)
{
	struct env e;
	setup(&e);
	char hex[400], ans[600];
	int len = deliver_pdu("VIETTEL", true, "Khuyen mai 50%", hex, sizeof hex);
	CHECK(len > 0);
	fm_send(&e.f, "\r\n+CMTI: \"SM\",0\r\n");
	cmgr_answer(ans, sizeof ans, hex, len);
	FM_EXPECT(&e.f, "AT+CMGR=0", ans);
	FM_EXPECT(&e.f, "AT+CMGD=0", "\r\nOK\r\n");
	FM_QUIET(&e.f);	/* no AT+CMGS */
	CHECK_INT(q1(e.s, "SELECT count(*) FROM messages WHERE handled_at IS NOT NULL"), 1);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM outbox WHERE state IN ('queued','sending','sent')"), 0);
	teardown(&e);
}

TEST(undecodable_pdu_kept_aside_and_deleted)
{
	struct env e;
	setup(&e);
	fm_send(&e.f, "\r\n+CMTI: \"SM\",2\r\n");
	FM_EXPECT(&e.f, "AT+CMGR=2", "\r\n+CMGR: 0,,40\r\n0791448720003023440DD0E4\r\n\r\nOK\r\n");
	FM_EXPECT(&e.f, "AT+CMGD=2", "\r\nOK\r\n");
	CHECK_INT(q1(e.s, "SELECT count(*) FROM inbox_rejects"), 1);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM messages"), 0);
	teardown(&e);
}

/* Two messages from the collaborator in slots 1 and 2; the first one's
 * reply cannot be queued (a temporary trigger on this connection plays a
 * store error tied to that message). */
static void two_messages_first_poisoned(struct env *e)
{
	char *err = NULL;
	int rc = sqlite3_exec(store_db(e->s),
		"CREATE TEMP TRIGGER poison BEFORE INSERT ON main.outbox WHEN NEW.origin_msg_id IN "
		"(SELECT id FROM main.messages WHERE text = 'BC DA4.1 HV 13') "
		"BEGIN SELECT RAISE(ABORT, 'poisoned by the test'); END", NULL, NULL, &err);
	CHECKF(rc == SQLITE_OK, "trigger: %s", err ? err : "");
	sqlite3_free(err);
	char hex[400], ans[600];
	int len = deliver_pdu("0912345678", false, "BC DA4.1 HV 13", hex, sizeof hex);
	fm_send(&e->f, "\r\n+CMTI: \"SM\",1\r\n");
	cmgr_answer(ans, sizeof ans, hex, len);
	FM_EXPECT(&e->f, "AT+CMGR=1", ans);
	FM_EXPECT(&e->f, "AT+CMGD=1", "\r\nOK\r\n");
	len = deliver_pdu("0912345678", false, "BC DA4.1 HV 14", hex, sizeof hex);
	fm_send(&e->f, "\r\n+CMTI: \"SM\",2\r\n");
	cmgr_answer(ans, sizeof ans, hex, len);
	FM_EXPECT(&e->f, "AT+CMGR=2", ans);
	FM_EXPECT(&e->f, "AT+CMGD=2", "\r\nOK\r\n");
	FM_QUIET(&e->f);	/* the second waits behind the first */
	CHECK_INT(q1(e->s, "SELECT dispatch_attempts FROM messages WHERE text = 'BC DA4.1 HV 13'"), 1);
	CHECK_INT(q1(e->s, "SELECT count(*) FROM messages WHERE handled_at IS NOT NULL"), 0);
}

TEST(dispatch_that_always_fails_is_given_up)
{
	struct env e;
	setup(&e);
	two_messages_first_poisoned(&e);
	/* Attempts 2, 3 and 4, CORE_RETRY_MS (5 s) apart: still nothing. */
	for (int i = 2; i <= 4; i++) {
		loop_advance(e.l, 5000);
		FM_QUIET(&e.f);
		CHECK_INT(q1(e.s, "SELECT dispatch_attempts FROM messages WHERE text = 'BC DA4.1 HV 13'"), i);
	}
	CHECK_INT(q1(e.s, "SELECT count(*) FROM messages WHERE handled_at IS NOT NULL"), 0);
	/* The fifth: given up, and the message behind it is answered. */
	loop_advance(e.l, 5000);
	expect_reply(&e, 7);
	CHECK_INT(q1(e.s, "SELECT dispatch_attempts FROM messages WHERE text = 'BC DA4.1 HV 13'"), 5);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM messages WHERE handled_at IS NOT NULL"), 2);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM messages WHERE dispatch_error LIKE '%poisoned by the test%'"), 1);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM events WHERE what = 'dispatch.gave_up' AND "
		       "detail LIKE '%failed 5 times%poisoned%'"), 1);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM outbox WHERE origin_msg_id = "
		       "(SELECT id FROM messages WHERE text = 'BC DA4.1 HV 13')"), 0);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM outbox WHERE state = 'sent' AND origin_msg_id = "
		       "(SELECT id FROM messages WHERE text = 'BC DA4.1 HV 14')"), 1);
	/* The report of the given-up message was rolled back with it. */
	CHECK_INT(q1(e.s, "SELECT count(*) FROM reports"), 1);
	/* Nothing more happens later. */
	loop_advance(e.l, 20000);
	FM_QUIET(&e.f);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM events WHERE what = 'dispatch.gave_up'"), 1);
	teardown(&e);
}

TEST(dispatch_failure_that_goes_away_is_answered)
{
	struct env e;
	setup(&e);
	two_messages_first_poisoned(&e);
	CHECK(sqlite3_exec(store_db(e.s), "DROP TRIGGER temp.poison", NULL, NULL, NULL) == SQLITE_OK);
	/* Attempt 2 hits an injected disk-full at its first write. */
	store_fault_set(e.s, 1);
	loop_advance(e.l, 5000);
	FM_QUIET(&e.f);
	CHECK_INT(q1(e.s, "SELECT dispatch_attempts FROM messages WHERE text = 'BC DA4.1 HV 13'"), 2);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM messages WHERE dispatch_error LIKE '%injected fault%'"), 1);
	/* Attempt 3 works: both answered, in order, nothing given up. */
	loop_advance(e.l, 5000);
	expect_reply(&e, 8);
	expect_reply(&e, 9);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM messages WHERE handled_at IS NOT NULL"), 2);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM outbox WHERE state = 'sent'"), 2);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM events WHERE what = 'dispatch.gave_up'"), 0);
	teardown(&e);
}

TEST(event_log_pruned_daily)
{
	struct env e;
	setup(&e);
	int64_t now = (int64_t)time(NULL);
	store_event(e.s, now - 200 * 86400, "info", "test.old", "");
	store_event(e.s, now - 170 * 86400, "info", "test.kept", "");
	loop_advance(e.l, 59 * 1000);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM events WHERE what = 'test.old'"), 1);
	loop_advance(e.l, 2 * 1000);	/* a minute after start */
	CHECK_INT(q1(e.s, "SELECT count(*) FROM events WHERE what = 'test.old'"), 0);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM events WHERE what = 'test.kept'"), 1);
	/* The next day: what has become older than 180 days goes too. */
	store_event(e.s, now - 181 * 86400, "info", "test.old2", "");
	loop_advance(e.l, 23 * 3600 * 1000LL);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM events WHERE what = 'test.old2'"), 1);
	loop_advance(e.l, 3600 * 1000LL);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM events WHERE what = 'test.old2'"), 0);
	teardown(&e);
}

/* Idle cost: a health check (every modem.health_every, 1 min as shipped)
 * records all its keys in one commit, one disk flush, not one per key. */
static int wal_commits;
static int count_wal_commit(void *arg, sqlite3 *db, const char *name, int pages)
{
	(void)arg;
	(void)db;
	(void)name;
	(void)pages;
	wal_commits++;
	return SQLITE_OK;
}

TEST(health_check_is_one_commit)
{
	struct env e;
	setup(&e);
	struct fm *f = &e.f;
	loop_advance(e.l, 300 * 1000);	/* the periodic health check and sweep */
	wal_commits = 0;
	sqlite3_wal_hook(store_db(e.s), count_wal_commit, NULL);
	FM_EXPECT(f, "AT+CSQ", "\r\n+CSQ: 17,99\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+COPS?", "\r\n+COPS: 0,0,\"Viettel\",7\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CREG?", "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CEREG?", "\r\n+CEREG: 0,1\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CNMI?", "\r\n+CNMI: 2,1,0,1,0\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CPMS?", "\r\n+CPMS: \"SM\",3,30,\"SM\",3,30,\"SM\",3,30\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CMGL=4", "\r\nOK\r\n");
	FM_QUIET(f);	/* the answers read and handled */
	CHECK_INT(wal_commits, 1);
	sqlite3_wal_hook(store_db(e.s), NULL, NULL);
	/* Every key is there, from this check. */
	CHECK_INT(q1(e.s, "SELECT value FROM modem_health WHERE key = 'signal'"), 17);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM modem_health WHERE key = 'operator'"
		      " AND value = 'Viettel'"), 1);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM modem_health WHERE key = 'sim_use'"
		      " AND value = '3/30'"), 1);
	CHECK_INT(q1(e.s, "SELECT count(*) FROM modem_health WHERE key IN"
		      " ('state', 'registration', 'model', 'sim')"), 4);
	teardown(&e);
}

int main(void)
{
	log_init("test", getenv("TEST_LOG") ? LOG_LVL_DEBUG : LOG_LVL_ERR, false);
	RUN(delete_only_after_commit_and_reply_once);
	RUN(failed_commit_keeps_the_message_on_the_sim);
	RUN(alphanumeric_sender_stored_never_answered);
	RUN(undecodable_pdu_kept_aside_and_deleted);
	RUN(dispatch_that_always_fails_is_given_up);
	RUN(dispatch_failure_that_goes_away_is_answered);
	RUN(event_log_pruned_daily);
	RUN(health_check_is_one_commit);
	return check_done();
}
