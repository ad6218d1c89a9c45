/* test_pdu_spec.c: the corners of TS 23.040 / 23.038 one by one: DCS
 * groups and classes, 8-bit data, UDH elements and fill bits, addresses
 * with odd digit counts, '*' and '#', time zones, and where long text is
 * split. The hand vectors were packed with an independent few-line Python
 * septet packer (the UD column), not with this codec. */
#include <stdio.h>
#include <string.h>

#include "check.h"
#include "sms/pdu.h"

static struct pdu_msg m;
static char why[256];

static int d(const char *hex)
{
	why[0] = '\0';
	return pdu_decode(hex, strlen(hex), -1, &m, why, sizeof why);
}

/* A DELIVER with SMSC "00", from +84912345678, stamped
 * 2026-11-25 16:29:05 +07:00, with the given first octet, DCS and UDL+UD. */
static int deliver(const char *fo, const char *dcs, const char *ud)
{
	char hex[600];
	snprintf(hex, sizeof hex, "00%s0B914819325476F800%s62115261925082%s", fo, dcs, ud);
	why[0] = '\0';
	return pdu_decode(hex, strlen(hex), -1, &m, why, sizeof why);
}

TEST(dcs_groups)
{
	static const struct {
		const char *dcs, *ud;
		int rc; enum sms_enc enc; int cls; int mwi, active, discard, kind, autodel;
		const char *text;
	} t[] = {
		{ "00", "02E834", 0, SMS_ENC_GSM7, -1, 0, 0, 0, 0, 0, "hi" },
		{ "10", "02E834", 0, SMS_ENC_GSM7, 0, 0, 0, 0, 0, 0, "hi" },	/* flash */
		{ "11", "02E834", 0, SMS_ENC_GSM7, 1, 0, 0, 0, 0, 0, "hi" },
		{ "12", "02E834", 0, SMS_ENC_GSM7, 2, 0, 0, 0, 0, 0, "hi" },
		{ "13", "02E834", 0, SMS_ENC_GSM7, 3, 0, 0, 0, 0, 0, "hi" },
		{ "0C", "02E834", 0, SMS_ENC_GSM7, -1, 0, 0, 0, 0, 0, "hi" },	/* reserved alphabet */
		{ "08", "0400680069", 0, SMS_ENC_UCS2, -1, 0, 0, 0, 0, 0, "hi" },
		{ "18", "0400680069", 0, SMS_ENC_UCS2, 0, 0, 0, 0, 0, 0, "hi" },
		{ "04", "02E834", 0, SMS_ENC_8BIT, -1, 0, 0, 0, 0, 0, "" },
		{ "40", "02E834", 0, SMS_ENC_GSM7, -1, 0, 0, 0, 0, 1, "hi" },	/* auto-delete */
		{ "48", "0400680069", 0, SMS_ENC_UCS2, -1, 0, 0, 0, 0, 1, "hi" },
		{ "20", "02E834", PDU_E_COMPRESSED, SMS_ENC_GSM7, -1, 0, 0, 0, 0, 0, "" },
		{ "3A", "02E834", PDU_E_COMPRESSED, SMS_ENC_GSM7, -1, 0, 0, 0, 0, 0, "" },
		{ "60", "02E834", PDU_E_COMPRESSED, SMS_ENC_GSM7, -1, 0, 0, 0, 0, 0, "" },
		{ "80", "02E834", 0, SMS_ENC_GSM7, -1, 0, 0, 0, 0, 0, "hi" },	/* reserved group */
		{ "C8", "02E834", 0, SMS_ENC_GSM7, -1, 1, 1, 1, 0, 0, "hi" },	/* MWI discard, voicemail on */
		{ "C0", "02E834", 0, SMS_ENC_GSM7, -1, 1, 0, 1, 0, 0, "hi" },	/* ... off */
		{ "DA", "02E834", 0, SMS_ENC_GSM7, -1, 1, 1, 0, 2, 0, "hi" },	/* store, e-mail on */
		{ "EB", "0400680069", 0, SMS_ENC_UCS2, -1, 1, 1, 0, 3, 0, "hi" },	/* store UCS-2, other */
		{ "F0", "02E834", 0, SMS_ENC_GSM7, 0, 0, 0, 0, 0, 0, "hi" },
		{ "F1", "02E834", 0, SMS_ENC_GSM7, 1, 0, 0, 0, 0, 0, "hi" },
		{ "F6", "02E834", 0, SMS_ENC_8BIT, 2, 0, 0, 0, 0, 0, "" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		int rc = deliver("04", t[i].dcs, t[i].ud);
		CHECKF(rc == t[i].rc, "DCS %s: rc %d (%s), want %d", t[i].dcs, rc, why, t[i].rc);
		if (rc) {
			CHECKF(strstr(why, "compressed") != NULL, "DCS %s: reason '%s'", t[i].dcs, why);
			continue;
		}
		CHECKF(m.enc == t[i].enc, "DCS %s: enc %d", t[i].dcs, m.enc);
		CHECKF(m.msg_class == t[i].cls, "DCS %s: class %d", t[i].dcs, m.msg_class);
		CHECKF(m.mwi == t[i].mwi && m.mwi_active == t[i].active &&
		       m.mwi_discard == t[i].discard && m.mwi_kind == t[i].kind,
		       "DCS %s: mwi %d/%d/%d/%d", t[i].dcs, m.mwi, m.mwi_active, m.mwi_discard,
		       m.mwi_kind);
		CHECKF(m.auto_delete == t[i].autodel, "DCS %s: auto-delete", t[i].dcs);
		CHECKF(!strcmp(m.text, t[i].text), "DCS %s: text '%s'", t[i].dcs, m.text);
	}
}

TEST(eight_bit_data)
{
	CHECK_INT(deliver("04", "04", "050102FF0400"), 0);
	CHECK_INT(m.enc, SMS_ENC_8BIT);
	CHECK_INT(m.data_len, 5);
	CHECK(memcmp(m.data, "\x01\x02\xFF\x04\x00", 5) == 0);
	CHECK_STR(m.text, "");
	/* With a port-addressing UDH (WAP push style): data follows the UDH. */
	CHECK_INT(deliver("44", "04", "0906050423F00000AABB"), 0);
	CHECK_INT(m.udh_len, 6);
	CHECK_INT(m.data_len, 2);
	CHECK(m.data[0] == 0xAA && m.data[1] == 0xBB);
	CHECK(!m.concat.present);
}

TEST(udh_elements_and_fill_bits)
{
	/* Port element (05) is skipped, concatenation found, 7 fill bits. */
	CHECK_INT(deliver("44", "00", "130B05040B8423F000037F020120CB6CF61B"), 0);
	CHECK_STR(m.text, "Hello");
	CHECK(m.concat.present);
	CHECK_INT(m.concat.ref, 0x7F);
	CHECK_INT(m.concat.total, 2);
	CHECK_INT(m.concat.seq, 1);
	CHECK_INT(m.udh_len, 11);
	/* 8-bit reference, 1 fill bit. */
	CHECK_INT(deliver("44", "00", "0A0500032A0302C2E231"), 0);
	CHECK_STR(m.text, "abc");
	CHECK_INT(m.concat.ref, 42);
	CHECK_INT(m.concat.seq, 2);
	CHECK_INT(m.concat.total, 3);
	CHECK(!m.concat.ref16);
	/* 16-bit reference, no fill bits (7 octets = 8 septets). */
	CHECK_INT(deliver("44", "00", "0B06080412340202F8BC1E"), 0);
	CHECK_STR(m.text, "xyz");
	CHECK(m.concat.ref16);
	CHECK_INT(m.concat.ref, 0x1234);
	CHECK_INT(m.concat.seq, 2);
	/* Concatenation with a zero count or seq > total is ignored (9.2.3.24.1). */
	CHECK_INT(deliver("44", "00", "0A0500032A0004C2E231"), 0);
	CHECK(!m.concat.present);
	CHECK_STR(m.text, "abc");
	CHECK_INT(deliver("44", "00", "0A0500032A0203C2E231"), 0);
	CHECK(!m.concat.present);
	/* UCS-2 with a concatenation header: no fill, text right after. */
	CHECK_INT(deliver("44", "08", "0A050003010201004100E9"), 0);
	CHECK_STR(m.text, "Aé");
	CHECK_INT(m.concat.total, 2);
	/* An empty UDH (UDHL 0) is allowed. */
	CHECK_INT(deliver("44", "00", "0300001A"), 0);
	CHECK_STR(m.text, "h");
}

TEST(lone_surrogate_survives)
{
	/* A part that ends inside a surrogate pair (an encoder that split it)
	 * still decodes: the half becomes U+FFFD and the raw units are kept. */
	CHECK_INT(deliver("44", "08", "0A0500030102010041D83D"), 0);
	CHECK_STR(m.text, "A\xEF\xBF\xBD");
	CHECK_INT(m.data_len, 4);
	CHECK(m.data[2] == 0xD8 && m.data[3] == 0x3D);
}

TEST(addresses)
{
	static const struct { const char *num; int alnum; const char *field; } t[] = {
		{ "+84912345678", 0, "0B914819325476F8" },	/* odd: F filler */
		{ "+849123456789", 0, "0C91481932547698" },	/* even */
		{ "0912345678", 0, "0A819021436587" },
		{ "*101#", 0, "05811A10FB" },
		{ "#123*", 0, "05811B32FA" },
		{ "1", 0, "0181F1" },
		{ "12345678901234567890", 0, "1481214365870921436587" "09" },
		{ "VIETTEL", 1, "0DD0D664914A2D3201" },
		{ "Ab@", 1, "06D0413100" },
		{ "TKC{}", 1, "0DD0D4E57083DAA400" },
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		struct pdu_part p[1];
		struct pdu_deliver_opts o = { .from = t[i].num, .alnum = t[i].alnum, .text = "x",
					      .force = -1,
					      .scts = { 2026, 11, 25, 16, 29, 5, 28 } };
		int n = pdu_encode_deliver(&o, p, 1, why, sizeof why);
		CHECKF(n == 1, "%s: encode %d %s", t[i].num, n, why);
		CHECKF(strstr(p[0].hex, t[i].field) == p[0].hex + 4, "%s: %s lacks %s", t[i].num,
		       p[0].hex, t[i].field);
		CHECKF(pdu_decode(p[0].hex, strlen(p[0].hex), p[0].tpdu_len, &m, why, sizeof why) == 0,
		       "%s: decode %s", t[i].num, why);
		CHECKF(!strcmp(m.addr.text, t[i].num), "%s: decoded '%s'", t[i].num, m.addr.text);
		CHECKF(m.addr.alnum == t[i].alnum, "%s: alnum", t[i].num);
	}
	/* Refused addresses. */
	static const struct { const char *num; int alnum; } bad[] = {
		{ "", 0 }, { "+", 0 }, { "09x1", 0 }, { "123456789012345678901", 0 }, { "+84 91", 0 },
		{ "", 1 }, { "ABCDEFGHIJKL", 1 }, { "ABCDEFGHIJ{", 1 }, { "Đà Nẵng", 1 },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct pdu_part p[1];
		struct pdu_deliver_opts o = { .from = bad[i].num, .alnum = bad[i].alnum, .text = "x",
					      .force = -1,
					      .scts = { 2026, 11, 25, 16, 29, 5, 28 } };
		why[0] = '\0';
		int n = pdu_encode_deliver(&o, p, 1, why, sizeof why);
		CHECKF(n < 0 && why[0], "'%s' accepted (%d)", bad[i].num, n);
	}
}

TEST(time_zones)
{
	static const struct { const char *ts, *iso; long long epoch; } t[] = {
		{ "62115261925082", "2026-11-25T16:29:05+07:00", 1795598945LL },
		{ "62115261925029", "2026-11-25T16:29:05-03:00", 1795634945LL },
		{ "62115261925000", "2026-11-25T16:29:05+00:00", 1795624145LL },
		{ "6211526192501C", "2026-11-25T16:29:05-10:15", 1795661045LL },	/* -41 quarters */
		{ "62115261925081", "2026-11-25T16:29:05+04:30", 1795607945LL },	/* +18 */
		{ "42204000000000", "2024-02-04T00:00:00+00:00", 1707004800LL },
		{ "42922900000000", "2024-29-92T00:00:00+00:00", 0 },		/* not a date */
		{ "99123132595908", "1999-12-13T23:95:95+20:00", 0 },		/* BCD ok, range not */
		{ "621152619250A2", "", 0 },						/* A in zone */
	};
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		char hex[200];
		snprintf(hex, sizeof hex, "00040B914819325476F80000%s02E834", t[i].ts);
		int rc = pdu_decode(hex, strlen(hex), -1, &m, why, sizeof why);
		if (t[i].epoch == 0) {
			CHECKF(rc == PDU_E_TIME, "%s: rc %d (%s)", t[i].ts, rc, why);
			continue;
		}
		CHECKF(rc == 0, "%s: %s", t[i].ts, why);
		char iso[40];
		pdu_time_iso(&m.scts, iso, sizeof iso);
		CHECKF(!strcmp(iso, t[i].iso), "%s: %s", t[i].ts, iso);
		CHECKF(pdu_time_epoch(&m.scts) == t[i].epoch, "%s: epoch %lld", t[i].ts,
		       pdu_time_epoch(&m.scts));
	}
	/* Leap day: 2024-02-29 is a date, 2026-02-29 is not. */
	CHECK_INT(d("00040B914819325476F8000042209200000000" "02E834"), 0);
	CHECK_INT(d("00040B914819325476F8000062209200000000" "02E834"), PDU_E_TIME);
	/* Encoding refuses impossible times. */
	struct pdu_part p[1];
	struct pdu_deliver_opts o = { .from = "+84912345678", .text = "x", .force = -1,
				      .scts = { 2026, 13, 1, 0, 0, 0, 0 } };
	CHECK_INT(pdu_encode_deliver(&o, p, 1, why, sizeof why), PDU_E_TIME);
	o.scts = (struct pdu_time){ 2026, 1, 1, 0, 0, 0, -80 };
	CHECK_INT(pdu_encode_deliver(&o, p, 1, why, sizeof why), PDU_E_TIME);
	o.scts = (struct pdu_time){ 2026, 1, 1, 0, 0, 0, -79 };
	CHECK_INT(pdu_encode_deliver(&o, p, 1, why, sizeof why), 1);
	CHECK_INT(pdu_decode(p[0].hex, strlen(p[0].hex), -1, &m, why, sizeof why), 0);
	CHECK_INT(m.scts.tz_quarters, -79);
}

