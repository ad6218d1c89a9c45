/* modem.c: the modem state machine: the port, start-up (sync, init, SIM,
 * registration, setup), the recovery ladder and the life of the object.
 * Receiving, sending and health are in modem_sms.c, USSD in modem_ussd.c.
 * See modem.h. */
#include "modem/modem.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "loop.h"
#include "modem/at_chan.h"
#include "modem/link.h"
#include "modem/modem_priv.h"
#include "modem/quirks.h"
#include "sms/at_tok.h"

static const char *const modem_px_cpin[] = { "+CPIN:", NULL };
const char *const modem_px_creg[] = { "+CREG:", NULL };
const char *const modem_px_cereg[] = { "+CEREG:", NULL };
const char *const modem_px_cpms[] = { "+CPMS:", NULL };
static const char *const modem_px_csms[] = { "+CSMS:", NULL };
static const char *const modem_px_bare[] = { AT_PREFIX_BARE, NULL };

void modem_enter(struct modem *m, enum modem_state s);
static void modem_sync_send(struct modem *m);

void modem_conf_defaults(struct modem_conf *c)
{
	memset(c, 0, sizeof *c);
	c->baud = 115200;
	snprintf(c->storage, sizeof c->storage, "SM");
	c->sweep_interval_s = 300;
	c->health_interval_s = 300;
	c->cmd_timeout_ms = 10000;
	c->send_timeout_ms = 60000;
	c->reset_min_interval_s = 1800;
}

const char *modem_state_name(enum modem_state s)
{
	switch (s) {
	case MODEM_CLOSED: return "closed";
	case MODEM_CONNECTING: return "connecting";
	case MODEM_SYNC: return "sync";
	case MODEM_INIT: return "init";
	case MODEM_SIM: return "sim";
	case MODEM_SIM_LOCKED: return "sim-locked";
	case MODEM_REGISTER: return "register";
	case MODEM_SETUP: return "setup";
	case MODEM_READY: return "ready";
	case MODEM_RESET: return "reset";
	case MODEM_STOPPED: return "stopped";
	}
	return "?";
}

static const char *modem_reg_name(int stat)
{
	switch (stat) {
	case 0: return "not registered, not searching";
	case 1: return "registered (home)";
	case 2: return "searching";
	case 3: return "registration denied";
	case 4: return "unknown";
	case 5: return "registered (roaming)";
	default: return "no answer";
	}
}

static bool modem_registered(int stat)
{
	return stat == 1 || stat == 5;
}

/* ---- the port ---------------------------------------------------------- */

void modem_emit_health(struct modem *m)
{
	m->health.state = m->state;
	if (m->cbs.on_health)
		m->cbs.on_health(m->cbs.ctx, &m->health);
}

static void modem_close_link(struct modem *m)
{
	if (!m->link)
		return;
	loop_fd_del(m->loop, m->fd);
	link_close(m->link);
	m->link = NULL;
	m->fd = -1;
	at_chan_reset(m->chan);
}

/* Closes the port and tries again after delay_ms (CLOSED state). */
static void modem_reopen_later(struct modem *m, int64_t delay_ms)
{
	modem_close_link(m);
	modem_enter(m, MODEM_CLOSED);
	if (!m->stopping)
		loop_timer_arm(m->loop, &m->t_state, delay_ms);
}

static void modem_link_lost(struct modem *m, const char *why)
{
	log_warn("modem: port %s lost (%s); reopening", m->conf.device, why);
	m->stats.reopens++;
	modem_reopen_later(m, 1000);
}

