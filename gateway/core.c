/* core.c: commit before delete, dispatch exactly once, the outbox sender. */
#include "core.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalog.h"
#include "conf.h"
#include "dispatch.h"
#include "log.h"
#include "loop.h"
#include "office/schedule.h"
#include "sms/pdu.h"
#include "sms/phone.h"
#include "store/concat.h"
#include "store/store.h"
#include "store/store_dispatch.h"
#include "store/store_events.h"
#include "store/store_health.h"
#include "store/store_inbox.h"
#include "store/store_outbox.h"
#include "ussd_service.h"

#define CORE_MAX_PARTS 32
#define CORE_DISPATCH_BATCH 64		/* messages per dispatch transaction */
#define CORE_BATCH_MAX 128		/* received PDUs per group commit */
#define CORE_RETRY_MS 5000		/* after a store error */
/* A message whose dispatch failed this many times (a store error tied to
 * it, each CORE_RETRY_MS apart) is marked handled without a reply and an
 * event 'dispatch.gave_up' says why, so the messages behind it proceed.
 * An attempt is counted only when the counter itself can be written: on a
 * full disk nothing is written, nothing counted, and nothing given up. */
#define CORE_DISPATCH_ATTEMPTS 5
/* The event log keeps this many days (pruned a minute after start, then
 * daily): enough for the six-monthly report of Circular 10/2022 and a
 * month's margin, small enough that a busy box does not grow forever. */
#define CORE_EVENTS_KEEP_DAYS 180
#define CORE_PRUNE_FIRST_MS (60 * 1000)
#define CORE_PRUNE_EVERY_MS (24LL * 3600 * 1000)

struct core {
	struct loop *loop;
	struct store *store;
	const struct tinbao_conf *conf;
	const struct catalog *catalog;
	struct modem *modem;
	struct ussd_service *ussd;	/* credit checks, staff USSD commands */
	struct loop_timer t_dispatch;
	struct loop_timer t_outbox;
	struct loop_timer t_concat;
	struct loop_timer t_check;
	/* The office's summaries and reminders (office/schedule.h): the timer
	 * calls office_tick() with core_now(c) and pokes the outbox when it
	 * queued something. */
	struct loop_timer t_office;
	struct office_timer office;
	struct loop_timer t_prune;	/* daily pruning of the event log */
	bool started;
	/* Seconds added to the wall clock: 0 except in tests that replay a
	 * month (TINBAO_NOW_OFFSET, read once by tinbaod at start). */
	int64_t clock_offset;
	/* Group commit of received PDUs: everything read in one turn of the
	 * loop (a whole AT+CMGL=4 listing arrives in a few reads) is committed
	 * in one transaction, one fsync, and only then deleted from the SIM or
	 * acknowledged. */
	struct loop_timer t_batch;
	bool batch_open;
	int batch_slots[CORE_BATCH_MAX];
	int nbatch_slots, nbatch_acks, nbatch;
	int64_t batch_rx_at;	/* when the group's last whole message came; 0: none */
	bool stopping;
	/* the outbox row being sent */
	bool sending;
	int64_t send_id;
	int send_seq, send_n;
	char send_to[PDU_ADDR_MAX];
	struct pdu_part parts[CORE_MAX_PARTS];
	struct core_stats stats;
};

static int64_t core_now(const struct core *c)
{
	return (int64_t)time(NULL) + c->clock_offset;
}

static const char *core_country(const struct core *c)
{
	return c->conf && c->conf->country ? c->conf->country : "+84";
}

static void core_outbox_next(struct core *c);

/* Health is best effort, but a write that fails (a full disk) is said. */
static void core_health_check(struct core *c, int r, const char *key)
{
	if (r < 0)
		log_warn("core: cannot record modem health (%s): %s", key, store_errmsg(c->store));
}


/* ---- dispatch ------------------------------------------------------------ */

static int core_dispatch_failed(struct core *c, const struct inbox_message *msg, int64_t now);

/* Dispatches every assembled message not yet handled, each in its own
 * transaction together with its handled_at, so a crash keeps both or
 * neither. */
