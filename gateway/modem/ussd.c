/* ussd.c: decoding +CUSD replies and encoding AT+CUSD requests (see ussd.h).
 * Owns the DCS and character-set rules for USSD strings; the session itself
 * (queue, timers, retries) is the modem driver's. */
#include "modem/ussd.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "sms/at_tok.h"
#include "sms/gsm7.h"
#include "sms/utf8.h"

static const char *const ussd_cs_names[] = {
	[USSD_CS_IRA] = "IRA", [USSD_CS_GSM] = "GSM", [USSD_CS_UCS2] = "UCS2",
	[USSD_CS_8859_1] = "8859-1", [USSD_CS_HEX] = "HEX",
};

static void ussd_why(char *why, size_t whylen, const char *msg)
{
	if (why && whylen)
		snprintf(why, whylen, "%s", msg);
}

bool ussd_charset_parse(const char *name, enum ussd_charset *out)
{
	if (!name)
		return false;
	char tmp[16];
	size_t n = 0;
	for (const char *p = name; *p && n + 1 < sizeof tmp; p++)
		if (*p != '"' && *p != ' ')
			tmp[n++] = *p;
	tmp[n] = '\0';
	for (size_t i = 0; i < sizeof ussd_cs_names / sizeof ussd_cs_names[0]; i++)
		if (strcasecmp(tmp, ussd_cs_names[i]) == 0) {
			*out = (enum ussd_charset)i;
			return true;
		}
	return false;
}

const char *ussd_charset_name(enum ussd_charset cs)
{
	switch (cs) {
	case USSD_CS_IRA:
	case USSD_CS_GSM:
	case USSD_CS_UCS2:
	case USSD_CS_8859_1:
	case USSD_CS_HEX:
		return ussd_cs_names[cs];
	}
	return "?";
}

const char *ussd_status_name(enum ussd_status s)
{
	switch (s) {
	case USSD_DONE: return "done";
	case USSD_MORE: return "more";
	case USSD_TERMINATED: return "terminated";
	case USSD_OTHER_CLIENT: return "other-client";
	case USSD_UNSUPPORTED: return "unsupported";
	case USSD_TIMEOUT: return "timeout";
	}
	return "?";
}

/* TS 23.038 clause 5, the CBS/USSD coding groups. */
bool ussd_dcs_alphabet(int dcs, enum ussd_alphabet *out)
{
	enum ussd_alphabet a = USSD_ALPHA_GSM7;
	if (dcs < 0 || dcs > 255) {
		*out = a;
		return true;
	}
	int hi = dcs >> 4;
	if (dcs == 0x11) {
		a = USSD_ALPHA_UCS2;	/* UCS-2 preceded by a language indication */
	} else if (hi >= 0x4 && hi <= 0x7) {	/* 01xx: general data coding */
		if (dcs & 0x20)
			return false;	/* compressed */
		int alpha = (dcs >> 2) & 3;
		a = alpha == 1 ? USSD_ALPHA_8BIT : alpha == 2 ? USSD_ALPHA_UCS2 : USSD_ALPHA_GSM7;
	} else if (hi == 0x9) {		/* 1001: message with user data header */
		int alpha = (dcs >> 2) & 3;
		a = alpha == 1 ? USSD_ALPHA_8BIT : alpha == 2 ? USSD_ALPHA_UCS2 : USSD_ALPHA_GSM7;
	} else if (hi == 0xF) {		/* 1111: data coding / message class */
		a = (dcs & 0x04) ? USSD_ALPHA_8BIT : USSD_ALPHA_GSM7;
	}
	/* 0000-0011 (languages, GSM 7-bit) and the reserved groups: GSM 7-bit,
	 * as 23.038 tells receivers to assume. */
	*out = a;
	return true;
}

static int ussd_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Hex text into bytes; false when not an even run of hex digits. */
static bool ussd_unhex(const char *s, size_t n, uint8_t *out, size_t cap, size_t *outn)
{
	if (n == 0 || n % 2 || n / 2 > cap)
		return false;
	for (size_t i = 0; i < n; i += 2) {
		int a = ussd_hexval(s[i]), b = ussd_hexval(s[i + 1]);
		if (a < 0 || b < 0)
			return false;
		out[i / 2] = (uint8_t)(a << 4 | b);
	}
	*outn = n / 2;
	return true;
}