static void modem_on_fd(void *ctx, int fd, short revents)
{
	struct modem *m = ctx;
	struct link *l = m->link;
	(void)fd;
	if (!l)
		return;
	if (link_connecting(l)) {
		if (!(revents & (POLLOUT | POLLERR | POLLHUP)))
			return;
		if (link_finish_connect(l, m->why, sizeof m->why) < 0) {
			log_warn("modem: %s", m->why);
			m->open_fails++;
			modem_reopen_later(m, m->open_fails < 5 ? 1000 << m->open_fails : 30000);
			return;
		}
		loop_fd_events(m->loop, m->fd, POLLIN);
		modem_enter(m, MODEM_SYNC);
		return;
	}
	if (revents & POLLIN) {
		uint8_t buf[4096];
		for (int i = 0; i < 64 && m->link == l; i++) {
			ssize_t r = link_read(l, buf, sizeof buf);
			if (r < 0) {
				modem_link_lost(m, "read failed");
				return;
			}
			if (r == 0)
				break;
			at_chan_feed(m->chan, buf, (size_t)r);
			if (m->state == MODEM_SYNC && m->settling &&
			    loop_now(m->loop) - m->settle_start < MODEM_SYNC_QUIET_MAX_MS)
				loop_timer_arm(m->loop, &m->t_state, MODEM_SYNC_QUIET_MS);
			if ((size_t)r < sizeof buf)
				break;
		}
		if (m->link != l)
			return;
	}
	if (revents & (POLLHUP | POLLERR | POLLNVAL)) {
		modem_link_lost(m, "hang-up");
		return;
	}
	if (revents & POLLOUT)
		at_chan_on_writable(m->chan);
}

static void modem_try_open(struct modem *m)
{
	if (link_open(&m->link, m->conf.device, m->conf.baud, m->why, sizeof m->why) < 0) {
		m->open_fails++;
		int64_t delay = m->open_fails < 5 ? 1000LL << m->open_fails : 30000;
		/* The first failure is worth a warning; an unplugged modem that
		 * stays away should not fill the log. */
		if (m->open_fails == 1 || m->open_fails % 20 == 0)
			log_warn("modem: cannot open %s: %s (retrying every %lld s)", m->conf.device,
				 m->why, (long long)delay / 1000);
		else
			log_debug("modem: cannot open %s: %s", m->conf.device, m->why);
		m->health.problem = "modem port missing";
		loop_timer_arm(m->loop, &m->t_state, delay);
		return;
	}
	m->fd = link_fd(m->link);
	log_info("modem: opened %s%s%s", link_path(m->link),
		 strcmp(link_path(m->link), m->conf.device) ? " for " : "",
		 strcmp(link_path(m->link), m->conf.device) ? m->conf.device : "");
	if (loop_fd_add(m->loop, m->fd, link_connecting(m->link) ? POLLOUT : POLLIN, modem_on_fd, m) < 0) {
		modem_reopen_later(m, 5000);
		return;
	}
	at_chan_reset(m->chan);
	if (link_connecting(m->link)) {
		modem_enter(m, MODEM_CONNECTING);
		loop_timer_arm(m->loop, &m->t_state, m->conf.cmd_timeout_ms);
	} else {
		modem_enter(m, MODEM_SYNC);
	}
}

static ssize_t modem_io_write(void *ctx, const void *buf, size_t n)
{
	struct modem *m = ctx;
	if (!m->link || link_connecting(m->link))
		return -1;
	return link_write(m->link, buf, n);
}

static void modem_io_want_write(void *ctx, bool on)
{
	struct modem *m = ctx;
	if (m->link && !link_connecting(m->link))
		loop_fd_events(m->loop, m->fd, (short)(POLLIN | (on ? POLLOUT : 0)));
}

static void modem_io_idle(void *ctx)
{
	struct modem *m = ctx;
	if (m->stopping) {
		if (m->stop_done) {
			void (*done)(void *) = m->stop_done;
			m->stop_done = NULL;
			done(m->stop_ctx);
		}
		return;
	}
	if (m->state == MODEM_READY && m->cbs.on_idle)
		m->cbs.on_idle(m->cbs.ctx);
}

/* ---- command helpers --------------------------------------------------- */

int modem_cmd(struct modem *m, const char *cmd, const char *const *prefixes, int timeout_ms,
		     at_line_fn line, at_done_fn done, void *ctx)
{
	struct at_req r = { .cmd = cmd, .prefixes = prefixes, .timeout_ms = timeout_ms,
			    .on_line = line, .on_done = done, .ctx = ctx };
	return at_chan_send(m->chan, &r);
}

/* A command that got no answer: the first rung of the ladder is a resync. */
void modem_fault(struct modem *m, const char *what)
{
	if (m->stopping)
		return;
	log_warn("modem: no answer to %s; resynchronising", what);
	m->stats.resyncs++;
	modem_enter(m, MODEM_SYNC);
}

/* Scripts: a short list of commands run one after the other, the way each
 * start-up state is written. */