static int64_t core_on_dispatch(void *ctx)
{
	struct core *c = ctx;
	if (c->batch_open)
		return 0;	/* after the received PDUs are committed */
	struct inbox_message *msg = malloc(sizeof *msg);
	if (!msg)
		return CORE_RETRY_MS;
	int done = 0, r = store_inbox_next_unhandled(c->store, msg);
	if (r == 0) {
		free(msg);
		return LOOP_DONE;	/* nothing to do: no empty transaction */
	}
	/* Many messages, one transaction (one fsync); each message in its own
	 * savepoint with its handled_at, so a failing one is rolled back alone
	 * and the batch stops there: it is handled again later. */
	if (r < 0 || store_begin(c->store) < 0) {
		free(msg);
		c->stats.store_errors++;
		log_err("core: dispatching failed (%s); trying again in %d s", store_errmsg(c->store),
			CORE_RETRY_MS / 1000);
		return CORE_RETRY_MS;
	}
	while (done < CORE_DISPATCH_BATCH && (r = store_inbox_next_unhandled(c->store, msg)) == 1) {
		int64_t now = core_now(c);
		struct inbound_msg in = {
			.id = msg->id, .sender = msg->sender, .sender_kind = msg->sender_kind,
			.text = msg->text, .received_at = msg->received_at, .sent_at = msg->sent_at,
			.incomplete = msg->incomplete,
		};
		struct dispatch_env env = { c->store, c->catalog, c->conf, now };
		if (store_begin(c->store) < 0) {
			r = -1;
			break;
		}
		if (dispatch_message(&env, &in) < 0 || store_inbox_mark_handled(c->store, msg->id, now) < 0) {
			store_rollback(c->store);
			/* Given up: handled, so the next message is looked at. */
			if (core_dispatch_failed(c, msg, now) == 1) {
				c->stats.store_errors++;
				continue;
			}
			r = -1;
			break;
		}
		if (store_commit(c->store) < 0) {
			r = -1;
			break;
		}
		log_debug("core: message %lld handled", (long long)msg->id);
		done++;
	}
	free(msg);
	if (store_commit(c->store) < 0) {
		done = 0;
		r = -1;
	}
	c->stats.dispatched += (unsigned long)done;
	if (r < 0) {
		c->stats.store_errors++;
		log_err("core: dispatching failed (%s); trying again in %d s",
			store_errmsg(c->store), CORE_RETRY_MS / 1000);
		if (done)
			core_outbox_next(c);
		return CORE_RETRY_MS;
	}
	if (done) {
		core_outbox_next(c);
		ussd_service_kick(c->ussd);	/* a staff USSD request may be queued */
	}
	return r == 1 ? 0 : LOOP_DONE;	/* more waiting: again after the fds */
}

/* Called inside the dispatch transaction after the message's own savepoint
 * was rolled back: counts the attempt and, at the last one, marks it
 * handled. 1 given up, 0 counted (try again later), negative when even the
 * counting failed. */
static int core_dispatch_failed(struct core *c, const struct inbox_message *msg, int64_t now)
{
	char err[200];
	snprintf(err, sizeof err, "%s", store_errmsg(c->store));
	if (store_begin(c->store) < 0)
		return -1;
	int n = store_dispatch_failed(c->store, msg->id, err);
	if (n < 0) {
		store_rollback(c->store);
		return -1;
	}
	bool give_up = n >= CORE_DISPATCH_ATTEMPTS;
	if (give_up) {
		if (store_inbox_mark_handled(c->store, msg->id, now) < 0) {
			store_rollback(c->store);
			return -1;
		}
		char detail[400];
		snprintf(detail, sizeof detail,
			 "message %lld from %s: dispatch failed %d times (last: %s); handled without a reply",
			 (long long)msg->id, msg->sender, n, err);
		store_event(c->store, now, "error", "dispatch.gave_up", detail);
	}
	if (store_commit(c->store) < 0)
		return -1;
	if (give_up)
		log_err("core: message %lld from %s failed dispatch %d times (%s): given up, no reply",
			(long long)msg->id, msg->sender, n, err);
	else
		log_warn("core: message %lld: dispatch attempt %d of %d failed (%s)", (long long)msg->id,
			 n, CORE_DISPATCH_ATTEMPTS, err);
	return give_up ? 1 : 0;
}

