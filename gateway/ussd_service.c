/* ussd_service.c: credit checks and staff USSD commands, one at a time
 * (see ussd_service.h). */
#include "ussd_service.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "conf_ussd.h"
#include "credit_check.h"
#include "lang/ussd_cmd.h"
#include "log.h"
#include "loop.h"
#include "store/store.h"
#include "store/store_ussd.h"

#define US_RETRY_MS 30000	/* modem not ready / store busy: look again */
#define US_GUARD_MS 180000	/* a driver that never answers: give up */

enum us_job { US_IDLE, US_CREDIT, US_REQUEST };

struct ussd_service {
	struct loop *loop;
	struct store *store;
	const struct conf_credit *credit;
	struct credit_check *cc;
	struct ussd_service_ops ops;
	struct loop_timer t_next;	/* schedule / queue */
	struct loop_timer t_guard;	/* the job in flight */
	enum us_job job;
	struct ussd_request req;
	struct ussd_service_stats stats;
};

static int64_t us_now(struct ussd_service *s)
{
	return s->ops.now ? s->ops.now(s->ops.ctx) : (int64_t)time(NULL);
}

static void us_log(struct ussd_service *s, const char *phone, const char *request,
		   const struct ussd_result *r)
{
	/* A lost log line must not stop the work: its error is ignored. */
	(void)store_ussd_log(s->store, us_now(s), "modem", phone, request, r ? r->text : "",
			     r ? ussd_result_name(r->kind) : "");
}

/* Starts the next job if there is one; returns the delay before looking
 * again (LOOP_DONE: only a kick or a result will). */
static int64_t us_next(struct ussd_service *s)
{
	if (s->job != US_IDLE)
		return LOOP_DONE;
	if (!s->ops.ready || !s->ops.ready(s->ops.ctx))
		return US_RETRY_MS;
	int have = store_ussd_request_next(s->store, &s->req);
	if (have < 0)
		return US_RETRY_MS;
	if (have) {
		s->stats.requests++;
		if (!strcmp(s->req.kind, "cancel")) {
			if (s->ops.cancel)
				s->ops.cancel(s->ops.ctx);
			struct ussd_result r;
			memset(&r, 0, sizeof r);
			r.kind = USSD_RES_CANCELLED;
			s->job = US_REQUEST;
			ussd_service_on_result(s, &r);
			return 0;
		}
		bool answer = !strcmp(s->req.kind, "answer");
		/* The job is set first: a driver may answer from inside run(). */
		s->job = US_REQUEST;
		loop_timer_arm(s->loop, &s->t_guard, US_GUARD_MS);
		if (s->ops.run(s->ops.ctx, s->req.code, answer) < 0) {
			s->job = US_IDLE;
			loop_timer_stop(s->loop, &s->t_guard);
			return US_RETRY_MS;
		}
		return LOOP_DONE;
	}
	if (!s->cc)
		return LOOP_DONE;
	int64_t due = credit_check_due_in(s->cc, s->store, us_now(s));
	if (due > 0)
		return due * 1000;
	s->job = US_CREDIT;
	loop_timer_arm(s->loop, &s->t_guard, US_GUARD_MS);
	s->stats.credit_checks++;
	if (s->ops.run(s->ops.ctx, credit_check_code(s->cc), false) < 0) {
		s->job = US_IDLE;
		s->stats.credit_checks--;
		loop_timer_stop(s->loop, &s->t_guard);
		return US_RETRY_MS;
	}
	return LOOP_DONE;
}

static int64_t us_on_next(void *ctx)
{
	return us_next(ctx);
}

static int64_t us_on_guard(void *ctx)
{
	struct ussd_service *s = ctx;
	if (s->job == US_IDLE)
		return LOOP_DONE;
	log_warn("ussd: no result from the modem in %d s; giving up on this request", US_GUARD_MS / 1000);
	struct ussd_result r;
	memset(&r, 0, sizeof r);
	r.kind = USSD_RES_TIMEOUT;
	snprintf(r.text, sizeof r.text, "no answer from the modem");
	ussd_service_on_result(s, &r);
	return LOOP_DONE;
}

