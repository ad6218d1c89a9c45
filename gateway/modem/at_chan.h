/* at_chan.h: the AT command queue, after oFono's gatchat.
 *
 * One command in flight. Each has a timeout and a list of expected response
 * prefixes: a line belongs to the current command only if it is a final
 * result or starts with one of them; every other line is an unsolicited
 * result code (URC) and goes to the URC handler whose prefix matches, or is
 * logged and dropped. Final results come from the framer (OK, ERROR, +CME /
 * +CMS ERROR...) and from a per-modem table (at_chan_final_add), not from
 * if-chains. AT+CMGS / AT+CMGW: the PDU is written when the "> " prompt comes,
 * followed by Ctrl-Z. Such a command has two timeouts: timeout_ms until the
 * prompt (the modem answers at once or has hung), then pdu_timeout_ms for
 * the answer after Ctrl-Z (the network's, seconds to tens of seconds).
 *
 * Bytes come in through at_chan_feed (the modem reads the port) and go out
 * through the io callbacks (the modem writes the port), so tests drive it
 * with a script and no device. */
#ifndef TINBAO_AT_CHAN_H
#define TINBAO_AT_CHAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "sms/at_frame.h"

struct loop;
struct at_chan;

struct at_chan_io {
	/* Writes what it can; returns bytes written (0 = try later) or -1. */
	ssize_t (*write)(void *ctx, const void *buf, size_t n);
	/* Asks for (on) or stops asking for writability callbacks. */
	void (*want_write)(void *ctx, bool on);
	/* Optional: the queue has just become empty (shutdown waits for it). */
	void (*idle)(void *ctx);
	void *ctx;
};

struct at_response {
	enum at_final final;	/* AT_FINAL_NONE on timeout / cancel */
	int code;		/* +CME / +CMS error number, -1 when none */
	bool timeout;
	bool cancelled;		/* link lost or queue flushed: never sent or unanswered */
	const char *text;	/* the final line, "" on timeout / cancel */
};

/* A response line of the current command; is_pdu for the hex line after a
 * +CMGR: / +CMGL: header. Valid during the call. */
typedef void (*at_line_fn)(void *ctx, const char *line, bool is_pdu);
typedef void (*at_done_fn)(void *ctx, const struct at_response *r);
/* An unsolicited line; pdu is the following hex line for handlers
 * registered with_pdu (+CMT:, +CDS:), else NULL. */
typedef void (*at_urc_fn)(void *ctx, const char *line, const char *pdu);

/* The prefix "" takes every line that is neither a URC nor looks like one
 * (does not start with '+', '^' or '*'): for AT+CGMM, ATI, AT+CGSN. */
#define AT_PREFIX_BARE ""

struct at_req {
	const char *cmd;		/* without the CR; copied */
	const char *const *prefixes;	/* NULL-terminated, static; NULL: none */
	const char *pdu;		/* hex written at the prompt; copied; NULL */
	int timeout_ms;			/* the whole command; with a pdu, only
					   until the prompt */
	int pdu_timeout_ms;		/* with a pdu: from the Ctrl-Z to the
					   final result; <= 0: timeout_ms */
	const char *log_as;		/* shown in the log instead of cmd (PIN) */
	bool esc_first;			/* write ESC before the command: leaves a
					   "> " prompt a crashed predecessor left open */
	at_line_fn on_line;
	at_done_fn on_done;
	void *ctx;
};

struct at_chan *at_chan_new(struct loop *loop, const struct at_chan_io *io);
/* NULL-safe; drops what is queued without callbacks. Never from inside one
 * of the channel's own callbacks. */
void at_chan_free(struct at_chan *c);

/* Queues a command. Returns 0, or -1 when out of memory or closing. */
int at_chan_send(struct at_chan *c, const struct at_req *req);
/* Every queued and in-flight command ends with cancelled=true (link lost). */
void at_chan_cancel_all(struct at_chan *c);
/* Only the commands not yet written end with cancelled=true (shutdown: the
 * exchange in flight is finished). */
void at_chan_cancel_queued(struct at_chan *c);
/* Feed bytes read from the modem. */
void at_chan_feed(struct at_chan *c, const uint8_t *buf, size_t n);
/* The port is writable again. */
void at_chan_on_writable(struct at_chan *c);
/* Forgets any partial line (after reopening the port). */
void at_chan_reset(struct at_chan *c);

int at_chan_urc_add(struct at_chan *c, const char *prefix, bool with_pdu, at_urc_fn fn,
		    void *ctx);
/* Extra final results for one modem model: a line starting with `prefix`
 * ends the current command with `final`. */
int at_chan_final_add(struct at_chan *c, const char *prefix, enum at_final final);

bool at_chan_busy(const struct at_chan *c);	/* something in flight or queued */
size_t at_chan_queued(const struct at_chan *c);
/* Lines nobody claimed (garbage, unknown URCs) since creation. */
unsigned long at_chan_dropped(const struct at_chan *c);


#endif
