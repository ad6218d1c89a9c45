/* test_pdu.c: the PDU codec against hand-checked vectors (3GPP TS 23.040
 * examples and well-known published PDUs), both directions, and every way a
 * malformed PDU is refused. Oracle fixtures are in test_pdu_fixtures.c, the
 * random round trip in test_pdu_roundtrip.c. */
#include <string.h>

#include "check.h"
#include "sms/pdu.h"

static struct pdu_msg m;
static char why[256];

static int dec(const char *hex, int len)
{
	why[0] = '\0';
	return pdu_decode(hex, strlen(hex), len, &m, why, sizeof why);
}

static struct pdu_time t0 = { 2026, 11, 25, 16, 29, 5, 28 };

TEST(deliver_with_smsc)
{
	/* The classic "hellohello" from a South African SMSC; TOA C8. */
	CHECK_INT(dec("07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37", -1), 0);
	CHECK_INT(m.type, PDU_DELIVER);
	CHECK(m.has_smsc);
	CHECK_STR(m.smsc.text, "+27381000015");
	CHECK_STR(m.addr.text, "27838890001");
	CHECK_INT(m.addr.toa, 0xC8);
	CHECK_STR(m.text, "hellohello");
	CHECK_INT(m.text_len, 10);
	CHECK_INT(m.enc, SMS_ENC_GSM7);
	CHECK_INT(m.scts.year, 1999);
	CHECK_INT(m.scts.tz_quarters, 8);
	char iso[40];
	pdu_time_iso(&m.scts, iso, sizeof iso);
	CHECK_STR(iso, "1999-03-29T15:16:59+02:00");
	CHECK(!m.concat.present);
	CHECK_INT(m.msg_class, -1);
	/* The same with the length the modem gives (+CMGR: 0,,28). */
	CHECK_INT(dec("07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37", 28), 0);
	CHECK_STR(m.text, "hellohello");
	/* And bare: auto-detect falls back. */
	CHECK_INT(dec("040BC87238880900F10000993092516195800AE8329BFD4697D9EC37", -1), 0);
	CHECK(!m.has_smsc);
	CHECK_STR(m.text, "hellohello");
	CHECK_INT(dec("040BC87238880900F10000993092516195800AE8329BFD4697D9EC37", 28), 0);
	CHECK_STR(m.addr.text, "27838890001");
}

TEST(submit_encode_basic)
{
	struct pdu_part p[4];
	struct pdu_submit_opts o = { .to = "+84912345678", .text = "Hello world", .force = -1 };
	CHECK_INT(pdu_encode_submit(&o, p, 4, why, sizeof why), 1);
	CHECK_STR(p[0].hex, "0001000B914819325476F800000BC8329BFD06DDDF723619");
	CHECK_INT(p[0].tpdu_len, 23);
	CHECK_INT(dec(p[0].hex, p[0].tpdu_len), 0);
	CHECK_INT(m.type, PDU_SUBMIT);
	CHECK_STR(m.addr.text, "+84912345678");
	CHECK_STR(m.text, "Hello world");
	/* National number, status report, validity 1 day. */
	o.to = "0912345678";
	o.status_report = true;
	o.validity_minutes = 24 * 60;
	CHECK_INT(pdu_encode_submit(&o, p, 4, why, sizeof why), 1);
	CHECK_STR(p[0].hex, "0031000A8190214365870000A70BC8329BFD06DDDF723619");
	CHECK_INT(dec(p[0].hex, -1), 0);
	CHECK(m.status_report);
	CHECK_INT(m.validity_minutes, 24 * 60);
	CHECK_STR(m.addr.text, "0912345678");
}

TEST(gsm7_extension)
{
	struct pdu_part p[2];
	struct pdu_submit_opts o = { .to = "1414", .text = "{a}[b]~c|d^e\\f€g", .force = -1 };
	CHECK_INT(pdu_encode_submit(&o, p, 2, why, sizeof why), 1);
	CHECK_INT(dec(p[0].hex, -1), 0);
	CHECK_INT(m.enc, SMS_ENC_GSM7);
	CHECK_STR(m.text, "{a}[b]~c|d^e\\f€g");
	CHECK_STR(m.addr.text, "1414");
	/* Default-alphabet specials: @ £ $ ¥ è é ù ì ò Ç Ø ø Å å Δ _ Φ ... à */
	o.text = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà";
	CHECK_INT(pdu_encode_submit(&o, p, 2, why, sizeof why), 1);
	CHECK_INT(dec(p[0].hex, -1), 0);
	CHECK_INT(m.enc, SMS_ENC_GSM7);
	CHECK_STR(m.text, o.text);
}

TEST(ucs2_surrogates)
{
	struct pdu_part p[2];
	struct pdu_submit_opts o = { .to = "+84912345678", .text = "Xin chào 😀", .force = -1 };
	CHECK_INT(pdu_encode_submit(&o, p, 2, why, sizeof why), 1);
	CHECK(strstr(p[0].hex, "0008") != NULL);
	CHECK(strstr(p[0].hex, "D83DDE00") != NULL);
	CHECK_INT(dec(p[0].hex, -1), 0);
	CHECK_INT(m.enc, SMS_ENC_UCS2);
	CHECK_STR(m.text, "Xin chào 😀");
	CHECK_INT(m.data_len, 2 * 11);
}

