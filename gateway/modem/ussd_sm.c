/* ussd_sm.c: the USSD exchange state machine (see ussd_sm.h). Owns the
 * retry / timeout / session rules of AT+CUSD; the bytes are ussd.c's, the
 * I/O is the driver's. */
#include "modem/ussd_sm.h"

#include <stdio.h>
#include <string.h>

static const char *const sm_state_names[] = {
	[USSD_SM_IDLE] = "idle", [USSD_SM_SENT] = "sent", [USSD_SM_WAITING] = "waiting",
	[USSD_SM_RETRY_WAIT] = "retry-wait", [USSD_SM_OPEN] = "open",
};

const char *ussd_sm_state_name(enum ussd_sm_state s)
{
	switch (s) {
	case USSD_SM_IDLE:
	case USSD_SM_SENT:
	case USSD_SM_WAITING:
	case USSD_SM_RETRY_WAIT:
	case USSD_SM_OPEN:
		return sm_state_names[s];
	}
	return "?";
}

const char *ussd_result_name(enum ussd_result_kind k)
{
	switch (k) {
	case USSD_RES_DONE: return "done";
	case USSD_RES_MORE: return "more";
	case USSD_RES_REFUSED: return "refused";
	case USSD_RES_UNSUPPORTED: return "unsupported";
	case USSD_RES_NETWORK_TIMEOUT: return "network-timeout";
	case USSD_RES_TIMEOUT: return "timeout";
	case USSD_RES_BAD_REPLY: return "bad-reply";
	case USSD_RES_CANCELLED: return "cancelled";
	case USSD_RES_BAD_REQUEST: return "bad-request";
	}
	return "?";
}

void ussd_sm_init(struct ussd_sm *sm, const struct ussd_sm_conf *conf, const struct ussd_opts *opts)
{
	memset(sm, 0, sizeof *sm);
	if (conf)
		sm->conf = *conf;
	if (sm->conf.timeout_ms <= 0)
		sm->conf.timeout_ms = 30000;
	if (sm->conf.retry_ms <= 0)
		sm->conf.retry_ms = 5000;
	if (sm->conf.max_tries <= 0)
		sm->conf.max_tries = 2;
	if (opts)
		sm->opts = *opts;
	sm->state = USSD_SM_IDLE;
}

bool ussd_sm_busy(const struct ussd_sm *sm)
{
	return sm->state != USSD_SM_IDLE;
}

static void sm_out_clear(struct ussd_sm_out *out)
{
	out->send = false;
	out->is_cancel = false;
	out->cmd[0] = '\0';
	out->timer_ms = -1;
	out->finished = false;
	memset(&out->result, 0, sizeof out->result);
	out->result.cme = -1;
}

static void sm_finish(struct ussd_sm *sm, struct ussd_sm_out *out, enum ussd_result_kind kind,
		      const char *text)
{
	out->finished = true;
	out->result.kind = kind;
	out->result.tries = sm->tries;
	if (text)
		snprintf(out->result.text, sizeof out->result.text, "%s", text);
}

static void sm_send_cancel(struct ussd_sm_out *out)
{
	out->send = true;
	out->is_cancel = true;
	snprintf(out->cmd, sizeof out->cmd, "%s", USSD_CANCEL_CMD);
}

/* Writes the request of the current step (again). */
static void sm_send_request(struct ussd_sm *sm, struct ussd_sm_out *out)
{
	sm->tries++;
	sm->state = USSD_SM_SENT;
	out->send = true;
	snprintf(out->cmd, sizeof out->cmd, "%s", sm->cmd);
	out->timer_ms = sm->conf.timeout_ms;
}

static void sm_request(struct ussd_sm *sm, const char *code, struct ussd_sm_out *out)
{
	char why[128];
	if (ussd_format_request(code, &sm->opts, sm->cmd, sizeof sm->cmd, why, sizeof why) < 0) {
		sm_finish(sm, out, USSD_RES_BAD_REQUEST, why);
		return;
	}
	sm->tries = 0;
	sm_send_request(sm, out);
}

void ussd_sm_start(struct ussd_sm *sm, const char *code, struct ussd_sm_out *out)
{
	sm_out_clear(out);
	if (sm->state != USSD_SM_IDLE) {
		sm_finish(sm, out, USSD_RES_BAD_REQUEST, "a USSD session is already going on");
		return;
	}
	sm_request(sm, code, out);
}

void ussd_sm_answer(struct ussd_sm *sm, const char *input, struct ussd_sm_out *out)
{
	sm_out_clear(out);
	if (sm->state != USSD_SM_OPEN) {
		sm_finish(sm, out, USSD_RES_BAD_REQUEST, "no open USSD session to answer");
		return;
	}
	sm_request(sm, input, out);
	if (out->finished)	/* a bad input leaves the session open */
		sm->state = USSD_SM_OPEN;
}

/* The network refused: try again later, or give up. */
static void sm_retry_or(struct ussd_sm *sm, struct ussd_sm_out *out, enum ussd_result_kind kind,
			const char *text)
{
	if (sm->tries < sm->conf.max_tries) {
		sm->state = USSD_SM_RETRY_WAIT;
		out->timer_ms = sm->conf.retry_ms;
		return;
	}
	sm->state = USSD_SM_IDLE;
	out->timer_ms = 0;
	sm_finish(sm, out, kind, text);
}

