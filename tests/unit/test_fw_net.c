/* test_fw_net.c: the simulated network (firmware/fw_net.c): delivery
 * options (order, drop, duplicate, raw PDUs), reassembly of what the modem
 * sends, USSD answers and menus, the balance. */
#include <string.h>

#include "check.h"
#include "fw_fault.h"
#include "fw_net.h"

static const struct pdu_time T = { 2026, 11, 25, 9, 30, 0, 28 };
static const char LONG[] =
	"Tong hop thang 11: DA2 mo hinh chan nuoi bo, 12 ho tham gia; DA2 mo hinh chan nuoi bo, "
	"12 ho tham gia; DA2 mo hinh chan nuoi bo, 12 ho tham gia; DA2 mo hinh chan nuoi bo, 12 ho "
	"tham gia; DA2 mo hinh chan nuoi bo, 12 ho tham gia; DA2 mo hinh chan nuoi bo, 12 ho tham "
	"gia; DA2 mo hinh chan nuoi bo, 12 ho tham gia; DA2 mo hinh.";

static int seq_of(const struct fw_net_in *in)
{
	struct pdu_msg m;
	char why[128];
	if (pdu_decode(in->hex, strlen(in->hex), in->tpdu_len, &m, why, sizeof why) < 0)
		return -1;
	return m.concat.present ? m.concat.seq : 0;
}

TEST(deliver_options)
{
	struct fw_net *n = fw_net_new();
	char why[200];
	int order[] = { 2, 1, 3 }, drop[] = { 3 };
	struct fw_net_sms_opts o = { .from = "+84912345678", .text = LONG, .force = -1, .ref = -1,
				     .order = order, .norder = 3, .drop = drop, .ndrop = 1,
				     .duplicate = true, .scts = T };
	int np = fw_net_deliver(n, &o, why, sizeof why);
	CHECKF(np == 3, "deliver: %d (%s)", np, why);
	CHECK_INT(fw_net_inbound_count(n), 4);
	if (fw_net_inbound_count(n) != 4) {
		fw_net_free(n);
		return;
	}	/* (2, 1) twice */
	int want[] = { 2, 1, 2, 1 };
	for (int i = 0; i < 4; i++) {
		const struct fw_net_in *in = fw_net_inbound_peek(n);
		CHECK_INT(seq_of(in), want[i]);
		if (i == 0) {	/* put back, as the modem does when it cannot take it */
			struct fw_net_in copy = *in;
			fw_net_inbound_pop(n);
			CHECK_INT(fw_net_inbound_unpop(n, &copy), 0);
			CHECK_INT(seq_of(fw_net_inbound_peek(n)), 2);
		}
		fw_net_inbound_pop(n);
	}
	CHECK(!fw_net_inbound_peek(n));
	int bad[] = { 1, 1, 2 };
	o.order = bad;
	CHECK(fw_net_deliver(n, &o, why, sizeof why) < 0);
	CHECK(strstr(why, "permutation") != NULL);
	CHECK(fw_net_deliver_pdu(n, "0G", why, sizeof why) < 0);
	CHECK(fw_net_deliver_pdu(n, "05AA", why, sizeof why) < 0);	/* SMSC longer than PDU */
	CHECK_INT(fw_net_deliver_pdu(n, "00040B914819325476F80000621152903000000161", why, sizeof why), 1);
	CHECK_INT(fw_net_inbound_peek(n)->tpdu_len, 20);
	fw_net_free(n);
	fw_net_free(NULL);
}

