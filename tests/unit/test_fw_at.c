/* test_fw_at.c: the firmware's AT interpreter (firmware/fw_at*.c), pure:
 * bytes in, bytes out, table-driven where the exchange is one line. */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "fw_at.h"

struct rig {
	struct fw_sim *sim;
	struct fw_net *net;
	struct fw_at at;
	int64_t now;
};

static void rig_open(struct rig *r, const char *profile)
{
	r->sim = fw_sim_new(3, 5);
	r->net = fw_net_new();
	r->now = 1000;
	fw_at_init(&r->at, fw_profile_find(profile), r->sim, r->net, r->now);
	r->at.wall = (struct pdu_time){ 2026, 11, 25, 9, 30, 0, 28 };
}

static void rig_close(struct rig *r)
{
	fw_at_fini(&r->at);
	fw_sim_free(r->sim);
	fw_net_free(r->net);
}

/* Feeds in, runs due timers, returns everything written. */
static const char *io(struct rig *r, const char *in)
{
	fw_buf_clear(&r->at.out);
	fw_at_feed(&r->at, (const uint8_t *)in, strlen(in), r->now);
	fw_at_tick(&r->at, r->now);
	return r->at.out.p ? r->at.out.p : "";
}

/* Advances the clock to the next deadline (at most ms) and ticks. */
static const char *wait_ms(struct rig *r, int64_t ms)
{
	fw_buf_clear(&r->at.out);
	int64_t end = r->now + ms;
	while (r->now < end) {
		int64_t t = fw_at_next_deadline(&r->at);
		r->now = t < end ? t : end;
		fw_at_tick(&r->at, r->now);
	}
	return r->at.out.p ? r->at.out.p : "";
}

TEST(echo_and_results)
{
	struct rig r;
	rig_open(&r, "ec25");
	CHECK_STR(io(&r, "AT\r"), "AT\r\r\nOK\r\n");
	CHECK_STR(io(&r, "ATE0\r"), "ATE0\r\r\nOK\r\n");
	CHECK_STR(io(&r, "AT\r"), "\r\nOK\r\n");
	CHECK_STR(io(&r, "at\r\n"), "\r\nOK\r\n");	/* lower case, LF ignored */
	CHECK_STR(io(&r, "\r"), "");			/* empty line: nothing */
	CHECK_STR(io(&r, "\x01\xffnoiseAT\r"), "\r\nOK\r\n");
	CHECK_STR(io(&r, "ATQ\b\r"), "\r\nOK\r\n");	/* backspace */
	CHECK_STR(io(&r, "ATV0\r"), "0\r");
	CHECK_STR(io(&r, "AT+NOPE\r"), "4\r");
	CHECK_STR(io(&r, "AT+CGMI\r"), "Quectel\r\n0\r");
	CHECK_STR(io(&r, "ATV1\r"), "\r\nOK\r\n");
	CHECK_STR(io(&r, "A/\r"), "\r\nOK\r\n");	/* repeats ATV1 */
	rig_close(&r);
}