static void modem_script_reset(struct modem *m)
{
	m->nscript = m->iscript = 0;
	m->script_gen++;
}

static void modem_script_add(struct modem *m, const char *cmd, const char *log_as,
			     const char *const *prefixes, modem_line_fn line, bool must_ok)
{
	if (m->nscript == MODEM_SCRIPT_MAX)
		return;
	struct modem_step *s = &m->script[m->nscript++];
	snprintf(s->cmd, sizeof s->cmd, "%s", cmd);
	snprintf(s->log_as, sizeof s->log_as, "%s", log_as ? log_as : "");
	s->prefixes = prefixes;
	s->line = line;
	s->must_ok = must_ok;
}

static void modem_script_next(struct modem *m);

static void modem_script_on_line(void *ctx, const char *line, bool is_pdu)
{
	struct modem *m = ctx;
	if (m->iscript < m->nscript && m->script[m->iscript].line)
		m->script[m->iscript].line(m, line, is_pdu);
}

static void modem_script_on_done(void *ctx, const struct at_response *r)
{
	struct modem *m = ctx;
	if (r->cancelled || m->iscript >= m->nscript)
		return;
	struct modem_step *s = &m->script[m->iscript];
	if (r->timeout) {
		modem_fault(m, s->log_as[0] ? s->log_as : s->cmd);
		return;
	}
	if (r->final != AT_FINAL_OK && s->must_ok) {
		modem_script_done_fn done = m->script_done;
		m->iscript = m->nscript;
		done(m, r);
		return;
	}
	m->iscript++;
	modem_script_next(m);
}

static void modem_script_next(struct modem *m)
{
	if (m->iscript >= m->nscript) {
		m->script_done(m, NULL);
		return;
	}
	struct modem_step *s = &m->script[m->iscript];
	struct at_req r = { .cmd = s->cmd, .prefixes = s->prefixes, .timeout_ms = m->conf.cmd_timeout_ms,
			    .log_as = s->log_as[0] ? s->log_as : NULL,
			    .on_line = modem_script_on_line, .on_done = modem_script_on_done, .ctx = m };
	at_chan_send(m->chan, &r);
}

static void modem_script_run(struct modem *m, modem_script_done_fn done)
{
	m->script_done = done;
	m->iscript = 0;
	modem_script_next(m);
}

/* ---- parsing ------------------------------------------------------------ */

/* The numbers of a response line, skipping strings and empty fields:
 * "+CMGL: 3,1,,24" -> 3 1 24. Returns how many were found. */
int modem_ints(const char *line, const char *prefix, long *out, int max)
{
	struct at_tok t;
	if (!at_tok_start(&t, line, prefix))
		return 0;
	int n = 0;
	while (at_tok_more(&t) && n < max) {
		const char *s;
		size_t len;
		struct at_tok save = t;
		long v;
		if (at_tok_next_int(&t, &v)) {
			out[n++] = v;
			continue;
		}
		t = save;
		if (!at_tok_next_span(&t, &s, &len))
			break;
	}
	return n;
}

/* ---- SIM ----------------------------------------------------------------- */

static void modem_cpin_line(struct modem *m, const char *line, bool is_pdu)
{
	struct at_tok t;
	if (!is_pdu && at_tok_start(&t, line, "+CPIN:"))
		at_tok_next_str(&t, m->cpin, sizeof m->cpin);
}

static void modem_sim_locked(struct modem *m, const char *problem)
{
	if (!m->health.problem || strcmp(m->health.problem, problem) || m->state != MODEM_SIM_LOCKED) {
		m->health.problem = problem;
		log_err("modem: SIM: %s. The gateway waits; fix it and restart tinbaod "
			"(or reinsert the SIM).", problem);
		modem_enter(m, MODEM_SIM_LOCKED);
		modem_emit_health(m);
	} else {
		modem_enter(m, MODEM_SIM_LOCKED);
	}
}