struct ussd_service *ussd_service_new(struct loop *loop, struct store *store,
				      const struct conf_credit *credit,
				      const struct ussd_service_ops *ops)
{
	struct ussd_service *s = calloc(1, sizeof *s);
	if (!s)
		return NULL;
	s->loop = loop;
	s->store = store;
	s->credit = credit;
	s->ops = *ops;
	if (credit && credit->enabled) {
		char why[160];
		if (credit_check_new(&s->cc, credit, why, sizeof why) < 0) {
			log_err("ussd: credit check: %s", why);
			free(s);
			return NULL;
		}
	}
	loop_timer_init(&s->t_next, us_on_next, s);
	loop_timer_init(&s->t_guard, us_on_guard, s);
	loop_timer_arm(loop, &s->t_next, 0);
	return s;
}

void ussd_service_free(struct ussd_service *s)
{
	if (!s)
		return;
	loop_timer_stop(s->loop, &s->t_next);
	loop_timer_stop(s->loop, &s->t_guard);
	credit_check_free(s->cc);
	free(s);
}

int ussd_service_set_credit(struct ussd_service *s, const struct conf_credit *credit)
{
	if (!s)
		return 0;
	struct credit_check *cc = NULL;
	int rc = 0;
	if (credit && credit->enabled) {
		char why[160];
		if (credit_check_new(&cc, credit, why, sizeof why) < 0) {
			log_err("ussd: credit check: %s; no credit checks until the next reload", why);
			rc = -1;
		}
	}
	/* The old check points into the configuration being replaced: it goes
	 * even when the new one could not be built. */
	credit_check_free(s->cc);
	s->cc = cc;
	s->credit = credit;
	ussd_service_kick(s);	/* the schedule may have changed */
	return rc;
}

void ussd_service_kick(struct ussd_service *s)
{
	if (s && s->job == US_IDLE)
		loop_timer_arm(s->loop, &s->t_next, 0);
}

bool ussd_service_busy(const struct ussd_service *s)
{
	return s && s->job != US_IDLE;
}

void ussd_service_get_stats(const struct ussd_service *s, struct ussd_service_stats *out)
{
	memset(out, 0, sizeof *out);
	if (s)
		*out = s->stats;
}

static void us_credit_result(struct ussd_service *s, const struct ussd_result *r)
{
	bool reply = r->kind == USSD_RES_DONE || r->kind == USSD_RES_MORE;
	if (r->kind == USSD_RES_MORE && s->ops.cancel)
		s->ops.cancel(s->ops.ctx);	/* a balance code that opens a menu */
	struct credit_outcome out;
	if (credit_check_record(s->cc, s->store, reply ? r->text : NULL, reply ? (int)r->status : -1,
				us_now(s), &out) < 0) {
		log_err("ussd: storing the credit reading failed: %s", store_errmsg(s->store));
		return;
	}
	s->stats.alerts += (unsigned long)out.alerts_queued;
	if (out.has_balance)
		log_info("ussd: balance %.0f%s", out.balance,
			 out.event == CREDIT_ALARM_LOW ? " (below the threshold: staff alerted)" : "");
	else
		log_warn("ussd: credit check gave no figure (%s)", ussd_result_name(r->kind));
}

static void us_request_result(struct ussd_service *s, const struct ussd_result *r)
{
	char text[320];
	ussd_cmd_reply(s->req.logged, r, text, sizeof text);
	int64_t now = us_now(s);
	if (store_begin(s->store) < 0)
		goto fail;
	/* The reply is keyed to the staff member's SMS: queued once. */
	if (store_outbox_queue(s->store, s->req.phone, text, s->req.origin_msg_id, "ussd", now) < 0 ||
	    store_ussd_request_done(s->store, s->req.id, ussd_result_name(r->kind), now) < 0) {
		store_rollback(s->store);
		goto fail;
	}
	if (store_commit(s->store) < 0)
		goto fail;
	s->stats.replies++;
	return;
fail:
	log_err("ussd: storing the answer to request %lld failed: %s", (long long)s->req.id,
		store_errmsg(s->store));
}

void ussd_service_on_result(struct ussd_service *s, const struct ussd_result *r)
{
	if (!s || s->job == US_IDLE)
		return;
	loop_timer_stop(s->loop, &s->t_guard);
	enum us_job job = s->job;
	s->job = US_IDLE;
	if (job == US_CREDIT) {
		/* A reload that turned the checks off while one was running:
		 * the reading has nowhere to go. */
		if (s->cc) {
			us_log(s, "", credit_check_code(s->cc), r);
			us_credit_result(s, r);
		}
	} else {
		us_log(s, s->req.phone, s->req.logged, r);
		us_request_result(s, r);
	}
	loop_timer_arm(s->loop, &s->t_next, 0);
}
