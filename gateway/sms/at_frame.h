/* at_frame.h: AT byte stream framing (3GPP TS 27.007 / 27.005 syntax).
 *
 * A pure incremental state machine, after oFono's gatsyntax: feed bytes in any
 * chunking, get events out through a callback. No I/O, no allocation: the
 * line buffer is inside the struct, bounded; an endless line or a burst of
 * garbage is dropped and counted, never grows memory.
 *
 * Events:
 *   AT_EV_LINE     a response line (CR/LF stripped, non-empty)
 *   AT_EV_FINAL    a final result: OK, ERROR, +CME ERROR: n, +CMS ERROR: n,
 *                  NO CARRIER, BUSY, NO ANSWER, NO DIALTONE, and numeric (ATV0)
 *                  forms 0 / 4; `code` carries the error number
 *   AT_EV_PDU      the hex line following +CMT:, +CDS:, +CMGR:, +CMGL: headers
 *                  (header delivered before as AT_EV_LINE)
 *   AT_EV_PROMPT   "> " of AT+CMGS/AT+CMGW (no line end)
 *   AT_EV_ECHO     an echoed command ("AT..." line matching what was sent)
 * The framer does not decide which command a line belongs to; at_chan does.
 */
#ifndef TINBAO_AT_FRAME_H
#define TINBAO_AT_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define AT_LINE_MAX 1024

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
	enum at_final final;	/* for AT_EV_FINAL */
	int code;		/* +CME/+CMS error number, -1 when verbose text */
	const char *text;	/* NUL-terminated line; valid during the callback */
	size_t len;
};

typedef void (*at_frame_cb)(void *ctx, const struct at_event *ev);

struct at_frame {
	char line[AT_LINE_MAX + 1];
	size_t len;
	int state;		/* private */
	int expect_pdu;		/* private: next line is a PDU */
	unsigned long dropped_bytes;	/* garbage / overlong lines discarded */
	unsigned long dropped_lines;
	at_frame_cb cb;
	void *ctx;
};

void at_frame_init(struct at_frame *f, at_frame_cb cb, void *ctx);
/* Feeds n bytes; calls cb for every complete event. */
void at_frame_feed(struct at_frame *f, const uint8_t *buf, size_t n);
/* Forgets a partial line (after a reopen of the port). */
void at_frame_reset(struct at_frame *f);
/* Classifies a complete line as final result or not (exported for tests and
 * for per-model tables). Returns AT_FINAL_NONE when not final. */
enum at_final at_final_parse(const char *line, int *code);

#endif
