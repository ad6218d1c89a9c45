/* at_frame.h: AT byte stream framing (3GPP TS 27.007 / 27.005 syntax).
 *
 * A pure incremental state machine, after oFono's gatsyntax: feed bytes in any
 * chunking, get events out through a callback. No I/O, no allocation: the
 * line buffer is inside the struct, bounded; an endless line or a burst of
 * garbage is dropped and counted, never grows memory. Feeding the same bytes
 * in any chunking gives the same events (the fuzz target checks it).
 *
 * Events:
 *   AT_EV_LINE     a response line or URC (CR/LF and surrounding blanks
 *                  stripped, never empty)
 *   AT_EV_FINAL    a final result: OK, ERROR, +CME ERROR: n, +CMS ERROR: n,
 *                  NO CARRIER, BUSY, NO ANSWER, NO DIALTONE, and the numeric
 *                  (ATV0) forms 0 3 4 6 7 8; see at_final_parse for `code`
 *   AT_EV_PDU      the hex line following a +CMT:, +CDS:, +CMGR: or +CMGL:
 *                  header; the header itself was delivered just before as an
 *                  AT_EV_LINE and is repeated in `header`
 *   AT_EV_PROMPT   "> " of AT+CMGS / AT+CMGW (it has no line end)
 *   AT_EV_ECHO     an echoed command line (starts with "AT" or "A/", any
 *                  case) or the echoed PDU text typed after the prompt
 *                  (ended by Ctrl-Z or ESC; in a +CUSD: line those two
 *                  bytes are dropped as noise instead)
 * The framer does not decide which command a line belongs to; at_chan does.
 *
 * Line ends: CR, LF and CRLF all end a line (ATV0 modems end with CR alone);
 * empty and blank lines are skipped. NUL and other control bytes (except TAB,
 * Ctrl-Z and ESC) are dropped and counted in dropped_bytes. A line with no
 * printable ASCII character at all (boot noise such as 0xFF bursts) is
 * dropped whole and counted. Bytes >= 0x80 are kept as they are: event text
 * is bytes, not guaranteed UTF-8.
 *
 * PDU mode only: the gateway runs the modem with AT+CMGF=0, so the line after
 * a +CMGR:/+CMGL:/+CMT:/+CDS: header is taken as a PDU when it is an even
 * number (>= 2) of hex digits. In text mode (AT+CMGF=1) the line after +CMGR:
 * is message text; a text made only of hex digits would be reported as
 * AT_EV_PDU. A non-hex line while a PDU is expected is delivered as a LINE
 * (a URC slipped in between) and the expectation stays; a final result or a
 * new header ends it (missing_pdus counts headers whose PDU never came).
 *
 * +CUSD quirk: USSD menus contain line breaks inside the quoted text
 * (+CUSD: 1,"1. Balance<CR><LF>2. Top up",15). While a +CUSD: line has an
 * open quote, a line end is kept as one '\n' in the line. If the quote never
 * closes and a continuation line is itself a final result, the +CUSD: part is
 * delivered as a LINE and the final result after it, so that a broken reply
 * can never hide an OK from the command queue.
 */
#ifndef TINBAO_AT_FRAME_H
#define TINBAO_AT_FRAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AT_LINE_MAX 1024
/* Headers longer than this are cut in the copy that AT_EV_PDU carries. */
#define AT_HEADER_MAX 255

enum at_ev_kind { AT_EV_LINE, AT_EV_FINAL, AT_EV_PDU, AT_EV_PROMPT, AT_EV_ECHO };

enum at_final {
	AT_FINAL_NONE = 0,
	AT_FINAL_OK,
	AT_FINAL_ERROR,
	AT_FINAL_CME_ERROR,
	AT_FINAL_CMS_ERROR,
	AT_FINAL_NO_CARRIER,
	AT_FINAL_BUSY,
	AT_FINAL_NO_ANSWER,
	AT_FINAL_NO_DIALTONE,
};

struct at_event {
	enum at_ev_kind kind;
	enum at_final final;	/* for AT_EV_FINAL, else AT_FINAL_NONE */
	int code;		/* see at_final_parse; 0 for other kinds */
	const char *text;	/* NUL-terminated line; valid during the callback */
	size_t len;		/* strlen(text); "" for AT_EV_PROMPT */
	const char *header;	/* AT_EV_PDU: its +CMGR:/+CMGL:/+CMT:/+CDS: line; else NULL */
};

typedef void (*at_frame_cb)(void *ctx, const struct at_event *ev);

struct at_frame {
	char line[AT_LINE_MAX + 1];
	size_t len;
	int state;		/* private: enum in at_frame.c */
	int expect_pdu;		/* private: a header was seen, its PDU not yet */
	unsigned long dropped_bytes;	/* garbage / overlong lines discarded */
	unsigned long dropped_lines;	/* lines dropped whole (overlong, garbage) */
	unsigned long missing_pdus;	/* PDU headers whose PDU line never came */
	at_frame_cb cb;
	void *ctx;
	/* private */
	char header[AT_HEADER_MAX + 1];
	bool in_quote;		/* inside the quoted text of a +CUSD: line */
	bool last_cr;		/* previous byte was CR (CRLF in a quote is one '\n') */
	size_t seg;		/* start of the current +CUSD continuation segment */
};

void at_frame_init(struct at_frame *f, at_frame_cb cb, void *ctx);
/* Feeds n bytes; calls cb for every complete event. cb may not call
 * at_frame_feed on the same framer. */
void at_frame_feed(struct at_frame *f, const uint8_t *buf, size_t n);
/* Forgets a partial line and any pending PDU expectation (after a reopen of
 * the port); the counters stay. */
void at_frame_reset(struct at_frame *f);
/* Classifies a complete line as final result or not (exported for tests and
 * for per-model tables). Returns AT_FINAL_NONE when not final. `code` (may be
 * NULL) gets the +CME/+CMS error number, -1 for ERROR and the verbose forms
 * ("+CME ERROR: SIM PIN required"), 0 for the others. */
enum at_final at_final_parse(const char *line, int *code);
/* True for the headers after which a PDU line follows in PDU mode. */
bool at_frame_is_pdu_header(const char *line);
/* "OK", "ERROR", "+CME ERROR", ... for logs. */
const char *at_final_name(enum at_final f);

#endif