static void core_dispatch_soon(struct core *c)
{
	if (!c->t_dispatch.armed)
		loop_timer_arm(c->loop, &c->t_dispatch, 0);
}

/* Multipart messages whose parts never all arrive are assembled, marked
 * incomplete, after limits.incomplete_wait; the timer sits on the oldest
 * open group, not on a poll. */
static void core_concat_arm(struct core *c)
{
	int64_t wait = c->conf ? c->conf->limits.incomplete_wait : 3600;
	int64_t when;
	if (concat_next_due(c->store, wait, &when) == 1) {
		int64_t delay = when - core_now(c);
		loop_timer_arm(c->loop, &c->t_concat, delay > 0 ? delay * 1000 + 500 : 0);
	} else {
		loop_timer_stop(c->loop, &c->t_concat);
	}
}

static int64_t core_on_concat(void *ctx)
{
	struct core *c = ctx;
	int64_t wait = c->conf ? c->conf->limits.incomplete_wait : 3600;
	int n = concat_assemble_overdue(c->store, core_now(c), wait);
	if (n < 0) {
		log_err("core: assembling overdue messages failed: %s", store_errmsg(c->store));
		return CORE_RETRY_MS;
	}
	if (n > 0) {
		log_info("core: %d message(s) assembled with parts missing", n);
		core_dispatch_soon(c);
	}
	core_concat_arm(c);
	return LOOP_DONE;
}

/* ---- receive ---------------------------------------------------------------- */

static void core_batch_flush(struct core *c);

static int64_t core_on_batch(void *ctx)
{
	core_batch_flush(ctx);
	return LOOP_DONE;
}

/* Opens the group transaction if needed. False when even that fails. */
static bool core_batch_join(struct core *c)
{
	if (c->batch_open)
		return true;
	if (store_begin(c->store) < 0)
		return false;
	c->batch_open = true;
	c->nbatch_slots = c->nbatch_acks = c->nbatch = 0;
	c->batch_rx_at = 0;
	loop_timer_arm(c->loop, &c->t_batch, 0);
	return true;
}

/* Commits the group; only then may its PDUs leave the SIM (AT+CMGD) or be
 * acknowledged (AT+CNMA). If the commit fails nothing is deleted: the SIM
 * keeps them and the next sweep tries again. */
static void core_batch_flush(struct core *c)
{
	if (!c->batch_open)
		return;
	loop_timer_stop(c->loop, &c->t_batch);
	c->batch_open = false;
	int64_t now = core_now(c);
	/* last_rx is the message's received time, not the commit's: a loaded
	 * box may commit the group a second or more after reading it. */
	if (c->batch_rx_at)
		core_health_check(c, store_health_set_int(c->store, "last_rx", c->batch_rx_at, false, now),
				  "last_rx");
	if (store_commit(c->store) < 0) {
		c->stats.store_errors++;
		log_err("core: cannot store %d received message part(s) (%s); they stay on the SIM "
			"until they can be", c->nbatch, store_errmsg(c->store));
		return;
	}
	log_debug("core: %d received part(s) committed", c->nbatch);
	for (int i = 0; i < c->nbatch_slots && c->modem; i++)
		modem_delete(c->modem, c->batch_slots[i]);
	for (int i = 0; i < c->nbatch_acks && c->modem; i++)
		modem_ack_direct(c->modem);
	if (c->batch_rx_at)
		core_dispatch_soon(c);
	core_concat_arm(c);
	core_outbox_next(c);
}

/* Stores one received PDU inside the group transaction. Returns true when
 * the PDU may leave the SIM once the group is committed (stored now,
 * stored before, or kept as undecodable). */