TEST(command_table)
{
	static const struct { const char *in, *out; } rows[] = {
		{ "AT+CMGF=1;+CMGF?\r", "\r\n+CMGF: 1\r\n\r\nOK\r\n" },
		{ "AT+CMGF=2\r", "\r\n+CMS ERROR: 304\r\n" },
		{ "AT+CMGF=0\r", "\r\nOK\r\n" },
		{ "AT+CGMM\r", "\r\nEC25\r\n\r\nOK\r\n" },
		{ "AT+CGMM=?\r", "\r\nOK\r\n" },
		{ "AT+CSQ\r", "\r\n+CSQ: 24,99\r\n\r\nOK\r\n" },
		{ "AT+CSQ junk\r", "\r\nERROR\r\n" },
		{ "AT+CREG?\r", "\r\n+CREG: 0,1\r\n\r\nOK\r\n" },
		{ "AT+CREG=2;+CREG?\r", "\r\n+CREG: 2,1,\"1A2B\",\"01C3D4E5\",7\r\n\r\nOK\r\n" },
		{ "AT+CREG=3\r", "\r\nERROR\r\n" },
		{ "AT+CMEE=1;+CREG=3\r", "\r\n+CME ERROR: 50\r\n" },
		{ "AT+CMEE=2;+CREG=3\r", "\r\n+CME ERROR: incorrect parameters\r\n" },
		{ "AT+CMEE=0\r", "\r\nOK\r\n" },
		{ "AT+CPMS?\r", "\r\n+CPMS: \"SM\",0,3,\"SM\",0,3,\"SM\",0,3\r\n\r\nOK\r\n" },
		{ "AT+CPMS=\"ME\",\"ME\",\"ME\"\r", "\r\n+CPMS: 0,5,0,5,0,5\r\n\r\nOK\r\n" },
		{ "AT+CPMS=\"XX\"\r", "\r\n+CMS ERROR: 302\r\n" },
		{ "AT+CPMS=\"SM\",\"SM\",\"SM\"\r", "\r\n+CPMS: 0,3,0,3,0,3\r\n\r\nOK\r\n" },
		{ "AT+CNMI=2,2,0,1,0;+CNMI?\r", "\r\n+CNMI: 2,2,0,1,0\r\n\r\nOK\r\n" },
		{ "AT+CNMI=9\r", "\r\n+CMS ERROR: 303\r\n" },
		{ "AT+CSCS=\"UCS2\";+CSCS?\r", "\r\n+CSCS: \"UCS2\"\r\n\r\nOK\r\n" },
		{ "AT+CSCA?\r", "\r\n+CSCA: \"002B00380034003900380030003200300030003000330030\",145\r\n\r\nOK\r\n" },
		{ "AT+CSCS=\"KOI8\"\r", "\r\nERROR\r\n" },
		{ "AT+CSCS=\"GSM\"\r", "\r\nOK\r\n" },
		{ "AT+CSMS=1\r", "\r\n+CSMS: 1,1,1\r\n\r\nOK\r\n" },
		{ "AT+CNMA\r", "\r\n+CMS ERROR: 340\r\n" },
		{ "AT+CMGD=0,4\r", "\r\nOK\r\n" },
		{ "AT+CMGD=3\r", "\r\n+CMS ERROR: 321\r\n" },
		{ "AT+CMGR=0\r", "\r\nOK\r\n" },
		{ "AT+CMGL=7\r", "\r\n+CMS ERROR: 302\r\n" },
		{ "AT+CPIN?\r", "\r\n+CPIN: READY\r\n\r\nOK\r\n" },
		{ "AT+CFUN=2\r", "\r\nERROR\r\n" },
		{ "AT+CUSD=1,\"*101#\r", "\r\nERROR\r\n" },	/* unterminated string */
		{ "ATS3?\r", "\r\n013\r\n\r\nOK\r\n" },
		{ "ATS7=60\r", "\r\nOK\r\n" },
		{ "AT&F\r", "\r\nOK\r\n" },
	};
	struct rig r;
	rig_open(&r, "ec25");
	io(&r, "ATE0\r");
	for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
		if (!strncmp(rows[i].in, "AT&F", 4))
			CHECK_INT(r.at.echo, 0);
		const char *got = io(&r, rows[i].in);
		CHECKF(!strcmp(got, rows[i].out), "row %zu %s: got \"%s\"", i, rows[i].in, got);
	}
	CHECK_INT(r.at.echo, 1);	/* AT&F restored the default */
	rig_close(&r);
}

TEST(overlong_line)
{
	struct rig r;
	rig_open(&r, "ec25");
	io(&r, "ATE0\r");
	char big[FW_AT_LINE_MAX + 50];
	memset(big, 'A', sizeof big);
	memcpy(big, "AT", 2);
	big[sizeof big - 2] = '\r';
	big[sizeof big - 1] = '\0';
	CHECK_STR(io(&r, big), "\r\nERROR\r\n");
	CHECK_STR(io(&r, "AT\r"), "\r\nOK\r\n");
	rig_close(&r);
}

