/* pdu_common.c: what every PDU file needs: error reasons, hex text, and the
 * names of types, alphabets and errors. */
#include <stdarg.h>
#include <stdio.h>

#include "sms/pdu_priv.h"

int pdu_fail(char *why, size_t whylen, int err, const char *fmt, ...)
{
	if (why && whylen) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, whylen, fmt, ap);
		va_end(ap);
	}
	return err;
}

/* Digit value + 1 for hex digits, 0 otherwise: one load per character. */
static const uint8_t hexval[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6, ['6'] = 7,
	['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

int pdu_hex_decode(const char *hex, size_t hexlen, uint8_t *out, size_t cap, size_t *n,
		   char *why, size_t whylen)
{
	while (hexlen && (hex[hexlen - 1] == '\r' || hex[hexlen - 1] == '\n' ||
			  hex[hexlen - 1] == ' ' || hex[hexlen - 1] == '\t'))
		hexlen--;
	if (hexlen == 0)
		return pdu_fail(why, whylen, PDU_E_TRUNC, "empty PDU");
	if (hexlen & 1)
		return pdu_fail(why, whylen, PDU_E_HEX, "odd number of hex digits (%zu)", hexlen);
	if (hexlen / 2 > cap)
		return pdu_fail(why, whylen, PDU_E_LENGTH,
				"PDU of %zu octets is longer than any SMS (%zu)", hexlen / 2, cap);
	for (size_t i = 0; i < hexlen; i += 2) {
		uint8_t hi = hexval[(unsigned char)hex[i]], lo = hexval[(unsigned char)hex[i + 1]];
		if (!hi || !lo) {
			size_t bad = !hi ? i : i + 1;
			return pdu_fail(why, whylen, PDU_E_HEX, "not a hex digit at offset %zu (0x%02X)",
					bad, (unsigned char)hex[bad]);
		}
		out[i / 2] = (uint8_t)((hi - 1) << 4 | (lo - 1));
	}
	*n = hexlen / 2;
	return PDU_OK;
}

void pdu_hex_encode(const uint8_t *in, size_t n, char *out)
{
	static const char digits[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		out[2 * i] = digits[in[i] >> 4];
		out[2 * i + 1] = digits[in[i] & 15];
	}
	out[2 * n] = '\0';
}

const char *pdu_type_name(enum pdu_type t)
{
	switch (t) {
	case PDU_DELIVER: return "deliver";
	case PDU_SUBMIT: return "submit";
	case PDU_STATUS_REPORT: return "status-report";
	}
	return "?";
}

const char *sms_enc_name(enum sms_enc e)
{
	switch (e) {
	case SMS_ENC_GSM7: return "gsm7";
	case SMS_ENC_8BIT: return "8bit";
	case SMS_ENC_UCS2: return "ucs2";
	}
	return "?";
}

const char *pdu_strerror(int err)
{
	switch (err) {
	case PDU_OK: return "ok";
	case PDU_E_HEX: return "bad hex";
	case PDU_E_TRUNC: return "truncated PDU";
	case PDU_E_LENGTH: return "length field inconsistent";
	case PDU_E_UDH: return "malformed user data header";
	case PDU_E_ADDR: return "malformed address";
	case PDU_E_TYPE: return "message type not handled";
	case PDU_E_COMPRESSED: return "compressed text not supported";
	case PDU_E_ENCODING: return "bad text encoding";
	case PDU_E_TIME: return "bad time stamp";
	case PDU_E_TOOLONG: return "text too long";
	case PDU_E_ARG: return "bad argument";
	default: return "unknown error";
	}
}