/* Appends code point cp; false when out is full. */
static bool ussd_put(char *out, size_t cap, size_t *o, uint32_t cp)
{
	char tmp[4];
	size_t k = utf8_encode(cp, tmp);
	if (k == 0) {
		cp = 0xFFFD;
		k = utf8_encode(cp, tmp);
	}
	if (*o + k >= cap)
		return false;
	memcpy(out + *o, tmp, k);
	*o += k;
	out[*o] = '\0';
	return true;
}

/* Unpacked septets, one per byte (AT+CSCS="GSM" text or "HEX" octets). */
static bool ussd_septets_to_utf8(const uint8_t *b, size_t n, char *out, size_t cap, size_t *o)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t s = b[i] & 0x7F;
		uint32_t cp;
		if (s == GSM7_ESC && i + 1 < n) {
			uint8_t e = b[++i] & 0x7F;
			cp = gsm7_ext_to_ucs(e);
			if (cp == 0)
				cp = gsm7_to_ucs(e);
		} else if (s == GSM7_ESC) {
			cp = ' ';
		} else {
			cp = gsm7_to_ucs(s);
		}
		if (!ussd_put(out, cap, o, cp))
			return false;
	}
	return true;
}

/* Bytes as UTF-8 when they are, else as ISO 8859-1. */
static bool ussd_bytes_to_utf8(const uint8_t *b, size_t n, char *out, size_t cap, size_t *o)
{
	if (utf8_valid((const char *)b, n)) {
		if (*o + n >= cap)
			return false;
		memcpy(out + *o, b, n);
		*o += n;
		out[*o] = '\0';
		return true;
	}
	for (size_t i = 0; i < n; i++)
		if (!ussd_put(out, cap, o, b[i]))
			return false;
	return true;
}

static bool ussd_ucs2_hex(const char *s, size_t n, size_t skip_octets, char *out, size_t cap,
			  size_t *o)
{
	uint8_t buf[USSD_CMD_MAX];
	size_t bn;
	if (n % 4 || !ussd_unhex(s, n, buf, sizeof buf, &bn) || bn < skip_octets)
		return false;
	size_t r = utf16be_to_utf8(buf + skip_octets, bn - skip_octets, out + *o, cap - *o);
	if (r == (size_t)-1)
		return false;
	*o += r;
	return true;
}

/* Packed 7-bit hex (TS 23.038 6.1.2.3): 8n-1 characters leave 7 spare bits,
 * which carry CR as padding. Zero bits there would read as a final '@';
 * only CR is dropped, since an 8n-character text may really end in '@'. */
static bool ussd_packed_hex(const char *s, size_t n, bool strict, char *out, size_t cap,
			    size_t *o)
{
	uint8_t buf[USSD_CMD_MAX];
	size_t bn;
	if (!ussd_unhex(s, n, buf, sizeof buf, &bn))
		return false;
	size_t count = bn * 8 / 7;
	if (count > 0 && count % 8 == 0) {
		uint8_t last = gsm7_get(buf, count - 1);
		if (last == '\r')
			count--;
	}
	if (strict) {
		/* AUTO mode: only text that looks like text (no controls but
		 * CR / LF / ESC sequences) is taken as packed. */
		for (size_t i = 0; i < count; i++) {
			uint8_t v = gsm7_get(buf, i);
			uint32_t cp = gsm7_to_ucs(v);
			if (v != GSM7_ESC && v != '\n' && v != '\r' && cp < 0x20)
				return false;
		}
	}
	size_t r = gsm7_unpack_utf8(buf, 0, count, out + *o, cap - *o);
	if (r == (size_t)-1)
		return false;
	*o += r;
	return true;
}

/* A packed string in AUTO mode: a run of at least 8 hex digits with a letter
 * or of a length no decimal reply would have; "12500" or "TKC 1" are text. */
static bool ussd_looks_packed(const char *s, size_t n)
{
	if (n < 8 || n % 2)
		return false;
	bool letter = false;
	for (size_t i = 0; i < n; i++) {
		if (ussd_hexval(s[i]) < 0)
			return false;
		if (s[i] > '9')
			letter = true;
	}
	return letter || n >= 20;
}

static bool ussd_text(const char *s, size_t n, enum ussd_charset cs, char *out, size_t cap,
		      size_t *o)
{
	if (cs == USSD_CS_GSM) {
		/* The framer already turned line breaks into '\n', which is LF
		 * in the GSM alphabet too. */
		return ussd_septets_to_utf8((const uint8_t *)s, n, out, cap, o);
	}
	return ussd_bytes_to_utf8((const uint8_t *)s, n, out, cap, o);
}

