/* modem_sms.c: what the modem does once ready: reading stored messages
 * (+CMTI, sweeps with AT+CMGL=4), deleting them when the core says they are
 * committed, direct delivery (+CMT, AT+CNMA), status reports, SIM full,
 * sending with AT+CMGS and the health queries. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "loop.h"
#include "modem/modem_priv.h"
#include "sms/at_tok.h"

static const char *const modem_px_cmgl[] = { "+CMGL:", NULL };
static const char *const modem_px_cmgr[] = { "+CMGR:", NULL };
static const char *const modem_px_cmgs[] = { "+CMGS:", NULL };
static const char *const modem_px_csq[] = { "+CSQ:", NULL };
static const char *const modem_px_cops[] = { "+COPS:", NULL };
static const char *const modem_px_cnmi[] = { "+CNMI:", NULL };

/* ---- receive -------------------------------------------------------------- */

static void modem_slot_set(struct modem *m, int slot, uint8_t flag, bool on)
{
	if (slot < 0 || slot >= MODEM_SLOTS)
		return;
	if (on)
		m->slot[slot] |= flag;
	else
		m->slot[slot] &= (uint8_t)~flag;
}

static bool modem_slot_has(const struct modem *m, int slot, uint8_t flag)
{
	return slot >= 0 && slot < MODEM_SLOTS && (m->slot[slot] & flag);
}

static void modem_deliver_stored(struct modem *m, int slot, const char *hex, int len)
{
	/* Already committed and on its way out: reading it again would only
	 * make the core recognise a duplicate. */
	if (modem_slot_has(m, slot, MODEM_SLOT_DELETE))
		return;
	m->stats.reads++;
	if (m->cbs.on_pdu)
		m->cbs.on_pdu(m->cbs.ctx, slot, hex, len);
}

static void modem_cmgl_line(void *ctx, const char *line, bool is_pdu)
{
	struct modem *m = ctx;
	if (!is_pdu) {
		long v[4];
		int n = modem_ints(line, "+CMGL:", v, 4);
		m->list_slot = n >= 1 ? (int)v[0] : -1;
		m->list_len = n >= 3 ? (int)v[n - 1] : -1;
		return;
	}
	if (m->list_slot < 0)
		return;
	modem_deliver_stored(m, m->list_slot, line, m->list_len);
	m->list_slot = -1;
}

static void modem_cmgl_done(void *ctx, const struct at_response *r)
{
	struct modem *m = ctx;
	m->sweeping = false;
	if (r->cancelled)
		return;
	if (r->timeout) {
		modem_fault(m, "AT+CMGL=4");
		return;
	}
	m->stats.sweeps++;
	if (r->final != AT_FINAL_OK)
		log_warn("modem: listing stored messages failed: %s", r->text);
	if (m->sweep_again) {
		m->sweep_again = false;
		modem_sweep(m);
	}
}

void modem_sweep(struct modem *m)
{
	if (m->state != MODEM_READY || m->stopping) {
		m->sweep_again = true;	/* done on entering READY anyway */
		return;
	}
	if (m->sweeping) {
		m->sweep_again = true;
		return;
	}
	m->sweeping = true;
	m->list_slot = -1;
	/* A listing of a full SIM takes a while on a real modem. */
	if (modem_cmd(m, "AT+CMGL=4", modem_px_cmgl, m->conf.send_timeout_ms, modem_cmgl_line,
		      modem_cmgl_done, m) < 0)
		m->sweeping = false;
}

static void modem_cmgr_line(void *ctx, const char *line, bool is_pdu)
{
	struct modem_req *q = ctx;
	if (!is_pdu) {
		long v[4];
		int n = modem_ints(line, "+CMGR:", v, 4);
		q->len = n >= 2 ? (int)v[n - 1] : -1;
		return;
	}
	modem_slot_set(q->m, q->slot, MODEM_SLOT_READ, false);
	modem_deliver_stored(q->m, q->slot, line, q->len);
}

