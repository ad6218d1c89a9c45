/* credit_check.h: the prepaid balance check of the gateway's own SIM (H2).
 * The pure parts are modem/credit.h (figure, alarm) and modem/ussd.h (the
 * +CUSD reply); this file ties them to the store: every reading is kept
 * with its raw reply (credit_readings), the alarm state survives restarts,
 * and crossing below the threshold queues exactly one alert per recipient
 * in the outbox, in the same transaction as the reading.
 *
 * The daemon (H5) drives it:
 *   credit_check_new(&cc, conf->credit, why, len)   when conf->credit->enabled
 *   a timer at credit_check_due_in(cc, store, now) seconds:
 *       send credit_check_code(cc) with AT+CUSD (ussd_format_request),
 *       then on the +CUSD reply (ussd_parse -> struct ussd_reply r):
 *           credit_check_record(cc, store, r.text, r.status, now, &out)
 *       or on an error / timeout with no reply:
 *           credit_check_record(cc, store, NULL, -1, now, &out)
 *   and re-arm the timer with credit_check_due_in(). */
#ifndef TINBAO_CREDIT_CHECK_H
#define TINBAO_CREDIT_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "modem/credit.h"

struct store;
struct conf_credit;
struct credit_check;

struct credit_outcome {
	int64_t reading_id;
	bool has_balance;
	double balance;
	enum credit_alarm_event event;
	int alerts_queued;	/* outbox rows added (0 unless event is LOW) */
};

/* conf is borrowed and must outlive cc. -1 with why on a bad pattern. */
int credit_check_new(struct credit_check **out, const struct conf_credit *conf, char *why,
		     size_t whylen);
void credit_check_free(struct credit_check *cc);	/* NULL-safe */

const char *credit_check_code(const struct credit_check *cc);	/* "*101#" */

/* Seconds until the next check: 0 when none was ever made or one is
 * overdue, else what is left of `every` since the newest reading. */
int64_t credit_check_due_in(const struct credit_check *cc, struct store *s, int64_t now);

/* Stores one reading (reply NULL / status -1: no answer) and alerts on a
 * crossing. 0 or negative (enum store_err; nothing stored then). */
int credit_check_record(struct credit_check *cc, struct store *s, const char *reply, int status,
			int64_t now, struct credit_outcome *out);

/* The alert text for a balance (ASCII, one SMS). */
void credit_check_alert_text(double balance, double threshold, char *out, size_t outlen);

#endif
