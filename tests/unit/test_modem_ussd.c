/* test_modem_ussd.c: USSD through the modem driver (modem_ussd.c): the
 * request goes through the AT queue, the answer comes as a +CUSD URC (also
 * before the OK), a menu is answered and cancelled, no answer ends in a
 * timeout with AT+CUSD=2, and an exchange in flight when the modem leaves
 * READY ends at once with one result and no AT+CUSD=2. Scripted modem on a
 * pty, fake clock. */
#include "check.h"
#include "log.h"
#include "loop.h"
#include "modem/modem.h"
#include "modem_script.h"

struct app {
	struct modem *m;
	int results;
	struct ussd_result last;
	int sent, err;
};

static void app_ussd(void *ctx, const struct ussd_result *r)
{
	struct app *a = ctx;
	a->results++;
	a->last = *r;
}

static void app_sent(void *ctx, int mr, int err)
{
	struct app *a = ctx;
	(void)mr;
	a->sent++;
	a->err = err;
}

static struct modem *mk(struct loop *l, const char *path, struct app *a, int send_timeout_ms)
{
	struct modem_conf mc;
	modem_conf_defaults(&mc);
	snprintf(mc.device, sizeof mc.device, "%s", path);
	mc.send_timeout_ms = send_timeout_ms;
	struct modem_cbs cbs = { .ctx = a };
	a->m = modem_new(l, &mc, &cbs);
	return a->m;
}

static void boot_from_sync(struct fm *f)
{
	FM_SYNC(f);
	FM_EXPECT(f, "ATE0", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CMEE=1", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CGMM", "\r\nEC25\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
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

TEST(balance_reply_and_urc_before_ok)
{
	struct loop *l = loop_new(true);
	struct fm f;
	CHECK(fm_open(&f, l) == 0);
	struct app a = { 0 };
	struct modem *m = mk(l, f.path, &a, 0);
	CHECK(modem_ussd(m, "*101#", false, app_ussd, &a) < 0);	/* not ready yet */
	modem_start(m);
	boot_from_sync(&f);
	CHECK(modem_ready(m));
	CHECK(modem_ussd(m, "*101#", false, app_ussd, &a) == 0);
	FM_EXPECT(&f, "AT+CUSD=1,\"*101#\",15", "\r\nOK\r\n");
	CHECK_INT(a.results, 0);
	fm_send(&f, "\r\n+CUSD: 0,\"TKC 3000d\",15\r\n");
	FM_QUIET(&f);
	CHECK_INT(a.results, 1);
	CHECK_INT(a.last.kind, USSD_RES_DONE);
	CHECK_STR(a.last.text, "TKC 3000d");
	/* Some modems print the +CUSD before the OK of AT+CUSD. */
	CHECK(modem_ussd(m, "*102#", false, app_ussd, &a) == 0);
	FM_EXPECT(&f, "AT+CUSD=1,\"*102#\",15", "\r\n+CUSD: 2,\"KM 0d\",15\r\n\r\nOK\r\n");
	FM_QUIET(&f);
	CHECK_INT(a.results, 2);
	CHECK_INT(a.last.kind, USSD_RES_DONE);
	CHECK_STR(a.last.text, "KM 0d");
	/* Nothing pending: the timer must not fire a third result. */
	loop_advance(l, 60000);
	CHECK_INT(a.results, 2);
	modem_free(m);
	fm_close(&f);
	loop_free(l);
}

TEST(menu_answered_cancelled_and_a_silent_network)
{
	struct loop *l = loop_new(true);
	struct fm f;
	CHECK(fm_open(&f, l) == 0);
	struct app a = { 0 };
	struct modem *m = mk(l, f.path, &a, 0);
	modem_start(m);
	boot_from_sync(&f);
	CHECK(modem_ussd(m, "*100#", false, app_ussd, &a) == 0);
	FM_EXPECT(&f, "AT+CUSD=1,\"*100#\",15", "\r\nOK\r\n\r\n+CUSD: 1,\"1 Nap 2 Thoat\",15\r\n");
	FM_QUIET(&f);
	CHECK_INT(a.results, 1);
	CHECK_INT(a.last.kind, USSD_RES_MORE);
	CHECK(modem_ussd(m, "1", true, app_ussd, &a) == 0);
	FM_EXPECT(&f, "AT+CUSD=1,\"1\",15", "\r\nOK\r\n\r\n+CUSD: 1,\"Ma the:\",15\r\n");
	FM_QUIET(&f);
	CHECK_INT(a.results, 2);
	CHECK_STR(a.last.text, "Ma the:");
	modem_ussd_cancel(m);
	FM_EXPECT(&f, "AT+CUSD=2", "\r\nOK\r\n");
	FM_QUIET(&f);
	CHECK_INT(a.results, 2);	/* a cancel reports nothing */
	/* The network never answers: a timeout, and the half-open session is
	 * closed with AT+CUSD=2. */
	CHECK(modem_ussd(m, "*101#", false, app_ussd, &a) == 0);
	FM_EXPECT(&f, "AT+CUSD=1,\"*101#\",15", "\r\nOK\r\n");
	loop_advance(l, 30000);
	FM_EXPECT(&f, "AT+CUSD=2", "\r\nOK\r\n");
	CHECK_INT(a.results, 3);
	CHECK_INT(a.last.kind, USSD_RES_TIMEOUT);
	CHECK(modem_ready(m));
	modem_free(m);
	fm_close(&f);
	loop_free(l);
}

TEST(leaving_ready_ends_the_exchange_at_once)
{
	struct loop *l = loop_new(true);
	struct fm f;
	CHECK(fm_open(&f, l) == 0);
	struct app a = { 0 };
	struct modem *m = mk(l, f.path, &a, 5000);
	modem_start(m);
	boot_from_sync(&f);
	CHECK(modem_ussd(m, "*101#", false, app_ussd, &a) == 0);
	FM_EXPECT(&f, "AT+CUSD=1,\"*101#\",15", "\r\nOK\r\n");
	/* A send that times out resyncs the modem while USSD waits for the
	 * network: the caller hears of it now, without AT+CUSD=2 in the
	 * middle of the resync. */
	CHECK(modem_send(m, 5, "0011223344", app_sent, &a) == 0);
	FM_EXPECT(&f, "AT+CMGS=5", "\r\n> ");
	FM_EXPECT(&f, "0011223344", NULL);
	loop_advance(l, 5000);
	CHECK_INT(a.err, MODEM_SEND_TIMEOUT);
	CHECK_INT(a.results, 1);
	CHECK_INT(a.last.kind, USSD_RES_TIMEOUT);
	FM_SYNC(&f);
	FM_EXPECT(&f, "ATE0", "\r\nOK\r\n");
	/* Its timer is gone with it: no second result later. */
	loop_advance(l, 30000);
	CHECK_INT(a.results, 1);
	modem_free(m);
	fm_close(&f);
	loop_free(l);
}

int main(void)
{
	log_init("test", getenv("TEST_LOG") ? LOG_LVL_DEBUG : LOG_LVL_ERR, false);
	RUN(balance_reply_and_urc_before_ok);
	RUN(menu_answered_cancelled_and_a_silent_network);
	RUN(leaving_ready_ends_the_exchange_at_once);
	return check_done();
}