/* Encodes text, decodes every part, returns the parts' texts joined by '|'. */
static int split(const char *text, int force, int ref16, char *out, size_t outlen)
{
	static struct pdu_part p[8];
	struct pdu_submit_opts o = { .to = "+84912345678", .text = text, .force = force,
				     .ref16 = ref16, .ref = 7 };
	int n = pdu_encode_submit(&o, p, 8, why, sizeof why);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (pdu_decode(p[i].hex, strlen(p[i].hex), p[i].tpdu_len, &m, why, sizeof why))
			return -100;
		if (i)
			strncat(out, "|", outlen - strlen(out) - 1);
		strncat(out, m.text, outlen - strlen(out) - 1);
	}
	return n;
}

static void fill(char *s, char c, size_t n)
{
	memset(s, c, n);
	s[n] = '\0';
}

TEST(split_boundaries)
{
	char text[2000], got[2400], want[2400], a[400];
	/* 160 septets: one part; 161: two. */
	fill(text, 'a', 160);
	CHECK_INT(split(text, -1, 0, got, sizeof got), 1);
	fill(text, 'a', 161);
	CHECK_INT(split(text, -1, 0, got, sizeof got), 2);
	/* 159 + '€' is 161 septets: two parts. */
	fill(text, 'a', 159);
	strcat(text, "€");
	CHECK_INT(split(text, -1, 0, got, sizeof got), 2);
	/* '€' at septets 153/154 moves whole into part 2: part 1 has 152. */
	fill(text, 'a', 152);
	strcat(text, "€bbbbbbbbbb");
	CHECK_INT(split(text, -1, 0, got, sizeof got), 2);
	fill(a, 'a', 152);
	snprintf(want, sizeof want, "%s|€bbbbbbbbbb", a);
	CHECK_STR(got, want);
	/* With a 16-bit reference the budget is 152: '€' fits no more either. */
	fill(text, 'a', 151);
	strcat(text, "{bbbbbbbbbb");
	CHECK_INT(split(text, -1, 1, got, sizeof got), 2);
	fill(a, 'a', 151);
	snprintf(want, sizeof want, "%s|{bbbbbbbbbb", a);
	CHECK_STR(got, want);
	/* UCS-2: 70 units in one part, 71 in two of 67 + 4. */
	fill(text, 'a', 69);
	strcat(text, "đ");
	CHECK_INT(split(text, -1, 0, got, sizeof got), 1);
	strcat(text, "x");
	CHECK_INT(split(text, -1, 0, got, sizeof got), 2);
	fill(a, 'a', 67);
	snprintf(want, sizeof want, "%s|aađx", a);
	CHECK_STR(got, want);
	/* A surrogate pair at units 67/68 moves whole into part 2. */
	fill(text, 'a', 66);
	strcat(text, "😀bbbbb");
	CHECK_INT(split(text, -1, 0, got, sizeof got), 2);
	fill(a, 'a', 66);
	snprintf(want, sizeof want, "%s|😀bbbbb", a);
	CHECK_STR(got, want);
	/* 16-bit reference: 66 units, so the pair at 66/67 moves. */
	fill(text, 'a', 65);
	strcat(text, "😀bbbbb");
	CHECK_INT(split(text, -1, 1, got, sizeof got), 2);
	fill(a, 'a', 65);
	snprintf(want, sizeof want, "%s|😀bbbbb", a);
	CHECK_STR(got, want);
	/* 35 emoji = 70 units: one part exactly. */
	text[0] = '\0';
	for (int i = 0; i < 35; i++)
		strcat(text, "😀");
	CHECK_INT(split(text, -1, 0, got, sizeof got), 1);
	CHECK_STR(got, text);
	/* Forcing: UCS-2 for GSM text, GSM refused for non-GSM text. */
	CHECK_INT(split("abc", SMS_ENC_UCS2, 0, got, sizeof got), 1);
	CHECK_INT(m.enc, SMS_ENC_UCS2);
	CHECK_INT(split("đ", SMS_ENC_GSM7, 0, got, sizeof got), PDU_E_ENCODING);
	CHECK_INT(split("x", SMS_ENC_8BIT, 0, got, sizeof got), PDU_E_ARG);
	/* Empty text is one empty part. */
	CHECK_INT(split("", -1, 0, got, sizeof got), 1);
	CHECK_STR(got, "");
	/* Invalid UTF-8 is refused with a reason. */
	why[0] = '\0';
	CHECK_INT(split("ab\xC3", -1, 0, got, sizeof got), PDU_E_ENCODING);
	CHECK(strstr(why, "UTF-8") != NULL);
	/* 8 parts max here: 8 * 153 fits, one more does not. */
	fill(text, 'z', 8 * 153);
	CHECK_INT(split(text, -1, 0, got, sizeof got), 8);
	fill(text, 'z', 8 * 153 + 1);
	CHECK_INT(split(text, -1, 0, got, sizeof got), PDU_E_TOOLONG);
}