TEST(submit_reassembly)
{
	struct fw_net *n = fw_net_new();
	struct pdu_part parts[4];
	char why[200];
	struct pdu_submit_opts o = { .to = "+84912345678", .text = LONG, .force = -1, .ref = 9 };
	int np = pdu_encode_submit(&o, parts, 4, why, sizeof why);
	CHECK_INT(np, 3);
	if (np != 3) {
		fw_net_free(n);
		return;
	}
	CHECK_INT(fw_net_submit_pdu(n, parts[2].hex, parts[2].tpdu_len, 1, NULL, why, sizeof why), 0);
	CHECK_INT(fw_net_submit_pdu(n, parts[0].hex, parts[0].tpdu_len, 2, NULL, why, sizeof why), 0);
	CHECK_INT(fw_net_sent_count(n), 0);
	CHECK_INT(fw_net_pending_parts(n), 2);
	CHECK_INT(fw_net_submit_pdu(n, parts[1].hex, parts[1].tpdu_len, 3, NULL, why, sizeof why), 0);
	json_t *s = fw_net_sent_take(n, 0, true);
	CHECK_INT(json_array_size(s), 1);
	json_t *r = json_array_get(s, 0);
	CHECK_STR(json_string_value(json_object_get(r, "text")), LONG);
	CHECK_INT(json_integer_value(json_object_get(r, "parts")), 3);
	CHECK_STR(json_string_value(json_object_get(r, "encoding")), "gsm7");
	json_decref(s);
	CHECK_INT(fw_net_sent_count(n), 1);	/* kept */
	s = fw_net_sent_take(n, 0, false);
	json_decref(s);
	CHECK_INT(fw_net_sent_count(n), 0);
	/* A DELIVER is no SUBMIT; garbage is refused with 304. */
	struct pdu_part d[1];
	struct pdu_deliver_opts dv = { .from = "+84912345678", .text = "x", .force = -1, .scts = T };
	CHECK_INT(pdu_encode_deliver(&dv, d, 1, why, sizeof why), 1);
	CHECK_INT(fw_net_submit_pdu(n, d[0].hex, d[0].tpdu_len, 3, NULL, why, sizeof why), 304);
	CHECK_INT(fw_net_submit_pdu(n, "zz", 1, 3, NULL, why, sizeof why), 304);
	fw_net_free(n);
}

TEST(ussd_and_balance)
{
	struct fw_net *n = fw_net_new();
	char out[64];
	CHECK_INT(fw_net_ussd_answer(n, "*101#", out, sizeof out), 0);
	CHECK_STR(out, "TKC 50000d, han su dung 31/12/2027.");
	CHECK_INT(fw_net_ussd_set(n, "*101#", "TKC {balance}d {balance}", false), 0);
	fw_net_set_balance(n, 700, 350);
	CHECK_INT(fw_net_ussd_answer(n, "*101#", out, sizeof out), 0);
	CHECK_STR(out, "TKC 700d 700");
	CHECK_INT(fw_net_submit_text(n, "+84912345678", "a", SMS_ENC_GSM7, false, 1), 0);
	CHECK_INT(fw_net_submit_text(n, "+84912345678", "b", SMS_ENC_GSM7, false, 2), 0);
	CHECK_INT(fw_net_submit_text(n, "+84912345678", "c", SMS_ENC_GSM7, false, 3), 21);
	CHECK_INT(fw_net_balance(n), 0);
	CHECK_INT(fw_net_ussd_set(n, "*100#", "menu", true), 0);
	CHECK_INT(fw_net_ussd_answer(n, "*100#", out, sizeof out), 1);
	CHECK_INT(fw_net_ussd_answer(n, "*100#*9", out, sizeof out), 4);
	CHECK_INT(fw_net_ussd_answer(n, "*101#", out, 8), 0);	/* truncated, terminated */
	CHECK_STR(out, "TKC 0d ");
	CHECK_INT(fw_net_counters(n)->rejected, 1);
	CHECK(fw_net_gsm7_ok("abc {x} €"));
	CHECK(fw_net_gsm7_ok("Tài"));	/* à is in the default alphabet */
	CHECK(!fw_net_gsm7_ok("Tải"));
	fw_net_free(n);
}

TEST(faults_table)
{
	struct fw_fault f, g;
	uint8_t a[64], b[64];
	CHECK_INT(fw_fault_parse("no-network"), FW_FAULT_NO_NETWORK);
	CHECK_INT(fw_fault_parse("melt"), -1);
	CHECK_STR(fw_fault_name(FW_FAULT_CMS_ERROR), "cms-error");
	fw_fault_init(&f, 7);
	fw_fault_init(&g, 7);
	fw_fault_garbage(&f, a, sizeof a);
	fw_fault_garbage(&g, b, sizeof b);
	CHECK(!memcmp(a, b, sizeof a));	/* repeatable for a seed */
	CHECK_INT(fw_fault_next_deadline(&f), FW_FAULT_NONE);
	f.nonet_until = 500;
	CHECK_INT(fw_fault_next_deadline(&f), 500);
}

int main(void)
{
	RUN(deliver_options);
	RUN(submit_reassembly);
	RUN(ussd_and_balance);
	RUN(faults_table);
	return check_done();
}
