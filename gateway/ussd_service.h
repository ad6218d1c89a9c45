/* ussd_service.h: the USSD work of the daemon besides the HTTP menu (H2):
 * the scheduled credit check of the gateway's SIM and the staff commands
 * queued by dispatch (USSD *101#, USSD 1, USSD HUY, NAP <card>), run one at
 * a time through the modem. It owns the schedule, the queue and what
 * happens to each answer (credit_check_record, a reply SMS to the staff
 * member keyed to their message, the USSD log); the modem driver owns the
 * exchange itself (ussd_sm) and is reached through ops.
 *
 * Wiring (core / tinbaod, H5):
 *   struct ussd_service_ops ops = { run, cancel, ready, now, ctx };
 *   svc = ussd_service_new(loop, store, conf, &ops);   conf: credit section
 *   the driver calls ussd_service_on_result(svc, &r) when ops.run finishes
 *   core calls ussd_service_kick(svc) after dispatch (a request may be queued)
 *   and when the modem becomes ready. */
#ifndef TINBAO_USSD_SERVICE_H
#define TINBAO_USSD_SERVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "modem/ussd_sm.h"

struct loop;
struct store;
struct conf_credit;
struct ussd_service;

struct ussd_service_ops {
	/* Starts a session with code (answer false) or answers the open one
	 * (answer true). 0 when accepted: exactly one ussd_service_on_result
	 * follows. Negative: not now (the service tries again later). */
	int (*run)(void *ctx, const char *code, bool answer);
	/* Ends the open session (AT+CUSD=2); no result follows. */
	void (*cancel)(void *ctx);
	/* The modem can take a USSD request now. */
	bool (*ready)(void *ctx);
	/* Unix seconds; NULL: time(). */
	int64_t (*now)(void *ctx);
	void *ctx;
};

struct ussd_service_stats {
	unsigned long credit_checks, requests, replies, alerts;
};

/* credit may be NULL or disabled (no checks; staff commands still run).
 * Returns NULL on a bad credit pattern (logged) or out of memory. */
struct ussd_service *ussd_service_new(struct loop *loop, struct store *store,
				      const struct conf_credit *credit,
				      const struct ussd_service_ops *ops);
void ussd_service_free(struct ussd_service *s);	/* NULL-safe */

/* SIGHUP: the credit section of the new configuration; nothing of the old
 * one is looked at afterwards (it may be freed). NULL or disabled stops
 * the checks. -1 on a bad pattern (logged; checks stop too). */
int ussd_service_set_credit(struct ussd_service *s, const struct conf_credit *credit);
/* Look at the queue (and the schedule) soon. */
void ussd_service_kick(struct ussd_service *s);
/* The result of the last accepted ops->run. */
void ussd_service_on_result(struct ussd_service *s, const struct ussd_result *r);
bool ussd_service_busy(const struct ussd_service *s);
void ussd_service_get_stats(const struct ussd_service *s, struct ussd_service_stats *out);

#endif
