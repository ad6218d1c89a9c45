/* test_pdu_errors.c: malformed PDUs. Every one returns a negative enum
 * pdu_err with a non-empty reason and nothing else: truncated at every
 * length, length fields that lie, bad hex, bad UDH, bad addresses. Under
 * ASan these also prove that no length field makes the decoder read past
 * the input. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sms/pdu.h"

static struct pdu_msg m;
static char why[256];

static int d(const char *hex, int len)
{
	why[0] = '\0';
	return pdu_decode(hex, strlen(hex), len, &m, why, sizeof why);
}

static const char *good[] = {
	/* DELIVER with SMSC, GSM 7-bit */
	"07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37",
	/* DELIVER, UDH concat + port, 7 fill bits */
	"00440B914819325476F8000062115261925082130B05040B8423F000037F020120CB6CF61B",
	/* DELIVER UCS-2 with emoji */
	"00040B914819325476F800086211526192508208D83DDE000041006F",
	/* SUBMIT with relative validity */
	"0011000B914819325476F80000AA02E834",
	/* STATUS-REPORT with PI, DCS, UD */
	"00062A0B914819325476F8621152619250826211526192538230060002E834",
	/* DELIVER alphanumeric sender */
	"07914889200030F0040DD0D664914A2D32010000621152619250820AD4E5101493D5603032",
};

TEST(good_ones_decode)
{
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
		CHECKF(d(good[i], -1) == 0, "good[%zu]: %s", i, why);
}

TEST(every_truncation_fails)
{
	char hex[400];
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		size_t len = strlen(good[i]);
		for (size_t cut = 0; cut < len; cut++) {
			memcpy(hex, good[i], cut);
			hex[cut] = '\0';
			int rc = d(hex, -1);
			if (i == 4 && cut == 52)
				continue;	/* a status report may end after TP-ST */
			CHECKF(rc < 0 && why[0], "good[%zu] cut at %zu: rc %d, why '%s'", i, cut, rc, why);
		}
	}
}

TEST(every_extension_fails)
{
	/* One extra octet after the user data is a length that lies too. */
	char hex[400];
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (i == 4)
			continue;	/* a status report's UD is optional, but here it ends it */
		snprintf(hex, sizeof hex, "%s00", good[i]);
		int rc = d(hex, -1);
		CHECKF(rc < 0 && why[0], "good[%zu]+00: rc %d", i, rc);
	}
}