static void modem_pin_done(void *ctx, const struct at_response *r)
{
	struct modem *m = ctx;
	if (r->cancelled)
		return;
	if (r->timeout) {
		/* Unknown whether the PIN was taken; it is never sent again,
		 * AT+CPIN? after the resync says where we are. */
		modem_fault(m, "AT+CPIN=<pin>");
		return;
	}
	if (r->final != AT_FINAL_OK) {
		log_err("modem: THE SIM REJECTED THE PIN (%s %d). NOT RETRYING: three wrong "
			"PINs lock the SIM. Correct modem.pin in the configuration, then restart.",
			at_final_name(r->final), r->code);
		modem_sim_locked(m, "PIN rejected");
		return;
	}
	log_info("modem: SIM PIN accepted");
	/* The SIM needs a moment to read its files after the PIN. */
	loop_timer_arm(m->loop, &m->t_state, 2000);
}

static void modem_cpin_done(struct modem *m, const struct at_response *fail)
{
	if (fail) {
		if (fail->final == AT_FINAL_CME_ERROR && (fail->code == 14 || fail->code == 515) &&
		    m->tries++ < 15) {
			loop_timer_arm(m->loop, &m->t_state, 2000);	/* SIM busy */
			return;
		}
		if (fail->final == AT_FINAL_CME_ERROR && fail->code == 10)
			modem_sim_locked(m, "no SIM inserted");
		else if (fail->final == AT_FINAL_CME_ERROR && fail->code == 11 && m->pin_tried)
			modem_sim_locked(m, "PIN rejected");
		else if (fail->final == AT_FINAL_CME_ERROR && fail->code == 12)
			modem_sim_locked(m, "SIM wants its PUK (PIN blocked)");
		else if (fail->final == AT_FINAL_CME_ERROR && fail->code == 11)
			goto need_pin;
		else
			modem_sim_locked(m, "SIM not usable");
		return;
	}
	if (!strcmp(m->cpin, "READY")) {
		if (m->state == MODEM_SIM_LOCKED)
			log_info("modem: SIM ready again");
		m->health.problem = NULL;
		modem_enter(m, MODEM_REGISTER);
		return;
	}
	if (!strcmp(m->cpin, "SIM PIN"))
		goto need_pin;
	if (!strcmp(m->cpin, "SIM PUK"))
		modem_sim_locked(m, "SIM wants its PUK (PIN blocked)");
	else
		modem_sim_locked(m, "SIM asks for something the gateway cannot give (see AT+CPIN?)");
	return;
need_pin:
	if (!m->conf.pin[0]) {
		modem_sim_locked(m, "SIM wants a PIN and modem.pin is empty");
		return;
	}
	if (m->pin_tried) {
		modem_sim_locked(m, "PIN rejected");
		return;
	}
	m->pin_tried = true;
	char cmd[64];
	snprintf(cmd, sizeof cmd, "AT+CPIN=\"%s\"", m->conf.pin);
	struct at_req r = { .cmd = cmd, .timeout_ms = m->conf.cmd_timeout_ms, .log_as = "AT+CPIN=<pin>",
			    .on_done = modem_pin_done, .ctx = m };
	at_chan_send(m->chan, &r);
}

static void modem_sim_query(struct modem *m)
{
	m->cpin[0] = 0;
	modem_script_reset(m);
	modem_script_add(m, "AT+CPIN?", NULL, modem_px_cpin, modem_cpin_line, true);
	modem_script_run(m, modem_cpin_done);
}

/* ---- init ---------------------------------------------------------------- */

static void modem_model_line(struct modem *m, const char *line, bool is_pdu)
{
	if (!is_pdu && !m->health.model[0])
		snprintf(m->health.model, sizeof m->health.model, "%s", line);
}

static void modem_init_done(struct modem *m, const struct at_response *fail)
{
	(void)fail;	/* every init step may fail: old modems lack AT+CMEE */
	/* A model named in the config wins over what the modem says. */
	bool forced = m->conf.model[0] && strcasecmp(m->conf.model, "auto");
	const struct modem_quirks *q = quirks_find(forced ? m->conf.model : m->health.model);
	if (q != m->q) {
		m->q = q;
		log_info("modem: model \"%s\": using the %s profile", m->health.model, q->name);
		for (const struct modem_quirk_final *f = q->finals; f && f->prefix; f++)
			at_chan_final_add(m->chan, f->prefix, f->final);
	}
	modem_enter(m, MODEM_SIM);
}

/* ---- registration -------------------------------------------------------- */

