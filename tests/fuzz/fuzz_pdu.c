/* fuzz_pdu.c: properties of pdu_decode on any input, not only "no crash".
 * The first byte picks the form of the rest:
 *   0xFE         the rest is text for the encoder (see fuzz_encoder);
 *   other even   the rest is hex text as a modem line would carry it;
 *   odd, bit 1   the rest is raw octets (hex-encoded here), length unknown;
 *   odd, !bit 1  raw octets with the TPDU length an SMSC prefix implies.
 * Properties:
 *  - the result is PDU_OK or one of the enum pdu_err values; an error comes
 *    with a non-empty reason, success with none (never both);
 *  - on success every string is NUL-terminated inside its buffer and valid
 *    UTF-8, lengths are within their arrays, concatenation and time fields
 *    are in range;
 *  - a decoded text re-encoded as SMS-SUBMIT (and as SMS-DELIVER) decodes,
 *    part by part, back to the same text.
 * The input is copied into a buffer of exactly its size so ASan sees any
 * read past it. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sms/pdu.h"
#include "sms/utf8.h"

#define FUZZ_REQUIRE(c) do { if (!(c)) { fprintf(stderr, "property failed: %s (%s:%d)\n", \
	#c, __FILE__, __LINE__); abort(); } } while (0)

static void require_str(const char *s, size_t cap)
{
	size_t n = strnlen(s, cap);
	FUZZ_REQUIRE(n < cap);
	FUZZ_REQUIRE(utf8_valid(s, n));
}

static void require_time(const struct pdu_time *t)
{
	FUZZ_REQUIRE(t->month >= 1 && t->month <= 12 && t->day >= 1 && t->day <= 31);
	FUZZ_REQUIRE(t->hour >= 0 && t->hour <= 23 && t->minute >= 0 && t->minute <= 59);
	FUZZ_REQUIRE(t->second >= 0 && t->second <= 59);
	FUZZ_REQUIRE(t->tz_quarters >= -79 && t->tz_quarters <= 79);
	char iso[40];
	pdu_time_iso(t, iso, sizeof iso);
	FUZZ_REQUIRE(strlen(iso) == 25);
}

/* Encodes text both ways and checks that decoding gives it back. */
static void require_round_trip(const char *text)
{
	static struct pdu_part parts[8];
	static struct pdu_msg back;
	static char joined[8 * PDU_TEXT_MAX];
	static uint8_t u16[8 * 140];
	char why[256];
	for (int dir = 0; dir < 2; dir++) {
		int n;
		if (dir == 0) {
			struct pdu_submit_opts o = { .to = "+84912345678", .text = text, .force = -1,
						     .ref = 3 };
			n = pdu_encode_submit(&o, parts, 8, why, sizeof why);
		} else {
			struct pdu_deliver_opts o = { .from = "VIETTEL", .alnum = true, .text = text,
						      .force = -1, .ref = 3,
						      .scts = { 2026, 11, 25, 16, 29, 5, -14 } };
			n = pdu_encode_deliver(&o, parts, 8, why, sizeof why);
		}
		/* A decoded text is at most 140 octets of user data: it always
		 * fits a few parts, whatever alphabet it needs now. */
		FUZZ_REQUIRE(n >= 1 && n <= 8);
		size_t jl = 0, ul = 0;
		enum sms_enc enc = SMS_ENC_GSM7;
		for (int i = 0; i < n; i++) {
			int rc = pdu_decode(parts[i].hex, strlen(parts[i].hex), parts[i].tpdu_len, &back,
					    why, sizeof why);
			FUZZ_REQUIRE(rc == PDU_OK);
			enc = back.enc;
			memcpy(joined + jl, back.text, back.text_len);
			jl += back.text_len;
			memcpy(u16 + ul, back.data, back.data_len);
			ul += back.data_len;
		}
		joined[jl] = '\0';
		if (enc == SMS_ENC_UCS2) {
			static char t16[8 * PDU_TEXT_MAX];
			FUZZ_REQUIRE(utf16be_to_utf8(u16, ul, t16, sizeof t16) != (size_t)-1);
			FUZZ_REQUIRE(strcmp(t16, text) == 0);
		} else {
			FUZZ_REQUIRE(strcmp(joined, text) == 0);
		}
	}
}

/* Any bytes as text to send: invalid UTF-8 is refused with a reason;
 * valid text is split into parts whose decoded texts join back to it. */