static bool core_commit_pdu(struct core *c, const char *hex, int tpdu_len, const char *where)
{
	if (!core_batch_join(c)) {
		c->stats.store_errors++;
		log_err("core: cannot store the message %s (%s); it stays on the SIM until it can be",
			where, store_errmsg(c->store));
		return false;
	}
	struct pdu_msg *m = malloc(sizeof *m);
	if (!m)
		return false;
	char why[160];
	int64_t now = core_now(c);
	bool ok = false;
	c->nbatch++;
	if (pdu_decode(hex, strlen(hex), tpdu_len, m, why, sizeof why) < 0) {
		log_warn("core: undecodable PDU %s kept aside: %s", where, why);
		ok = store_inbox_reject(c->store, hex, tpdu_len, why, now) == 0;
		if (ok)
			c->stats.rejected++;
		goto out;
	}
	if (m->type == PDU_STATUS_REPORT) {
		char to[PDU_ADDR_MAX];
		phone_normalize(m->addr.text, core_country(c), to, sizeof to);
		struct status_report_in sr = { .pdu = hex, .mr = m->mr, .recipient = to, .status = m->st,
					       .scts = pdu_time_epoch(&m->scts),
					       .discharge_at = pdu_time_epoch(&m->dt) };
		int64_t id = store_outbox_status_report(c->store, &sr, now);
		ok = id >= 0;
		if (ok)
			log_info("core: delivery report for outbox %lld: status 0x%02x", (long long)id, m->st);
		goto out;
	}
	if (m->type != PDU_DELIVER) {
		ok = store_inbox_reject(c->store, hex, tpdu_len, "not an SMS-DELIVER", now) == 0;
		goto out;
	}
	char sender[PDU_ADDR_MAX];
	enum phone_kind kind = m->addr.alnum ? PHONE_ALNUM
					     : phone_normalize(m->addr.text, core_country(c), sender, sizeof sender);
	if (m->addr.alnum)
		snprintf(sender, sizeof sender, "%s", m->addr.text);
	struct inbox_part p;
	store_inbox_part_from_pdu(&p, m, hex, tpdu_len, sender, kind, now);
	struct inbox_result res;
	if (store_inbox_commit_part(c->store, &p, &res) < 0)
		goto out;
	ok = true;
	switch (res.outcome) {
	case INBOX_DUPLICATE:
	case INBOX_DUPLICATE_MESSAGE:
		c->stats.duplicates++;
		log_info("core: %s from %s already stored (%s)", where, sender,
			 store_inbox_outcome_name(res.outcome));
		break;
	case INBOX_WAITING:
		c->stats.stored++;
		log_info("core: part %d/%d from %s stored %s, waiting for the rest", p.concat_seq,
			 p.concat_total, sender, where);
		break;
	case INBOX_ASSEMBLED:
	case INBOX_LATE:
		c->stats.stored++;
		c->batch_rx_at = now;
		log_info("core: message %lld from %s stored %s", (long long)res.message_id, sender, where);
		break;
	}
out:
	if (!ok) {
		c->stats.store_errors++;
		log_err("core: cannot store the message %s (%s); it stays on the SIM until it can be",
			where, store_errmsg(c->store));
	}
	free(m);
	return ok;
}

static void core_batch_add_slot(struct core *c, int slot)
{
	c->batch_slots[c->nbatch_slots++] = slot;
	if (c->nbatch_slots == CORE_BATCH_MAX)
		core_batch_flush(c);
}

static void core_on_pdu(void *ctx, int slot, const char *hex, int tpdu_len)
{
	struct core *c = ctx;
	char where[32];
	snprintf(where, sizeof where, "from slot %d", slot);
	/* Commit first; only a committed message may leave the SIM. */
	if (core_commit_pdu(c, hex, tpdu_len, where))
		core_batch_add_slot(c, slot);
}

static void core_on_direct(void *ctx, const char *hex, int tpdu_len)
{
	struct core *c = ctx;
	/* Not acknowledged when not stored: the network delivers it again. */
	if (core_commit_pdu(c, hex, tpdu_len, "delivered directly"))
		c->nbatch_acks++;
}

/* A +CDS is never acknowledged: direct delivery stores status reports
 * (+CDSI), and an AT+CNMA a modem does not expect for a +CDS would
 * acknowledge a +CMT instead (see modem_cnmi_cmd in modem.c). */
static void core_on_status_report(void *ctx, const char *hex, int tpdu_len)
{
	core_commit_pdu(ctx, hex, tpdu_len, "(status report)");
}

/* ---- health ---------------------------------------------------------------- */