/* CRLF and CR become LF; other control characters (a U+0000 from hex, a
 * NUL byte of 8-bit data) go, so the text is a proper C string; trailing
 * blank lines and spaces go. */
static size_t ussd_tidy(char *t, size_t n)
{
	size_t w = 0;
	for (size_t r = 0; r < n; r++) {
		unsigned char c = (unsigned char)t[r];
		if (c == '\r') {
			t[w++] = '\n';
			if (r + 1 < n && t[r + 1] == '\n')
				r++;
		} else if (c >= 0x20 || c == '\n' || c == '\t') {
			t[w++] = t[r];
		}
	}
	while (w > 0 && (t[w - 1] == '\n' || t[w - 1] == ' '))
		w--;
	t[w] = '\0';
	return w;
}

static int ussd_decode(const char *s, size_t n, const struct ussd_opts *o, struct ussd_reply *out,
		       char *why, size_t whylen)
{
	char *t = out->text;
	size_t cap = sizeof out->text, w = 0;
	bool ok = false;
	size_t skip = out->dcs == 0x11 ? 2 : 0;	/* language in the first 2 octets */
	enum ussd_charset cs = o->charset;

	if (cs == USSD_CS_HEX) {
		uint8_t buf[USSD_CMD_MAX];
		size_t bn;
		if (ussd_unhex(s, n, buf, sizeof buf, &bn)) {
			if (out->alphabet == USSD_ALPHA_UCS2)
				ok = ussd_ucs2_hex(s, n, skip, t, cap, &w);
			else if (out->alphabet == USSD_ALPHA_8BIT)
				ok = ussd_bytes_to_utf8(buf, bn, t, cap, &w);
			else
				ok = ussd_septets_to_utf8(buf, bn, t, cap, &w);
		}
	} else if (cs == USSD_CS_UCS2 || out->alphabet == USSD_ALPHA_UCS2) {
		ok = ussd_ucs2_hex(s, n, skip, t, cap, &w);
		if (!ok && cs == USSD_CS_UCS2 && out->alphabet == USSD_ALPHA_GSM7 &&
		    o->packed != USSD_PACKED_NEVER) {
			w = 0;
			ok = ussd_packed_hex(s, n, o->packed == USSD_PACKED_AUTO, t, cap, &w);
		}
	} else if (out->alphabet == USSD_ALPHA_8BIT) {
		uint8_t buf[USSD_CMD_MAX];
		size_t bn;
		if (ussd_unhex(s, n, buf, sizeof buf, &bn))
			ok = ussd_bytes_to_utf8(buf, bn, t, cap, &w);
	} else if (o->packed == USSD_PACKED_ALWAYS ||
		   (o->packed == USSD_PACKED_AUTO && ussd_looks_packed(s, n))) {
		ok = ussd_packed_hex(s, n, o->packed == USSD_PACKED_AUTO, t, cap, &w);
	} else {
		ok = ussd_text(s, n, cs, t, cap, &w);
		if (!ok) {
			ussd_why(why, whylen, "USSD text too long");
			return USSD_E_TOOLONG;
		}
	}
	if (!ok) {
		/* Not what the DCS / charset announced: keep the string as it
		 * came rather than lose the balance figure inside it. */
		w = 0;
		t[0] = '\0';
		if (!ussd_text(s, n, cs == USSD_CS_GSM ? USSD_CS_GSM : USSD_CS_IRA, t, cap, &w)) {
			ussd_why(why, whylen, "USSD text too long");
			return USSD_E_TOOLONG;
		}
		out->raw_fallback = true;
	}
	w = ussd_tidy(t, w);
	/* DCS 0x10: "xx" language and CR before the text (23.038 5). */
	if (out->dcs == 0x10 && w >= 3 && t[2] == '\n') {
		memmove(t, t + 3, w - 2);
		w -= 3;
	}
	out->text_len = w;
	return USSD_OK;
}