/* "+CREG: 0,1" (query), "+CREG: 1" (URC), "+CREG: 2,5,\"1A2B\",\"01C3F\"". */
static int modem_reg_parse(const char *line, const char *prefix)
{
	struct at_tok t;
	long a, b;
	if (!at_tok_start(&t, line, prefix) || !at_tok_next_int(&t, &a))
		return -1;
	if (at_tok_next_int(&t, &b))
		return (int)b;
	return (int)a;
}

void modem_reg_line(struct modem *m, const char *line, bool is_pdu)
{
	if (is_pdu)
		return;
	if (!strncmp(line, "+CREG:", 6))
		m->health.creg = modem_reg_parse(line, "+CREG:");
	else if (!strncmp(line, "+CEREG:", 7))
		m->health.cereg = modem_reg_parse(line, "+CEREG:");
}

static void modem_reg_urc(void *ctx, const char *line, const char *pdu)
{
	struct modem *m = ctx;
	int old = modem_registered(m->health.creg) || modem_registered(m->health.cereg);
	modem_reg_line(m, line, pdu != NULL);
	int now = modem_registered(m->health.creg) || modem_registered(m->health.cereg);
	if (old != now)
		log_info("modem: network %s", now ? "registered" : "lost");
}

static void modem_register_done(struct modem *m, const struct at_response *fail)
{
	(void)fail;
	int best = modem_registered(m->health.cereg) ? m->health.cereg : m->health.creg;
	if (modem_registered(m->health.creg) || modem_registered(m->health.cereg)) {
		log_info("modem: %s", modem_reg_name(best));
		modem_enter(m, MODEM_SETUP);
		return;
	}
	int64_t now = loop_now(m->loop);
	int64_t waited = (now - m->wait_since) / 1000;
	if (best != m->last_reg || now - m->wait_logged >= 60000) {
		log_warn("modem: waiting for the network: %s (+CREG %d, +CEREG %d) for %lld s",
			 modem_reg_name(best), m->health.creg, m->health.cereg, (long long)waited);
		m->last_reg = best;
		m->wait_logged = now;
		m->health.problem = best == 3 ? "network registration denied" : "no network";
		modem_emit_health(m);
	}
	loop_timer_arm(m->loop, &m->t_state, waited < 30 ? 2000 : 10000);
}

static void modem_register_query(struct modem *m)
{
	m->health.creg = m->health.cereg = -1;
	modem_script_reset(m);
	modem_script_add(m, "AT+CREG?", NULL, modem_px_creg, modem_reg_line, false);
	if (!m->q || m->q->lte)
		modem_script_add(m, "AT+CEREG?", NULL, modem_px_cereg, modem_reg_line, false);
	modem_script_run(m, modem_register_done);
}

/* ---- setup --------------------------------------------------------------- */

/* "+CPMS: 3,30,3,30,3,30" (set) or "+CPMS: \"SM\",3,30,..." (query): the
 * first two numbers are the read store's use. */
void modem_cpms_line(struct modem *m, const char *line, bool is_pdu)
{
	long v[6];
	if (!is_pdu && modem_ints(line, "+CPMS:", v, 6) >= 2) {
		m->health.sim_used = (int)v[0];
		m->health.sim_total = (int)v[1];
	}
}

static void modem_setup_done(struct modem *m, const struct at_response *fail)
{
	if (!fail) {
		modem_enter(m, MODEM_READY);
		return;
	}
	/* Right after the PIN, SIM800-class modems answer SMS commands with
	 * +CMS ERROR: 302/500 until their "SMS Ready" URC: wait and retry. */
	m->tries++;
	int64_t delay = m->tries < 10 ? 3000 : 30000;
	if (m->tries == 1 || m->tries % 10 == 0)
		log_warn("modem: SMS set-up refused (%s%s%d); retrying in %lld s", fail->text,
			 fail->code >= 0 ? " / " : "", fail->code, (long long)delay / 1000);
	loop_timer_arm(m->loop, &m->t_state, delay);
}

/* The AT+CNMI we set in setup (the model's, or the direct-delivery one).
 * Direct delivery routes messages as +CMT but stores status reports (+CDSI,
 * read like messages): an AT+CNMA meant for a +CDS would, on a modem that
 * expects none, acknowledge a +CMT we never saw (one a crashed predecessor
 * left in the port, flushed at our open), and that message would be lost. */
