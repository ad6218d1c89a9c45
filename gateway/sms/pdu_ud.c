/* pdu_ud.c: decoding TP-UDL and TP-UD (3GPP TS 23.040 9.2.3.16, 9.2.3.24):
 * the user data header with its information elements (concatenation with
 * 8-bit and 16-bit references; unknown elements skipped), the fill bits that
 * align 7-bit text after a header, and the text in its alphabet. */
#include <string.h>

#include "sms/gsm7.h"
#include "sms/pdu_priv.h"
#include "sms/utf8.h"

static int udh_parse(const uint8_t *h, size_t len, struct pdu_msg *m, char *why, size_t whylen)
{
	size_t i = 0;
	while (i < len) {
		if (i + 2 > len)
			return pdu_fail(why, whylen, PDU_E_UDH,
					"UDH element at offset %zu has no length octet", i);
		uint8_t iei = h[i], iel = h[i + 1];
		const uint8_t *d = h + i + 2;
		if (i + 2 + iel > len)
			return pdu_fail(why, whylen, PDU_E_UDH,
					"UDH element %02X claims %u octets, only %zu left", iei, iel,
					len - i - 2);
		if (iei == 0x00 || iei == 0x08) {
			size_t want = iei == 0x00 ? 3 : 4;
			if (iel != want)
				return pdu_fail(why, whylen, PDU_E_UDH,
						"concatenation element %02X has length %u, not %zu", iei,
						iel, want);
			uint16_t ref = iei == 0x00 ? d[0] : (uint16_t)(d[0] << 8 | d[1]);
			uint8_t total = d[want - 2], seq = d[want - 1];
			/* 9.2.3.24.1: a zero or out-of-range count makes the receiver
			 * ignore the element, so the part reads as a whole message. */
			if (total == 0 || seq == 0 || seq > total) {
				m->concat.present = false;
			} else {
				m->concat.present = true;
				m->concat.ref16 = iei == 0x08;
				m->concat.ref = ref;
				m->concat.total = total;
				m->concat.seq = seq;
			}
		}
		/* Any other element (ports, special SMS indication, EMS...) is skipped. */
		i += 2 + (size_t)iel;
	}
	return PDU_OK;
}

int pdu_ud_decode(const uint8_t *p, size_t n, int udhi, struct pdu_msg *m, char *why,
		  size_t whylen)
{
	if (n < 1)
		return pdu_fail(why, whylen, PDU_E_TRUNC, "PDU ends before the user data length");
	size_t udl = p[0], octets;
	const uint8_t *ud = p + 1;
	if (m->enc == SMS_ENC_GSM7) {
		if (udl > 160)
			return pdu_fail(why, whylen, PDU_E_LENGTH,
					"user data length %zu is more than 160 septets", udl);
		octets = gsm7_octets(udl);
	} else {
		if (udl > 140)
			return pdu_fail(why, whylen, PDU_E_LENGTH,
					"user data length %zu is more than 140 octets", udl);
		octets = udl;
	}
	if (n - 1 < octets)
		return pdu_fail(why, whylen, PDU_E_TRUNC,
				"user data length %zu needs %zu octets, only %zu present", udl, octets,
				n - 1);
	if (n - 1 > octets)
		return pdu_fail(why, whylen, PDU_E_LENGTH,
				"%zu octets after the %zu octets of user data", n - 1 - octets, octets);

	size_t body = 0;	/* octets (8-bit, UCS-2) or septets (GSM) before the text */
	if (udhi) {
		if (octets < 1)
			return pdu_fail(why, whylen, PDU_E_UDH,
					"UDHI is set but the user data is empty");
		size_t udhl = ud[0];
		if (1 + udhl > octets)
			return pdu_fail(why, whylen, PDU_E_UDH,
					"UDH length %zu exceeds the %zu octets of user data", udhl,
					octets);
		int rc = udh_parse(ud + 1, udhl, m, why, whylen);
		if (rc)
			return rc;
		memcpy(m->udh, ud + 1, udhl);
		m->udh_len = udhl;
		if (m->enc == SMS_ENC_GSM7) {
			/* The header is padded with fill bits to a septet boundary. */
			body = ((1 + udhl) * 8 + 6) / 7;
			if (body > udl)
				return pdu_fail(why, whylen, PDU_E_UDH,
						"UDH of %zu octets is longer than the %zu septets of user data",
						udhl, udl);
		} else {
			body = 1 + udhl;
		}
	}

	switch (m->enc) {
	case SMS_ENC_GSM7: {
		size_t k = gsm7_unpack_utf8(ud, body, udl - body, m->text, sizeof m->text);
		if (k == (size_t)-1)
			return pdu_fail(why, whylen, PDU_E_LENGTH, "text longer than the text buffer");
		m->text_len = k;
		return PDU_OK;
	}
	case SMS_ENC_UCS2: {
		size_t len = udl - body;
		if (len & 1)
			return pdu_fail(why, whylen, PDU_E_ENCODING,
					"UCS-2 text has an odd number of octets (%zu)", len);
		memcpy(m->data, ud + body, len);
		m->data_len = len;
		size_t k = utf16be_to_utf8(ud + body, len, m->text, sizeof m->text);
		if (k == (size_t)-1)
			return pdu_fail(why, whylen, PDU_E_LENGTH, "text longer than the text buffer");
		m->text_len = k;
		return PDU_OK;
	}
	case SMS_ENC_8BIT:
		memcpy(m->data, ud + body, udl - body);
		m->data_len = udl - body;
		m->text[0] = '\0';
		m->text_len = 0;
		return PDU_OK;
	}
	return pdu_fail(why, whylen, PDU_E_ENCODING, "unknown alphabet");
}