static void modem_cmgr_done(void *ctx, const struct at_response *r)
{
	struct modem_req *q = ctx;
	struct modem *m = q->m;
	modem_slot_set(m, q->slot, MODEM_SLOT_READ, false);
	free(q);
	if (r->timeout)
		modem_fault(m, "AT+CMGR");
}

static void modem_read_slot(struct modem *m, int slot)
{
	if (m->state != MODEM_READY || m->stopping) {
		m->sweep_again = true;
		return;
	}
	if (modem_slot_has(m, slot, MODEM_SLOT_READ | MODEM_SLOT_DELETE))
		return;
	struct modem_req *q = calloc(1, sizeof *q);
	if (!q) {
		m->sweep_again = true;
		return;
	}
	q->m = m;
	q->slot = slot;
	q->len = -1;
	char cmd[32];
	snprintf(cmd, sizeof cmd, "AT+CMGR=%d", slot);
	modem_slot_set(m, slot, MODEM_SLOT_READ, true);
	if (modem_cmd(m, cmd, modem_px_cmgr, m->conf.cmd_timeout_ms, modem_cmgr_line, modem_cmgr_done, q) < 0) {
		modem_slot_set(m, slot, MODEM_SLOT_READ, false);
		free(q);
	}
}

/* +CMTI: "SM",5 and +CDSI: "SM",6 (a status report stored). */
void modem_cmti_urc(void *ctx, const char *line, const char *pdu)
{
	struct modem *m = ctx;
	(void)pdu;
	struct at_tok t;
	char mem[8];
	long idx;
	const char *prefix = !strncmp(line, "+CDSI:", 6) ? "+CDSI:" : "+CMTI:";
	if (!at_tok_start(&t, line, prefix) || !at_tok_next_str(&t, mem, sizeof mem) ||
	    !at_tok_next_int(&t, &idx) || idx < 0) {
		log_info("modem: malformed %s skipped; sweeping instead", prefix);
		modem_sweep(m);
		return;
	}
	modem_read_slot(m, (int)idx);
}

static void modem_cmgd_done(void *ctx, const struct at_response *r)
{
	struct modem_req *q = ctx;
	struct modem *m = q->m;
	modem_slot_set(m, q->slot, MODEM_SLOT_DELETE, false);
	free(q);
	if (r->cancelled)
		return;
	if (r->timeout) {
		modem_fault(m, "AT+CMGD");
		return;
	}
	if (r->final == AT_FINAL_OK)
		m->stats.deletes++;
	else
		log_warn("modem: deleting a stored message failed: %s", r->text);
}

void modem_delete(struct modem *m, int slot)
{
	/* Outside READY the delete is skipped: the next sweep reads the
	 * message again and the store recognises it as already committed. */
	if (m->state != MODEM_READY || m->stopping || slot < 0)
		return;
	if (modem_slot_has(m, slot, MODEM_SLOT_DELETE))
		return;
	struct modem_req *q = calloc(1, sizeof *q);
	if (!q)
		return;
	q->m = m;
	q->slot = slot;
	char cmd[32];
	snprintf(cmd, sizeof cmd, "AT+CMGD=%d", slot);
	modem_slot_set(m, slot, MODEM_SLOT_DELETE, true);
	if (modem_cmd(m, cmd, NULL, m->conf.cmd_timeout_ms, NULL, modem_cmgd_done, q) < 0) {
		modem_slot_set(m, slot, MODEM_SLOT_DELETE, false);
		free(q);
	}
}

/* "+CMT: ,24" / "+CMT: \"\",24" then the PDU. */
void modem_cmt_urc(void *ctx, const char *line, const char *pdu)
{
	struct modem *m = ctx;
	long v[2];
	int n = modem_ints(line, "+CMT:", v, 2);
	if (!pdu) {
		log_warn("modem: +CMT without its PDU skipped");
		return;
	}
	if (m->cbs.on_direct)
		m->cbs.on_direct(m->cbs.ctx, pdu, n ? (int)v[n - 1] : -1);
}