const char *modem_cnmi_cmd(const struct modem *m)
{
	if (m->conf.direct_delivery)
		return "AT+CNMI=2,2,0,2,0";
	return m->q ? m->q->cnmi : "AT+CNMI=2,1,0,1,0";
}

static void modem_setup_run(struct modem *m)
{
	char cpms[64];
	snprintf(cpms, sizeof cpms, "AT+CPMS=\"%s\",\"%s\",\"%s\"", m->conf.storage, m->conf.storage,
		 m->conf.storage);
	modem_script_reset(m);
	modem_script_add(m, "AT+CMGF=0", NULL, NULL, NULL, true);
	modem_script_add(m, cpms, NULL, modem_px_cpms, modem_cpms_line, true);
	if (m->conf.direct_delivery) {
		/* Phase 2+ (CSMS=1): the modem expects AT+CNMA for each +CMT, and
		 * the network keeps what is not acknowledged, so a crash before
		 * the commit loses nothing. */
		modem_script_add(m, "AT+CSMS=1", NULL, modem_px_csms, NULL, true);
	}
	modem_script_add(m, modem_cnmi_cmd(m), NULL, NULL, NULL, true);
	modem_script_run(m, modem_setup_done);
}

/* ---- sync and the recovery ladder ------------------------------------------ */

static void modem_reset_done(void *ctx, const struct at_response *r)
{
	struct modem *m = ctx;
	if (r->cancelled)
		return;
	/* Whatever it answered, the module is rebooting (or dead): let it
	 * come back and open the port afresh, maybe under a new name. */
	modem_close_link(m);
	modem_enter(m, MODEM_RESET);
}

static void modem_sync_failed(struct modem *m)
{
	int64_t now = loop_now(m->loop);
	m->rung++;
	if (m->rung == 1) {
		log_warn("modem: no answer to AT; reopening the port");
		m->stats.reopens++;
		modem_reopen_later(m, 1000);
		return;
	}
	bool allowed = m->last_reset == 0 ||
		       now - m->last_reset >= (int64_t)m->conf.reset_min_interval_s * 1000;
	const char *cmd = m->q ? m->q->reset_cmd : "AT+CFUN=1,1";
	if (allowed) {
		log_warn("modem: still no answer after reopening; soft reset (%s)", cmd);
		m->stats.resets++;
		m->last_reset = now;
		m->health.problem = "modem not answering: reset";
		modem_emit_health(m);
		modem_cmd(m, cmd, NULL, 3000, NULL, modem_reset_done, m);
		return;
	}
	int64_t delay = m->rung < 7 ? 1000LL << (m->rung - 1) : 60000;
	log_warn("modem: still no answer; reopening in %lld s (a reset is allowed once every %d s)",
		 (long long)delay / 1000, m->conf.reset_min_interval_s);
	m->health.problem = "modem not answering";
	m->stats.reopens++;
	modem_reopen_later(m, delay);
}

static void modem_sync_done(void *ctx, const struct at_response *r)
{
	struct modem *m = ctx;
	if (r->cancelled || m->state != MODEM_SYNC)
		return;
	if (r->timeout) {
		if (++m->tries < MODEM_SYNC_TRIES)
			modem_sync_send(m);
		else
			modem_sync_failed(m);
		return;
	}
	/* Any final result, even ERROR, means the modem listens again; but
	 * it may be the end of an answer meant for a predecessor (a daemon
	 * killed in the middle of AT+CMGL=4 leaves the modem still printing
	 * it). Our AT is the last thing it was asked, so its OK is the last
	 * thing it says: wait for silence, or every later answer would be
	 * taken for the one before. */
	if (!m->settling) {
		m->settling = true;
		m->settle_start = loop_now(m->loop);
	}
	loop_timer_arm(m->loop, &m->t_state, MODEM_SYNC_QUIET_MS);
}

static void modem_sync_send(struct modem *m)
{
	/* The first AT after (re)opening starts with ESC: if a previous
	 * daemon died between AT+CMGS and its PDU, the modem still sits at the
	 * "> " prompt and would take our AT for message text. */
	struct at_req r = { .cmd = "AT", .timeout_ms = MODEM_SYNC_TIMEOUT_MS, .esc_first = m->tries == 0,
			    .on_done = modem_sync_done, .ctx = m };
	at_chan_send(m->chan, &r);
}

/* ---- states ---------------------------------------------------------------- */

