/* test_modem_start.c: the modem state machine from power-on to ready
 * against a scripted EC25 on a pty: sync, echo off, verbose errors, model,
 * PIN entered once, waiting for registration, PDU mode, storage, CNMI, the
 * first sweep (messages deleted only when the core says they are
 * committed), health, +CMTI reads, sending with the prompt, +CMS ERROR on
 * send, SMS commands refused before the SIM is ready. */
#include "check.h"
#include "log.h"
#include "loop.h"
#include "modem/modem.h"
#include "modem_script.h"

struct app {
	struct modem *m;
	int pdus;
	int slots[16];
	char hex[16][64];
	bool commit_ok;		/* the core's commit succeeds */
	int ready;
	int health;
	struct modem_health h;
	int sent, mr, err;
};

static void app_pdu(void *ctx, int slot, const char *hex, int len)
{
	struct app *a = ctx;
	(void)len;
	if (a->pdus < 16) {
		a->slots[a->pdus] = slot;
		snprintf(a->hex[a->pdus], sizeof a->hex[0], "%s", hex);
	}
	a->pdus++;
	if (a->commit_ok)
		modem_delete(a->m, slot);
}

static void app_ready(void *ctx, bool ready)
{
	struct app *a = ctx;
	a->ready += ready ? 1 : -1;
}

static void app_health(void *ctx, const struct modem_health *h)
{
	struct app *a = ctx;
	a->health++;
	a->h = *h;
}

static void app_sent(void *ctx, int mr, int err)
{
	struct app *a = ctx;
	a->sent++;
	a->mr = mr;
	a->err = err;
}

static struct modem *mk(struct loop *l, struct fm *f, struct app *a, const char *pin)
{
	struct modem_conf mc;
	modem_conf_defaults(&mc);
	snprintf(mc.device, sizeof mc.device, "%s", f->path);
	snprintf(mc.pin, sizeof mc.pin, "%s", pin);
	struct modem_cbs cbs = { .ctx = a, .on_pdu = app_pdu, .on_ready = app_ready,
				 .on_health = app_health };
	a->m = modem_new(l, &mc, &cbs);
	return a->m;
}