void modem_cds_urc(void *ctx, const char *line, const char *pdu)
{
	struct modem *m = ctx;
	long v[2];
	int n = modem_ints(line, "+CDS:", v, 2);
	if (!pdu) {
		log_warn("modem: +CDS without its PDU skipped");
		return;
	}
	if (m->cbs.on_status_report)
		m->cbs.on_status_report(m->cbs.ctx, pdu, n ? (int)v[n - 1] : -1);
}

static void modem_cnma_done(void *ctx, const struct at_response *r)
{
	struct modem *m = ctx;
	if (r->timeout)
		modem_fault(m, "AT+CNMA");
}

void modem_ack_direct(struct modem *m)
{
	if (!m->direct_active || m->state != MODEM_READY || m->stopping)
		return;
	modem_cmd(m, "AT+CNMA", NULL, m->conf.cmd_timeout_ms, NULL, modem_cnma_done, m);
}

void modem_simfull_urc(void *ctx, const char *line, const char *pdu)
{
	struct modem *m = ctx;
	(void)line;
	(void)pdu;
	log_warn("modem: SIM message store full; sweeping it");
	modem_sweep(m);
}

/* ---- send ----------------------------------------------------------------- */

static void modem_cmgs_line(void *ctx, const char *line, bool is_pdu)
{
	struct modem_req *q = ctx;
	long v[1];
	if (!is_pdu && modem_ints(line, "+CMGS:", v, 1) == 1)
		q->mr = (int)v[0];
}

static void modem_cmgs_done(void *ctx, const struct at_response *r)
{
	struct modem_req *q = ctx;
	struct modem *m = q->m;
	int err;
	if (r->cancelled)
		err = MODEM_SEND_CANCELLED;
	else if (r->timeout)
		err = MODEM_SEND_TIMEOUT;
	else if (r->final == AT_FINAL_OK)
		err = MODEM_SEND_OK;
	else if (r->final == AT_FINAL_CMS_ERROR && r->code > 0)
		err = r->code;
	else
		err = MODEM_SEND_ERROR;
	int mr = q->mr;
	modem_sent_fn cb = q->cb;
	void *cbctx = q->ctx;
	free(q);
	if (err == MODEM_SEND_OK)
		m->stats.sends++;
	cb(cbctx, err == MODEM_SEND_OK ? (mr < 0 ? 0 : mr) : -1, err);
	if (err == MODEM_SEND_TIMEOUT)
		modem_fault(m, "AT+CMGS");
	else if (err == 322)	/* memory full: the SIM is full of unread messages */
		modem_sweep(m);
}

int modem_send(struct modem *m, int tpdu_len, const char *hex, modem_sent_fn cb, void *ctx)
{
	if (m->state != MODEM_READY || m->stopping)
		return -1;
	struct modem_req *q = calloc(1, sizeof *q);
	if (!q)
		return -1;
	q->m = m;
	q->mr = -1;
	q->cb = cb;
	q->ctx = ctx;
	char cmd[32];
	snprintf(cmd, sizeof cmd, "AT+CMGS=%d", tpdu_len);
	struct at_req r = { .cmd = cmd, .prefixes = modem_px_cmgs, .pdu = hex,
			    .timeout_ms = m->conf.cmd_timeout_ms,
			    .pdu_timeout_ms = m->conf.send_timeout_ms, .on_line = modem_cmgs_line,
			    .on_done = modem_cmgs_done, .ctx = q };
	if (at_chan_send(m->chan, &r) < 0) {
		free(q);
		return -1;
	}
	return 0;
}

/* ---- health ---------------------------------------------------------------- */

