/* pdu_split.c: text to user data for sending. Picks the alphabet (GSM 7-bit
 * when every character has a GSM form, else UCS-2), splits long text into
 * concatenated parts (153 septets / 67 UTF-16 units with an 8-bit reference,
 * 152 / 66 with a 16-bit one) without cutting an escape sequence or a
 * surrogate pair, and packs each part with its UDH and fill bits. */
#include <string.h>

#include "sms/gsm7.h"
#include "sms/pdu_priv.h"
#include "sms/utf8.h"

static size_t udh_len(int ref16)
{
	return ref16 ? 6 : 5;	/* IEs after the UDHL octet */
}

/* Capacity of one part in septets (GSM) or UTF-16 units (UCS-2), and the
 * septets or octets its header takes. */
static size_t part_cap(enum sms_enc enc, size_t nparts, int ref16, size_t *hdr)
{
	size_t h = nparts > 1 ? 1 + udh_len(ref16) : 0;
	if (enc == SMS_ENC_GSM7) {
		*hdr = (h * 8 + 6) / 7;	/* header octets rounded up to septets */
		return 160 - *hdr;
	}
	*hdr = h;
	return (140 - h) / 2;
}

/* Units (septets or UTF-16 units) of the next character; 0 at end of text. */
static size_t next_char(const char *text, size_t len, size_t pos, enum sms_enc enc,
			uint32_t *cp, size_t *bytes)
{
	if (pos >= len)
		return 0;
	if ((unsigned char)text[pos] < 0x80) {
		*cp = (unsigned char)text[pos];
		*bytes = 1;
	} else {
		*bytes = utf8_decode(text + pos, len - pos, cp);
		if (*bytes == 0)
			return 0;
	}
	if (enc == SMS_ENC_GSM7)
		return (size_t)gsm7_septets(*cp);
	return (size_t)utf16_units(*cp);
}

int pdu_plan_text(const char *text, size_t len, int force, int ref16, size_t max_parts,
		  struct pdu_plan *plan, char *why, size_t whylen)
{
	size_t septets = 0, units = 0;
	uint32_t bad = 0;
	int all_gsm = 1;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = 1;
		if ((unsigned char)text[i] < 0x80) {
			cp = (unsigned char)text[i];
		} else {
			k = utf8_decode(text + i, len - i, &cp);
			if (k == 0)
				return pdu_fail(why, whylen, PDU_E_ENCODING,
						"text is not valid UTF-8 at byte %zu", i);
		}
		i += k;
		int s = gsm7_septets(cp);
		if (s == 0 && all_gsm) {
			all_gsm = 0;
			bad = cp;
		}
		septets += (size_t)s;
		units += (size_t)utf16_units(cp);
	}
	switch (force) {
	case -1:
		plan->enc = all_gsm ? SMS_ENC_GSM7 : SMS_ENC_UCS2;
		break;
	case SMS_ENC_GSM7:
		if (!all_gsm)
			return pdu_fail(why, whylen, PDU_E_ENCODING,
					"U+%04X has no GSM 7-bit form", bad);
		plan->enc = SMS_ENC_GSM7;
		break;
	case SMS_ENC_UCS2:
		plan->enc = SMS_ENC_UCS2;
		break;
	default:
		return pdu_fail(why, whylen, PDU_E_ARG,
				"text can be sent as gsm7 or ucs2 only (force=%d)", force);
	}
	plan->units = plan->enc == SMS_ENC_GSM7 ? septets : units;
	size_t hdr;
	if (plan->units <= part_cap(plan->enc, 1, ref16, &hdr)) {
		plan->nparts = 1;
		return PDU_OK;
	}
	/* Greedy, character by character, exactly as pdu_ud_encode fills parts. */
	size_t cap = part_cap(plan->enc, 2, ref16, &hdr), cur = 0, parts = 1;
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t bytes, u = next_char(text, len, i, plan->enc, &cp, &bytes);
		if (cur + u > cap) {
			parts++;
			cur = 0;
		}
		cur += u;
		i += bytes;
	}
	if (parts > PDU_MAX_PARTS || parts > max_parts)
		return pdu_fail(why, whylen, PDU_E_TOOLONG,
				"text needs %zu parts, at most %zu allowed", parts,
				max_parts < PDU_MAX_PARTS ? max_parts : (size_t)PDU_MAX_PARTS);
	plan->nparts = parts;
	return PDU_OK;
}

int pdu_ud_encode(const char *text, size_t len, size_t *pos, const struct pdu_plan *plan,
		  size_t seq, uint16_t ref, int ref16, uint8_t *out, size_t cap, char *why,
		  size_t whylen)
{
	if (cap < 141)
		return pdu_fail(why, whylen, PDU_E_ARG, "user data buffer too small");
	uint8_t *ud = out + 1;
	size_t hdr, room = part_cap(plan->enc, plan->nparts, ref16, &hdr);
	memset(ud, 0, 140);
	if (plan->nparts > 1) {
		uint8_t *h = ud;
		*h++ = (uint8_t)udh_len(ref16);
		if (ref16) {
			*h++ = 0x08;
			*h++ = 4;
			*h++ = (uint8_t)(ref >> 8);
		} else {
			*h++ = 0x00;
			*h++ = 3;
		}
		*h++ = (uint8_t)ref;
		*h++ = (uint8_t)plan->nparts;
		*h++ = (uint8_t)seq;
	}
	size_t used = 0, i = *pos;
	if (plan->enc == SMS_ENC_GSM7) {
		for (;;) {
			uint32_t cp;
			size_t bytes, u = next_char(text, len, i, SMS_ENC_GSM7, &cp, &bytes);
			if (u == 0 || used + u > room)
				break;
			int g = gsm7_from_ucs(cp);
			if (g & GSM7_EXT)
				gsm7_put(ud, hdr + used++, GSM7_ESC);
			gsm7_put(ud, hdr + used++, (uint8_t)(g & 0x7F));
			i += bytes;
		}
		out[0] = (uint8_t)(hdr + used);
		*pos = i;
		return (int)(1 + gsm7_octets(hdr + used));
	}
	uint8_t *w = ud + hdr;
	for (;;) {
		uint32_t cp;
		size_t bytes, u = next_char(text, len, i, SMS_ENC_UCS2, &cp, &bytes);
		if (u == 0 || used + u > room)
			break;
		if (u == 2) {
			uint32_t v = cp - 0x10000, hi = 0xD800 + (v >> 10), lo = 0xDC00 + (v & 0x3FF);
			*w++ = (uint8_t)(hi >> 8);
			*w++ = (uint8_t)hi;
			*w++ = (uint8_t)(lo >> 8);
			*w++ = (uint8_t)lo;
		} else {
			*w++ = (uint8_t)(cp >> 8);
			*w++ = (uint8_t)cp;
		}
		used += u;
		i += bytes;
	}
	out[0] = (uint8_t)(hdr + 2 * used);
	*pos = i;
	return (int)(1 + hdr + 2 * used);
}