static const char *core_reg_word(int stat)
{
	switch (stat) {
	case 1: return "home";
	case 5: return "roaming";
	case 2: return "searching";
	case 3: return "denied";
	default: return "unknown";
	}
}

static void core_on_health(void *ctx, const struct modem_health *h)
{
	struct core *c = ctx;
	int64_t now = core_now(c);
	int reg = (h->cereg == 1 || h->cereg == 5) ? h->cereg : h->creg;
	/* Every key in one commit: one disk flush a health check (every
	 * minute as shipped), not one per key. */
	bool tx = store_begin(c->store) == 0;
	core_health_check(c, store_health_set(c->store, "state", modem_state_name(h->state), true, now),
			  "state");
	core_health_check(c, store_health_set(c->store, "registration", core_reg_word(reg), true, now),
			  "registration");
	core_health_check(c, store_health_set_int(c->store, "signal", h->rssi, false, now), "signal");
	if (h->operator_name[0])
		store_health_set(c->store, "operator", h->operator_name, true, now);
	if (h->model[0])
		store_health_set(c->store, "model", h->model, true, now);
	const char *sim = "ready";
	if (h->problem && strstr(h->problem, "PIN"))
		sim = "pin-rejected";
	else if (h->problem && strstr(h->problem, "SIM"))
		sim = "missing";
	else if (h->sim_total > 0 && h->sim_used >= h->sim_total)
		sim = "full";
	if (store_health_set(c->store, "sim", sim, true, now) == 1 && strcmp(sim, "ready"))
		store_event(c->store, now, "error", "modem.sim", h->problem ? h->problem : sim);
	if (h->sim_used >= 0) {
		char use[32];
		snprintf(use, sizeof use, "%d/%d", h->sim_used, h->sim_total);
		store_health_set(c->store, "sim_use", use, false, now);
	}
	if (tx)
		core_health_check(c, store_commit(c->store), "commit");
}

static void core_on_ready(void *ctx, bool ready)
{
	struct core *c = ctx;
	int64_t now = core_now(c);
	core_health_check(c, store_health_set(c->store, "state", ready ? "ready" : "recovering", true, now),
			  "state");
	if (ready) {
		core_outbox_next(c);
		ussd_service_kick(c->ussd);
	}
}

static void core_on_idle(void *ctx)
{
	core_outbox_next(ctx);
}

/* ---- send -------------------------------------------------------------------- */

static struct outbox_policy core_policy(const struct core *c)
{
	struct outbox_policy p = { 5, 60, 3600 };
	if (c->conf) {
		if (c->conf->limits.send_attempts > 0)
			p.max_attempts = c->conf->limits.send_attempts;
		if (c->conf->limits.send_backoff > 0)
			p.backoff = c->conf->limits.send_backoff;
		if (c->conf->limits.send_backoff_max > 0)
			p.backoff_max = c->conf->limits.send_backoff_max;
	}
	return p;
}

static void core_send_part(struct core *c);

static void core_send_finish(struct core *c)
{
	c->sending = false;
	c->send_id = 0;
}

static void core_on_sent(void *ctx, int mr, int err)
{
	struct core *c = ctx;
	int64_t now = core_now(c);
	if (!c->sending)
		return;
	if (err == MODEM_SEND_OK) {
		c->stats.sent_parts++;
		if (store_outbox_part_sent(c->store, c->send_id, c->send_seq, mr, now) < 0)
			log_err("core: outbox %lld part %d sent but not recorded: %s",
				(long long)c->send_id, c->send_seq, store_errmsg(c->store));
		if (c->send_seq < c->send_n) {
			c->send_seq++;
			core_send_part(c);
			return;
		}
		log_info("core: sent outbox %lld to %s (%d part%s)", (long long)c->send_id, c->send_to,
			 c->send_n, c->send_n > 1 ? "s" : "");
		store_health_set_int(c->store, "last_tx", now, false, now);
		core_send_finish(c);
		core_outbox_next(c);
		return;
	}
	char reason[64];
	if (err == MODEM_SEND_CANCELLED && c->stopping) {
		/* Left "sending": requeued at the next start. */
		core_send_finish(c);
		return;
	}
	if (err > 0)
		snprintf(reason, sizeof reason, "+CMS ERROR: %d", err);
	else
		snprintf(reason, sizeof reason, "%s",
			 err == MODEM_SEND_TIMEOUT ? "no answer from the modem" :
			 err == MODEM_SEND_CANCELLED ? "modem went away" : "modem said ERROR");
	struct outbox_policy pol = core_policy(c);
	int st = store_outbox_attempt_failed(c->store, c->send_id, reason, &pol, now);
	c->stats.send_failures++;
	log_warn("core: sending outbox %lld to %s failed (%s)%s", (long long)c->send_id, c->send_to,
		 reason, st == OUTBOX_FAILED ? "; giving up" : "; will retry");
	core_send_finish(c);
	/* Retries wait for their backoff: arm the timer at the due time. */
	core_outbox_next(c);
}

