/* test_modem_faults.c: the modem state machine when things go wrong: a
 * rejected PIN is never sent again, the recovery ladder (resync, reopen,
 * then one rate-limited reset), a port that disappears (unplug) and comes
 * back, garbage on the line, SIM full, a send that times out (waiting for
 * the prompt: the command timeout; for the network: the send one). Scripted
 * modem on a pty, fake clock. */
#include "check.h"
#include "log.h"
#include "loop.h"
#include "modem/modem.h"
#include "modem_script.h"

struct app {
	struct modem *m;
	int pdus;
	int ready_now;
	int health;
	const char *problem;
	int sent, err;
};

static void app_pdu(void *ctx, int slot, const char *hex, int len)
{
	struct app *a = ctx;
	(void)hex;
	(void)len;
	a->pdus++;
	modem_delete(a->m, slot);
}

static void app_ready(void *ctx, bool ready)
{
	((struct app *)ctx)->ready_now = ready;
}

static void app_health(void *ctx, const struct modem_health *h)
{
	struct app *a = ctx;
	a->health++;
	a->problem = h->problem;
}

static void app_sent(void *ctx, int mr, int err)
{
	struct app *a = ctx;
	(void)mr;
	a->sent++;
	a->err = err;
}

static struct modem *mk(struct loop *l, const char *path, struct app *a, const char *pin)
{
	struct modem_conf mc;
	modem_conf_defaults(&mc);
	snprintf(mc.device, sizeof mc.device, "%s", path);
	snprintf(mc.pin, sizeof mc.pin, "%s", pin);
	struct modem_cbs cbs = { .ctx = a, .on_pdu = app_pdu, .on_ready = app_ready,
				 .on_health = app_health };
	a->m = modem_new(l, &mc, &cbs);
	return a->m;
}

/* One test's fake-clock loop, scripted modem (pty) and the daemon's modem on it. */
struct rig {
	struct loop *l;
	struct fm f;
	struct app a;
	struct modem *m;
};

static void rig_start(struct rig *r, const char *pin)
{
	r->l = loop_new(true);
	CHECK(fm_open(&r->f, r->l) == 0);
	memset(&r->a, 0, sizeof r->a);
	r->m = mk(r->l, r->f.path, &r->a, pin);
	modem_start(r->m);
}

static void rig_end(struct rig *r)
{
	modem_free(r->m);
	fm_close(&r->f);
	loop_free(r->l);
}

/* The start-up after the sync AT, up to the SIM query, which gets `cpin`. */
static void boot_to_cpin(struct fm *f, const char *cpin)
{
	FM_EXPECT(f, "ATE0", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CMEE=1", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CGMM", "\r\nEC25\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CPIN?", cpin);
}

/* One resync round the modem leaves unanswered: five ATs, 1.5 s apart. */
static void ignore_resync_round(struct fm *f)
{
	for (int i = 0; i < 5; i++) {
		FM_EXPECT(f, "AT", NULL);
		loop_advance(f->l, 1500);
	}
}

/* The modem hangs: the periodic health query gets no answer. */
static void hang_on_health_query(struct fm *f)
{
	loop_advance(f->l, 300000);
	FM_EXPECT(f, "AT+CSQ", NULL);
	loop_advance(f->l, 10000);
}

static void boot_from_sync(struct fm *f)
{
	FM_SYNC(f);
	boot_to_cpin(f, "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CREG?", "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CEREG?", "\r\n+CEREG: 0,4\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CMGF=0", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CPMS=\"SM\",\"SM\",\"SM\"", "\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CNMI=2,1,0,1,0", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CMGL=4", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CSQ", "\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+COPS?", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CREG?", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CEREG?", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CNMI?", "\r\n+CNMI: 2,1,0,1,0\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CPMS?", "\r\n+CPMS: \"SM\",0,30,\"SM\",0,30,\"SM\",0,30\r\n\r\nOK\r\n");
}