TEST(submit_fields)
{
	/* SUBMIT decode of validity formats: relative, absolute, enhanced, none. */
	CHECK_INT(d("0011000B914819325476F80000AA02E834"), 0);
	CHECK_INT(m.validity_minutes, 4 * 24 * 60);
	CHECK_INT(d("0011000B914819325476F800000002E834"), 0);
	CHECK_INT(m.validity_minutes, 5);
	CHECK_INT(d("0011000B914819325476F80000FF02E834"), 0);
	CHECK_INT(m.validity_minutes, 63 * 7 * 24 * 60);
	CHECK_INT(d("0019000B914819325476F8000062115261925082" "02E834"), 0);
	CHECK_STR(m.text, "hi");
	CHECK_INT(d("0009000B914819325476F8000001000000000000" "02E834"), 0);
	CHECK_INT(d("0001000B914819325476F80000" "02E834"), 0);
	CHECK_INT(m.validity_minutes, 0);
	CHECK_INT(m.mr, 0);
	/* Encoding rounds validity up to what the field can say. */
	struct pdu_part p[1];
	static const struct { int min, want; } vp[] = {
		{ 1, 5 }, { 5, 5 }, { 6, 10 }, { 720, 720 }, { 721, 750 }, { 1440, 1440 },
		{ 1441, 2880 }, { 30 * 1440, 30 * 1440 }, { 30 * 1440 + 1, 5 * 10080 },
		{ 63 * 10080, 63 * 10080 }, { 100 * 10080, 63 * 10080 },
	};
	for (size_t i = 0; i < sizeof vp / sizeof vp[0]; i++) {
		struct pdu_submit_opts o = { .to = "1414", .text = "x", .force = -1,
					     .validity_minutes = vp[i].min, .mr = 9 };
		CHECK_INT(pdu_encode_submit(&o, p, 1, why, sizeof why), 1);
		CHECK_INT(pdu_decode(p[0].hex, strlen(p[0].hex), -1, &m, why, sizeof why), 0);
		CHECKF(m.validity_minutes == vp[i].want, "%d min: %d, want %d", vp[i].min,
		       m.validity_minutes, vp[i].want);
		CHECK_INT(m.mr, 9);
	}
}