static int64_t modem_on_state_timer(void *ctx)
{
	struct modem *m = ctx;
	if (m->stopping)
		return LOOP_DONE;
	switch (m->state) {
	case MODEM_CLOSED:
	case MODEM_RESET:
		modem_try_open(m);
		break;
	case MODEM_CONNECTING:
		log_warn("modem: connecting to %s timed out", m->conf.device);
		m->open_fails++;
		modem_reopen_later(m, m->open_fails < 5 ? 1000 << m->open_fails : 30000);
		break;
	case MODEM_SIM:
	case MODEM_SIM_LOCKED:
		modem_sim_query(m);
		break;
	case MODEM_REGISTER:
		modem_register_query(m);
		break;
	case MODEM_SETUP:
		modem_setup_run(m);
		break;
	case MODEM_SYNC:
		if (m->settling) {
			m->settling = false;
			modem_enter(m, MODEM_INIT);
		}
		break;
	case MODEM_INIT:
	case MODEM_READY:
	case MODEM_STOPPED:
		break;
	}
	return LOOP_DONE;
}

void modem_enter(struct modem *m, enum modem_state s)
{
	enum modem_state old = m->state;
	if (old != s)
		log_info("modem: %s -> %s", modem_state_name(old), modem_state_name(s));
	m->state = s;
	m->health.state = s;
	loop_timer_stop(m->loop, &m->t_state);
	if (s != old)
		m->tries = 0;
	if (old == MODEM_READY && s != MODEM_READY) {
		loop_timer_stop(m->loop, &m->t_sweep);
		loop_timer_stop(m->loop, &m->t_health);
		m->health_running = false;
		m->sweeping = false;
		if (m->cbs.on_ready)
			m->cbs.on_ready(m->cbs.ctx, false);
		/* Before the queue is flushed below: a USSD exchange ends with a
		 * result now, not after its own timer on a modem that resyncs. */
		modem_ussd_abort(m, true);
	}
	switch (s) {
	case MODEM_CLOSED:
	case MODEM_STOPPED:
		at_chan_cancel_all(m->chan);
		memset(m->slot, 0, sizeof m->slot);
		break;
	case MODEM_CONNECTING:
		break;
	case MODEM_SYNC:
		/* Whatever was queued was for a modem that stopped listening. */
		m->settling = false;
		at_chan_cancel_all(m->chan);
		memset(m->slot, 0, sizeof m->slot);
		modem_script_reset(m);
		modem_sync_send(m);
		break;
	case MODEM_INIT:
		m->health.model[0] = 0;
		modem_script_reset(m);
		modem_script_add(m, "ATE0", NULL, NULL, NULL, false);
		modem_script_add(m, "AT+CMEE=1", NULL, NULL, NULL, false);
		modem_script_add(m, "AT+CGMM", NULL, modem_px_bare, modem_model_line, false);
		modem_script_run(m, modem_init_done);
		break;
	case MODEM_SIM:
		modem_sim_query(m);
		break;
	case MODEM_SIM_LOCKED:
		/* Looks again now and then whether someone fixed the SIM by
		 * hand; the PIN itself is never sent twice. */
		loop_timer_arm(m->loop, &m->t_state, 60000);
		break;
	case MODEM_REGISTER:
		if (old != MODEM_REGISTER) {
			m->wait_since = m->wait_logged = loop_now(m->loop);
			m->last_reg = -2;
		}
		modem_register_query(m);
		break;
	case MODEM_SETUP:
		modem_setup_run(m);
		break;
	case MODEM_READY:
		m->rung = 0;
		m->open_fails = 0;
		m->health.problem = NULL;
		m->direct_active = m->conf.direct_delivery;
		if (m->cbs.on_ready)
			m->cbs.on_ready(m->cbs.ctx, true);
		m->sweep_again = false;
		modem_sweep(m);
		modem_health_run(m);
		loop_timer_arm(m->loop, &m->t_sweep, (int64_t)m->conf.sweep_interval_s * 1000);
		loop_timer_arm(m->loop, &m->t_health, (int64_t)m->conf.health_interval_s * 1000);
		break;
	case MODEM_RESET:
		loop_timer_arm(m->loop, &m->t_state, m->q ? m->q->reset_wait_ms : 15000);
		break;
	}
}

