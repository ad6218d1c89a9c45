/* pdu_addr.c: address fields (3GPP TS 23.040 9.1.2.5) both ways: semi-octet
 * numbers with '*', '#', odd digit counts and the international '+', and
 * alphanumeric senders packed as GSM 7-bit (TON 101). The SMSC field of the
 * prefix (TS 24.011 RP address) counts octets instead of digits. */
#include <string.h>

#include "sms/gsm7.h"
#include "sms/pdu_priv.h"
#include "sms/utf8.h"

#define ADDR_MAX_DIGITS 20	/* 10 octets of address value */
#define ADDR_MAX_ALNUM 11	/* 11 septets fill 10 octets */

static const char semi_digit[16] = "0123456789*#abc";

int pdu_addr_decode(const uint8_t *p, size_t n, int is_smsc, struct pdu_addr *a, size_t *used,
		    char *why, size_t whylen)
{
	const char *what = is_smsc ? "SMSC address" : "address";
	memset(a, 0, sizeof *a);
	if (n < 1)
		return pdu_fail(why, whylen, PDU_E_TRUNC, "PDU ends before the %s length", what);
	size_t ndigits, octets;
	if (is_smsc) {
		if (p[0] == 0) {
			*used = 1;
			return PDU_OK;
		}
		octets = (size_t)p[0] - 1;
		ndigits = octets * 2;	/* a final F nibble is filler */
	} else {
		ndigits = p[0];
		octets = (ndigits + 1) / 2;
	}
	if (octets > ADDR_MAX_DIGITS / 2)
		return pdu_fail(why, whylen, PDU_E_ADDR, "%s length %u is more than 10 octets",
				what, p[0]);
	if (n < 2 + octets)
		return pdu_fail(why, whylen, PDU_E_TRUNC,
				"PDU ends inside the %s (%zu octets announced, %zu left)", what,
				octets + 1, n - 1);
	a->toa = p[1];
	*used = 2 + octets;
	const uint8_t *v = p + 2;
	if (((a->toa >> 4) & 7) == 5) {
		/* Alphanumeric: ndigits semi-octets hold ndigits*4/7 septets. */
		size_t nsept = ndigits * 4 / 7;
		a->alnum = true;
		if (gsm7_unpack_utf8(v, 0, nsept, a->text, sizeof a->text) == (size_t)-1)
			return pdu_fail(why, whylen, PDU_E_ADDR, "alphanumeric %s too long", what);
		return PDU_OK;
	}
	size_t o = 0;
	if (((a->toa >> 4) & 7) == 1)
		a->text[o++] = '+';
	for (size_t i = 0; i < ndigits; i++) {
		unsigned d = i & 1 ? v[i / 2] >> 4 : v[i / 2] & 15;
		if (d == 15) {
			/* Filler: allowed only as the last semi-octet. */
			if (i + 1 == ndigits)
				break;
			return pdu_fail(why, whylen, PDU_E_ADDR, "filler semi-octet F inside the %s",
					what);
		}
		a->text[o++] = semi_digit[d];
	}
	a->text[o] = '\0';
	return PDU_OK;
}

static int encode_alnum(const char *text, uint8_t *out, size_t cap, char *why, size_t whylen)
{
	uint8_t septets[2 * ADDR_MAX_ALNUM];
	size_t ns = 0, len = strlen(text);
	for (size_t i = 0; i < len;) {
		uint32_t cp;
		size_t k = utf8_decode(text + i, len - i, &cp);
		if (k == 0)
			return pdu_fail(why, whylen, PDU_E_ENCODING,
					"alphanumeric address is not valid UTF-8");
		i += k;
		int g = gsm7_from_ucs(cp);
		if (g < 0)
			return pdu_fail(why, whylen, PDU_E_ADDR,
					"U+%04X has no GSM 7-bit form (alphanumeric address)", cp);
		size_t need = g & GSM7_EXT ? 2 : 1;
		if (ns + need > ADDR_MAX_ALNUM)
			return pdu_fail(why, whylen, PDU_E_ADDR,
					"alphanumeric address longer than 11 GSM characters");
		if (g & GSM7_EXT)
			septets[ns++] = GSM7_ESC;
		septets[ns++] = (uint8_t)(g & 0x7F);
	}
	if (ns == 0)
		return pdu_fail(why, whylen, PDU_E_ADDR, "empty alphanumeric address");
	size_t octets = gsm7_octets(ns);
	if (cap < 2 + octets)
		return pdu_fail(why, whylen, PDU_E_ARG, "address buffer too small");
	out[0] = (uint8_t)((ns * 7 + 3) / 4);	/* semi-octets actually used */
	out[1] = 0xD0;
	memset(out + 2, 0, octets);
	for (size_t i = 0; i < ns; i++)
		gsm7_put(out + 2, i, septets[i]);
	return (int)(2 + octets);
}

int pdu_addr_encode(const char *text, int alnum, int is_smsc, uint8_t *out, size_t cap,
		    char *why, size_t whylen)
{
	if (!text)
		return pdu_fail(why, whylen, PDU_E_ARG, "no address given");
	if (alnum) {
		if (is_smsc)
			return pdu_fail(why, whylen, PDU_E_ARG, "an SMSC address cannot be alphanumeric");
		return encode_alnum(text, out, cap, why, whylen);
	}
	uint8_t toa = 0x81;	/* unknown type of number, ISDN numbering plan */
	if (*text == '+') {
		toa = 0x91;
		text++;
	}
	size_t nd = strlen(text);
	if (nd == 0)
		return pdu_fail(why, whylen, PDU_E_ADDR, "empty number");
	if (nd > ADDR_MAX_DIGITS)
		return pdu_fail(why, whylen, PDU_E_ADDR, "number longer than 20 digits");
	size_t octets = (nd + 1) / 2;
	if (cap < 2 + octets)
		return pdu_fail(why, whylen, PDU_E_ARG, "address buffer too small");
	memset(out + 2, 0, octets);
	for (size_t i = 0; i < nd; i++) {
		const char *d = strchr(semi_digit, text[i]);
		if (!d || text[i] == '\0' || d - semi_digit > 11)
			return pdu_fail(why, whylen, PDU_E_ADDR,
					"'%c' is not allowed in a number (digits, * and # only)",
					text[i]);
		unsigned v = (unsigned)(d - semi_digit);
		out[2 + i / 2] |= (uint8_t)(i & 1 ? v << 4 : v);
	}
	if (nd & 1)
		out[2 + nd / 2] |= 0xF0;
	out[0] = (uint8_t)(is_smsc ? 1 + octets : nd);
	out[1] = toa;
	return (int)(2 + octets);
}
