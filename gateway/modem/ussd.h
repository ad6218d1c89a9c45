/* ussd.h: USSD on the gateway's own modem, the pure half (3GPP TS 27.007
 * 7.15 +CUSD, data coding per TS 23.038 5 "CBS data coding scheme").
 *
 * Decodes a "+CUSD: <m>[,<str>[,<dcs>]]" line into UTF-8 text, whatever the
 * modem did with it: the text may come as characters of the TE character set
 * (AT+CSCS="IRA"/"GSM"/"8859-1"), as UCS-2 hex ("0054004B0043") when the DCS
 * says UCS-2 or when AT+CSCS="UCS2", or as packed 7-bit hex (some Huawei and
 * SIMCom firmwares, a per-model quirk). Builds the AT+CUSD command for a
 * code or a menu answer in the same character set. No I/O, no allocation.
 *
 * The driver (gateway/modem/modem.c) owns sessions, timeouts and retries: it
 * sends ussd_format_request()'s command through the AT queue, feeds every
 * "+CUSD:" URC to ussd_parse(), keeps the session open while status is
 * USSD_MORE, cancels with USSD_CANCEL_CMD, and retries once on +CME ERROR: 30
 * or 100 (the network refused the session; LTE modems need a moment to fall
 * back to 3G). */
#ifndef TINBAO_USSD_H
#define TINBAO_USSD_H

#include <stdbool.h>
#include <stddef.h>

/* 182 septets at most in one USSD string; 3 UTF-8 bytes each at worst. */
#define USSD_TEXT_MAX 600
#define USSD_CMD_MAX 900
#define USSD_CANCEL_CMD "AT+CUSD=2"

/* <m> of +CUSD (27.007). */
enum ussd_status {
	USSD_DONE = 0,		/* no further user action required */
	USSD_MORE = 1,		/* the network asks for an answer (menu) */
	USSD_TERMINATED = 2,	/* the network ended the session */
	USSD_OTHER_CLIENT = 3,	/* another local client answered */
	USSD_UNSUPPORTED = 4,	/* operation not supported */
	USSD_TIMEOUT = 5,	/* network time out */
};

/* The TE character set of AT+CSCS. */
enum ussd_charset {
	USSD_CS_IRA = 0,	/* "IRA" (ASCII), the usual default */
	USSD_CS_GSM,		/* "GSM": bytes are GSM 7-bit default alphabet codes */
	USSD_CS_UCS2,		/* "UCS2": every string is UCS-2 hex */
	USSD_CS_8859_1,		/* "8859-1" */
	USSD_CS_HEX,		/* "HEX": every string is hex of the raw octets */
};

/* What the modem does with 7-bit replies beside what AT+CSCS says. */
enum ussd_packed {
	USSD_PACKED_NEVER = 0,	/* text as the charset says (most modems) */
	USSD_PACKED_ALWAYS,	/* 7-bit replies and requests as packed hex (quirk) */
	USSD_PACKED_AUTO,	/* replies: packed hex when it plainly is (see ussd.c) */
};

struct ussd_opts {
	enum ussd_charset charset;
	enum ussd_packed packed;
};

/* The alphabet a DCS announces (TS 23.038 5). */
enum ussd_alphabet { USSD_ALPHA_GSM7, USSD_ALPHA_8BIT, USSD_ALPHA_UCS2 };

struct ussd_reply {
	enum ussd_status status;
	bool has_text;		/* a <str> was present */
	int dcs;		/* -1 when absent (then GSM 7-bit is assumed) */
	enum ussd_alphabet alphabet;
	char text[USSD_TEXT_MAX];	/* UTF-8, NUL-terminated; "" without <str> */
	size_t text_len;
	bool raw_fallback;	/* the string did not decode as announced and is
				   given as it came (logged by the caller) */
};

enum ussd_err {
	USSD_OK = 0,
	USSD_E_SYNTAX = -1,	/* not a +CUSD: line, or <m> missing / out of range */
	USSD_E_DCS = -2,	/* compressed or reserved-compressed DCS */
	USSD_E_TOOLONG = -3,	/* text does not fit */
	USSD_E_ARG = -4,	/* request: empty, too long, quote, control or
				   a character with no GSM 7-bit form */
};

/* "GSM", "IRA", "UCS2", "8859-1", "HEX" (any case, quotes allowed, as
 * AT+CSCS? prints them). Returns false for others. */
bool ussd_charset_parse(const char *name, enum ussd_charset *out);
const char *ussd_charset_name(enum ussd_charset cs);
const char *ussd_status_name(enum ussd_status s);	/* "done", "more", ... */

/* Alphabet of a DCS; false when the DCS says compressed. */
bool ussd_dcs_alphabet(int dcs, enum ussd_alphabet *out);

/* Parses a whole "+CUSD: ..." line (as at_frame delivers it, '\n' inside
 * the text allowed). Returns USSD_OK or a negative enum ussd_err, with a
 * one-line reason in why (may be NULL). */
int ussd_parse(const char *line, const struct ussd_opts *o, struct ussd_reply *out, char *why,
	       size_t whylen);

/* Writes `AT+CUSD=1,"<str>",15` for a code ("*101#") or a menu answer ("1")
 * into out, the string in the form the charset / quirk needs. Returns the
 * command length or a negative enum ussd_err. */
int ussd_format_request(const char *code, const struct ussd_opts *o, char *out, size_t outlen,
			char *why, size_t whylen);

/* True for codes worth sending: 1..160 characters of digits, '*', '#', '+'
 * and (for menu answers) letters and spaces; no quotes or controls. */
bool ussd_code_valid(const char *code);

#endif