/* ---- life ------------------------------------------------------------------ */

struct modem *modem_new(struct loop *loop, const struct modem_conf *conf, const struct modem_cbs *cbs)
{
	struct modem *m = calloc(1, sizeof *m);
	if (!m)
		return NULL;
	m->loop = loop;
	m->conf = *conf;
	if (m->conf.sweep_interval_s <= 0)
		m->conf.sweep_interval_s = 300;
	if (m->conf.health_interval_s <= 0)
		m->conf.health_interval_s = 300;
	if (m->conf.cmd_timeout_ms <= 0)
		m->conf.cmd_timeout_ms = 10000;
	if (m->conf.send_timeout_ms <= 0)
		m->conf.send_timeout_ms = 60000;
	if (cbs)
		m->cbs = *cbs;
	m->fd = -1;
	m->state = MODEM_CLOSED;
	m->health.rssi = 99;
	m->health.ber = 99;
	m->health.creg = m->health.cereg = -1;
	m->health.sim_used = m->health.sim_total = -1;
	struct at_chan_io io = { modem_io_write, modem_io_want_write, modem_io_idle, m };
	m->chan = at_chan_new(loop, &io);
	if (!m->chan) {
		free(m);
		return NULL;
	}
	loop_timer_init(&m->t_state, modem_on_state_timer, m);
	loop_timer_init(&m->t_sweep, modem_on_sweep_timer, m);
	loop_timer_init(&m->t_health, modem_on_health_timer, m);
	at_chan_urc_add(m->chan, "+CMTI:", false, modem_cmti_urc, m);
	at_chan_urc_add(m->chan, "+CDSI:", false, modem_cmti_urc, m);
	at_chan_urc_add(m->chan, "+CMT:", true, modem_cmt_urc, m);
	at_chan_urc_add(m->chan, "+CDS:", true, modem_cds_urc, m);
	at_chan_urc_add(m->chan, "+CREG:", false, modem_reg_urc, m);
	at_chan_urc_add(m->chan, "+CEREG:", false, modem_reg_urc, m);
	modem_ussd_init(m);	/* +CUSD: */
	/* Every model's SIM-full URC is registered up front: the model is
	 * not known until AT+CGMM, and the strings do not collide. */
	at_chan_urc_add(m->chan, "+QIND: \"smsfull\"", false, modem_simfull_urc, m);
	at_chan_urc_add(m->chan, "+CIEV: \"SMSFULL\"", false, modem_simfull_urc, m);
	at_chan_urc_add(m->chan, "^SMMEMFULL", false, modem_simfull_urc, m);
	return m;
}

void modem_free(struct modem *m)
{
	if (!m)
		return;
	loop_timer_stop(m->loop, &m->t_state);
	loop_timer_stop(m->loop, &m->t_sweep);
	loop_timer_stop(m->loop, &m->t_health);
	modem_ussd_abort(m, false);
	m->stopping = true;
	m->stop_done = NULL;
	m->cbs.on_ready = NULL;
	at_chan_cancel_all(m->chan);
	modem_close_link(m);
	at_chan_free(m->chan);
	free(m);
}

void modem_start(struct modem *m)
{
	modem_try_open(m);
}

enum modem_state modem_state(const struct modem *m)
{
	return m->state;
}

bool modem_ready(const struct modem *m)
{
	return m->state == MODEM_READY && !m->stopping;
}

bool modem_idle(const struct modem *m)
{
	return modem_ready(m) && !at_chan_busy(m->chan);
}

void modem_shutdown(struct modem *m, void (*done)(void *ctx), void *ctx)
{
	m->stopping = true;
	loop_timer_stop(m->loop, &m->t_state);
	loop_timer_stop(m->loop, &m->t_sweep);
	loop_timer_stop(m->loop, &m->t_health);
	modem_ussd_abort(m, false);	/* no AT+CUSD=2 either: nothing new is sent */
	m->stop_done = done;
	m->stop_ctx = ctx;
	at_chan_cancel_queued(m->chan);
	if (!at_chan_busy(m->chan)) {
		m->stop_done = NULL;
		done(ctx);
	}
}

void modem_get_stats(const struct modem *m, struct modem_stats *out)
{
	*out = m->stats;
	out->dropped_lines = at_chan_dropped(m->chan);
}