void ussd_sm_on_final(struct ussd_sm *sm, enum at_final final, int code, struct ussd_sm_out *out)
{
	sm_out_clear(out);
	if (sm->state != USSD_SM_SENT)
		return;	/* a late final (the +CUSD came first) or a cancel's */
	switch (final) {
	case AT_FINAL_OK:
		sm->state = USSD_SM_WAITING;
		return;
	case AT_FINAL_CME_ERROR:
		out->result.cme = code;
		if (code == 30 || code == 100) {
			char t[64];
			snprintf(t, sizeof t, "+CME ERROR: %d", code);
			sm_retry_or(sm, out, USSD_RES_REFUSED, t);
			out->result.cme = code;
			return;
		}
		break;
	case AT_FINAL_NONE:
	case AT_FINAL_ERROR:
	case AT_FINAL_CMS_ERROR:
	case AT_FINAL_NO_CARRIER:
	case AT_FINAL_BUSY:
	case AT_FINAL_NO_ANSWER:
	case AT_FINAL_NO_DIALTONE:
		break;
	}
	sm->state = USSD_SM_IDLE;
	out->timer_ms = 0;
	sm_finish(sm, out, USSD_RES_REFUSED, at_final_name(final));
	out->result.cme = final == AT_FINAL_CME_ERROR ? code : -1;
}

void ussd_sm_on_cusd(struct ussd_sm *sm, const char *line, struct ussd_sm_out *out)
{
	sm_out_clear(out);
	struct ussd_reply r;
	char why[128];
	bool ours = sm->state == USSD_SM_SENT || sm->state == USSD_SM_WAITING;
	if (ussd_parse(line, &sm->opts, &r, why, sizeof why) != USSD_OK) {
		if (ours) {
			sm->state = USSD_SM_IDLE;
			out->timer_ms = 0;
			sm_send_cancel(out);
		}
		sm_finish(sm, out, USSD_RES_BAD_REPLY, why);
		return;
	}
	out->result.status = r.status;
	if (!ours) {
		/* Network-initiated (or the network ending an open session). */
		if (sm->state == USSD_SM_RETRY_WAIT)
			return;	/* a stale reply to the refused try: ignore */
		if (r.status == USSD_MORE) {
			sm->state = USSD_SM_OPEN;
			out->timer_ms = sm->conf.timeout_ms;
			sm_finish(sm, out, USSD_RES_MORE, r.text);
		} else {
			if (sm->state == USSD_SM_OPEN)
				out->timer_ms = 0;
			sm->state = USSD_SM_IDLE;
			sm_finish(sm, out, USSD_RES_DONE, r.text);
		}
		return;
	}
	switch (r.status) {
	case USSD_DONE:
	case USSD_TERMINATED:
	case USSD_OTHER_CLIENT:
		sm->state = USSD_SM_IDLE;
		out->timer_ms = 0;
		sm_finish(sm, out, USSD_RES_DONE, r.text);
		return;
	case USSD_MORE:
		sm->state = USSD_SM_OPEN;
		/* The network drops an unanswered menu after a while; so do we. */
		out->timer_ms = sm->conf.timeout_ms;
		sm_finish(sm, out, USSD_RES_MORE, r.text);
		return;
	case USSD_UNSUPPORTED:
		if (sm->conf.retry_on_unsupported) {
			sm_retry_or(sm, out, USSD_RES_UNSUPPORTED, r.text);
			return;
		}
		sm->state = USSD_SM_IDLE;
		out->timer_ms = 0;
		sm_finish(sm, out, USSD_RES_UNSUPPORTED, r.text);
		return;
	case USSD_TIMEOUT:
		sm->state = USSD_SM_IDLE;
		out->timer_ms = 0;
		sm_finish(sm, out, USSD_RES_NETWORK_TIMEOUT, r.text);
		return;
	}
}

void ussd_sm_on_timer(struct ussd_sm *sm, struct ussd_sm_out *out)
{
	sm_out_clear(out);
	switch (sm->state) {
	case USSD_SM_IDLE:
		return;
	case USSD_SM_RETRY_WAIT:
		sm_send_request(sm, out);
		return;
	case USSD_SM_SENT:
	case USSD_SM_WAITING:
	case USSD_SM_OPEN:
		sm->state = USSD_SM_IDLE;
		out->timer_ms = 0;
		sm_send_cancel(out);
		sm_finish(sm, out, USSD_RES_TIMEOUT, "no USSD answer in time");
		return;
	}
}

void ussd_sm_cancel(struct ussd_sm *sm, struct ussd_sm_out *out)
{
	sm_out_clear(out);
	if (sm->state != USSD_SM_IDLE) {
		sm_send_cancel(out);
		out->timer_ms = 0;
	}
	sm->state = USSD_SM_IDLE;
	sm_finish(sm, out, USSD_RES_CANCELLED, "cancelled");
}