static void core_send_part(struct core *c)
{
	struct pdu_part *p = &c->parts[c->send_seq - 1];
	if (c->stopping) {
		/* SIGTERM between two parts of a multipart reply: a shutdown is no
		 * failed attempt (counting it could use up send_attempts and fail
		 * the row). Left "sending", it is queued again at the next start
		 * and resumes at this part. */
		core_send_finish(c);
		return;
	}
	if (modem_send(c->modem, p->tpdu_len, p->hex, core_on_sent, c) < 0) {
		/* The modem left READY between two parts: the row is requeued
		 * when it comes back (attempt counted). */
		struct outbox_policy pol = core_policy(c);
		store_outbox_attempt_failed(c->store, c->send_id, "modem not ready", &pol, core_now(c));
		core_send_finish(c);
	}
}

static void core_outbox_arm(struct core *c)
{
	int64_t when;
	if (store_outbox_next_time(c->store, &when) == 1) {
		int64_t delay = when - core_now(c);
		loop_timer_arm(c->loop, &c->t_outbox, delay > 0 ? delay * 1000 : 0);
	} else {
		loop_timer_stop(c->loop, &c->t_outbox);
	}
}

/* Starts the next due outbox row if the modem can take it. */
static void core_outbox_next(struct core *c)
{
	/* While received PDUs wait for their group commit, a reply could go
	 * out for a message that a crash would then not have stored. */
	if (c->stopping || c->sending || c->batch_open || !c->modem || !modem_ready(c->modem))
		return;
	struct outbox_row *row = malloc(sizeof *row);
	if (!row)
		return;
	int64_t now = core_now(c);
	for (int guard = 0; guard < 100; guard++) {
		int r = store_outbox_next_due(c->store, now, row);
		if (r < 0) {
			log_err("core: reading the outbox failed: %s", store_errmsg(c->store));
			loop_timer_arm(c->loop, &c->t_outbox, CORE_RETRY_MS);
			break;
		}
		if (r == 0) {
			core_outbox_arm(c);
			break;
		}
		char norm[PDU_ADDR_MAX];
		if (phone_normalize(row->recipient, core_country(c), norm, sizeof norm) != PHONE_E164) {
			/* Replies to operators, banks and short codes cost money
			 * and can loop with their robots. */
			store_outbox_fail(c->store, row->id, "not a subscriber number: never sent", now);
			continue;
		}
		int cap = c->conf ? c->conf->limits.replies_per_hour_per_number : 0;
		if (cap > 0 && store_outbox_sent_since(c->store, norm, now - 3600) >= cap) {
			char why[96];
			snprintf(why, sizeof why, "cap reached: %d messages per hour to one number", cap);
			log_warn("core: outbox %lld to %s not sent: %s", (long long)row->id, norm, why);
			store_outbox_fail(c->store, row->id, why, now);
			c->stats.capped++;
			continue;
		}
		/* The concatenation reference comes from the row id so that a
		 * resumed multipart message encodes to the same parts. */
		struct pdu_submit_opts o = {
			.to = norm, .text = row->text, .force = -1, .ref = (uint16_t)(row->id & 0xff),
			.status_report = c->conf ? c->conf->modem.status_reports : true,
		};
		char why[160];
		int n = pdu_encode_submit(&o, c->parts, CORE_MAX_PARTS, why, sizeof why);
		if (n <= 0) {
			store_outbox_fail(c->store, row->id, why, now);
			continue;
		}
		if (store_outbox_begin_attempt(c->store, row->id, n, now) < 0) {
			log_err("core: outbox %lld: %s", (long long)row->id, store_errmsg(c->store));
			loop_timer_arm(c->loop, &c->t_outbox, CORE_RETRY_MS);
			break;
		}
		c->sending = true;
		c->send_id = row->id;
		c->send_n = n;
		c->send_seq = row->parts_sent < n ? row->parts_sent + 1 : 1;
		snprintf(c->send_to, sizeof c->send_to, "%s", norm);
		core_send_part(c);
		break;
	}
	free(row);
}