TEST(length_fields_that_lie)
{
	static const struct { const char *hex; int err; const char *word; } t[] = {
		/* UDL 0A -> FF (more than 160 septets) */
		{ "00040B914819325476F8000062115261925082FFE834", PDU_E_LENGTH, "160" },
		/* UDL of UCS-2 above 140 */
		{ "00040B914819325476F800086211526192508290D83DDE000041006F", PDU_E_LENGTH, "140" },
		/* UDL says 3 septets, 1 octet present */
		{ "00040B914819325476F8000062115261925082" "03E8", PDU_E_TRUNC, "octets" },
		/* OA length 0x20 digits */
		{ "00042091481932547698000062115261925082" "02E834", PDU_E_ADDR, "10 octets" },
		/* OA length 0x0B but the PDU ends inside */
		{ "00040B91481932", PDU_E_TRUNC, "address" },
		/* SMSC length 0x0C */
		{ "0C914819325476F8040B914819325476F8000062115261925082" "02E834", PDU_E_ADDR, "" },
		/* UDHL beyond the user data */
		{ "00440B914819325476F80000621152619250820A0900032A0302C2E231", PDU_E_UDH, "UDH length" },
		/* IE length beyond the UDH */
		{ "00440B914819325476F80000621152619250820A0500042A0302C2E231", PDU_E_UDH, "claims" },
		/* concatenation IE with length 2 */
		{ "00440B914819325476F80000621152619250820A05000202030002E231", PDU_E_UDH, "concatenation" },
		/* UDH of 2 octets where IE header needs 2 but one is left */
		{ "00440B914819325476F800086211526192508203020000", PDU_E_UDH, "" },
		/* UDHI set, UDL 0 */
		{ "00440B914819325476F8000062115261925082" "00", PDU_E_UDH, "empty" },
		/* UDHI set, UDHL bigger than the septets announced */
		{ "00440B914819325476F8000062115261925082" "020100", PDU_E_UDH, "" },
		/* odd UCS-2 length */
		{ "00040B914819325476F8000862115261925082" "03004100", PDU_E_ENCODING, "odd" },
		/* MTI 3 */
		{ "00070B914819325476F8000062115261925082" "02E834", PDU_E_TYPE, "MTI" },
		/* filler F inside the number */
		{ "00040B914819F25476F8000062115261925082" "02E834", PDU_E_ADDR, "filler" },
		/* compressed */
		{ "00040B914819325476F8002062115261925082" "02E834", PDU_E_COMPRESSED, "compressed" },
		/* hex */
		{ "00040B914819325476F80000621152619250820", PDU_E_HEX, "odd" },
		{ "00040B914819325476F8000062115261925082 2E834", PDU_E_HEX, "offset 38" },
		{ "", PDU_E_TRUNC, "empty" },
		{ "\r\n", PDU_E_TRUNC, "empty" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int rc = d(t[i].hex, -1);
		CHECKF(rc == t[i].err, "row %zu: rc %d (%s), want %d", i, rc, why, t[i].err);
		CHECKF(why[0] && strstr(why, t[i].word), "row %zu: reason '%s' lacks '%s'", i, why,
		       t[i].word);
	}
}

TEST(explicit_length)
{
	const char *p = good[0];	/* SMSC of 8 octets + 28 */
	CHECK_INT(d(p, 28), 0);
	CHECK_INT(d(p, 29), PDU_E_LENGTH);
	CHECK_INT(d(p, 27), PDU_E_LENGTH);
	CHECK_INT(d(p, 200), PDU_E_TRUNC);
	CHECK(strstr(why, "200") != NULL);
	CHECK_INT(d(p, 0), PDU_E_LENGTH);
	/* A modem line with its CR LF is fine. */
	char line[200];
	snprintf(line, sizeof line, "%s\r\n", p);
	CHECK_INT(d(line, 28), 0);
	/* Too long for any SMS. */
	char big[1000];
	memset(big, '0', 998);
	big[998] = '\0';
	CHECK_INT(d(big, -1), PDU_E_LENGTH);
}

TEST(reason_buffers)
{
	/* NULL and tiny reason buffers are safe; the reason is cut, not overrun. */
	CHECK_INT(pdu_decode("0", 1, -1, &m, NULL, 0), PDU_E_HEX);
	char tiny[6];
	CHECK_INT(pdu_decode("0", 1, -1, &m, tiny, sizeof tiny), PDU_E_HEX);
	CHECK_INT(strlen(tiny), 5);
	CHECK_INT(pdu_decode(NULL, 0, -1, &m, tiny, sizeof tiny), PDU_E_ARG);
	CHECK_INT(pdu_decode("00", 2, -1, NULL, tiny, sizeof tiny), PDU_E_ARG);
	/* Only hexlen bytes are read: the tail after it is not looked at. */
	CHECK_INT(pdu_decode(good[0], 20, -1, &m, why, sizeof why), PDU_E_TRUNC);
	/* After a failure the message is empty, not half filled. */
	CHECK_STR(m.text, "");
	CHECK_STR(m.addr.text, "");
	/* Success leaves no reason behind, even a stale one. */
	strcpy(why, "stale");
	CHECK_INT(pdu_decode(good[0], strlen(good[0]), -1, &m, why, sizeof why), 0);
	CHECK_STR(why, "");
	/* Auto-detection says what both readings found. */
	CHECK(d("00070B914819325476F8000062115261925082" "02E834", -1) < 0);
	CHECK(strstr(why, "bare TPDU") != NULL);
}

TEST(encoder_arguments)
{
	struct pdu_part p[2];
	struct pdu_submit_opts o = { .to = NULL, .text = "x", .force = -1 };
	CHECK_INT(pdu_encode_submit(&o, p, 2, why, sizeof why), PDU_E_ARG);
	o.to = "1414";
	o.text = NULL;
	CHECK_INT(pdu_encode_submit(&o, p, 2, why, sizeof why), PDU_E_ARG);
	o.text = "x";
	CHECK_INT(pdu_encode_submit(&o, p, 0, why, sizeof why), PDU_E_ARG);
	CHECK_INT(pdu_encode_submit(NULL, p, 2, why, sizeof why), PDU_E_ARG);
	o.validity_minutes = -1;
	CHECK_INT(pdu_encode_submit(&o, p, 2, why, sizeof why), PDU_E_ARG);
	struct pdu_time t = { 2026, 1, 1, 0, 0, 0, 0 };
	CHECK_INT(pdu_encode_status_report(1, NULL, &t, &t, 0, NULL, p, why, sizeof why), PDU_E_ARG);
	CHECK_INT(pdu_encode_status_report(1, "x", &t, &t, 0, NULL, p, why, sizeof why), PDU_E_ADDR);
	CHECK_INT(pdu_encode_status_report(1, "1414", &t, &t, 0, "+84A", p, why, sizeof why),
		  PDU_E_ADDR);
	CHECK_INT(pdu_encode_status_report(1, "1414", &t, &t, 0, "+84980200030", p, why,
					   sizeof why), 1);
	CHECK_INT(d(p[0].hex, p[0].tpdu_len), 0);
	CHECK_STR(m.smsc.text, "+84980200030");
	struct pdu_deliver_opts o2 = { .from = "1414", .text = "x", .force = -1, .scts = t,
				       .smsc = "123456789012345678901" };
	CHECK_INT(pdu_encode_deliver(&o2, p, 2, why, sizeof why), PDU_E_ADDR);
	o2.smsc = NULL;
	o2.scts.year = 2100;
	CHECK_INT(pdu_encode_deliver(&o2, p, 2, why, sizeof why), PDU_E_TIME);
	CHECK(strcmp(pdu_strerror(PDU_E_UDH), "unknown error") != 0);
	CHECK_STR(pdu_strerror(12345), "unknown error");
	CHECK_STR(pdu_type_name(PDU_STATUS_REPORT), "status-report");
	CHECK_STR(sms_enc_name(SMS_ENC_8BIT), "8bit");
}

int main(void)
{
	RUN(good_ones_decode);
	RUN(every_truncation_fails);
	RUN(every_extension_fails);
	RUN(length_fields_that_lie);
	RUN(explicit_length);
	RUN(reason_buffers);
	RUN(encoder_arguments);
	return check_done();
}