TEST(concat_8bit_and_16bit)
{
	char text[400];
	for (int i = 0; i < 300; i++)
		text[i] = (char)('a' + i % 26);
	text[300] = '\0';
	struct pdu_part p[4];
	struct pdu_submit_opts o = { .to = "+84912345678", .text = text, .force = -1, .ref = 0x1A2 };
	CHECK_INT(pdu_encode_submit(&o, p, 4, why, sizeof why), 2);
	char got[400] = "";
	for (int i = 0; i < 2; i++) {
		CHECK_INT(dec(p[i].hex, p[i].tpdu_len), 0);
		CHECK(m.concat.present);
		CHECK(!m.concat.ref16);
		CHECK_INT(m.concat.ref, 0xA2);
		CHECK_INT(m.concat.total, 2);
		CHECK_INT(m.concat.seq, i + 1);
		CHECK_INT(m.text_len, i == 0 ? 153 : 147);
		strcat(got, m.text);
	}
	CHECK_STR(got, text);
	o.ref16 = true;
	CHECK_INT(pdu_encode_submit(&o, p, 4, why, sizeof why), 2);
	got[0] = '\0';
	for (int i = 0; i < 2; i++) {
		CHECK_INT(dec(p[i].hex, p[i].tpdu_len), 0);
		CHECK(m.concat.ref16);
		CHECK_INT(m.concat.ref, 0x1A2);
		CHECK_INT(m.text_len, i == 0 ? 152 : 148);
		strcat(got, m.text);
	}
	CHECK_STR(got, text);
	/* Too many parts for the caller's array. */
	CHECK_INT(pdu_encode_submit(&o, p, 1, why, sizeof why), PDU_E_TOOLONG);
	CHECK(why[0] != '\0');
}

TEST(deliver_alnum_roundtrip)
{
	struct pdu_part p[2];
	struct pdu_deliver_opts o = { .from = "VIETTEL", .alnum = true, .smsc = "+84980200030",
				      .text = "TKC 12500d", .force = -1, .scts = t0 };
	CHECK_INT(pdu_encode_deliver(&o, p, 2, why, sizeof why), 1);
	CHECK(strncmp(p[0].hex, "07914889200030F0", 16) == 0);
	CHECK(strstr(p[0].hex, "040DD0D664914A2D3201") != NULL);
	CHECK_INT(dec(p[0].hex, p[0].tpdu_len), 0);
	CHECK_INT(m.type, PDU_DELIVER);
	CHECK(m.addr.alnum);
	CHECK_STR(m.addr.text, "VIETTEL");
	CHECK_STR(m.smsc.text, "+84980200030");
	CHECK_STR(m.text, "TKC 12500d");
	CHECK_INT(m.scts.tz_quarters, 28);
	CHECK_INT(m.scts.second, 5);
	CHECK_INT(pdu_time_epoch(&m.scts), 1795598945LL);
}

TEST(status_report_roundtrip)
{
	struct pdu_part p;
	struct pdu_time dt = t0;
	dt.second = 9;
	dt.tz_quarters = -14;	/* -03:30 */
	CHECK_INT(pdu_encode_status_report(42, "+84912345678", &t0, &dt, 0x00, NULL, &p, why,
					   sizeof why), 1);
	CHECK_INT(dec(p.hex, p.tpdu_len), 0);
	CHECK_INT(m.type, PDU_STATUS_REPORT);
	CHECK_INT(m.mr, 42);
	CHECK_STR(m.addr.text, "+84912345678");
	CHECK_INT(m.st, 0);
	CHECK_INT(m.dt.tz_quarters, -14);
	char iso[40];
	pdu_time_iso(&m.dt, iso, sizeof iso);
	CHECK_STR(iso, "2026-11-25T16:29:09-03:30");
}

TEST(malformed_refused)
{
	static const struct { const char *hex; int err; } bad[] = {
		{ "", PDU_E_TRUNC },
		{ "0", PDU_E_HEX },
		{ "0G", PDU_E_HEX },
		{ "07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC", PDU_E_TRUNC },
		{ "07917283010010F5040BC87238880900F10000993092516195800BE8329BFD4697D9EC37", PDU_E_TRUNC },
		{ "07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC3700", PDU_E_LENGTH },
		{ "07917283010010F5030BC87238880900F10000", PDU_E_TYPE },
		{ "07917283010010F5040BC87238880900F10020993092516195800AE8329BFD4697D9EC37", PDU_E_COMPRESSED },
		{ "07917283010010F5040BC87238880900F10000993092516195800AE8329BFD4697D9EC37", 0 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		int rc = dec(bad[i].hex, -1);
		CHECKF(rc == bad[i].err, "row %zu: got %d (%s), want %d", i, rc, why, bad[i].err);
		CHECKF(rc == 0 || why[0] != '\0', "row %zu: no reason", i);
	}
}

int main(void)
{
	RUN(deliver_with_smsc);
	RUN(submit_encode_basic);
	RUN(gsm7_extension);
	RUN(ucs2_surrogates);
	RUN(concat_8bit_and_16bit);
	RUN(deliver_alnum_roundtrip);
	RUN(status_report_roundtrip);
	RUN(malformed_refused);
	return check_done();
}