static int64_t core_on_outbox(void *ctx)
{
	core_outbox_next(ctx);
	return LOOP_DONE;
}

/* The configured periodic look: rows queued by `tinbao send` from another
 * process arrive without telling the daemon. */
static int64_t core_on_check(void *ctx)
{
	struct core *c = ctx;
	core_outbox_next(c);
	core_dispatch_soon(c);
	int64_t every = c->conf ? c->conf->limits.outbox_check_every : 60;
	return every > 0 ? every * 1000 : LOOP_DONE;
}

/* ---- office and housekeeping -------------------------------------------------- */

static int64_t core_office_now(void *ctx)
{
	return core_now(ctx);
}

/* Summaries and reminders just queued go out now, not at the next check. */
static void core_office_queued(void *ctx)
{
	core_outbox_next(ctx);
}

static void core_office_rearm(struct core *c)
{
	c->office.store = c->store;
	c->office.catalog = c->catalog;
	c->office.conf = c->conf;
	if (c->started && !c->stopping)
		loop_timer_arm(c->loop, &c->t_office, 0);
}

static int64_t core_on_prune(void *ctx)
{
	struct core *c = ctx;
	int64_t before = core_now(c) - (int64_t)CORE_EVENTS_KEEP_DAYS * 86400;
	int n = store_events_prune(c->store, before);
	if (n < 0)
		log_warn("core: pruning the event log failed: %s", store_errmsg(c->store));
	else if (n > 0)
		log_info("core: %d event(s) older than %d days pruned", n, CORE_EVENTS_KEEP_DAYS);
	return CORE_PRUNE_EVERY_MS;
}

/* ---- life -------------------------------------------------------------------- */

struct core *core_new(struct loop *loop, struct store *store, const struct tinbao_conf *conf,
		      const struct catalog *catalog)
{
	struct core *c = calloc(1, sizeof *c);
	if (!c)
		return NULL;
	c->loop = loop;
	c->store = store;
	c->conf = conf;
	c->catalog = catalog;
	loop_timer_init(&c->t_dispatch, core_on_dispatch, c);
	loop_timer_init(&c->t_outbox, core_on_outbox, c);
	loop_timer_init(&c->t_concat, core_on_concat, c);
	loop_timer_init(&c->t_check, core_on_check, c);
	loop_timer_init(&c->t_batch, core_on_batch, c);
	c->office = (struct office_timer){ store, catalog, conf, core_office_now, core_office_queued, c, 0 };
	loop_timer_init(&c->t_office, office_timer_fire, &c->office);
	loop_timer_init(&c->t_prune, core_on_prune, c);
	return c;
}

void core_free(struct core *c)
{
	if (!c)
		return;
	if (c->batch_open && store_commit(c->store) == 0)
		c->batch_open = false;	/* stored; the SIM copies go at the next start */
	loop_timer_stop(c->loop, &c->t_batch);
	loop_timer_stop(c->loop, &c->t_dispatch);
	loop_timer_stop(c->loop, &c->t_outbox);
	loop_timer_stop(c->loop, &c->t_concat);
	loop_timer_stop(c->loop, &c->t_check);
	loop_timer_stop(c->loop, &c->t_office);
	loop_timer_stop(c->loop, &c->t_prune);
	ussd_service_free(c->ussd);
	free(c);
}