static void modem_health_line(void *ctx, const char *line, bool is_pdu)
{
	struct modem *m = ctx;
	long v[4];
	if (is_pdu)
		return;
	if (!strncmp(line, "+CSQ:", 5) && modem_ints(line, "+CSQ:", v, 2) == 2) {
		m->health.rssi = (int)v[0];
		m->health.ber = (int)v[1];
	} else if (!strncmp(line, "+COPS:", 6)) {
		struct at_tok t;
		char name[64];
		if (at_tok_start(&t, line, "+COPS:") && at_tok_skip(&t) && at_tok_skip(&t) &&
		    at_tok_next_str(&t, name, sizeof name))
			snprintf(m->health.operator_name, sizeof m->health.operator_name, "%s", name);
	} else if (!strncmp(line, "+CPMS:", 6)) {
		modem_cpms_line(m, line, false);
	} else if (!strncmp(line, "+CNMI:", 6)) {
		/* Modems drop the routing by themselves: 27.005 3.4.4 sets <mt>
		 * and <ds> to 0 when a +CMT goes unacknowledged (a daemon killed
		 * before its AT+CNMA), and a silent reboot forgets it. Messages
		 * then land on the SIM with no indication. */
		long want[5], got[5];
		int nw = modem_ints(modem_cnmi_cmd(m), "AT+CNMI=", want, 5);
		int ng = modem_ints(line, "+CNMI:", got, 5);
		for (int i = 0; i < 4 && i < nw && ng >= 2; i++)
			if (i >= ng || got[i] != want[i])
				m->cnmi_lost = true;
		if (m->cnmi_lost)
			log_warn("modem: new-message routing was reset (%s); setting it again", line);
	} else {
		modem_reg_line(m, line, false);
	}
}

static void modem_health_step_done(void *ctx, const struct at_response *r)
{
	struct modem *m = ctx;
	if (r->timeout) {
		m->health_running = false;
		modem_fault(m, "a health query");
	} else if (r->cancelled) {
		m->health_running = false;
	}
}

static void modem_health_last_done(void *ctx, const struct at_response *r)
{
	struct modem *m = ctx;
	modem_health_step_done(ctx, r);
	if (r->timeout || r->cancelled)
		return;
	m->health_running = false;
	modem_emit_health(m);
	if (m->cnmi_lost) {
		m->cnmi_lost = false;
		modem_enter(m, MODEM_SETUP);	/* then ready, which sweeps */
		return;
	}
	if (m->health.sim_total > 0 && m->health.sim_used >= m->health.sim_total) {
		log_warn("modem: SIM store full (%d of %d); sweeping", m->health.sim_used,
			 m->health.sim_total);
		modem_sweep(m);
	}
}

void modem_health_run(struct modem *m)
{
	if (m->state != MODEM_READY || m->health_running || m->stopping)
		return;
	m->health_running = true;
	int to = m->conf.cmd_timeout_ms;
	modem_cmd(m, "AT+CSQ", modem_px_csq, to, modem_health_line, modem_health_step_done, m);
	modem_cmd(m, "AT+COPS?", modem_px_cops, to, modem_health_line, modem_health_step_done, m);
	modem_cmd(m, "AT+CREG?", modem_px_creg, to, modem_health_line, modem_health_step_done, m);
	if (!m->q || m->q->lte)
		modem_cmd(m, "AT+CEREG?", modem_px_cereg, to, modem_health_line, modem_health_step_done, m);
	m->cnmi_lost = false;
	modem_cmd(m, "AT+CNMI?", modem_px_cnmi, to, modem_health_line, modem_health_step_done, m);
	modem_cmd(m, "AT+CPMS?", modem_px_cpms, to, modem_health_line, modem_health_last_done, m);
}

int64_t modem_on_health_timer(void *ctx)
{
	struct modem *m = ctx;
	modem_health_run(m);
	return (int64_t)m->conf.health_interval_s * 1000;
}

int64_t modem_on_sweep_timer(void *ctx)
{
	struct modem *m = ctx;
	modem_sweep(m);
	return (int64_t)m->conf.sweep_interval_s * 1000;
}