static void fuzz_encoder(const uint8_t *data, size_t n)
{
	static struct pdu_part parts[PDU_MAX_PARTS];
	static struct pdu_msg m;
	static char text[2100], joined[8192];
	static uint8_t u16[8192];
	char why[256];
	if (n >= sizeof text || memchr(data, 0, n))
		return;
	memcpy(text, data, n);
	text[n] = '\0';
	struct pdu_submit_opts o = { .to = "1414", .text = text, .force = -1, .ref16 = n & 1 };
	why[0] = '\0';
	int np = pdu_encode_submit(&o, parts, PDU_MAX_PARTS, why, sizeof why);
	if (!utf8_valid(text, n)) {
		FUZZ_REQUIRE(np == PDU_E_ENCODING && why[0]);
		return;
	}
	FUZZ_REQUIRE(np >= 1);
	size_t jl = 0, ul = 0;
	for (int i = 0; i < np; i++) {
		FUZZ_REQUIRE(pdu_decode(parts[i].hex, strlen(parts[i].hex), parts[i].tpdu_len, &m, why,
					sizeof why) == PDU_OK);
		FUZZ_REQUIRE(np == 1 ? !m.concat.present
				     : (m.concat.present && m.concat.seq == i + 1 && m.concat.total == np));
		FUZZ_REQUIRE(jl + m.text_len < sizeof joined && ul + m.data_len <= sizeof u16);
		memcpy(joined + jl, m.text, m.text_len);
		jl += m.text_len;
		memcpy(u16 + ul, m.data, m.data_len);
		ul += m.data_len;
	}
	joined[jl] = '\0';
	if (m.enc == SMS_ENC_UCS2) {
		static char t16[8192];
		FUZZ_REQUIRE(utf16be_to_utf8(u16, ul, t16, sizeof t16) != (size_t)-1);
		FUZZ_REQUIRE(strcmp(t16, text) == 0);
	} else {
		FUZZ_REQUIRE(strcmp(joined, text) == 0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 2048)
		return 0;
	uint8_t mode = data[0];
	if (mode == 0xFE) {
		fuzz_encoder(data + 1, size - 1);
		return 0;
	}
	const uint8_t *rest = data + 1;
	size_t n = size - 1;
	char *hex;
	size_t hexlen;
	int tpdu_len = -1;
	if (!(mode & 1)) {
		hex = malloc(n ? n : 1);
		if (!hex)
			return 0;
		memcpy(hex, rest, n);
		hexlen = n;
	} else {
		static const char digits[] = "0123456789ABCDEF";
		hex = malloc(2 * n + 1);
		if (!hex)
			return 0;
		for (size_t i = 0; i < n; i++) {
			hex[2 * i] = digits[rest[i] >> 4];
			hex[2 * i + 1] = digits[rest[i] & 15];
		}
		hexlen = 2 * n;
		if (!(mode & 2) && n >= 1 && n >= 1 + (size_t)rest[0])
			tpdu_len = (int)(n - 1 - rest[0]);
	}

	static struct pdu_msg m;
	char why[256];
	memset(why, 'x', sizeof why);
	why[sizeof why - 1] = '\0';
	int rc = pdu_decode(hex, hexlen, tpdu_len, &m, why, sizeof why);
	free(hex);

	FUZZ_REQUIRE(rc <= PDU_OK && rc >= PDU_E_ARG);
	if (rc != PDU_OK) {
		FUZZ_REQUIRE(why[0] != '\0' && strlen(why) < sizeof why);
		FUZZ_REQUIRE(m.text[0] == '\0' && m.text_len == 0);
		return 0;
	}
	FUZZ_REQUIRE(why[0] == '\0');
	FUZZ_REQUIRE(m.type == PDU_DELIVER || m.type == PDU_SUBMIT || m.type == PDU_STATUS_REPORT);
	FUZZ_REQUIRE(m.enc == SMS_ENC_GSM7 || m.enc == SMS_ENC_8BIT || m.enc == SMS_ENC_UCS2);
	require_str(m.addr.text, sizeof m.addr.text);
	require_str(m.smsc.text, sizeof m.smsc.text);
	FUZZ_REQUIRE(m.text_len < sizeof m.text && m.text[m.text_len] == '\0');
	FUZZ_REQUIRE(utf8_valid(m.text, m.text_len));
	FUZZ_REQUIRE(m.udh_len <= sizeof m.udh && m.data_len <= sizeof m.data);
	FUZZ_REQUIRE(m.msg_class >= -1 && m.msg_class <= 3);
	if (m.concat.present)
		FUZZ_REQUIRE(m.concat.seq >= 1 && m.concat.seq <= m.concat.total);
	if (m.type != PDU_SUBMIT)
		require_time(&m.scts);
	if (m.type == PDU_STATUS_REPORT)
		require_time(&m.dt);
	if (m.enc == SMS_ENC_8BIT)
		FUZZ_REQUIRE(m.text_len == 0);
	/* Texts with an embedded U+0000 (UCS-2 0000) cannot be passed on as C
	 * strings; every other decoded text must survive a round trip. */
	if (m.enc != SMS_ENC_8BIT && strlen(m.text) == m.text_len)
		require_round_trip(m.text);
	return 0;
}
