/* test_ussd_sm.c: the USSD exchange state machine, driven by scripts of
 * driver events with the expected reaction to each: what to send, the
 * timer, the state, and the result when one is ready. Covers a plain
 * balance query, the +CUSD arriving before OK, a menu (answer, network
 * end, cancel, idle timeout), +CME ERROR: 30 retried then given up, +CUSD: 4
 * retried on LTE, a network time-out, garbage, and requests refused. */
#include "check.h"

#include "modem/ussd_sm.h"

struct step {
	const char *ev;		/* "start CODE", "answer X", "ok", "error", "cme N",
				   "cusd LINE", "timer", "cancel" */
	const char *send;	/* NULL: nothing sent; else the command */
	long timer;		/* expected out.timer_ms */
	enum ussd_sm_state state;
	int result;		/* -1: not finished; else enum ussd_result_kind */
	const char *text;	/* result text (NULL: not checked) */
};

#define NOTHING NULL, -1
#define RES_NONE -1

static void run(const char *name, const struct ussd_sm_conf *conf, const struct step *s, size_t n)
{
	struct ussd_sm sm;
	struct ussd_opts o = { USSD_CS_IRA, USSD_PACKED_NEVER };
	ussd_sm_init(&sm, conf, &o);
	for (size_t i = 0; i < n; i++) {
		struct ussd_sm_out out;
		const char *ev = s[i].ev;
		if (!strncmp(ev, "start ", 6))
			ussd_sm_start(&sm, ev + 6, &out);
		else if (!strncmp(ev, "answer ", 7))
			ussd_sm_answer(&sm, ev + 7, &out);
		else if (!strcmp(ev, "ok"))
			ussd_sm_on_final(&sm, AT_FINAL_OK, 0, &out);
		else if (!strcmp(ev, "error"))
			ussd_sm_on_final(&sm, AT_FINAL_ERROR, -1, &out);
		else if (!strncmp(ev, "cme ", 4))
			ussd_sm_on_final(&sm, AT_FINAL_CME_ERROR, atoi(ev + 4), &out);
		else if (!strncmp(ev, "cusd ", 5))
			ussd_sm_on_cusd(&sm, ev + 5, &out);
		else if (!strcmp(ev, "timer"))
			ussd_sm_on_timer(&sm, &out);
		else if (!strcmp(ev, "cancel"))
			ussd_sm_cancel(&sm, &out);
		else {
			CHECKF(0, "%s: bad event %s", name, ev);
			continue;
		}
		if (s[i].send)
			CHECKF(out.send && !strcmp(out.cmd, s[i].send), "%s step %zu (%s): sent '%s' want '%s'",
			       name, i, ev, out.send ? out.cmd : "(nothing)", s[i].send);
		else
			CHECKF(!out.send, "%s step %zu (%s): sent '%s'", name, i, ev, out.cmd);
		if (out.send)
			CHECKF(out.is_cancel == !strcmp(out.cmd, "AT+CUSD=2"), "%s step %zu: is_cancel", name, i);
		CHECKF(out.timer_ms == s[i].timer, "%s step %zu (%s): timer %ld want %ld", name, i, ev,
		       out.timer_ms, s[i].timer);
		CHECKF(sm.state == s[i].state, "%s step %zu (%s): state %s want %s", name, i, ev,
		       ussd_sm_state_name(sm.state), ussd_sm_state_name(s[i].state));
		CHECKF(ussd_sm_busy(&sm) == (s[i].state != USSD_SM_IDLE), "%s step %zu: busy", name, i);
		if (s[i].result < 0) {
			CHECKF(!out.finished, "%s step %zu (%s): finished %s", name, i, ev,
			       ussd_result_name(out.result.kind));
		} else {
			CHECKF(out.finished && (int)out.result.kind == s[i].result,
			       "%s step %zu (%s): result %s want %s", name, i, ev,
			       out.finished ? ussd_result_name(out.result.kind) : "(none)",
			       ussd_result_name((enum ussd_result_kind)s[i].result));
			if (s[i].text)
				CHECKF(strstr(out.result.text, s[i].text) != NULL, "%s step %zu: text '%s'", name, i,
				       out.result.text);
		}
	}
}

#define RUN_SCRIPT(name, conf, steps) run(name, conf, steps, sizeof steps / sizeof steps[0])

TEST(test_balance)
{
	static const struct step s[] = {
		{ "start *101#", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "ok", NOTHING, USSD_SM_WAITING, RES_NONE, NULL },
		{ "cusd +CUSD: 0,\"TKC 12500d\",15", NULL, 0, USSD_SM_IDLE, USSD_RES_DONE, "TKC 12500d" },
		{ "ok", NOTHING, USSD_SM_IDLE, RES_NONE, NULL },	/* stray: ignored */
		{ "timer", NOTHING, USSD_SM_IDLE, RES_NONE, NULL },
		/* the URC before the OK (some modems) */
		{ "start *101#", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "cusd +CUSD: 2,\"TKC 9000d\",15", NULL, 0, USSD_SM_IDLE, USSD_RES_DONE, "TKC 9000d" },
		{ "ok", NOTHING, USSD_SM_IDLE, RES_NONE, NULL },
	};
	RUN_SCRIPT("balance", NULL, s);
}