TEST(prompt_send_and_cancel)
{
	struct rig r;
	rig_open(&r, "ec25");
	io(&r, "ATE0\r");
	/* "hello" to +84912345678 without SMSC. */
	const char *pdu = "0011000B914819325476F80000AA05E8329BFD06";
	char cmd[64];
	snprintf(cmd, sizeof cmd, "AT+CMGS=%zu\r", strlen(pdu) / 2 - 1);
	CHECK_STR(io(&r, cmd), "\r\n> ");
	CHECK_INT(r.at.mode, FW_AT_MODE_PROMPT);
	char body[128];
	snprintf(body, sizeof body, "%s\x1a", pdu);
	CHECK_STR(io(&r, body), "\r\n+CMGS: 1\r\n\r\nOK\r\n");
	json_t *sent = fw_net_sent_take(r.net, 0, false);
	CHECK_INT(json_array_size(sent), 1);
	CHECK_STR(json_string_value(json_object_get(json_array_get(sent, 0), "text")), "hello");
	json_decref(sent);
	/* ESC leaves the prompt without sending. */
	CHECK_STR(io(&r, cmd), "\r\n> ");
	CHECK_STR(io(&r, "0011\x1b"), "\r\n\r\nOK\r\n");
	/* With echo on, what is typed after "> " comes back too. */
	r.at.echo = true;
	CHECK_STR(io(&r, cmd), "AT+CMGS=19\r\r\n> ");
	CHECK_STR(io(&r, "0011\x1b"), "0011\r\n\r\nOK\r\n");
	r.at.echo = false;
	CHECK_INT(fw_net_sent_count(r.net), 0);
	/* Length that disagrees with the PDU. */
	CHECK_STR(io(&r, "AT+CMGS=3\r"), "\r\n> ");
	snprintf(body, sizeof body, "%s\x1a", pdu);
	r.at.echo = false;
	CHECK_STR(io(&r, body), "\r\n+CMS ERROR: 304\r\n");
	rig_close(&r);
}

TEST(urcs_held_during_prompt)
{
	struct rig r;
	rig_open(&r, "ec25");
	io(&r, "ATE0\r");
	CHECK_STR(io(&r, "AT+CMGS=19\r"), "\r\n> ");
	struct fw_net_sms_opts o = { .from = "+84912345678", .text = "hi", .force = -1, .ref = -1,
				     .scts = r.at.wall };
	char why[128];
	CHECK_INT(fw_net_deliver(r.net, &o, why, sizeof why), 1);
	CHECK_STR(io(&r, ""), "");	/* stored, the +CMTI waits */
	CHECK_STR(io(&r, "\x1b"), "\r\n\r\nOK\r\n\r\n+CMTI: \"SM\",0\r\n");
	rig_close(&r);
}

TEST(storage_full_and_retry)
{
	struct rig r;
	char why[128];
	rig_open(&r, "sim800");
	io(&r, "ATE0\r");
	for (int i = 0; i < 4; i++) {
		struct fw_net_sms_opts o = { .from = "+84912345678", .text = "x", .force = -1,
					     .ref = -1, .scts = r.at.wall };
		CHECK_INT(fw_net_deliver(r.net, &o, why, sizeof why), 1);
	}
	CHECK_STR(io(&r, ""), "\r\n+CMTI: \"SM\",1\r\n\r\n+CMTI: \"SM\",2\r\n\r\n+CMTI: \"SM\",3\r\n");
	CHECK_INT(fw_net_inbound_count(r.net), 1);
	CHECK_STR(io(&r, "AT+CMGD=2\r"), "\r\nOK\r\n\r\n+CMTI: \"SM\",2\r\n");
	CHECK_INT(fw_net_inbound_count(r.net), 0);
	CHECK(r.at.sim_dirty);
	rig_close(&r);
}

TEST(pin_boot_and_reset)
{
	struct rig r;
	rig_open(&r, "ec25");
	r.sim->pin_enabled = true;
	snprintf(r.sim->pin, sizeof r.sim->pin, "1234");
	io(&r, "ATE0;+CMEE=1\r");
	CHECK_STR(io(&r, "AT+CFUN=1,1\r"), "\r\nOK\r\n");
	CHECK_STR(io(&r, "AT\r"), "");	/* rebooting */
	CHECK_STR(wait_ms(&r, 1000), "\r\nRDY\r\n\r\n+CFUN: 1\r\n\r\n+CPIN: SIM PIN\r\n");
	CHECK_INT(r.at.reg, 0);
	CHECK_STR(io(&r, "AT+CPIN=\"1234\"\r"), "AT+CPIN=\"1234\"\r\r\nOK\r\n\r\n+CPIN: READY\r\n");
	CHECK_STR(wait_ms(&r, 1000),
		  "\r\n+QUSIM: 1\r\n\r\n+QIND: SMS DONE\r\n\r\n+QIND: PB DONE\r\n");
	CHECK_INT(r.at.reg, 1);
	rig_close(&r);
}