TEST(status_report_optional_fields)
{
	/* ST 0x30 (temporary failure), PI with DCS + UDL and a text. */
	const char *base = "0006" "2A" "0B914819325476F8" "62115261925082" "62115261925382" "30";
	char hex[200];
	snprintf(hex, sizeof hex, "%s", base);
	CHECK_INT(pdu_decode(hex, strlen(hex), -1, &m, why, sizeof why), 0);
	CHECK_INT(m.st, 0x30);
	CHECK_INT(m.mr, 0x2A);
	CHECK_INT(m.dt.second, 35);
	snprintf(hex, sizeof hex, "%s%s", base, "00");	/* PI 00: padding */
	CHECK_INT(pdu_decode(hex, strlen(hex), -1, &m, why, sizeof why), 0);
	snprintf(hex, sizeof hex, "%s%s", base, "060002E834");	/* PI: DCS, UDL */
	CHECK_INT(pdu_decode(hex, strlen(hex), -1, &m, why, sizeof why), 0);
	CHECK_STR(m.text, "hi");
	snprintf(hex, sizeof hex, "%s%s", base, "07000802E834");	/* PI: PID, DCS, UDL; 8-bit */
	CHECK_INT(pdu_decode(hex, strlen(hex), -1, &m, why, sizeof why), 0);
	CHECK_INT(m.enc, SMS_ENC_UCS2);
	CHECK_STR(m.text, "\xEE\xA0\xB4");	/* U+E834 */
	snprintf(hex, sizeof hex, "%s%s", base, "07000402E834");
	CHECK_INT(pdu_decode(hex, strlen(hex), -1, &m, why, sizeof why), 0);
	CHECK_INT(m.enc, SMS_ENC_8BIT);
	CHECK_INT(m.data_len, 2);
	snprintf(hex, sizeof hex, "%s%s", base, "FFFFFF");	/* FF padding, not a PI */
	CHECK_INT(pdu_decode(hex, strlen(hex), -1, &m, why, sizeof why), 0);
	CHECK_INT(m.st, 0x30);
	CHECK_STR(m.text, "");
	snprintf(hex, sizeof hex, "%s%s", base, "06");	/* PI promises a DCS that is not there */
	CHECK_INT(pdu_decode(hex, strlen(hex), -1, &m, why, sizeof why), PDU_E_TRUNC);
	CHECK(strstr(why, "data coding") != NULL);
}

int main(void)
{
	RUN(dcs_groups);
	RUN(eight_bit_data);
	RUN(udh_elements_and_fill_bits);
	RUN(lone_surrogate_survives);
	RUN(addresses);
	RUN(time_zones);
	RUN(split_boundaries);
	RUN(submit_fields);
	RUN(status_report_optional_fields);
	return check_done();
}