struct modem_cbs core_modem_cbs(struct core *c)
{
	struct modem_cbs cbs = {
		.ctx = c, .on_pdu = core_on_pdu, .on_direct = core_on_direct,
		.on_status_report = core_on_status_report, .on_ready = core_on_ready,
		.on_health = core_on_health, .on_idle = core_on_idle,
	};
	return cbs;
}

/* ---- USSD: credit checks and staff commands (ussd_service.h) ---------------- */

static void core_ussd_result(void *ctx, const struct ussd_result *r)
{
	struct core *c = ctx;
	ussd_service_on_result(c->ussd, r);
	core_outbox_next(c);	/* a reply or an alert may be queued */
}

static int core_ussd_run(void *ctx, const char *code, bool answer)
{
	struct core *c = ctx;
	return c->modem ? modem_ussd(c->modem, code, answer, core_ussd_result, c) : -1;
}

static void core_ussd_cancel(void *ctx)
{
	struct core *c = ctx;
	if (c->modem)
		modem_ussd_cancel(c->modem);
}

static bool core_ussd_ready(void *ctx)
{
	struct core *c = ctx;
	return c->modem && modem_ready(c->modem) && !c->stopping;
}

void core_set_modem(struct core *c, struct modem *m)
{
	c->modem = m;
	if (!c->ussd) {
		struct ussd_service_ops ops = { core_ussd_run, core_ussd_cancel, core_ussd_ready,
						NULL, c };	/* now: time() */
		c->ussd = ussd_service_new(c->loop, c->store, c->conf ? c->conf->credit : NULL, &ops);
		if (!c->ussd)
			log_err("core: USSD (credit checks, staff commands) is off");
	}
}

void core_start(struct core *c)
{
	int64_t now = core_now(c);
	int n = store_outbox_requeue_sending(c->store, now);
	if (n > 0)
		log_info("core: %d interrupted send(s) queued again", n);
	else if (n < 0)
		log_err("core: cannot requeue interrupted sends (%s); they wait for the next start",
			store_errmsg(c->store));
	struct inbox_counts ic;
	if (store_inbox_counts(c->store, &ic) == 0 && ic.unhandled > 0)
		log_info("core: %lld stored message(s) not yet handled: handling them now",
			 (long long)ic.unhandled);
	loop_timer_arm(c->loop, &c->t_concat, 0);
	core_dispatch_soon(c);
	int64_t every = c->conf ? c->conf->limits.outbox_check_every : 60;
	if (every > 0)
		loop_timer_arm(c->loop, &c->t_check, every * 1000);
	c->started = true;
	core_office_rearm(c);
	loop_timer_arm(c->loop, &c->t_prune, CORE_PRUNE_FIRST_MS);
}

void core_set_catalog(struct core *c, const struct catalog *catalog)
{
	c->catalog = catalog;
	core_office_rearm(c);	/* SIGHUP: the office looks again with it */
}

void core_set_conf(struct core *c, const struct tinbao_conf *conf)
{
	c->conf = conf;
	ussd_service_set_credit(c->ussd, conf ? conf->credit : NULL);
	core_office_rearm(c);
}

void core_set_clock_offset(struct core *c, int64_t seconds)
{
	c->clock_offset = seconds;
}

int64_t core_time(const struct core *c)
{
	return core_now(c);
}

void core_kick(struct core *c)
{
	ussd_service_kick(c->ussd);
	core_dispatch_soon(c);
	core_outbox_next(c);
}

void core_stop(struct core *c)
{
	core_batch_flush(c);
	c->stopping = true;
	int64_t now = core_now(c);
	store_health_set(c->store, "state", "stopped", true, now);
	loop_timer_stop(c->loop, &c->t_outbox);
	loop_timer_stop(c->loop, &c->t_check);
	loop_timer_stop(c->loop, &c->t_concat);
	loop_timer_stop(c->loop, &c->t_office);
	loop_timer_stop(c->loop, &c->t_prune);
	/* A dispatch already armed would only queue replies nobody sends now;
	 * they are dispatched at the next start (not handled yet). */
	loop_timer_stop(c->loop, &c->t_dispatch);
}

void core_get_stats(const struct core *c, struct core_stats *out)
{
	*out = c->stats;
}