TEST(registration_urcs)
{
	struct rig r;
	rig_open(&r, "ec25");
	io(&r, "ATE0;+CREG=1;+CEREG=1\r");
	fw_buf_clear(&r.at.out);
	fw_at_set_network(&r.at, false, r.now);
	CHECK_STR(r.at.out.p, "\r\n+CREG: 2\r\n\r\n+CEREG: 2\r\n");
	CHECK_STR(wait_ms(&r, 50), "");
	fw_at_set_network(&r.at, true, r.now);
	CHECK_STR(wait_ms(&r, 1000), "\r\n+CREG: 1\r\n\r\n+CEREG: 1\r\n");
	rig_close(&r);
}

TEST(ussd_menu_and_charset)
{
	struct rig r;
	rig_open(&r, "ec25");
	fw_net_ussd_set(r.net, "*100#", "Chon 1", true);
	fw_net_ussd_set(r.net, "*100#*1", "Xong", false);
	io(&r, "ATE0\r");
	CHECK_STR(io(&r, "AT+CUSD=1,\"*100#\",15\r"), "\r\nOK\r\n");
	CHECK_STR(wait_ms(&r, 500), "\r\n+CUSD: 1,\"Chon 1\",15\r\n");
	io(&r, "AT+CSCS=\"UCS2\"\r");
	CHECK_STR(io(&r, "AT+CUSD=1,\"0031\",15\r"), "\r\nOK\r\n");
	CHECK_STR(wait_ms(&r, 500), "\r\n+CUSD: 0,\"0058006F006E0067\",15\r\n");
	CHECK_STR(io(&r, "AT+CUSD=1,\"12\",15\r"), "\r\nERROR\r\n");	/* not UCS2 hex */
	rig_close(&r);
}

TEST(no_spin_while_prompt_open)
{
	struct rig r;
	rig_open(&r, "ec25");
	io(&r, "ATE0;+CNMI=2,1,0,1,0\r");
	/* "hello" with TP-SRR: a +CDS is due 300 ms after the send. */
	const char *pdu = "0031000B914819325476F80000AA05E8329BFD06\x1a";
	CHECK_STR(io(&r, "AT+CMGS=19\r"), "\r\n> ");
	CHECK_STR(io(&r, pdu), "\r\n+CMGS: 1\r\n\r\nOK\r\n");
	CHECK_INT(fw_at_next_deadline(&r.at), r.now + 300);
	CHECK_STR(io(&r, "AT+CMGS=19\r"), "\r\n> ");
	r.now += 1000;
	fw_at_tick(&r.at, r.now);
	/* Due but held: the deadline must not stay in the past. */
	CHECK(fw_at_next_deadline(&r.at) > r.now);
	/* The prompt closes: the report follows the OK. */
	CHECK(!strncmp(io(&r, "\x1b"), "\r\n\r\nOK\r\n\r\n+CDS: 25\r\n07914889200030F006010B9148", 41));
	rig_close(&r);
}

TEST(cnmi_mode0_buffers)
{
	struct rig r;
	char why[128];
	rig_open(&r, "ec25");
	io(&r, "ATE0;+CNMI=0,1,0,0,0\r");
	struct fw_net_sms_opts o = { .from = "+84912345678", .text = "x", .force = -1, .ref = -1,
				     .scts = r.at.wall };
	CHECK_INT(fw_net_deliver(r.net, &o, why, sizeof why), 1);
	CHECK_STR(io(&r, ""), "");	/* stored, indication kept in the TA */
	CHECK_STR(io(&r, "AT+CNMI=2,1,0,0,0\r"), "\r\nOK\r\n\r\n+CMTI: \"SM\",0\r\n");
	io(&r, "AT+CNMI=0,1,0,0,1\r");
	CHECK_INT(fw_net_deliver(r.net, &o, why, sizeof why), 1);
	CHECK_STR(io(&r, ""), "");
	CHECK_STR(io(&r, "AT+CNMI=1,1,0,0,1\r"), "\r\nOK\r\n");	/* bfr 1: dropped */
	CHECK_INT(fw_sim_used(r.sim, FW_MEM_SM), 2);
	rig_close(&r);
}

int main(void)
{
	RUN(echo_and_results);
	RUN(command_table);
	RUN(overlong_line);
	RUN(prompt_send_and_cancel);
	RUN(urcs_held_during_prompt);
	RUN(storage_full_and_retry);
	RUN(pin_boot_and_reset);
	RUN(registration_urcs);
	RUN(ussd_menu_and_charset);
	RUN(no_spin_while_prompt_open);
	RUN(cnmi_mode0_buffers);
	return check_done();
}