TEST(rejected_pin_is_never_sent_again)
{
	struct rig r;
	rig_start(&r, "0000");
	struct loop *l = r.l;
	struct modem *m = r.m;
	FM_SYNC(&r.f);
	boot_to_cpin(&r.f, "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	FM_EXPECT(&r.f, "AT+CPIN=\"0000\"", "\r\n+CME ERROR: 16\r\n");
	CHECK_INT(modem_state(m), MODEM_SIM_LOCKED);
	CHECK(r.a.problem && !strcmp(r.a.problem, "PIN rejected"));
	FM_QUIET(&r.f);
	for (int i = 0; i < 3; i++) {
		loop_advance(l, 60000);
		FM_EXPECT(&r.f, "AT+CPIN?", "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
		FM_QUIET(&r.f);	/* above all: no second AT+CPIN="0000" */
		CHECK_INT(modem_state(m), MODEM_SIM_LOCKED);
	}
	/* Even after a resync and reopen, the PIN stays untried. */
	loop_advance(l, 60000);
	FM_EXPECT(&r.f, "AT+CPIN?", NULL);
	loop_advance(l, 10000);	/* no answer: resync */
	FM_SYNC(&r.f);
	boot_to_cpin(&r.f, "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	FM_QUIET(&r.f);
	CHECK_INT(modem_state(m), MODEM_SIM_LOCKED);
	/* Someone unlocked it by hand: the gateway carries on. */
	loop_advance(l, 60000);
	FM_EXPECT(&r.f, "AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	FM_EXPECT(&r.f, "AT+CREG?", "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	CHECK_INT(modem_state(m), MODEM_REGISTER);
	rig_end(&r);
}

TEST(recovery_ladder_resync_reopen_then_one_reset)
{
	struct rig r;
	rig_start(&r, "");
	struct loop *l = r.l;
	struct modem *m = r.m;
	boot_from_sync(&r.f);
	CHECK_INT(modem_state(m), MODEM_READY);
	hang_on_health_query(&r.f);
	CHECK(!r.a.ready_now);
	CHECK_INT(modem_state(m), MODEM_SYNC);
	ignore_resync_round(&r.f);	/* rung 1: resync */
	CHECK_INT(modem_state(m), MODEM_CLOSED);	/* rung 2: reopen */
	loop_advance(l, 1000);
	ignore_resync_round(&r.f);
	FM_EXPECT(&r.f, "AT+CFUN=1,1", NULL);	/* rung 3: soft reset */
	loop_advance(l, 3000);
	CHECK_INT(modem_state(m), MODEM_RESET);
	FM_QUIET(&r.f);
	loop_advance(l, 20000);	/* the EC25 needs its time */
	boot_from_sync(&r.f);	/* it is back */
	CHECK_INT(modem_state(m), MODEM_READY);
	struct modem_stats st;
	modem_get_stats(m, &st);
	CHECK_INT(st.resets, 1);
	/* Hangs again within the reset interval: no second reset, reopen
	 * with growing delays instead. */
	hang_on_health_query(&r.f);
	static const int backoff[] = { 1000, 2000, 4000 };
	for (int round = 0; round < 3; round++) {
		ignore_resync_round(&r.f);
		CHECK_INT(modem_state(m), MODEM_CLOSED);
		loop_advance(l, backoff[round] - 1);
		CHECK_INT(modem_state(m), MODEM_CLOSED);
		loop_advance(l, 1);
		CHECK_INT(modem_state(m), MODEM_SYNC);
	}
	modem_get_stats(m, &st);
	CHECK_INT(st.resets, 1);
	CHECK(st.reopens >= 3);
	rig_end(&r);
}

TEST(unplugged_port_is_reopened_when_it_comes_back)
{
	struct loop *l = loop_new(true);
	struct fm f;
	CHECK(fm_open(&f, l) == 0);
	/* The daemon opens a stable name (the udev symlink, here our own). */
	char link[128];
	snprintf(link, sizeof link, "/tmp/tinbao-test-modem-%d", (int)getpid());
	unlink(link);
	CHECK(symlink(f.path, link) == 0);
	struct app a = { 0 };
	struct modem *m = mk(l, link, &a, "");
	modem_start(m);
	boot_from_sync(&f);
	CHECK_INT(modem_state(m), MODEM_READY);
	CHECK(modem_send(m, 5, "0011223344", app_sent, &a) == 0);
	FM_EXPECT(&f, "AT+CMGS=5", NULL);
	fm_close(&f);	/* unplug: the pty disappears mid-send */
	unlink(link);
	for (int i = 0; i < 5; i++)
		loop_run_once(l, 10);
	CHECK_INT(modem_state(m), MODEM_CLOSED);
	CHECK_INT(a.sent, 1);
	CHECK_INT(a.err, MODEM_SEND_CANCELLED);
	CHECK(modem_send(m, 5, "00", app_sent, &a) < 0);
	loop_advance(l, 60000);	/* retries find nothing, quietly */
	CHECK_INT(modem_state(m), MODEM_CLOSED);
	/* Replugged under a new tty name. */
	struct fm f2;
	CHECK(fm_open(&f2, l) == 0);
	CHECK(symlink(f2.path, link) == 0);
	for (int i = 0; i < 400 && modem_state(m) != MODEM_SYNC; i++)
		loop_advance(l, 100);	/* the next retry (at most 30 s away) */
	CHECK_INT(modem_state(m), MODEM_SYNC);
	boot_from_sync(&f2);
	CHECK_INT(modem_state(m), MODEM_READY);
	modem_free(m);
	fm_close(&f2);
	unlink(link);
	loop_free(l);
}

TEST(garbage_is_skipped_and_the_modem_carries_on)
{
	struct rig r;
	rig_start(&r, "");
	struct modem *m = r.m;
	boot_from_sync(&r.f);
	fm_send(&r.f, "\r\n\x01\x02garbage \xff\xfe\r\n+CMTI: \"SM\"\r\n+CMTI: nonsense,,\r\n"
		"+CMGL: 1,1,,5\r\nOK\r\n> \r\n");
	/* A malformed +CMTI makes it sweep instead. */
	const char *cmd = fm_next(&r.f);
	while (!strcmp(cmd, "\x1b") || !strcmp(cmd, ""))
		cmd = fm_next(&r.f);
	CHECK_STR(cmd, "AT+CMGL=4");
	fm_send(&r.f, "\r\nOK\r\n");
	for (int i = 0; i < 10; i++)
		fm_pump(&r.f);
	r.f.n = 0;
	CHECK_INT(modem_state(m), MODEM_READY);
	CHECK(modem_send(m, 5, "0011223344", app_sent, &r.a) == 0);
	FM_EXPECT(&r.f, "AT+CMGS=5", "\r\n> ");
	FM_EXPECT(&r.f, "0011223344", "\r\n+CMGS: 3\r\n\r\nOK\r\n");
	CHECK_INT(r.a.err, 0);
	rig_end(&r);
}

TEST(sim_full_urc_triggers_a_sweep)
{
	struct rig r;
	rig_start(&r, "");
	struct modem *m = r.m;
	boot_from_sync(&r.f);
	fm_send(&r.f, "\r\n+QIND: \"smsfull\",\"SM\"\r\n");
	FM_EXPECT(&r.f, "AT+CMGL=4", "\r\n+CMGL: 0,0,,5\r\n0011223344\r\n+CMGL: 1,0,,5\r\n0011223345\r\n\r\nOK\r\n");
	FM_EXPECT(&r.f, "AT+CMGD=0", "\r\nOK\r\n");
	FM_EXPECT(&r.f, "AT+CMGD=1", "\r\nOK\r\n");
	CHECK_INT(r.a.pdus, 2);
	/* +CMS ERROR: 322 (memory full) on a send sweeps as well. */
	CHECK(modem_send(m, 5, "0011223344", app_sent, &r.a) == 0);
	FM_EXPECT(&r.f, "AT+CMGS=5", "\r\n+CMS ERROR: 322\r\n");
	CHECK_INT(r.a.err, 322);
	FM_EXPECT(&r.f, "AT+CMGL=4", "\r\nOK\r\n");
	rig_end(&r);
}

TEST(send_timeout_reports_and_resyncs)
{
	struct rig r;
	rig_start(&r, "");
	struct loop *l = r.l;
	struct modem *m = r.m;
	boot_from_sync(&r.f);
	CHECK(modem_send(m, 5, "0011223344", app_sent, &r.a) == 0);
	FM_EXPECT(&r.f, "AT+CMGS=5", "\r\n> ");
	FM_EXPECT(&r.f, "0011223344", NULL);
	loop_advance(l, 60000);
	CHECK_INT(r.a.sent, 1);
	CHECK_INT(r.a.err, MODEM_SEND_TIMEOUT);
	FM_SYNC(&r.f);
	FM_EXPECT(&r.f, "ATE0", "\r\nOK\r\n");
	rig_end(&r);
}

/* A hang that swallows AT+CMGS: the prompt never comes. Recovery starts
 * after the ordinary command timeout (10 s), not the 60 s send timeout
 * meant for the network's answer after the PDU. */
TEST(swallowed_cmgs_recovers_after_the_command_timeout)
{
	struct rig r;
	rig_start(&r, "");
	struct loop *l = r.l;
	struct modem *m = r.m;
	boot_from_sync(&r.f);
	CHECK(modem_send(m, 5, "0011223344", app_sent, &r.a) == 0);
	FM_EXPECT(&r.f, "AT+CMGS=5", NULL);
	loop_advance(l, 9990);
	CHECK_INT(r.a.sent, 0);
	loop_advance(l, 20);
	CHECK_INT(r.a.sent, 1);
	CHECK_INT(r.a.err, MODEM_SEND_TIMEOUT);
	CHECK_INT(modem_state(m), MODEM_SYNC);
	FM_SYNC(&r.f);
	FM_EXPECT(&r.f, "ATE0", "\r\nOK\r\n");
	rig_end(&r);
}

/* A daemon killed in the middle of AT+CMGL=4 leaves the modem printing the
 * rest of the listing: the new one must not take that OK for its own AT, or
 * every later answer is taken for the one before (off by one for ever). */
TEST(stale_answers_of_a_killed_predecessor_are_drained)
{
	struct rig r;
	rig_start(&r, "");
	struct loop *l = r.l;
	struct modem *m = r.m;
	FM_EXPECT(&r.f, "AT", "\r\n+CMGL: 5,0,,5\r\n0011223344\r\n\r\nOK\r\n");
	loop_advance(l, 100);
	fm_send(&r.f, "\r\n+CMTI: \"SM\",9\r\n");	/* still talking: not settled */
	loop_advance(l, 200);
	fm_send(&r.f, "\r\nOK\r\n");	/* the answer to our AT */
	FM_QUIET(&r.f);
	CHECK_INT(modem_state(m), MODEM_SYNC);
	loop_advance(l, 300);
	boot_to_cpin(&r.f, "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	CHECK_INT(modem_state(m), MODEM_REGISTER);
	CHECK_INT(r.a.pdus, 0);	/* the stale listing was nobody's */
	rig_end(&r);
}

/* A +CMT left unacknowledged (a daemon killed before its AT+CNMA) makes
 * the modem reset its routing to 0 (27.005 3.4.4): new messages would land
 * on the SIM with no indication. The health check sees it and sets it up. */
TEST(routing_reset_by_the_modem_is_restored)
{
	struct rig r;
	rig_start(&r, "");
	struct loop *l = r.l;
	struct modem *m = r.m;
	boot_from_sync(&r.f);
	loop_advance(l, 300000);
	FM_EXPECT(&r.f, "AT+CSQ", "\r\nOK\r\n");
	FM_EXPECT(&r.f, "AT+COPS?", "\r\nOK\r\n");
	FM_EXPECT(&r.f, "AT+CREG?", "\r\nOK\r\n");
	FM_EXPECT(&r.f, "AT+CEREG?", "\r\nOK\r\n");
	FM_EXPECT(&r.f, "AT+CNMI?", "\r\n+CNMI: 2,0,0,0,0\r\n\r\nOK\r\n");
	FM_EXPECT(&r.f, "AT+CPMS?", "\r\n+CPMS: \"SM\",1,30,\"SM\",1,30,\"SM\",1,30\r\n\r\nOK\r\n");
	FM_EXPECT(&r.f, "AT+CMGL=4", "\r\nOK\r\n");	/* the periodic sweep, due at the same time */
	FM_EXPECT(&r.f, "AT+CMGF=0", "\r\nOK\r\n");
	FM_EXPECT(&r.f, "AT+CPMS=\"SM\",\"SM\",\"SM\"", "\r\n+CPMS: 1,30,1,30,1,30\r\n\r\nOK\r\n");
	FM_EXPECT(&r.f, "AT+CNMI=2,1,0,1,0", "\r\nOK\r\n");
	/* Ready again: the sweep picks up what landed silently. */
	FM_EXPECT(&r.f, "AT+CMGL=4", "\r\n+CMGL: 0,0,,5\r\n0011223344\r\n\r\nOK\r\n");
	CHECK_INT(r.a.pdus, 1);
	CHECK_INT(modem_state(m), MODEM_READY);
	rig_end(&r);
}

TEST(missing_device_keeps_retrying_without_crashing)
{
	struct loop *l = loop_new(true);
	struct app a = { 0 };
	struct modem *m = mk(l, "/dev/ttyUSB-tinbao-none", &a, "");
	modem_start(m);
	CHECK_INT(modem_state(m), MODEM_CLOSED);
	loop_advance(l, 600000);
	CHECK_INT(modem_state(m), MODEM_CLOSED);
	modem_free(m);
	m = mk(l, "usb:2c7c:0125:2", &a, "");
	modem_start(m);
	CHECK_INT(modem_state(m), MODEM_CLOSED);
	modem_free(m);
	loop_free(l);
}

int main(void)
{
	log_init("test", getenv("TEST_LOG") ? LOG_LVL_DEBUG : LOG_LVL_ERR, false);
	RUN(rejected_pin_is_never_sent_again);
	RUN(recovery_ladder_resync_reopen_then_one_reset);
	RUN(unplugged_port_is_reopened_when_it_comes_back);
	RUN(garbage_is_skipped_and_the_modem_carries_on);
	RUN(sim_full_urc_triggers_a_sweep);
	RUN(send_timeout_reports_and_resyncs);
	RUN(swallowed_cmgs_recovers_after_the_command_timeout);
	RUN(stale_answers_of_a_killed_predecessor_are_drained);
	RUN(routing_reset_by_the_modem_is_restored);
	RUN(missing_device_keeps_retrying_without_crashing);
	return check_done();
}