TEST(test_menu)
{
	static const struct step s[] = {
		{ "start *100#", "AT+CUSD=1,\"*100#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "ok", NOTHING, USSD_SM_WAITING, RES_NONE, NULL },
		{ "cusd +CUSD: 1,\"1. Nap the\n2. Thoat\",15", NULL, 30000, USSD_SM_OPEN, USSD_RES_MORE,
		  "1. Nap the\n2. Thoat" },
		{ "start *101#", NOTHING, USSD_SM_OPEN, USSD_RES_BAD_REQUEST, "already" },
		{ "answer 1", "AT+CUSD=1,\"1\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "ok", NOTHING, USSD_SM_WAITING, RES_NONE, NULL },
		{ "cusd +CUSD: 1,\"Nhap ma the\",15", NULL, 30000, USSD_SM_OPEN, USSD_RES_MORE, "Nhap ma" },
		{ "answer a\"b", NOTHING, USSD_SM_OPEN, USSD_RES_BAD_REQUEST, "quotes" },
		{ "answer 123456789012", "AT+CUSD=1,\"123456789012\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "ok", NOTHING, USSD_SM_WAITING, RES_NONE, NULL },
		{ "cusd +CUSD: 0,\"Nap thanh cong 50000d\",15", NULL, 0, USSD_SM_IDLE, USSD_RES_DONE, "50000d" },
		{ "answer 1", NOTHING, USSD_SM_IDLE, USSD_RES_BAD_REQUEST, "no open" },
	};
	RUN_SCRIPT("menu", NULL, s);
	static const struct step c[] = {
		{ "start *100#", "AT+CUSD=1,\"*100#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "ok", NOTHING, USSD_SM_WAITING, RES_NONE, NULL },
		{ "cusd +CUSD: 1,\"Menu\",15", NULL, 30000, USSD_SM_OPEN, USSD_RES_MORE, "Menu" },
		{ "cancel", "AT+CUSD=2", 0, USSD_SM_IDLE, USSD_RES_CANCELLED, NULL },
		{ "ok", NOTHING, USSD_SM_IDLE, RES_NONE, NULL },	/* the cancel's OK */
		{ "cancel", NOTHING, USSD_SM_IDLE, USSD_RES_CANCELLED, NULL },	/* nothing to cancel */
		/* an unanswered menu times out and is cancelled */
		{ "start *100#", "AT+CUSD=1,\"*100#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "cusd +CUSD: 1,\"Menu\",15", NULL, 30000, USSD_SM_OPEN, USSD_RES_MORE, NULL },
		{ "timer", "AT+CUSD=2", 0, USSD_SM_IDLE, USSD_RES_TIMEOUT, NULL },
		/* the network ends an open session by itself */
		{ "start *100#", "AT+CUSD=1,\"*100#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "cusd +CUSD: 1,\"Menu\",15", NULL, 30000, USSD_SM_OPEN, USSD_RES_MORE, NULL },
		{ "cusd +CUSD: 2", NULL, 0, USSD_SM_IDLE, USSD_RES_DONE, NULL },
	};
	RUN_SCRIPT("menu-cancel", NULL, c);
}

TEST(test_retries)
{
	static const struct step s[] = {
		{ "start *101#", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "cme 30", NULL, 5000, USSD_SM_RETRY_WAIT, RES_NONE, NULL },
		{ "ok", NOTHING, USSD_SM_RETRY_WAIT, RES_NONE, NULL },
		{ "timer", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "ok", NOTHING, USSD_SM_WAITING, RES_NONE, NULL },
		{ "cusd +CUSD: 0,\"TKC 1d\",15", NULL, 0, USSD_SM_IDLE, USSD_RES_DONE, "TKC 1d" },
		/* refused twice: given up */
		{ "start *101#", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "cme 100", NULL, 5000, USSD_SM_RETRY_WAIT, RES_NONE, NULL },
		{ "timer", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "cme 30", NULL, 0, USSD_SM_IDLE, USSD_RES_REFUSED, "+CME ERROR: 30" },
		/* other errors are not retried */
		{ "start *101#", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "cme 3", NULL, 0, USSD_SM_IDLE, USSD_RES_REFUSED, NULL },
		{ "start *101#", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "error", NULL, 0, USSD_SM_IDLE, USSD_RES_REFUSED, "ERROR" },
	};
	struct ussd_sm_conf conf = { 30000, 4000, 2, true };
	RUN_SCRIPT("retries", NULL, s);
	/* the configured retry delay */
	struct ussd_sm sm;
	struct ussd_sm_out out;
	ussd_sm_init(&sm, &conf, NULL);
	ussd_sm_start(&sm, "*101#", &out);
	ussd_sm_on_final(&sm, AT_FINAL_CME_ERROR, 30, &out);
	CHECK_INT(out.timer_ms, 4000);
	/* +CUSD: 4 right after the request, on an LTE modem: retried once */
	static const struct step u[] = {
		{ "start *101#", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "ok", NOTHING, USSD_SM_WAITING, RES_NONE, NULL },
		{ "cusd +CUSD: 4", NULL, 4000, USSD_SM_RETRY_WAIT, RES_NONE, NULL },
		{ "cusd +CUSD: 4", NOTHING, USSD_SM_RETRY_WAIT, RES_NONE, NULL },	/* stale */
		{ "timer", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "ok", NOTHING, USSD_SM_WAITING, RES_NONE, NULL },
		{ "cusd +CUSD: 4", NULL, 0, USSD_SM_IDLE, USSD_RES_UNSUPPORTED, NULL },
	};
	RUN_SCRIPT("unsupported-lte", &conf, u);
	/* without retry_on_unsupported: at once */
	static const struct step v[] = {
		{ "start *101#", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "ok", NOTHING, USSD_SM_WAITING, RES_NONE, NULL },
		{ "cusd +CUSD: 4", NULL, 0, USSD_SM_IDLE, USSD_RES_UNSUPPORTED, NULL },
	};
	RUN_SCRIPT("unsupported", NULL, v);
}

TEST(test_timeouts_and_garbage)
{
	static const struct step s[] = {
		{ "start *101#", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "ok", NOTHING, USSD_SM_WAITING, RES_NONE, NULL },
		{ "timer", "AT+CUSD=2", 0, USSD_SM_IDLE, USSD_RES_TIMEOUT, NULL },
		{ "cusd +CUSD: 0,\"late\",15", NOTHING, USSD_SM_IDLE, USSD_RES_DONE, "late" },
		/* no OK at all */
		{ "start *101#", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "timer", "AT+CUSD=2", 0, USSD_SM_IDLE, USSD_RES_TIMEOUT, NULL },
		/* the network's own time-out */
		{ "start *101#", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "ok", NOTHING, USSD_SM_WAITING, RES_NONE, NULL },
		{ "cusd +CUSD: 5", NULL, 0, USSD_SM_IDLE, USSD_RES_NETWORK_TIMEOUT, NULL },
		/* a line we cannot read ends the exchange and cancels */
		{ "start *101#", "AT+CUSD=1,\"*101#\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "ok", NOTHING, USSD_SM_WAITING, RES_NONE, NULL },
		{ "cusd +CUSD: 9,\"x\"", "AT+CUSD=2", 0, USSD_SM_IDLE, USSD_RES_BAD_REPLY, "0..5" },
		{ "cusd +CUSD: 0,\"x\",96", NOTHING, USSD_SM_IDLE, USSD_RES_BAD_REPLY, "compressed" },
		/* a network-initiated menu */
		{ "cusd +CUSD: 1,\"Khao sat: 1 Co 2 Khong\",15", NULL, 30000, USSD_SM_OPEN, USSD_RES_MORE, "Khao sat" },
		{ "answer 2", "AT+CUSD=1,\"2\",15", 30000, USSD_SM_SENT, RES_NONE, NULL },
		{ "cusd +CUSD: 0,\"Cam on\",15", NULL, 0, USSD_SM_IDLE, USSD_RES_DONE, "Cam on" },
		/* bad codes */
		{ "start ", NOTHING, USSD_SM_IDLE, USSD_RES_BAD_REQUEST, NULL },
		{ "start *1\"#", NOTHING, USSD_SM_IDLE, USSD_RES_BAD_REQUEST, NULL },
	};
	RUN_SCRIPT("timeouts", NULL, s);
}

TEST(test_ucs2_opts_and_names)
{
	struct ussd_sm sm;
	struct ussd_sm_out out;
	struct ussd_opts o = { USSD_CS_UCS2, USSD_PACKED_NEVER };
	ussd_sm_init(&sm, NULL, &o);
	ussd_sm_start(&sm, "*101#", &out);
	CHECK_STR(out.cmd, "AT+CUSD=1,\"002A0031003000310023\",15");
	ussd_sm_on_cusd(&sm, "+CUSD: 0,\"0054004B0043\",15", &out);
	CHECK(out.finished && !strcmp(out.result.text, "TKC"));
	CHECK_INT(out.result.tries, 1);
	CHECK_STR(ussd_sm_state_name(USSD_SM_RETRY_WAIT), "retry-wait");
	CHECK_STR(ussd_result_name(USSD_RES_NETWORK_TIMEOUT), "network-timeout");
}

int main(void)
{
	RUN(test_balance);
	RUN(test_menu);
	RUN(test_retries);
	RUN(test_timeouts_and_garbage);
	RUN(test_ucs2_opts_and_names);
	return check_done();
}
