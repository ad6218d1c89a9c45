/* modem_ussd.c: USSD on the gateway's own modem (AT+CUSD), the I/O half
 * of ussd_sm: it sends what the state machine asks through the AT queue
 * like any other command (so USSD never blocks SMS), runs its one timer,
 * and feeds back the command's final result and every "+CUSD:" URC. One
 * exchange at a time; the caller (ussd_service, through core.c) gets
 * exactly one result per accepted modem_ussd(). */
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "loop.h"
#include "modem/modem_priv.h"

static void modem_ussd_done(void *ctx, const struct at_response *r);

/* Carries out what the state machine asks: the command, the timer, and the
 * result to the caller (last, so a caller that starts or cancels from
 * inside its callback finds the machine settled). */
static void modem_ussd_apply(struct modem *m, const struct ussd_sm_out *o)
{
	if (o->timer_ms > 0)
		loop_timer_arm(m->loop, &m->t_ussd, o->timer_ms);
	else if (o->timer_ms == 0)
		loop_timer_stop(m->loop, &m->t_ussd);
	if (o->send &&
	    modem_cmd(m, o->cmd, NULL, m->conf.cmd_timeout_ms, NULL, o->is_cancel ? NULL : modem_ussd_done,
		      m) < 0 &&
	    !o->is_cancel) {
		/* The queue refused the request: the exchange ends now as a
		 * refusal rather than at the timeout. */
		struct ussd_sm_out again;
		ussd_sm_on_final(&m->ussd, AT_FINAL_ERROR, -1, &again);
		modem_ussd_apply(m, &again);
		return;
	}
	if (o->finished && m->ussd_cb)
		m->ussd_cb(m->ussd_ctx, &o->result);
}

static void modem_ussd_done(void *ctx, const struct at_response *r)
{
	struct modem *m = ctx;
	struct ussd_sm_out o;
	ussd_sm_on_final(&m->ussd, r->timeout || r->cancelled ? AT_FINAL_NONE : r->final, r->code, &o);
	modem_ussd_apply(m, &o);
	/* Like any command that got no answer: the modem is resynchronised. */
	if (r->timeout)
		modem_fault(m, "AT+CUSD");
}

static void modem_ussd_urc(void *ctx, const char *line, const char *pdu)
{
	struct modem *m = ctx;
	(void)pdu;
	bool ours = ussd_sm_busy(&m->ussd);
	struct ussd_sm_out o;
	ussd_sm_on_cusd(&m->ussd, line, &o);
	if (!ours && o.finished)
		log_info("modem: USSD from the network: %s", o.result.text);
	modem_ussd_apply(m, &o);
}

static int64_t modem_on_ussd_timer(void *ctx)
{
	struct modem *m = ctx;
	struct ussd_sm_out o;
	ussd_sm_on_timer(&m->ussd, &o);
	modem_ussd_apply(m, &o);	/* re-arms the timer itself when asked */
	return LOOP_DONE;
}

void modem_ussd_init(struct modem *m)
{
	/* IRA text; UCS-2 replies come as hex whatever the charset (the DCS
	 * says so). LTE modems answer +CUSD: 4 before falling back to 3G:
	 * retried once. */
	struct ussd_opts uo = { USSD_CS_IRA, USSD_PACKED_NEVER };
	struct ussd_sm_conf uc = { 30000, 5000, 2, true };
	ussd_sm_init(&m->ussd, &uc, &uo);
	loop_timer_init(&m->t_ussd, modem_on_ussd_timer, m);
	at_chan_urc_add(m->chan, "+CUSD:", false, modem_ussd_urc, m);
}

void modem_ussd_abort(struct modem *m, bool report)
{
	loop_timer_stop(m->loop, &m->t_ussd);
	if (!ussd_sm_busy(&m->ussd))
		return;
	/* Back to idle without AT+CUSD=2: the queue is being flushed (the
	 * modem resyncs or the daemon stops) and the network drops a session
	 * nobody answers. The caller is told the exchange ended, so its job
	 * does not wait for a reply that cannot come. */
	struct ussd_sm_out o;
	ussd_sm_cancel(&m->ussd, &o);
	if (!report || !m->ussd_cb)
		return;
	o.result.kind = USSD_RES_TIMEOUT;
	snprintf(o.result.text, sizeof o.result.text, "the modem stopped answering");
	m->ussd_cb(m->ussd_ctx, &o.result);
}

int modem_ussd(struct modem *m, const char *code, bool answer, modem_ussd_fn cb, void *ctx)
{
	if (!modem_ready(m))
		return -1;
	m->ussd_cb = cb;
	m->ussd_ctx = ctx;
	struct ussd_sm_out o;
	if (answer)
		ussd_sm_answer(&m->ussd, code, &o);
	else
		ussd_sm_start(&m->ussd, code, &o);
	modem_ussd_apply(m, &o);
	return 0;
}

void modem_ussd_cancel(struct modem *m)
{
	struct ussd_sm_out o;
	modem_ussd_fn cb = m->ussd_cb;
	m->ussd_cb = NULL;	/* a cancel reports nothing */
	ussd_sm_cancel(&m->ussd, &o);
	modem_ussd_apply(m, &o);
	m->ussd_cb = cb;
}