/* From sync to the end of the first sweep and health round. */
static void boot(struct fm *f, struct app *a)
{
	FM_SYNC(f);
	FM_EXPECT(f, "ATE0", "ATE0\r\r\nOK\r\n");	/* echo of the ATE0 itself */
	FM_EXPECT(f, "AT+CMEE=1", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CGMM", "\r\nEC25\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CREG?", "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CEREG?", "\r\n+CEREG: 0,1\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CMGF=0", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CPMS=\"SM\",\"SM\",\"SM\"", "\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CNMI=2,1,0,1,0", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CMGL=4", "\r\nOK\r\n");
	FM_EXPECT(f, "AT+CSQ", "\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+COPS?", "\r\n+COPS: 0,0,\"Viettel\",7\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CREG?", "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CEREG?", "\r\n+CEREG: 0,1\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CNMI?", "\r\n+CNMI: 2,1,0,1,0\r\n\r\nOK\r\n");
	FM_EXPECT(f, "AT+CPMS?", "\r\n+CPMS: \"SM\",0,30,\"SM\",0,30,\"SM\",0,30\r\n\r\nOK\r\n");
	(void)a;
}

TEST(start_with_pin_registration_wait_and_first_sweep)
{
	struct loop *l = loop_new(true);
	struct fm f;
	CHECK(fm_open(&f, l) == 0);
	struct app a = { .commit_ok = true };
	struct modem *m = mk(l, &f, &a, "1234");
	modem_start(m);
	FM_EXPECT(&f, "AT", NULL);
	loop_advance(l, 1600);	/* the first AT goes unanswered: sync retries */
	FM_SYNC(&f);
	FM_EXPECT(&f, "ATE0", "\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CMEE=1", "\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CGMM", "\r\nEC25\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CPIN?", "\r\n+CPIN: SIM PIN\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CPIN=\"1234\"", "\r\nOK\r\n");
	CHECK_INT(modem_state(m), MODEM_SIM);
	loop_advance(l, 2000);
	FM_EXPECT(&f, "AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CREG?", "\r\n+CREG: 0,2\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CEREG?", "\r\n+CEREG: 0,2\r\n\r\nOK\r\n");
	CHECK_INT(modem_state(m), MODEM_REGISTER);
	CHECK(a.health >= 1);	/* "no network" is reported while waiting */
	FM_QUIET(&f);
	loop_advance(l, 2000);
	FM_EXPECT(&f, "AT+CREG?", "\r\n+CREG: 0,0\r\n\r\nOK\r\n");
	/* Roaming on LTE only counts as registered. */
	FM_EXPECT(&f, "AT+CEREG?", "\r\n+CEREG: 0,5\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CMGF=0", "\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CPMS=\"SM\",\"SM\",\"SM\"", "\r\n+CPMS: 2,30,2,30,2,30\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CNMI=2,1,0,1,0", "\r\nOK\r\n");
	CHECK_INT(modem_state(m), MODEM_READY);
	CHECK_INT(a.ready, 1);
	FM_EXPECT(&f, "AT+CMGL=4", "\r\n+CMGL: 1,1,,5\r\n0011223344556677\r\n"
		  "+CMGL: 4,0,,5\r\n00AABBCCDDEEFF00\r\n\r\nOK\r\n");
	CHECK_INT(a.pdus, 2);
	CHECK_INT(a.slots[0], 1);
	CHECK_STR(a.hex[1], "00AABBCCDDEEFF00");
	FM_EXPECT(&f, "AT+CSQ", "\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+COPS?", "\r\n+COPS: 0,0,\"Viettel\",7\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CREG?", "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CEREG?", "\r\n+CEREG: 0,1\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CNMI?", "\r\n+CNMI: 2,1,0,1,0\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CPMS?", "\r\n+CPMS: \"SM\",2,30,\"SM\",2,30,\"SM\",2,30\r\n\r\nOK\r\n");
	/* Deletes only come after the commit said yes, one per slot. */
	FM_EXPECT(&f, "AT+CMGD=1", "\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CMGD=4", "\r\nOK\r\n");
	FM_QUIET(&f);
	CHECK_INT(a.h.rssi, 21);
	CHECK_STR(a.h.operator_name, "Viettel");
	CHECK_STR(a.h.model, "EC25");
	CHECK_INT(a.h.sim_total, 30);
	struct modem_stats st;
	modem_get_stats(m, &st);
	CHECK_INT(st.deletes, 2);
	CHECK_INT(st.reads, 2);
	modem_free(m);
	fm_close(&f);
	loop_free(l);
}

TEST(cmti_reads_the_slot_and_deletes_after_commit_only)
{
	struct loop *l = loop_new(true);
	struct fm f;
	CHECK(fm_open(&f, l) == 0);
	struct app a = { .commit_ok = true };
	struct modem *m = mk(l, &f, &a, "");
	modem_start(m);
	boot(&f, &a);
	fm_send(&f, "\r\n+CMTI: \"SM\",7\r\n");
	FM_EXPECT(&f, "AT+CMGR=7", "\r\n+CMGR: 0,,5\r\n0011223344\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CMGD=7", "\r\nOK\r\n");
	/* The core could not commit (disk full): the message stays. */
	a.commit_ok = false;
	fm_send(&f, "\r\n+CMTI: \"SM\",8\r\n");
	FM_EXPECT(&f, "AT+CMGR=8", "\r\n+CMGR: 0,,5\r\n0011223355\r\n\r\nOK\r\n");
	FM_QUIET(&f);
	CHECK_INT(a.pdus, 2);
	/* An empty slot (already deleted) answers OK alone: nothing happens. */
	fm_send(&f, "\r\n+CMTI: \"SM\",9\r\n");
	FM_EXPECT(&f, "AT+CMGR=9", "\r\nOK\r\n");
	FM_QUIET(&f);
	CHECK_INT(a.pdus, 2);
	/* The periodic sweep finds slot 8 again. */
	a.commit_ok = true;
	loop_advance(l, 300 * 1000);
	/* Health and sweep are both due at 300 s; health was armed last. */
	FM_EXPECT(&f, "AT+CSQ", "\r\n+CSQ: 21,99\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+COPS?", "\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CREG?", "\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CEREG?", "\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CNMI?", "\r\n+CNMI: 2,1,0,1,0\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CPMS?", "\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CMGL=4", "\r\n+CMGL: 8,1,,5\r\n0011223355\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CMGD=8", "\r\nOK\r\n");
	CHECK_INT(a.pdus, 3);
	modem_free(m);
	fm_close(&f);
	loop_free(l);
}

TEST(send_with_prompt_and_cms_error)
{
	struct loop *l = loop_new(true);
	struct fm f;
	CHECK(fm_open(&f, l) == 0);
	struct app a = { .commit_ok = true };
	struct modem *m = mk(l, &f, &a, "");
	CHECK(modem_send(m, 5, "00", app_sent, &a) < 0);	/* not ready yet */
	modem_start(m);
	boot(&f, &a);
	CHECK(modem_send(m, 18, "0011000B918419325476F80000AA05E8329BFD06", app_sent, &a) == 0);
	FM_EXPECT(&f, "AT+CMGS=18", "\r\n> ");
	FM_EXPECT(&f, "0011000B918419325476F80000AA05E8329BFD06", "\r\n+CMGS: 77\r\n\r\nOK\r\n");
	CHECK_INT(a.sent, 1);
	CHECK_INT(a.mr, 77);
	CHECK_INT(a.err, 0);
	CHECK(modem_send(m, 18, "0011000B918419325476F80000AA05E8329BFD06", app_sent, &a) == 0);
	FM_EXPECT(&f, "AT+CMGS=18", "\r\n> ");
	FM_EXPECT(&f, "0011000B918419325476F80000AA05E8329BFD06", "\r\n+CMS ERROR: 38\r\n");
	CHECK_INT(a.sent, 2);
	CHECK_INT(a.err, 38);
	CHECK_INT(modem_state(m), MODEM_READY);
	modem_free(m);
	fm_close(&f);
	loop_free(l);
}

TEST(sms_commands_refused_until_the_sim_is_ready)
{
	struct loop *l = loop_new(true);
	struct fm f;
	CHECK(fm_open(&f, l) == 0);
	struct app a = { .commit_ok = true };
	struct modem *m = mk(l, &f, &a, "");
	modem_start(m);
	FM_SYNC(&f);
	FM_EXPECT(&f, "ATE0", "\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CMEE=1", "\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CGMM", "\r\nSIMCOM_SIM800L\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CPIN?", "\r\n+CPIN: READY\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CREG?", "\r\n+CREG: 0,1\r\n\r\nOK\r\n");
	/* SIM800: 2G, no +CEREG query. */
	FM_EXPECT(&f, "AT+CMGF=0", "\r\n+CMS ERROR: 302\r\n");
	FM_QUIET(&f);
	CHECK_INT(modem_state(m), MODEM_SETUP);
	loop_advance(l, 3000);
	FM_EXPECT(&f, "AT+CMGF=0", "\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CPMS=\"SM\",\"SM\",\"SM\"", "\r\n+CPMS: 0,30,0,30,0,30\r\n\r\nOK\r\n");
	FM_EXPECT(&f, "AT+CNMI=2,1,0,1,0", "\r\nOK\r\n");
	CHECK_INT(modem_state(m), MODEM_READY);
	modem_free(m);
	fm_close(&f);
	loop_free(l);
}

int main(void)
{
	log_init("test", getenv("TEST_LOG") ? LOG_LVL_DEBUG : LOG_LVL_ERR, false);
	RUN(start_with_pin_registration_wait_and_first_sweep);
	RUN(cmti_reads_the_slot_and_deletes_after_commit_only);
	RUN(send_with_prompt_and_cms_error);
	RUN(sms_commands_refused_until_the_sim_is_ready);
	return check_done();
}
