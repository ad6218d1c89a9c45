/* ussd_sm.h: one USSD exchange as a pure state machine, for the modem
 * driver. It decides what to send and when to give up; the driver only
 * does the I/O: it sends `out.cmd` through the AT queue (like any command,
 * so USSD never blocks SMS), arms one timer for `out.timer_ms`, and feeds
 * back the command's final result, every "+CUSD:" URC and the timer.
 *
 *   ussd_sm_start(&sm, "*101#", &opts, &out)      -> send AT+CUSD=1,"*101#",15
 *   ussd_sm_on_final(&sm, AT_FINAL_OK, 0, &out)   -> keep waiting for +CUSD
 *   ussd_sm_on_cusd(&sm, line, &out)              -> out.finished, out.result
 *   ussd_sm_on_timer(&sm, &out)                   -> retry, or give up + cancel
 *   ussd_sm_answer(&sm, "1", &out)                -> the next menu step
 *   ussd_sm_cancel(&sm, &out)                     -> AT+CUSD=2
 *
 * Rules: +CME ERROR: 30 (no network service) and 100 (unknown; LTE modems
 * say it while they fall back to 3G for USSD), and "+CUSD: 4" right after a
 * request on such modems, are retried after retry_ms, up to max_tries in
 * all. No "+CUSD:" within timeout_ms ends the exchange as a timeout and
 * sends AT+CUSD=2 so the modem does not keep a half-open session. A
 * "+CUSD: 1" leaves the session open for ussd_sm_answer(); any other result
 * closes it. No I/O, no allocation, no clock: times are relative ms. */
#ifndef TINBAO_USSD_SM_H
#define TINBAO_USSD_SM_H

#include <stdbool.h>
#include <stddef.h>

#include "modem/ussd.h"
#include "sms/at_frame.h"

enum ussd_sm_state {
	USSD_SM_IDLE,		/* nothing going on (or the session is closed) */
	USSD_SM_SENT,		/* AT+CUSD written, its final result not yet in */
	USSD_SM_WAITING,	/* OK received, waiting for the network's +CUSD */
	USSD_SM_RETRY_WAIT,	/* refused by the network: waiting to try again */
	USSD_SM_OPEN,		/* +CUSD: 1 came: the network waits for an answer */
};

enum ussd_result_kind {
	USSD_RES_DONE,		/* a reply, session closed (+CUSD: 0 / 2 / 3) */
	USSD_RES_MORE,		/* a reply, session open (+CUSD: 1) */
	USSD_RES_REFUSED,	/* the modem said ERROR / +CME ERROR (code in cme) */
	USSD_RES_UNSUPPORTED,	/* +CUSD: 4 (after any retries) */
	USSD_RES_NETWORK_TIMEOUT,	/* +CUSD: 5 */
	USSD_RES_TIMEOUT,	/* no reply within timeout_ms */
	USSD_RES_BAD_REPLY,	/* a +CUSD: line we could not read (why in text) */
	USSD_RES_CANCELLED,	/* ussd_sm_cancel() */
	USSD_RES_BAD_REQUEST,	/* the code cannot be sent (why in text) */
};

struct ussd_result {
	enum ussd_result_kind kind;
	enum ussd_status status;	/* <m> when a +CUSD came */
	int cme;			/* +CME ERROR number, -1 none / verbose */
	int tries;			/* requests written for this step */
	char text[USSD_TEXT_MAX];	/* UTF-8 reply, or the reason */
};

struct ussd_sm_out {
	bool send;			/* write cmd now (through the AT queue) */
	bool is_cancel;			/* cmd is AT+CUSD=2: its final result need
					   not be fed back (it is ignored) */
	char cmd[USSD_CMD_MAX];
	long timer_ms;			/* > 0 arm, 0 stop, -1 leave as is */
	bool finished;			/* result is ready for the caller */
	struct ussd_result result;
};

struct ussd_sm_conf {
	int timeout_ms;		/* per request: 30000 when 0 */
	int retry_ms;		/* before a retry: 5000 when 0 */
	int max_tries;		/* requests per step: 2 when 0 */
	bool retry_on_unsupported;	/* "+CUSD: 4" right after a request is retried */
};

struct ussd_sm {
	struct ussd_sm_conf conf;
	struct ussd_opts opts;
	enum ussd_sm_state state;
	char cmd[USSD_CMD_MAX];	/* the request of the current step */
	int tries;
};

void ussd_sm_init(struct ussd_sm *sm, const struct ussd_sm_conf *conf, const struct ussd_opts *opts);
/* Starts a session with a code. Refused (finished, BAD_REQUEST) while one is
 * going on or when the code is not sendable. */
void ussd_sm_start(struct ussd_sm *sm, const char *code, struct ussd_sm_out *out);
/* The next input in an open session ("1"). */
void ussd_sm_answer(struct ussd_sm *sm, const char *input, struct ussd_sm_out *out);
/* The final result of the command last sent (AT+CUSD=1,... or =2). */
void ussd_sm_on_final(struct ussd_sm *sm, enum at_final final, int code, struct ussd_sm_out *out);
/* A "+CUSD:" line (URC). Lines while idle are network-initiated
 * notifications: finished DONE with the text, state unchanged. */
void ussd_sm_on_cusd(struct ussd_sm *sm, const char *line, struct ussd_sm_out *out);
/* The timer armed through out.timer_ms fired. */
void ussd_sm_on_timer(struct ussd_sm *sm, struct ussd_sm_out *out);
/* Ends whatever is going on with AT+CUSD=2 (finished CANCELLED). */
void ussd_sm_cancel(struct ussd_sm *sm, struct ussd_sm_out *out);

bool ussd_sm_busy(const struct ussd_sm *sm);	/* not IDLE */
const char *ussd_sm_state_name(enum ussd_sm_state s);
const char *ussd_result_name(enum ussd_result_kind k);

#endif