int ussd_parse(const char *line, const struct ussd_opts *o, struct ussd_reply *out, char *why,
	       size_t whylen)
{
	static const struct ussd_opts defaults = { USSD_CS_IRA, USSD_PACKED_NEVER };
	if (!o)
		o = &defaults;
	if (!out)
		return USSD_E_SYNTAX;
	memset(out, 0, sizeof *out);
	out->dcs = -1;
	struct at_tok t;
	long m;
	if (!line || !at_tok_start(&t, line, "+CUSD:")) {
		ussd_why(why, whylen, "not a +CUSD: line");
		return USSD_E_SYNTAX;
	}
	if (!at_tok_next_int(&t, &m) || m < 0 || m > 5) {
		ussd_why(why, whylen, "+CUSD: <m> missing or not 0..5");
		return USSD_E_SYNTAX;
	}
	out->status = (enum ussd_status)m;
	const char *s = NULL;
	size_t n = 0;
	if (at_tok_more(&t)) {
		out->has_text = at_tok_next_span(&t, &s, &n);
		long dcs;
		if (at_tok_more(&t)) {
			if (!at_tok_next_int(&t, &dcs) || dcs < 0 || dcs > 255) {
				ussd_why(why, whylen, "+CUSD: <dcs> not a number 0..255");
				return USSD_E_SYNTAX;
			}
			out->dcs = (int)dcs;
		}
	}
	if (!ussd_dcs_alphabet(out->dcs, &out->alphabet)) {
		ussd_why(why, whylen, "compressed USSD text (DCS) is not supported");
		return USSD_E_DCS;
	}
	if (!out->has_text || n == 0)
		return USSD_OK;
	return ussd_decode(s, n, o, out, why, whylen);
}

bool ussd_code_valid(const char *code)
{
	if (!code)
		return false;
	size_t n = strlen(code);
	if (n == 0 || n > 160)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)code[i];
		if (c < 0x20 || c > 0x7e || c == '"' || c == '\\')
			return false;
		int g = gsm7_from_ucs(c);
		if (g < 0 || (g & GSM7_EXT))
			return false;	/* only characters of the default table */
	}
	return true;
}

static const char ussd_hexdig[] = "0123456789ABCDEF";

int ussd_format_request(const char *code, const struct ussd_opts *o, char *out, size_t outlen,
			char *why, size_t whylen)
{
	static const struct ussd_opts defaults = { USSD_CS_IRA, USSD_PACKED_NEVER };
	if (!o)
		o = &defaults;
	if (!ussd_code_valid(code)) {
		ussd_why(why, whylen, "USSD code must be 1-160 GSM characters without quotes");
		return USSD_E_ARG;
	}
	char str[USSD_CMD_MAX - 32];
	size_t n = strlen(code), w = 0;
	if (o->packed == USSD_PACKED_ALWAYS && o->charset != USSD_CS_UCS2) {
		/* 8n-1 characters get CR as the padding septet (23.038 6.1.2.3.1). */
		size_t septets = n + (n % 8 == 7 ? 1 : 0);
		uint8_t buf[160];
		memset(buf, 0, sizeof buf);
		for (size_t i = 0; i < n; i++)
			gsm7_put(buf, i, (uint8_t)gsm7_from_ucs((unsigned char)code[i]));
		if (septets > n)
			gsm7_put(buf, n, '\r');
		size_t octets = gsm7_octets(septets);
		for (size_t i = 0; i < octets; i++) {
			str[w++] = ussd_hexdig[buf[i] >> 4];
			str[w++] = ussd_hexdig[buf[i] & 15];
		}
	} else if (o->charset == USSD_CS_UCS2) {
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)code[i];
			w += (size_t)snprintf(str + w, sizeof str - w, "00%c%c", ussd_hexdig[c >> 4],
					      ussd_hexdig[c & 15]);
		}
	} else if (o->charset == USSD_CS_HEX) {
		for (size_t i = 0; i < n; i++) {
			int g = gsm7_from_ucs((unsigned char)code[i]);
			str[w++] = ussd_hexdig[(g >> 4) & 15];
			str[w++] = ussd_hexdig[g & 15];
		}
	} else {
		/* IRA, 8859-1 and GSM: the characters the validity check allows
		 * are the same bytes in all three, except in GSM where a few
		 * ASCII characters sit elsewhere ('@' is 0x00, '$' is 0x02,
		 * '_' is 0x11...). */
		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)code[i];
			if (o->charset == USSD_CS_GSM && gsm7_from_ucs(c) != c) {
				ussd_why(why, whylen, "character not sendable in AT+CSCS=\"GSM\"");
				return USSD_E_ARG;
			}
			str[w++] = (char)c;
		}
	}
	str[w] = '\0';
	int r = snprintf(out, outlen, "AT+CUSD=1,\"%s\",15", str);
	if (r < 0 || (size_t)r >= outlen) {
		ussd_why(why, whylen, "output buffer too small for the AT+CUSD command");
		return USSD_E_TOOLONG;
	}
	return r;
}
